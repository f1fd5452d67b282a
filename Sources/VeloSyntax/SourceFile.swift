// A rule file's text and the one place where byte offsets become lines and columns.
//
// Everything downstream of the lexer speaks in `Span`s (byte offset + length); only the
// diagnostic renderer asks a `SourceFile` for line and column, so locations are cheap to
// carry and never go stale.

/// A byte range in one source file.
public struct Span: Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var length: Int

    public init(start: Int, length: Int) {
        self.start = start
        self.length = max(0, length)
    }

    public var end: Int { start + length }

    /// The smallest span covering both.
    public func through(_ other: Span) -> Span {
        let s = min(start, other.start)
        return Span(start: s, length: max(end, other.end) - s)
    }

    public var description: String { "\(start)+\(length)" }
}

/// A source text with a precomputed line index.
public final class SourceFile: Sendable {
    public let path: String
    public let text: String
    public let bytes: [UInt8]
    /// Byte offset at which each line starts; line 1 starts at 0.
    let lineStarts: [Int]
    /// No byte above 0x7F: a column is a byte offset within the line (found in constant time).
    let isASCII: Bool

    public init(path: String, text: String) {
        self.path = path
        // A carriage return not followed by a line feed ends a line too (old Mac line ends):
        // read as a line feed, byte for byte, so offsets stay those of the file.
        var bytes = Array(text.utf8)
        if let cr = bytes.firstIndex(of: UInt8(ascii: "\r")) {
            for i in cr..<bytes.count where bytes[i] == UInt8(ascii: "\r") && (i + 1 == bytes.count || bytes[i + 1] != UInt8(ascii: "\n")) {
                bytes[i] = UInt8(ascii: "\n")
            }
            self.text = String(decoding: bytes, as: UTF8.self)
        } else {
            self.text = text
        }
        self.bytes = bytes
        self.isASCII = bytes.allSatisfy { $0 < 0x80 }
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// 1-based line and column (columns count Unicode scalars, so a caret lines up under the character).
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let clamped = min(max(0, offset), bytes.count)
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= clamped { lo = mid } else { hi = mid - 1 }
        }
        let start = lineStarts[lo]
        let column = (isASCII ? clamped - start : scalarCount(from: start, to: clamped)) + 1
        return (lo + 1, column)
    }

    /// The byte range of a 1-based line without its line break (and a CR before it).
    func lineRange(_ line: Int) -> (start: Int, end: Int) {
        guard line >= 1, line <= lineStarts.count else { return (bytes.count, bytes.count) }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return (start, max(start, end))
    }

    /// The text of a 1-based line without its line break.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    public var lineCount: Int { lineStarts.count }

    /// The source text a span covers.
    public func text(of span: Span) -> String {
        let s = min(max(0, span.start), bytes.count)
        let e = min(max(s, span.end), bytes.count)
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    func scalarCount(from: Int, to: Int) -> Int {
        var n = 0
        var i = from
        while i < to {
            // Count lead bytes only: continuation bytes are 10xxxxxx.
            if bytes[i] & 0xC0 != 0x80 { n += 1 }
            i += 1
        }
        return n
    }
}
