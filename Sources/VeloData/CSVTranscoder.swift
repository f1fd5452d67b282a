// Rewrites a CSV file of any dialect into the plain form the fast reader reads: UTF-8,
// comma-separated, LF line ends, ISO dates, numbers with a decimal point, a header of the
// program's names with only the columns the source selects.
//
// Why a rewrite rather than a second parser: the fast reader (ChunkParser) is the hot path of
// every load and is tuned for one format; a dialect costs one extra pass over the bytes here,
// and everything after (typing, interning, appends, errors) stays one code path. Line
// structure is kept — each raw line break gives one output line break, skipped lines become
// blank lines (which the reader skips) — so an error the plain reader finds on output line N
// is on line N - `lineOffset` of the file; columns map back through `columns`.
//
// Values the rewrite reads itself (numbers and dates of a declared or enforced type) are
// checked here, against the original text, with the file's line and column.

/// One column the output holds: where it is in the file, and what the program calls it.
struct TranscodedColumn: Sendable, Equatable {
    /// The 0-based field index in the file.
    var rawIndex: Int
    var name: String
}

struct CSVTranscoder {
    enum Mode {
        /// The input starts at the file's start: skipped lines, the header (if any), rows.
        case whole
        /// The input is rows only (appended after an earlier read), with these columns of a
        /// row of `fieldCount` fields.
        case tail(columns: [TranscodedColumn], fieldCount: Int)
    }

    struct Output {
        var bytes: [UInt8]
        /// The offset in the input just past the last complete row taken.
        var consumed: Int
        /// The file's header names (the listed names for a file without a header).
        var available: [String]
        var columns: [TranscodedColumn]
        /// Output line = file line + lineOffset (1 when a header was made up).
        var lineOffset: Int
        /// Rows written.
        var rowCount: Int
    }

    let dialect: CSVDialect   // with its delimiter resolved
    let settings: SourceSettings
    let options: ReadOptions
    let path: String

    func plan(for column: TranscodedColumn) -> ValuePlan {
        ValuePlan(column: column.name, dialect: dialect, settings: settings, options: options)
    }

    // MARK: The pass

    func run(_ base: UnsafePointer<UInt8>, count: Int, isWhole: Bool, mode: Mode) throws(DataError) -> Output {
        let delimiter = dialect.delimiter ?? ASCII.comma
        var out: [UInt8] = []
        out.reserveCapacity(count + count / 8 + 64)
        var p = 0
        var line = 1
        var lineOffset = 0
        var available: [String] = []
        var columns: [TranscodedColumn] = []
        var fieldCount = 0
        var fields: [Range<Int>] = []
        var quoted: [Bool] = []
        var scratch: [UInt8] = []

        /// Past the line end at `q` (LF, CRLF or CR); returns whether there was one.
        func passLineEnd(_ q: inout Int) -> Bool {
            guard q < count else { return false }
            if base[q] == ASCII.lf { q += 1; return true }
            if base[q] == ASCII.cr { q += (q + 1 < count && base[q + 1] == ASCII.lf) ? 2 : 1; return true }
            return false
        }
        /// Skips to the next line, not looking at quotes; false when the line does not end
        /// within the input (and the input may continue).
        func skipLine(_ q: inout Int) -> Bool {
            while q < count && base[q] != ASCII.lf && base[q] != ASCII.cr { q += 1 }
            if q == count { return isWhole }
            _ = passLineEnd(&q)
            return true
        }

        /// Reads one record at `q` into `fields`; nil when it is incomplete (the input ends
        /// inside it and may continue), else the number of line breaks it holds.
        func record(_ q: inout Int) throws(DataError) -> Int? {
            fields.removeAll(keepingCapacity: true)
            quoted.removeAll(keepingCapacity: true)
            var breaks = 0
            let startLine = line
            while true {
                if q < count && base[q] == ASCII.quote {
                    let open = q
                    q += 1
                    while true {
                        guard q < count else {
                            if !isWhole { return nil }
                            throw DataError(path: path, line: startLine, column: fields.count + 1,
                                            message: "unterminated quoted field: the closing quote is missing", kind: .badRow)
                        }
                        let b = base[q]
                        if b == ASCII.quote {
                            if q + 1 < count && base[q + 1] == ASCII.quote { q += 2; continue }
                            if q + 1 == count && !isWhole { return nil }
                            break
                        }
                        if b == ASCII.lf { breaks += 1 } else if b == ASCII.cr && !(q + 1 < count && base[q + 1] == ASCII.lf) { breaks += 1 }
                        q += 1
                    }
                    fields.append((open + 1)..<q)
                    quoted.append(true)
                    q += 1
                    var r = q
                    while r < count && (base[r] == ASCII.space || base[r] == ASCII.tab) && base[r] != delimiter { r += 1 }
                    if r < count && base[r] != delimiter && base[r] != ASCII.lf && base[r] != ASCII.cr {
                        var e = r
                        while e < count && e - r < 20 && base[e] != delimiter && base[e] != ASCII.lf && base[e] != ASCII.cr { e += 1 }
                        let stray = String(decoding: UnsafeBufferPointer(start: base + r, count: e - r), as: UTF8.self)
                        throw DataError(path: path, line: startLine, column: fields.count,
                                        message: "expected \(CSVTranscoder.delimiterName(delimiter)) or a line end after the closing quote, found \(Messages.quoted(stray))",
                                        kind: .badRow)
                    }
                    q = r
                } else {
                    let s = q
                    while q < count && base[q] != delimiter && base[q] != ASCII.lf && base[q] != ASCII.cr { q += 1 }
                    fields.append(s..<q)
                    quoted.append(false)
                }
                if q == count {
                    if !isWhole { return nil }
                    return breaks
                }
                if base[q] == delimiter { q += 1; continue }
                if base[q] == ASCII.cr && q + 1 == count && !isWhole { return nil }   // CR, LF may follow
                _ = passLineEnd(&q)
                return breaks + 1
            }
        }

        func decodeField(_ i: Int) -> [UInt8] {
            let r = fields[i]
            scratch.removeAll(keepingCapacity: true)
            var k = r.lowerBound
            while k < r.upperBound {
                let b = base[k]
                if quoted[i] && b == ASCII.quote { scratch.append(b); k += 2; continue }   // "" -> "
                if b < 0x80 || dialect.encoding == .utf8 {
                    scratch.append(b)
                } else {
                    let scalar: UInt32 = dialect.encoding == .windows1252 && b < 0xA0 ? CSVTranscoder.cp1252[Int(b - 0x80)] : UInt32(b)
                    appendUTF8(scalar, to: &scratch)
                }
                k += 1
            }
            return scratch
        }

        // Lines before the header.
        if case .whole = mode {
            if dialect.encoding == .utf8 && count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { p = 3 }
            for _ in 0..<dialect.skip where p < count {
                guard skipLine(&p) else { return Output(bytes: [], consumed: 0, available: [], columns: [], lineOffset: 0, rowCount: 0) }
                out.append(ASCII.lf)
                line += 1
            }
        }

        func skippable(_ q: Int) -> Bool {
            if q < count && (base[q] == ASCII.lf || base[q] == ASCII.cr) { return true }
            if let c = dialect.comment, q + c.count <= count {
                for k in 0..<c.count where base[q + k] != c[k] { return false }
                return true
            }
            return false
        }

        switch mode {
        case .tail(let cs, let n):
            columns = cs
            fieldCount = n
            available = []
        case .whole:
            if dialect.header {
                while p < count && skippable(p) {
                    guard skipLine(&p) else { return Output(bytes: [], consumed: 0, available: [], columns: [], lineOffset: 0, rowCount: 0) }
                    out.append(ASCII.lf)
                    line += 1
                }
                if p == count {
                    if isWhole { throw DataError(path: path, line: 0, message: Messages.emptyFile, kind: .empty) }
                    return Output(bytes: [], consumed: 0, available: [], columns: [], lineOffset: 0, rowCount: 0)
                }
                let headerLine = line
                guard let breaks = try record(&p) else {
                    return Output(bytes: [], consumed: 0, available: [], columns: [], lineOffset: 0, rowCount: 0)
                }
                var index: [String: Int] = [:]
                for i in fields.indices {
                    let bytes = decodeField(i)
                    if let bad = UTF8Check.firstInvalidByte(bytes, bytes.count) {
                        throw DataError(path: path, line: headerLine, column: i + 1,
                                        message: Messages.invalidUTF8InHeader(byte: bad) + CSVTranscoder.encodingHint, kind: .badHeader)
                    }
                    let name = String(decoding: bytes, as: UTF8.self).trimmingSpaces
                    if name.isEmpty {
                        throw DataError(path: path, line: headerLine, column: i + 1, message: Messages.emptyHeaderName(index: i + 1), kind: .badHeader)
                    }
                    if let first = index[name] {
                        throw DataError(path: path, line: headerLine, column: i + 1, columnName: name,
                                        message: Messages.duplicateHeaderName(name, first: first + 1, second: i + 1), kind: .badHeader)
                    }
                    index[name] = i
                    available.append(name)
                }
                fieldCount = fields.count
                if settings.selectsColumns {
                    for spec in settings.columns {
                        if let i = index[spec.sourceName] { columns.append(TranscodedColumn(rawIndex: i, name: spec.name)) }
                    }
                } else {
                    let renamed = Dictionary(settings.columns.compactMap { s in s.header.map { ($0, s.name) } }, uniquingKeysWith: { a, _ in a })
                    columns = available.enumerated().map { TranscodedColumn(rawIndex: $0.offset, name: renamed[$0.element] ?? $0.element) }
                }
                line += breaks
                writeHeader(columns, into: &out)
                out.append(ASCII.lf)   // line breaks inside quoted names stay inside them
            } else {
                available = settings.columns.map(\.name)
                columns = available.enumerated().map { TranscodedColumn(rawIndex: $0.offset, name: $0.element) }
                fieldCount = columns.count
                writeHeader(columns, into: &out)
                out.append(ASCII.lf)
                lineOffset = 1
            }
        }

        let plans = columns.map { plan(for: $0) }
        var consumed = p
        var rowStarts: [Int] = []     // output offsets of the rows, for the trailer
        var rowLines: [Int] = []
        var rowCount = 0
        while p < count {
            if skippable(p) {
                var q = p
                guard skipLine(&q) else { break }
                p = q
                out.append(ASCII.lf)
                line += 1
                consumed = p
                continue
            }
            let rowLine = line
            var q = p
            guard let breaks = try record(&q) else { break }
            if fields.count != fieldCount {
                throw DataError(path: path, line: rowLine,
                                message: Messages.fieldCount(found: fields.count, header: fieldCount), kind: .badRow)
            }
            if dialect.trailer > 0 { rowStarts.append(out.count); rowLines.append(breaks) }
            for (k, column) in columns.enumerated() {
                if k > 0 { out.append(ASCII.comma) }
                let value = decodeField(column.rawIndex)
                try write(value, plan: plans[k], column: column, line: rowLine, into: &out)
            }
            out.append(ASCII.lf)   // line breaks inside a quoted field stay inside it
            line += breaks
            p = q
            consumed = p
            rowCount += 1
        }
        if dialect.trailer > 0 && !rowStarts.isEmpty {
            let drop = min(dialect.trailer, rowStarts.count)
            let cut = rowStarts[rowStarts.count - drop]
            let lines = rowLines.suffix(drop).reduce(0) { $0 + max(1, $1) }
            out.removeSubrange(cut...)
            out.append(contentsOf: repeatElement(ASCII.lf, count: lines))
            rowCount -= drop
        }
        return Output(bytes: out, consumed: consumed, available: available, columns: columns, lineOffset: lineOffset, rowCount: rowCount)
    }

    private func writeHeader(_ columns: [TranscodedColumn], into out: inout [UInt8]) {
        for (k, c) in columns.enumerated() {
            if k > 0 { out.append(ASCII.comma) }
            CSVTranscoder.writeField(Array(c.name.utf8), into: &out)
        }
    }

    private func write(_ value: [UInt8], plan: ValuePlan, column: TranscodedColumn, line: Int, into out: inout [UInt8]) throws(DataError) {
        if case .text = plan { CSVTranscoder.writeField(value, into: &out); return }
        let values = DialectValues(dialect)
        let capacity = DialectValues.capacity(for: value.count)
        let rewritten = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { rewritten.deallocate() }
        let written: Int?
        do throws(ValueRewriteFailure) {
            written = try value.withUnsafeBufferPointer { b throws(ValueRewriteFailure) -> Int? in
                try values.rewrite(b.baseAddress ?? UnsafePointer(rewritten), b.count, plan: plan, into: rewritten)
            }
        } catch {
            throw DataError(path: path, line: line, column: column.rawIndex + 1, columnName: column.name,
                            message: error.message(column: column.name, found: String(decoding: value, as: UTF8.self)),
                            kind: .badValue)
        }
        if let written {
            out.append(contentsOf: UnsafeBufferPointer(start: rewritten, count: written))
        } else {
            CSVTranscoder.writeField(value, into: &out)
        }
    }

    static func writeField(_ v: [UInt8], into out: inout [UInt8]) {
        if !v.contains(where: { $0 == ASCII.comma || $0 == ASCII.quote || $0 == ASCII.lf || $0 == ASCII.cr }) {
            out.append(contentsOf: v)
            return
        }
        out.append(ASCII.quote)
        for b in v {
            if b == ASCII.quote { out.append(ASCII.quote) }
            out.append(b)
        }
        out.append(ASCII.quote)
    }

    static func delimiterName(_ d: UInt8) -> String {
        switch d {
        case ASCII.tab: return "a tab"
        case ASCII.comma: return "a comma"
        default: return "`\(String(UnicodeScalar(d)))`"
        }
    }

    static let encodingHint = " (if the file is not UTF-8, declare its encoding, e.g. `encoding: \"windows-1252\"`)"

    /// Windows-1252 0x80…0x9F (undefined bytes as in Latin-1).
    static let cp1252: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}

private func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
    if s < 0x80 {
        out.append(UInt8(s))
    } else if s < 0x800 {
        out.append(UInt8(0xC0 | (s >> 6))); out.append(UInt8(0x80 | (s & 0x3F)))
    } else {
        out.append(UInt8(0xE0 | (s >> 12))); out.append(UInt8(0x80 | ((s >> 6) & 0x3F))); out.append(UInt8(0x80 | (s & 0x3F)))
    }
}

extension ASCII {
    static let commaByte = UInt8(ascii: ",")
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

extension UTF8Check {
    static func firstInvalidByte(_ bytes: [UInt8], _ n: Int) -> UInt8? {
        bytes.withUnsafeBufferPointer { b in b.baseAddress.flatMap { firstInvalidByte($0, n) } }
    }
}
