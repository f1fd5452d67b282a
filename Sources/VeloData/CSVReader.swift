// The public entry points: read a CSV file's schema, load it, parse bytes, load appended rows.
//
// Why a thin layer: each entry point only decides where the bytes come from (a prefix of the
// file, the whole file, caller memory, the tail after an offset) and which column
// kinds to start from (declared, key text, inferred, or those of an earlier load); the header
// reader, row parser and assembler do the work the same way for all of them.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads CSV files (RFC 4180, UTF-8, header row required) into typed columnar tables.
///
/// Field rules: a field may be quoted (`"a, ""b"""`, line breaks allowed inside); lines may end
/// in LF or CRLF; a UTF-8 byte order mark and blank lines are skipped. An empty field is a
/// missing value. Numbers, dates (`YYYY-MM-DD`) and booleans (`true`/`false`, any case)
/// tolerate surrounding spaces; text is kept exactly.
public enum CSVReader {
    /// Reads the header and infers column types from (up to) the first `sampleRows` data rows,
    /// for static checking before loading. Only as much of the file as needed is read.
    /// The sampled rows are checked like a load checks them.
    public static func readSchema(path: String, options: CSVOptions, sampleRows: Int = 1000) throws(DataError) -> DataSchema {
        var limit = 1 << 20
        while true {
            let (bytes, isWhole) = try FileBytes.readPrefix(path: path, limit: limit)
            let schema = try sampleSchema(bytes.base, count: bytes.count, isWholeInput: isWhole, path: path,
                                          options: options, sampleRows: max(sampleRows, 0))
            bytes.release()   // (also keeps `bytes` alive until here)
            if let schema { return schema }
            limit = limit > Int.max / 4 ? Int.max : limit * 4
        }
    }

    /// Loads a whole file. Declared types are enforced; `textColumns` are text; every other
    /// column's type is inferred from all its non-empty values: bool if all are true/false,
    /// date if all are `YYYY-MM-DD`, number if all are numbers, else text (a column with no
    /// values is text). Nothing is returned unless the whole file is valid.
    public static func load(path: String, options: CSVOptions, interner: Interner) throws(DataError) -> DataTable {
        if let window = options.window { return try load(path: path, options: options, window: window, interner: interner) }
        let bytes = try FileBytes.read(path: path)
        let rows = try parseRows(bytes.base, count: bytes.count, path: path, options: options, parallelism: .standard)
        bytes.release()   // before the columns are copied out, to lower peak memory
        return TableAssembly.build(rows.boxes, kinds: rows.kinds, layout: rows.layout, interner: interner,
                                   byteLength: bytes.count)
    }

    /// Same as `load`, from bytes already in memory (tests, appends). `path` is used in errors only.
    public static func parse(bytes: UnsafeRawBufferPointer, path: String, options: CSVOptions,
                             interner: Interner) throws(DataError) -> DataTable {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw DataError(path: path, line: 0, message: Messages.emptyFile, kind: .empty)
        }
        return try parse(base.assumingMemoryBound(to: UInt8.self), count: bytes.count, path: path,
                         options: options, interner: interner, parallelism: .standard)
    }

    /// Loads the rows that were appended to a file after an earlier load: reads from byte
    /// `offset` (normally `previous.byteLength`, which must be at a line start) to the end,
    /// with the column types of `previous` enforced. Returns only the new rows; their
    /// `byteLength` is the new end offset. The header must be unchanged.
    ///
    /// Only complete lines are read: a last line without its line break yet (a writer in the
    /// middle of appending it) is left for the next call, which resumes before it.
    public static func loadAppended(path: String, from offset: Int, like previous: DataTable,
                                    interner: Interner) throws(DataError) -> DataTable {
        try loadAppended(path: path, from: offset, schema: DataSchema(path: path, columns: previous.columns.map { ($0.name, $0.type) }),
                         interner: interner)
    }

    /// `loadAppended(path:from:like:interner:)` with the column names and types of `schema`.
    public static func loadAppended(path: String, from offset: Int, schema: DataSchema,
                                    interner: Interner) throws(DataError) -> DataTable {
        let header = try readHeader(path: path)
        guard header.names == schema.columns.map(\.name) else {
            throw DataError(path: path, line: 1, message: Messages.headerChanged, kind: .changed)
        }
        guard offset >= header.dataStart else {
            throw DataError(path: path, line: 0, message: Messages.appendOffsetNotAtLineStart(offset), kind: .changed)
        }
        // Only the tail is read, from the byte before `offset` (to check it ends a line).
        let tail = try FileBytes.read(path: path, from: offset - 1)
        let size = offset - 1 + tail.count
        guard offset <= size else {
            throw DataError(path: path, line: 0, message: Messages.fileShrank(loadedLength: offset), kind: .changed)
        }
        guard offset == size || tail.base[0] == ASCII.lf || tail.base[1] == ASCII.lf || tail.base[1] == ASCII.cr else {
            throw DataError(path: path, line: 0, message: Messages.appendOffsetNotAtLineStart(offset), kind: .changed)
        }
        let end = completeRecordsEnd(tail.base, from: 1, count: tail.count)
        let layout = RowLayout(path: path, names: header.names,
                               kinds: schema.columns.map { ColumnKind($0.type) },
                               enforced: Array(repeating: true, count: header.names.count))
        let (boxes, kinds) = try parseSettled(tail.base, count: end, dataStart: 1, layout: layout, path: path,
                                              fileOffset: offset - 1)
        tail.release()
        return TableAssembly.build(boxes, kinds: kinds, layout: layout, interner: interner, byteLength: offset - 1 + end)
    }

    /// Parses the rows of `base[dataStart..<count]` and settles their types, for bytes read
    /// from byte `fileOffset` of the file at `path` (a tail, a block): error lines, counted
    /// from `base`, are made lines of the file.
    static func parseSettled(_ base: UnsafePointer<UInt8>, count: Int, dataStart: Int, layout: RowLayout, path: String,
                             fileOffset: Int) throws(DataError) -> (boxes: [ChunkBox], kinds: [ColumnKind]) {
        do {
            let boxes = try TableAssembly.parseRows(base: base, count: count, dataStart: dataStart, layout: layout,
                                                    parallelism: .standard)
            return (boxes, try TableAssembly.settle(boxes, layout: layout))
        } catch {
            var error = error
            if error.line > 0 && fileOffset > 0 { error.line += try FileBytes.countLineFeeds(path: path, before: fileOffset) }
            throw error
        }
    }

    /// The offset just past the last line feed of `base[start..<count]` that ends a record
    /// (one outside quoted fields), or `start` when no record there is complete. `start` must
    /// be at a record boundary. The tokenizer's rules: a quote opens a quoted field only at a
    /// field's start (elsewhere it is text, as in `12" pipe`), and inside one a doubled quote
    /// is a quote. Jumps from quote to quote: bytes without quotes are one backward search.
    static func completeRecordsEnd(_ base: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int {
        func find(_ byte: UInt8, from p: Int) -> Int? {
            guard p < count, let hit = memchr(base + p, Int32(byte), count - p) else { return nil }
            return UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
        }
        /// Just past the last line feed in `base[from..<to]`, or nil.
        func lastLineEnd(_ from: Int, _ to: Int) -> Int? {
            var q = to
            while q > from {
                q -= 1
                if base[q] == ASCII.lf { return q + 1 }
            }
            return nil
        }
        var end = start
        var segment = start   // outside quotes from here
        var p = start
        while let q = find(ASCII.quote, from: p) {
            guard q == start || base[q - 1] == ASCII.comma || base[q - 1] == ASCII.lf else {
                p = q + 1   // a quote inside an unquoted field: text
                continue
            }
            if let e = lastLineEnd(segment, q) { end = e }
            // Inside the quoted field: to its closing quote (a doubled quote stays inside).
            var r = q + 1
            while true {
                guard let close = find(ASCII.quote, from: r) else { return end }   // still open at `count`
                if close + 1 < count && base[close + 1] == ASCII.quote {
                    r = close + 2
                    continue
                }
                p = close + 1
                segment = p
                break
            }
        }
        if let e = lastLineEnd(segment, count) { end = e }
        return end
    }

    // MARK: Internals

    /// `parse(bytes:…)` with a choice of parallelism (tests compare the two ways).
    static func parse(_ base: UnsafePointer<UInt8>, count: Int, path: String, options: CSVOptions,
                      interner: Interner, parallelism: Parallelism) throws(DataError) -> DataTable {
        let rows = try parseRows(base, count: count, path: path, options: options, parallelism: parallelism)
        return TableAssembly.build(rows.boxes, kinds: rows.kinds, layout: rows.layout, interner: interner,
                                   byteLength: count)
    }

    /// Loads a whole file of a dialect the row parser reads directly (`DirectDialect`):
    /// the columns the source keeps, in its order, under the program's names.
    static func load(path: String, direct: DirectDialect, options: CSVOptions, interner: Interner) throws(DataError) -> DataTable {
        let bytes = try FileBytes.read(path: path)
        let rows = try parseRows(bytes.base, count: bytes.count, path: path, options: options, parallelism: .standard,
                                 direct: direct)
        bytes.release()
        var table = TableAssembly.build(rows.boxes, kinds: rows.kinds, layout: rows.layout, interner: interner,
                                        byteLength: bytes.count)
        if rows.kept.count != table.columns.count || rows.kept != Array(rows.kept.indices) {
            table.columns = rows.kept.map { table.columns[$0] }
        }
        return table
    }

    /// Reads the header and all rows into chunks with settled types; after this the input
    /// bytes are no longer needed. `kept`: the columns of the table, by field index.
    private static func parseRows(_ base: UnsafePointer<UInt8>, count: Int, path: String, options: CSVOptions,
                                  parallelism: Parallelism, direct: DirectDialect? = nil)
        throws(DataError) -> (boxes: [ChunkBox], kinds: [ColumnKind], layout: RowLayout, kept: [Int]) {
        guard let header = try CSVHeader.read(base: base, count: count, isWholeInput: true, path: path,
                                              delimiter: direct?.delimiter ?? ASCII.comma) else {
            throw DataError(path: path, line: 0, message: Messages.emptyFile, kind: .empty)
        }
        let (layout, kept) = direct.map { $0.layout(path: path, header: header.names, options: options) }
            ?? (initialLayout(path: path, names: header.names, options: options), Array(header.names.indices))
        let boxes = try TableAssembly.parseRows(base: base, count: count, dataStart: header.dataStart,
                                                layout: layout, parallelism: parallelism)
        let kinds = try TableAssembly.settle(boxes, layout: layout)
        return (boxes, kinds, layout, kept)
    }

    /// The schema from the first `sampleRows` rows of `base[..<count]`; nil when these bytes
    /// are not enough (a prefix of a longer file) and more should be read.
    static func sampleSchema(_ base: UnsafePointer<UInt8>, count: Int, isWholeInput: Bool, path: String,
                             options: CSVOptions, sampleRows: Int, direct: DirectDialect? = nil) throws(DataError) -> DataSchema? {
        guard let header = try CSVHeader.read(base: base, count: count, isWholeInput: isWholeInput, path: path,
                                              delimiter: direct?.delimiter ?? ASCII.comma) else {
            return nil
        }
        var end = count
        if !isWholeInput {
            // Only complete lines: cut after the last line feed.
            while end > header.dataStart && base[end - 1] != ASCII.lf { end -= 1 }
        }
        let (layout, kept) = direct.map { $0.layout(path: path, header: header.names, options: options) }
            ?? (initialLayout(path: path, names: header.names, options: options), Array(header.names.indices))
        let names = layout.names
        let box = ChunkBox(ChunkParser(base: base, start: header.dataStart, end: end, isFinal: isWholeInput,
                                       layout: layout, rowLimit: sampleRows))
        box.run()
        switch box.failure {
        case .error(let error)?: throw error
        case .spill?: return nil
        case nil: break
        }
        if box.parser.rowCount < sampleRows && !isWholeInput { return nil }
        // A dialect file: the rest of the bytes read is read too, so that a value the dialect
        // cannot read (a date not in the declared format), an open quote or a short row there
        // is found now, at the source's declaration, as when such a file was transcoded first.
        if direct != nil && box.parser.stop < end {
            let rest = ChunkBox(ChunkParser(base: base, start: box.parser.stop, end: end, isFinal: isWholeInput, layout: layout))
            rest.run()
            if case .error(let error)? = rest.failure { throw error }
        }
        var kinds = TableAssembly.settledKinds([box], columnCount: names.count)
        for c in kept where kinds[c] == .date {
            if let error = box.parser.pendingDateError(column: c) { throw error }
        }
        // A column nearly all of one type but for a few values: those are errors (ChunkParser+Stray).
        for c in kept where kinds[c] == .text && !layout.enforced[c] && !options.keyColumns.contains(names[c]) {
            if let stray = box.parser.strayValue(column: c) {
                throw box.parser.strayError(column: c, row: stray.row, kind: stray.kind, others: stray.others)
            }
        }
        // Key columns: integers written plainly, dates, or else text.
        for c in kept where options.keyColumns.contains(names[c]) && !layout.enforced[c] {
            do throws(ChunkFailure) {
                if kinds[c] == .bool {
                    kinds[c] = .text
                } else if kinds[c] == .number, try !box.parser.holdsOnlyKeyIntegers(c) {
                    kinds[c] = .text
                }
            } catch {
                if case .error(let e) = error { throw e }
                return nil
            }
        }
        var schema = DataSchema(path: path, columns: kept.map { (name: names[$0], type: kinds[$0].type) })
        if direct != nil { schema.available = header.names }
        return schema
    }

    /// The header of the file at `path`, reading only as much of the file as it takes.
    private static func readHeader(path: String) throws(DataError) -> CSVHeader {
        var limit = 1 << 16
        while true {
            let (bytes, isWhole) = try FileBytes.readPrefix(path: path, limit: limit)
            let header = try CSVHeader.read(base: bytes.base, count: bytes.count, isWholeInput: isWhole, path: path)
            bytes.release()
            if let header { return header }
            limit = limit > Int.max / 4 ? Int.max : limit * 4
        }
    }

    /// Starting kinds: declared types (enforced), then key text columns, else inferred.
    static func initialLayout(path: String, names: [String], options: CSVOptions) -> RowLayout {
        var kinds: [ColumnKind] = []
        var enforced: [Bool] = []
        for name in names {
            if let declared = options.declaredTypes[name] {
                kinds.append(ColumnKind(declared))
                enforced.append(true)
            } else if options.textColumns.contains(name) {
                kinds.append(.text)
                enforced.append(true)
            } else {
                kinds.append(.unknown)
                enforced.append(false)
            }
        }
        return RowLayout(path: path, names: names, kinds: kinds, enforced: enforced)
    }
}
