// A CSV source with its declaration's settings: a dialect (separator, decimal mark, dates,
// encoding, header, comment and trailer lines), header names mapped to program names, and
// the columns selected. A plain file (the defaults, nothing mapped) is read by the fast
// reader as it is; a UTF-8 file with a header row, in any separator, decimal mark and date
// formats, also, each field rewritten as it is read (`DirectDialect`). Only what the row
// parser does not read (another encoding, CR-only line ends, a file without a header,
// comment, skipped or trailer lines) is rewritten to the plain form first (CSVTranscoder).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How a reader reads one aspect of a source, and whether it was declared, guessed or the
/// default — for `velo check --verbose` and the REPL's `tables`.
public struct SourceGuess: Sendable, Equatable {
    public enum How: String, Sendable { case declared, guessed, byDefault = "default" }
    public var what: String
    public var value: String
    public var how: How

    public init(what: String, value: String, how: How) {
        self.what = what
        self.value = value
        self.how = how
    }

    /// "delimiter `;` (guessed)".
    public var shown: String { "\(what) \(value) (\(how.rawValue))" }
}

public struct DialectCSVReader: SourceReader {
    public let path: String
    public let settings: SourceSettings
    /// False: every dialect file is transcoded first (tests compare the two ways).
    var readsDirectly = true

    public init(path: String, settings: SourceSettings) {
        self.path = path
        self.settings = settings
    }

    public var label: String { path }

    /// The dialect, its delimiter guessed from the first line when not declared, and whether
    /// lines end in CR alone.
    func resolved() throws(DataError) -> (dialect: CSVDialect, guessedDelimiter: Bool, crOnly: Bool) {
        var dialect = CSVDialect(settings)
        let (bytes, _) = try FileBytes.readPrefix(path: path, limit: 1 << 16)
        defer { bytes.release() }
        let base = bytes.base, count = bytes.count
        var crOnly = false
        if memchr(base, Int32(ASCII.lf), count) == nil, memchr(base, Int32(ASCII.cr), count) != nil { crOnly = true }
        var guessed = false
        if dialect.delimiter == nil {
            guessed = true
            // The first line that is not skipped, blank or a comment: the separator it has most
            // of, outside quotes.
            var p = 0
            if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { p = 3 }
            var lineNo = 0
            var counts: [UInt8: Int] = [:]
            while p < count {
                var q = p
                var inQuotes = false
                var local: [UInt8: Int] = [:]
                while q < count && (inQuotes || (base[q] != ASCII.lf && base[q] != ASCII.cr)) {
                    let b = base[q]
                    if b == ASCII.quote { inQuotes.toggle() } else if !inQuotes, [ASCII.comma, UInt8(ascii: ";"), ASCII.tab, UInt8(ascii: "|")].contains(b) { local[b, default: 0] += 1 }
                    q += 1
                }
                let isComment = dialect.comment.map { c in q - p >= c.count && (0..<c.count).allSatisfy { base[p + $0] == c[$0] } } ?? false
                if lineNo >= dialect.skip && q > p && !isComment { counts = local; break }
                lineNo += 1
                p = q
                if p < count && base[p] == ASCII.cr { p += 1 }
                if p < count && base[p] == ASCII.lf { p += 1 }
            }
            let best = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }
            dialect.delimiter = best.map(\.key) ?? ASCII.comma
        }
        return (dialect, guessed, crOnly)
    }

    /// Whether the fast reader can read the file as it is.
    private func isPlain(_ r: (dialect: CSVDialect, guessedDelimiter: Bool, crOnly: Bool)) -> Bool {
        r.dialect.isPlain && !r.crOnly && !settings.selectsColumns
            && settings.columns.allSatisfy { $0.header == nil && $0.dateFormat == nil }
    }

    private var plain: CSVFileReader { CSVFileReader(path: path) }

    /// How the row parser reads the file as it is, when it can.
    private func direct(_ r: (dialect: CSVDialect, guessedDelimiter: Bool, crOnly: Bool)) -> DirectDialect? {
        let d = r.dialect
        guard readsDirectly, d.encoding == .utf8, d.header, d.comment == nil, d.skip == 0, d.trailer == 0, !r.crOnly else { return nil }
        return DirectDialect(dialect: d, settings: settings)
    }

    func transcoder(_ dialect: CSVDialect, _ options: ReadOptions) -> CSVTranscoder {
        CSVTranscoder(dialect: dialect, settings: settings, options: options, path: path)
    }

    public func schema(options: ReadOptions) throws(DataError) -> DataSchema {
        let r = try resolved()
        if isPlain(r) {
            var schema = try plain.schema(options: options)
            schema.available = schema.columns.map(\.name)
            return schema
        }
        if let direct = direct(r) {
            var limit = 1 << 20
            while true {
                let (bytes, isWhole) = try FileBytes.readPrefix(path: path, limit: limit)
                let schema = try CSVReader.sampleSchema(bytes.base, count: bytes.count, isWholeInput: isWhole, path: path,
                                                        options: options, sampleRows: 1000, direct: direct)
                bytes.release()
                if let schema { return schema }
                limit = limit > Int.max / 4 ? Int.max : limit * 4
            }
        }
        var limit = 1 << 20
        while true {
            let (bytes, isWhole) = try FileBytes.readPrefix(path: path, limit: limit)
            let out = try transcoder(r.dialect, options).run(bytes.base, count: bytes.count, isWhole: isWhole, mode: .whole)
            bytes.release()
            if out.rowCount >= 1000 || isWhole, !out.bytes.isEmpty {
                let schema = try remap(out, lineBase: 0) { () throws(DataError) -> DataSchema? in
                    try out.bytes.withUnsafeBufferPointer { b throws(DataError) -> DataSchema? in
                        try CSVReader.sampleSchema(b.baseAddress!, count: b.count, isWholeInput: true, path: path,
                                                   options: options, sampleRows: 1000)
                    }
                }
                if var schema {
                    schema.available = out.available
                    return schema
                }
            }
            if isWhole { throw DataError(path: path, line: 0, message: Messages.emptyFile, kind: .empty) }
            limit = limit > Int.max / 4 ? Int.max : limit * 4
        }
    }

    public func read(options: ReadOptions, interner: Interner) throws(DataError) -> SourceRead {
        let r = try resolved()
        if isPlain(r) { return try plain.read(options: options, interner: interner) }
        if let direct = direct(r) {
            var table = try CSVReader.load(path: path, direct: direct, options: options, interner: interner)
            if let window = options.window { table = CSVReader.keeping(window, of: [table]) }
            return SourceRead(table: table, cursor: plain.cursor(at: table.byteLength))
        }
        let bytes = try FileBytes.read(path: path)
        let out = try transcoder(r.dialect, options).run(bytes.base, count: bytes.count, isWhole: true, mode: .whole)
        bytes.release()
        var table = try remap(out, lineBase: 0) { () throws(DataError) -> DataTable in
            try out.bytes.withUnsafeBufferPointer { b throws(DataError) -> DataTable in
                try CSVReader.parse(bytes: UnsafeRawBufferPointer(b), path: path, options: options, interner: interner)
            }
        }
        if let window = options.window { table = CSVReader.keeping(window, of: [table]) }
        return SourceRead(table: table, cursor: plain.cursor(at: out.consumed))
    }

    public func changes(since cursor: SourceCursor, schema: DataSchema, options: ReadOptions, interner: Interner,
                        appends: Bool) throws(DataError) -> SourceChange {
        let r = try resolved()
        if isPlain(r) {
            return try plain.changes(since: cursor, schema: schema, options: options, interner: interner, appends: appends)
        }
        func replaced() throws(DataError) -> SourceChange {
            let all = try read(options: options, interner: interner)
            return .replaced(all.table, all.cursor)
        }
        // Rows after a trailer are not appended rows: such a file is re-read whole.
        guard appends, r.dialect.trailer == 0 else { return try replaced() }
        let size = try FileProbe.size(of: path)
        let start = cursor.position - cursor.fingerprint.count
        guard size >= cursor.position, FileProbe.bytes(of: path, in: start..<cursor.position) == cursor.fingerprint else {
            return try replaced()
        }
        if size == cursor.position { return .none }
        if cursor.lastRowOpen { return try replaced() }
        // The header as it is now: the same columns, or the file was rewritten.
        let (head, headWhole) = try FileBytes.readPrefix(path: path, limit: cursor.position)
        let headOut = try transcoder(r.dialect, ReadOptions(textColumns: Set(schema.columns.map(\.name))))
            .run(head.base, count: head.count, isWhole: headWhole, mode: .whole)
        head.release()
        guard headOut.columns.map(\.name) == schema.columns.map(\.name) else { return try replaced() }
        let fieldCount = r.dialect.header ? headOut.available.count : headOut.columns.count
        let tail = try FileBytes.read(path: path, from: cursor.position)
        var enforced = options
        for c in schema.columns { enforced.declaredTypes[c.name] = c.type }
        var out: CSVTranscoder.Output
        do throws(DataError) {
            out = try transcoder(r.dialect, enforced).run(tail.base, count: tail.count, isWhole: false,
                                                          mode: .tail(columns: headOut.columns, fieldCount: fieldCount))
        } catch {
            throw try shifted(error, by: linesBefore(cursor.position))
        }
        tail.release()
        if out.rowCount == 0 && out.consumed == 0 { return .none }
        // The rows alone, under the header of program names.
        var canonical: [UInt8] = []
        for (k, c) in headOut.columns.enumerated() {
            if k > 0 { canonical.append(ASCII.comma) }
            CSVTranscoder.writeField(Array(c.name.utf8), into: &canonical)
        }
        canonical.append(ASCII.lf)
        canonical.append(contentsOf: out.bytes)
        out.bytes = canonical
        out.lineOffset = 1
        let before = cursor.position
        let more: DataTable
        do throws(DataError) {
            more = try remap(out, lineBase: 0) { () throws(DataError) -> DataTable in
                try out.bytes.withUnsafeBufferPointer { b throws(DataError) -> DataTable in
                    try CSVReader.parse(bytes: UnsafeRawBufferPointer(b), path: path, options: enforced, interner: interner)
                }
            }
        } catch {
            throw try shifted(error, by: linesBefore(before))
        }
        return .appended(more, plain.cursor(at: before + out.consumed))
    }

    public func describe(options: ReadOptions) -> [SourceGuess] {
        guard let r = try? resolved() else { return [] }
        let d = r.dialect
        func how(_ label: String) -> SourceGuess.How { settings.options[label] != nil ? .declared : .byDefault }
        var out: [SourceGuess] = []
        out.append(SourceGuess(what: "delimiter", value: CSVTranscoder.delimiterName(d.delimiter ?? ASCII.comma),
                               how: r.guessedDelimiter ? .guessed : .declared))
        out.append(SourceGuess(what: "line ends", value: r.crOnly ? "CR" : "LF or CRLF", how: .guessed))
        out.append(SourceGuess(what: "encoding", value: d.encoding.rawValue, how: how("encoding")))
        out.append(SourceGuess(what: "decimal mark", value: "\"\(String(UnicodeScalar(d.decimal)))\"", how: how("decimal")))
        if let t = d.thousands { out.append(SourceGuess(what: "thousands separator", value: "\"\(String(UnicodeScalar(t)))\"", how: .declared)) }
        out.append(SourceGuess(what: "dates", value: d.dates?.description ?? "yyyy-mm-dd", how: how("dates")))
        out.append(SourceGuess(what: "header row", value: d.header ? "yes" : "no", how: how("header")))
        for label in ["comment", "skip", "trailer"] where settings.options[label] != nil {
            out.append(SourceGuess(what: label, value: settings.options[label]!.shown, how: .declared))
        }
        return out
    }

    /// Whether anything about the file is not the plain default (declared or guessed).
    public var isPlainFile: Bool { (try? resolved()).map { isPlain($0) } ?? true }

    // MARK: Errors of the plain reader, placed in the file

    /// Runs `body` over transcoded output, mapping an error's line and column back to the file.
    private func remap<T>(_ out: CSVTranscoder.Output, lineBase: Int, _ body: () throws(DataError) -> T) throws(DataError) -> T {
        do {
            return try body()
        } catch {
            var e = error
            if e.line > 0 { e.line = max(1, e.line - out.lineOffset + lineBase) }
            if let c = e.column, c >= 1, c <= out.columns.count { e.column = out.columns[c - 1].rawIndex + 1 }
            if e.message.hasPrefix("expected UTF-8") { e.message += CSVTranscoder.encodingHint }
            throw e
        }
    }

    private func shifted(_ error: DataError, by lines: Int) throws(DataError) -> DataError {
        var e = error
        if e.line > 0 { e.line += lines }
        return e
    }

    /// The number of line ends (LF, CRLF, CR) in the first `end` bytes.
    private func linesBefore(_ end: Int) throws(DataError) -> Int {
        let (bytes, _) = try FileBytes.readPrefix(path: path, limit: end)
        defer { bytes.release() }
        var n = 0
        for i in 0..<bytes.count {
            if bytes.base[i] == ASCII.lf { n += 1 } else if bytes.base[i] == ASCII.cr && (i + 1 >= bytes.count || bytes.base[i + 1] != ASCII.lf) { n += 1 }
        }
        return n
    }
}

/// A dialect file the row parser reads as it is: its separator, and how each field is
/// rewritten to the plain form (DialectValues), under the names the source declares.
struct DirectDialect: Sendable {
    /// With its delimiter resolved.
    var dialect: CSVDialect
    var settings: SourceSettings

    var delimiter: UInt8 { dialect.delimiter ?? ASCII.comma }

    /// The row layout for a file with these header names, and the fields kept as the table's
    /// columns, in the source's order (the listed columns when it selects, else all).
    func layout(path: String, header: [String], options: ReadOptions) -> (RowLayout, [Int]) {
        var names = header
        var kept: [Int] = []
        if settings.selectsColumns {
            var index: [String: Int] = [:]
            for (i, name) in header.enumerated() where index[name] == nil { index[name] = i }
            for spec in settings.columns {
                if let i = index[spec.sourceName], !kept.contains(i) {
                    kept.append(i)
                    names[i] = spec.name
                }
            }
        } else {
            kept = Array(header.indices)
        }
        var layout = CSVReader.initialLayout(path: path, names: names, options: options)
        let isKept = Set(kept)
        for i in header.indices where !isKept.contains(i) {
            layout.kinds[i] = .unknown
            layout.enforced[i] = false
        }
        layout.delimiter = delimiter
        layout.values = DialectValues(dialect)
        let plans: [ValuePlan?] = header.indices.map {
            isKept.contains($0) ? ValuePlan(column: names[$0], dialect: dialect, settings: settings, options: options) : nil
        }
        // Nothing to rewrite and every field kept: the plain row loop.
        let rewritesNumbers = layout.values.rewritesNumbers
        let rewritesNothing = plans.allSatisfy { plan in
            switch plan {
            case nil: return false
            case .text?, .date(.none, _)?: return true
            case .number?, .guess(.none)?: return !rewritesNumbers
            case .date?, .guess?: return false
            }
        }
        if !rewritesNothing { layout.plans = plans }
        return (layout, kept)
    }
}
