// Splitting CSV bytes into fields and rows (RFC 4180), and reading the header row.
//
// Why its own file: the field grammar — quoted fields with commas, doubled quotes and line
// breaks inside, CRLF or LF line ends, blank lines skipped — is shared by the header reader,
// the row parser and the re-scans that recover a column's text, and must be identical in all
// of them. The tokenizer knows nothing of types; it hands out byte ranges.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The content of one field: unquoted and with doubled quotes collapsed.
struct FieldToken {
    /// Points into the input, or into the scratch buffer when the field had doubled quotes.
    var start: UnsafePointer<UInt8>
    var count: Int
}

/// Why a field could not be read.
enum TokenFailure: Error {
    /// A quoted field runs to the end of the region without its closing quote.
    case unterminatedQuote
    /// Something other than a comma or a line end follows a closing quote (at this offset).
    case textAfterQuote(at: Int)
}

/// A growable byte buffer for fields whose content must be copied (doubled quotes).
struct ScratchBuffer {
    private(set) var start: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        start = .allocate(capacity: capacity)
    }

    func deallocate() { start.deallocate() }

    mutating func removeAll() { count = 0 }

    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        if count + n > capacity {
            while count + n > capacity { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: start, count: count)
            start.deallocate()
            start = grown
        }
        (start + count).update(from: p, count: n)
        count += n
    }
}

/// Reads fields and row ends from `base[..<end]`. Offsets are absolute positions in the input.
struct CSVTokenizer {
    let base: UnsafePointer<UInt8>
    let end: Int
    /// The field separator: a comma, or a dialect's (`;`, a tab, `|`, …).
    let delimiter: UInt8

    init(base: UnsafePointer<UInt8>, end: Int, delimiter: UInt8 = ASCII.comma) {
        self.base = base
        self.end = end
        self.delimiter = delimiter
    }

    /// Reads the field starting at `p`, leaving `p` on its terminator (the delimiter, a line end, or `end`).
    @inline(__always)
    func field(at p: inout Int, scratch: inout ScratchBuffer) throws(TokenFailure) -> FieldToken {
        let s = p
        if s < end && base[s] == ASCII.quote { return try quotedField(at: &p, scratch: &scratch) }
        if delimiter != ASCII.comma { return delimitedField(at: &p) }
        var q = s
        // Eight bytes at a time: find the first byte below "-" (0x2D); only those can end a field.
        while q + 8 <= end {
            let x = ByteHash.load64(base + q)
            let below = (x &- 0x2D2D_2D2D_2D2D_2D2D) & ~x & 0x8080_8080_8080_8080
            if below == 0 {
                q += 8
                continue
            }
            q += below.trailingZeroBitCount >> 3
            let b = base[q]
            if b == ASCII.comma || b == ASCII.lf || (b == ASCII.cr && (q + 1 == end || base[q + 1] == ASCII.lf)) {
                p = q
                return FieldToken(start: base + s, count: q - s)
            }
            q += 1
        }
        while q < end {
            let b = base[q]
            if b > ASCII.comma {
                q += 1
                continue
            }
            if b == ASCII.comma || b == ASCII.lf { break }
            if b == ASCII.cr && (q + 1 == end || base[q + 1] == ASCII.lf) { break }
            q += 1
        }
        p = q
        return FieldToken(start: base + s, count: q - s)
    }

    /// An unquoted field ended by a delimiter other than the comma. Eight bytes at a time: a
    /// byte equal to the delimiter, or below 0x0E (only LF and CR there can end a field).
    @inline(__always)
    private func delimitedField(at p: inout Int) -> FieldToken {
        let s = p
        var q = s
        let splat = UInt64(delimiter) &* 0x0101_0101_0101_0101
        while q + 8 <= end {
            let x = ByteHash.load64(base + q)
            let y = x ^ splat   // a zero byte where the delimiter is
            let hits = ((y &- 0x0101_0101_0101_0101) & ~y | (x &- 0x0E0E_0E0E_0E0E_0E0E) & ~x) & 0x8080_8080_8080_8080
            if hits == 0 {
                q += 8
                continue
            }
            q += hits.trailingZeroBitCount >> 3
            let b = base[q]
            if b == delimiter || b == ASCII.lf || (b == ASCII.cr && (q + 1 == end || base[q + 1] == ASCII.lf)) {
                p = q
                return FieldToken(start: base + s, count: q - s)
            }
            q += 1
        }
        while q < end {
            let b = base[q]
            if b == delimiter || b == ASCII.lf { break }
            if b == ASCII.cr && (q + 1 == end || base[q + 1] == ASCII.lf) { break }
            q += 1
        }
        p = q
        return FieldToken(start: base + s, count: q - s)
    }

    /// Moves past the terminator at `p`. Returns true when another field of the same row follows.
    @inline(__always)
    func passTerminator(_ p: inout Int) -> Bool {
        if p == end { return false }
        let b = base[p]
        if b == delimiter {
            p += 1
            return true
        }
        p += b == ASCII.cr && p + 1 < end ? 2 : 1   // "\r\n", "\n", or a lone "\r" at the very end
        return false
    }

    /// Moves `p` past empty lines.
    @inline(__always)
    func skipBlankLines(_ p: inout Int) {
        while p < end {
            let b = base[p]
            if b == ASCII.lf {
                p += 1
            } else if b == ASCII.cr && (p + 1 == end || base[p + 1] == ASCII.lf) {
                p += p + 1 == end ? 1 : 2
            } else {
                return
            }
        }
    }

    private func quotedField(at p: inout Int, scratch: inout ScratchBuffer) throws(TokenFailure) -> FieldToken {
        let open = p
        var q = open + 1
        var copied = false
        while true {
            guard q < end, let hit = memchr(base + q, Int32(ASCII.quote), end - q) else {
                throw .unterminatedQuote
            }
            let close = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            if close + 1 < end && base[close + 1] == ASCII.quote {
                if !copied {
                    scratch.removeAll()
                    copied = true
                }
                scratch.append(base + q, close + 1 - q)   // the text and one quote
                q = close + 2
                continue
            }
            var r = close + 1
            while r < end && (base[r] == ASCII.space || base[r] == ASCII.tab) && base[r] != delimiter { r += 1 }
            if r < end {
                let b = base[r]
                let isLineEnd = b == ASCII.lf || (b == ASCII.cr && (r + 1 == end || base[r + 1] == ASCII.lf))
                if b != delimiter && !isLineEnd { throw .textAfterQuote(at: r) }
            }
            p = r
            if copied {
                scratch.append(base + q, close - q)
                return FieldToken(start: UnsafePointer(scratch.start), count: scratch.count)
            }
            return FieldToken(start: base + open + 1, count: close - open - 1)
        }
    }

    /// The 1-based line of offset `offset` (1 + the line feeds before it).
    static func lineNumber(base: UnsafePointer<UInt8>, offset: Int) -> Int {
        var line = 1
        var q = 0
        while q < offset, let hit = memchr(base + q, Int32(ASCII.lf), offset - q) {
            line += 1
            q = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base + 1
        }
        return line
    }

    /// The text after a closing quote, for an error message: up to the next delimiter or line end.
    func strayText(at offset: Int) -> String {
        var q = offset
        while q < end && q - offset < 20 && base[q] != delimiter && base[q] != ASCII.lf && base[q] != ASCII.cr {
            q += 1
        }
        return String(decoding: UnsafeBufferPointer(start: base + offset, count: q - offset), as: UTF8.self)
    }
}

/// The header row of a CSV input.
struct CSVHeader {
    /// Column names, trimmed of surrounding spaces.
    var names: [String]
    /// The offset of the first byte after the header line.
    var dataStart: Int

    /// Reads the header of `base[..<count]`: skips a UTF-8 byte order mark and blank lines,
    /// then reads one row of names. Returns nil when `isWholeInput` is false and the bytes end
    /// before the header line does (the caller should read more).
    static func read(base: UnsafePointer<UInt8>, count: Int, isWholeInput: Bool, path: String,
                     delimiter: UInt8 = ASCII.comma) throws(DataError) -> CSVHeader? {
        let tokenizer = CSVTokenizer(base: base, end: count, delimiter: delimiter)
        var p = 0
        if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { p = 3 }
        tokenizer.skipBlankLines(&p)
        if p == count {
            if isWholeInput { throw DataError(path: path, line: 0, message: Messages.emptyFile, kind: .empty) }
            return nil
        }
        let line = CSVTokenizer.lineNumber(base: base, offset: p)
        var scratch = ScratchBuffer()
        defer { scratch.deallocate() }
        var names: [String] = []
        var firstIndex: [String: Int] = [:]
        while true {
            let token: FieldToken
            do {
                token = try tokenizer.field(at: &p, scratch: &scratch)
            } catch {
                guard isWholeInput else { return nil }
                switch error {
                case .unterminatedQuote:
                    throw DataError(path: path, line: line, column: names.count + 1,
                                    message: "unterminated quoted field in the header: the closing quote is missing", kind: .badHeader)
                case .textAfterQuote(let offset):
                    throw DataError(path: path, line: line, column: names.count + 1,
                                    message: "expected \(CSVTranscoder.delimiterName(delimiter)) or a line end after the closing quote in the header, found "
                                        + Messages.quoted(tokenizer.strayText(at: offset)), kind: .badHeader)
                }
            }
            let index = names.count + 1
            if let bad = UTF8Check.firstInvalidByte(token.start, token.count) {
                throw DataError(path: path, line: line, column: index, message: Messages.invalidUTF8InHeader(byte: bad), kind: .badHeader)
            }
            let (s, n) = FieldValue.trimmed(token.start, token.count)
            let name = String(decoding: UnsafeBufferPointer(start: s, count: n), as: UTF8.self)
            if name.isEmpty {
                throw DataError(path: path, line: line, column: index, message: Messages.emptyHeaderName(index: index), kind: .badHeader)
            }
            if let first = firstIndex[name] {
                throw DataError(path: path, line: line, column: index, columnName: name,
                                message: Messages.duplicateHeaderName(name, first: first, second: index), kind: .badHeader)
            }
            firstIndex[name] = index
            names.append(name)
            if p == count && !isWholeInput { return nil }
            if !tokenizer.passTerminator(&p) { break }
        }
        return CSVHeader(names: names, dataStart: p)
    }
}
