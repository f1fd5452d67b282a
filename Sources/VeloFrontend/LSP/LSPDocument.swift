// One open text document: its bytes, and the conversions between Velo's byte offsets
// (Spans) and the protocol's positions (0-based line, UTF-16 code units in the line).

import VeloSyntax

struct LSPPosition: Equatable, Sendable {
    var line: Int
    var character: Int

    var json: JSONValue { ["line": .int(line), "character": .int(character)] }

    init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    init?(_ v: JSONValue?) {
        guard let line = v?["line"]?.int, let character = v?["character"]?.int else { return nil }
        self.line = line
        self.character = character
    }
}

final class LSPDocument {
    let uri: String
    /// The file system path (CSV paths resolve next to it, `X.test.velo` finds `X.velo`).
    let path: String
    var version: Int
    private(set) var bytes: [UInt8]
    private(set) var lineStarts: [Int] = [0]
    /// Bumped on every edit.
    private(set) var generation = 0

    init(uri: String, text: String, version: Int) {
        self.uri = uri
        self.path = LSPDocument.path(fromURI: uri)
        self.version = version
        self.bytes = Array(text.utf8)
        reindex()
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
    var sourceFile: SourceFile { SourceFile(path: path, text: text) }
    var isTestFile: Bool { path.hasSuffix(".test.velo") }

    func replaceAll(_ text: String) {
        bytes = Array(text.utf8)
        reindex()
    }

    /// Applies one ranged change.
    func replace(from: LSPPosition, to: LSPPosition, with text: String) {
        var a = offset(of: from), b = offset(of: to)
        if b < a { swap(&a, &b) }
        bytes.replaceSubrange(a..<b, with: Array(text.utf8))
        reindex()
    }

    private func reindex() {
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStarts = starts
        generation += 1
    }

    /// The byte range of a 0-based line, without its line break.
    func lineRange(_ line: Int) -> Range<Int> {
        guard line >= 0, line < lineStarts.count else { return bytes.count..<bytes.count }
        let s = lineStarts[line]
        var e = line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : bytes.count
        if e > s, bytes[e - 1] == 0x0D { e -= 1 }
        return s..<e
    }

    /// Byte offset of a protocol position; past the end of a line is its end, past the last
    /// line the end of the text.
    func offset(of p: LSPPosition) -> Int {
        if p.line < 0 { return 0 }
        if p.line >= lineStarts.count { return bytes.count }
        let range = lineRange(p.line)
        var i = range.lowerBound
        var units = 0
        while i < range.upperBound, units < p.character {
            let (scalarLength, utf16) = LSPDocument.scalar(at: i, in: bytes)
            if units + utf16 > p.character { break }
            units += utf16
            i += scalarLength
        }
        return i
    }

    /// Protocol position of a byte offset.
    func position(of offset: Int) -> LSPPosition {
        let o = min(max(0, offset), bytes.count)
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= o { lo = mid } else { hi = mid - 1 }
        }
        var i = lineStarts[lo], units = 0
        while i < o {
            let (n, u) = LSPDocument.scalar(at: i, in: bytes)
            units += u
            i += n
        }
        return LSPPosition(line: lo, character: units)
    }

    func range(of span: Span) -> JSONValue {
        ["start": position(of: span.start).json, "end": position(of: span.end).json]
    }

    /// Byte length of the UTF-8 sequence at `i` and its UTF-16 length.
    static func scalar(at i: Int, in bytes: [UInt8]) -> (Int, Int) {
        let b = bytes[i]
        let n: Int
        switch b {
        case 0..<0x80: n = 1
        case 0xC0..<0xE0: n = 2
        case 0xE0..<0xF0: n = 3
        case 0xF0..<0xF8: n = 4
        default: n = 1
        }
        let length = min(n, bytes.count - i)
        return (length, n == 4 ? 2 : 1)
    }

    /// The text of the current line up to a byte offset.
    func linePrefix(before offset: Int) -> String {
        let p = position(of: offset)
        let s = lineStarts[p.line]
        return String(decoding: bytes[s..<offset], as: UTF8.self)
    }

    func lineText(_ line: Int) -> String { String(decoding: bytes[lineRange(line)], as: UTF8.self) }

    // MARK: - URIs

    /// `file:///a/b%20c.velo` -> `/a/b c.velo`; other schemes keep their last path component.
    static func path(fromURI uri: String) -> String {
        var rest = Substring(uri)
        if rest.hasPrefix("file://") {
            rest = rest.dropFirst("file://".count)
            // file://host/path: drop the host (usually empty or localhost).
            if !rest.hasPrefix("/"), let slash = rest.firstIndex(of: "/") { rest = rest[slash...] }
        } else if let colon = rest.firstIndex(of: ":") {
            rest = rest[rest.index(after: colon)...]
        }
        return percentDecoded(String(rest))
    }

    static func uri(fromPath path: String) -> String {
        var out = "file://"
        for b in path.utf8 {
            let c = Character(Unicode.Scalar(b))
            if (b < 0x80) && (c.isLetter || c.isNumber || "/-_.~".contains(c)) { out.append(c) }
            else { out += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }
        }
        return out
    }

    static func percentDecoded(_ s: String) -> String {
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let v = UInt8(String(decoding: b[i + 1...i + 2], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
