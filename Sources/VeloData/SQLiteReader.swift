// A table or a query of a SQLite database as a source: `sqlite("orders.db", table: "orders")`
// or `sqlite("orders.db", query: "select … from …")`, through the SQLite C library.
//
// Types come from the declared schema (a column declared INTEGER, REAL or NUMERIC is a number,
// TEXT or VARCHAR text, DATE a date, BOOLEAN true/false); a query's computed columns, which
// have no declared type, are inferred from their values. A value that does not fit its
// column's type is a data error naming the database, the row and the column. The database is
// opened read-only. How a change is read again is SQLiteReader+Appends.swift: rows appended
// after those read (by rowid, or by a declared increasing column) are read alone.

import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public struct SQLiteReader: SourceReader {
    public let path: String
    public let settings: SourceSettings

    public init(path: String, settings: SourceSettings) {
        self.path = path
        self.settings = settings
    }

    public static let labels = ["table", "query", "increasing"]

    var table: String? { if case .text(let t)? = settings.options["table"] { return t }; return nil }
    var query: String? { if case .text(let q)? = settings.options["query"] { return q }; return nil }
    /// The declared increasing column, as the database names it (a mapped name is resolved).
    var increasing: String? {
        guard case .text(let c)? = settings.options["increasing"] else { return nil }
        return settings.column(named: c)?.header ?? c
    }

    public var label: String { table.map { "\(path) (table \($0))" } ?? "\(path) (query)" }

    static func problems(_ settings: SourceSettings) -> [SettingProblem] {
        var out: [SettingProblem] = []
        for label in settings.options.keys.sorted() {
            let value = settings.options[label]!
            switch label {
            case "table", "query", "increasing":
                guard case .text(let s) = value, !s.trimmingSpaces.isEmpty else {
                    out.append(SettingProblem(label: label, message: "`\(label)` is a non-empty text, found \(value.shown)"))
                    continue
                }
            default:
                out.append(SettingProblem(label: label, message: "`sqlite` takes no argument `\(label)`",
                                          hint: Suggest.closest(label, in: labels).map { "did you mean `\($0)`?" } ?? "it takes `table` or `query`, and `increasing`"))
            }
        }
        let given = ["table", "query"].filter { settings.options[$0] != nil }
        if given.count != 1 {
            out.append(SettingProblem(label: given.count == 2 ? "query" : nil,
                                      message: given.isEmpty ? "a SQLite source names a `table` or a `query`" : "a SQLite source names a `table` or a `query`, not both",
                                      hint: "for example `sqlite(\"orders.db\", table: \"orders\")`"))
        }
        return out
    }

    // MARK: Reading

    func fail(_ message: String, line: Int = 0, column: Int? = nil, columnName: String? = nil,
              kind: DataError.Kind = .unreadable, reason: String? = nil) -> DataError {
        DataError(path: label, line: line, column: column, columnName: columnName, message: message, kind: kind, reason: reason)
    }

    func open() throws(DataError) -> OpaquePointer {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            throw fail("cannot open the database: \(reason)", reason: reason)
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
            sqlite3_close(db)
            throw fail("cannot open the database: \(message)")
        }
        sqlite3_busy_timeout(db, 5000)
        return db
    }

    /// The statement reading `rows` in order of `key` (nil: all rows, in the database's order).
    func prepare(_ db: OpaquePointer, key: AppendKey?, rows: Rows = .all) throws(DataError) -> OpaquePointer {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql(key: key, rows: rows), -1, &stmt, nil) == SQLITE_OK, let stmt else {
            let message = String(cString: sqlite3_errmsg(db))
            if let table, message.hasPrefix("no such table") {
                throw fail("the database has no table `\(table)`", kind: .badHeader)
            }
            throw fail("the query failed: \(message)", kind: .badHeader)
        }
        // A quoted name that is no column is a text constant to SQLite, not an error: look.
        if case .column(let c)? = key,
           !(0..<max(0, sqlite3_column_count(stmt) - 1)).contains(where: { String(cString: sqlite3_column_name(stmt, $0)) == c }) {
            sqlite3_finalize(stmt)
            throw fail("`increasing: \"\(c)\"` names no column of the \(table == nil ? "query" : "table")", kind: .badHeader)
        }
        if let value = rows.bound { SQLiteReader.bind(value, to: stmt) }
        return stmt
    }

    /// The source's columns: (index in the result, program name, type if declared by SQL).
    /// With a `key`, the result's last column is the key, which is not one of them.
    func columns(_ stmt: OpaquePointer, key: AppendKey?) -> (selected: [(index: Int, name: String, sqlType: ColumnType?)], available: [String]) {
        let n = Int(sqlite3_column_count(stmt)) - (key == nil ? 0 : 1)
        var available: [String] = []
        var sqlTypes: [ColumnType?] = []
        for i in 0..<n {
            available.append(String(cString: sqlite3_column_name(stmt, Int32(i))))
            sqlTypes.append(sqlite3_column_decltype(stmt, Int32(i)).map { SQLiteReader.type(declared: String(cString: $0)) } ?? nil)
        }
        var selected: [(index: Int, name: String, sqlType: ColumnType?)] = []
        if settings.selectsColumns {
            for spec in settings.columns {
                if let i = available.firstIndex(of: spec.sourceName) { selected.append((i, spec.name, sqlTypes[i])) }
            }
        } else {
            let renamed = Dictionary(settings.columns.compactMap { s in s.header.map { ($0, s.name) } }, uniquingKeysWith: { a, _ in a })
            selected = available.enumerated().map { ($0.offset, renamed[$0.element] ?? $0.element, sqlTypes[$0.offset]) }
        }
        return (selected, available)
    }

    /// A column type from a declared SQL type, by SQLite's affinity rules (plus DATE, BOOL).
    static func type(declared: String) -> ColumnType? {
        let t = declared.uppercased()
        if t.contains("DATE") { return .date }
        if t.contains("BOOL") { return .bool }
        if t.contains("INT") || t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") || t.contains("NUMERIC") || t.contains("DECIMAL") { return .number }
        if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") { return .text }
        return nil
    }

    /// One cell as the program's type, or nil when it does not fit (NULL is `.missing`).
    private static func value(_ stmt: OpaquePointer, _ i: Int32, as type: ColumnType) -> DataValue? {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_NULL: return .missing
        case SQLITE_INTEGER:
            let v = sqlite3_column_int64(stmt, i)
            switch type {
            case .number: return .number(Double(v))
            case .text: return .text(String(v))
            case .bool: return v == 0 || v == 1 ? .bool(v == 1) : nil
            case .date: return nil
            }
        case SQLITE_FLOAT:
            let v = sqlite3_column_double(stmt, i)
            switch type {
            case .number: return .number(v)
            case .text: return .text(DataValue.number(v).shown)
            default: return nil
            }
        default:
            let text = String(cString: sqlite3_column_text(stmt, i))
            switch type {
            case .text: return .text(text)
            case .number:
                let trimmed = text.trimmingSpaces
                return Array(trimmed.utf8).withUnsafeBufferPointer { b in
                    b.baseAddress.flatMap { DecimalParser.parse($0, b.count) }.map(DataValue.number)
                }
            case .date:
                guard let d = CivilDate(iso: text.trimmingSpaces.prefix(10)), text.trimmingSpaces.count == 10 else { return nil }
                return .date(d.day)
            case .bool:
                switch text.lowercased() {
                case "true", "1": return .bool(true)
                case "false", "0": return .bool(false)
                default: return nil
                }
            }
        }
    }

    /// The type of an undeclared column from its values: number, date, bool, else text.
    private static func inferred(_ values: [(type: Int32, text: String?)]) -> ColumnType {
        var kinds = Set<ColumnType>()
        for v in values {
            switch v.type {
            case SQLITE_NULL: continue
            case SQLITE_INTEGER, SQLITE_FLOAT: kinds.insert(.number)
            default:
                let text = v.text ?? ""
                if CivilDate(iso: text) != nil { kinds.insert(.date) }
                else if ["true", "false"].contains(text.lowercased()) { kinds.insert(.bool) }
                else { kinds.insert(.text) }
            }
        }
        return kinds.count == 1 ? kinds.first! : .text
    }

    /// What `load` read: the columns, the rows, and where they end in order of the key.
    struct Loaded {
        var names: [String]
        var types: [ColumnType]
        var rows: [[DataValue]]
        var available: [String]
        var mark: RowMark
    }

    /// Reads up to `limit` of `rows` in order of `key`; the column types are declared,
    /// SQL-declared, else inferred. Row numbers in messages start after `firstRow`.
    func load(_ db: OpaquePointer, options: ReadOptions, limit: Int, key: AppendKey?, rows wanted: Rows = .all,
              firstRow: Int = 0) throws(DataError) -> Loaded {
        let stmt = try prepare(db, key: key, rows: wanted)
        defer { sqlite3_finalize(stmt) }
        let (selected, available) = columns(stmt, key: key)
        let keyIndex = sqlite3_column_count(stmt) - 1
        var mark = RowMark(last: nil, count: 0, checksum: 0)
        // Raw rows first when a type is to be inferred (a query's computed column).
        var types: [ColumnType?] = selected.map { options.declaredTypes[$0.name] ?? (options.textColumns.contains($0.name) ? .text : $0.sqlType) }
        var raw: [[(type: Int32, text: String?)]] = []
        var rows: [[DataValue]] = []
        var r = 0
        let needsInference = types.contains { $0 == nil }
        while r < limit {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw fail("the query failed: \(String(cString: sqlite3_errmsg(db)))", kind: .badRow) }
            r += 1
            if needsInference {
                raw.append(selected.map { c in
                    let t = sqlite3_column_type(stmt, Int32(c.index))
                    return (t, t == SQLITE_TEXT ? String(cString: sqlite3_column_text(stmt, Int32(c.index))) : nil)
                })
                // Keep the typed values once types are known: reading again below.
                continue
            }
            if key != nil { SQLiteReader.note(stmt, selected, keyIndex, in: &mark) }
            rows.append(try row(stmt, selected, types.map { $0! }, firstRow + r))
        }
        if needsInference {
            for k in types.indices where types[k] == nil {
                var t = SQLiteReader.inferred(raw.map { $0[k] })
                if options.keyColumns.contains(selected[k].name), t == .bool { t = .text }
                types[k] = t
            }
            // Read the rows again, now typed.
            sqlite3_reset(stmt)
            rows = []
            r = 0
            while r < limit, sqlite3_step(stmt) == SQLITE_ROW {
                r += 1
                if key != nil { SQLiteReader.note(stmt, selected, keyIndex, in: &mark) }
                rows.append(try row(stmt, selected, types.map { $0! }, firstRow + r))
            }
        }
        return Loaded(names: selected.map(\.name), types: types.map { $0! }, rows: rows, available: available, mark: mark)
    }

    private func row(_ stmt: OpaquePointer, _ selected: [(index: Int, name: String, sqlType: ColumnType?)], _ types: [ColumnType], _ r: Int) throws(DataError) -> [DataValue] {
        var out: [DataValue] = []
        out.reserveCapacity(selected.count)
        for (k, c) in selected.enumerated() {
            guard let v = SQLiteReader.value(stmt, Int32(c.index), as: types[k]) else {
                let shown: String
                switch sqlite3_column_type(stmt, Int32(c.index)) {
                case SQLITE_INTEGER: shown = String(sqlite3_column_int64(stmt, Int32(c.index)))
                case SQLITE_FLOAT: shown = DataValue.number(sqlite3_column_double(stmt, Int32(c.index))).shown
                default: shown = String(cString: sqlite3_column_text(stmt, Int32(c.index)))
                }
                throw fail(Messages.expected(types[k], column: c.name, found: shown), line: r, column: c.index + 1,
                           columnName: c.name, kind: .badValue)
            }
            out.append(v)
        }
        return out
    }

    public func schema(options: ReadOptions) throws(DataError) -> DataSchema {
        let db = try open()
        defer { sqlite3_close(db) }
        let loaded = try load(db, options: options, limit: 1000, key: appendKey(db))
        var schema = DataSchema(path: label, columns: zip(loaded.names, loaded.types).map { (name: $0, type: $1) })
        schema.available = loaded.available
        return schema
    }

    public func read(options: ReadOptions, interner: Interner) throws(DataError) -> SourceRead {
        // The stamp before reading: a change while reading makes the next look read again.
        let stamp = stamp()
        let db = try open()
        defer { sqlite3_close(db) }
        let key = appendKey(db)
        let loaded = try load(db, options: options, limit: .max, key: key)
        return try table(loaded, options: options, interner: interner,
                         cursor: SourceCursor(position: loaded.rows.count, fingerprint: stamp, mark: key == nil ? nil : loaded.mark))
    }

    /// The rows `load` read as typed columns, with their cursor.
    func table(_ loaded: Loaded, options: ReadOptions, interner: Interner, cursor: SourceCursor) throws(DataError) -> SourceRead {
        var typed = options
        for (n, t) in zip(loaded.names, loaded.types) { typed.declaredTypes[n] = t }
        let read = try RowsReader(label: label, columns: loaded.names, rows: loaded.rows).read(options: typed, interner: interner)
        return SourceRead(table: read.table, cursor: cursor)
    }

    /// The database file's size and modification time (and its write-ahead log's), as bytes.
    func stamp() -> [UInt8] {
        var out: [UInt8] = []
        for p in [path, path + "-wal"] {
            var st = stat()
            guard stat(p, &st) == 0 else { continue }
            for v in [Int64(st.st_size), Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec)] {
                withUnsafeBytes(of: v) { out.append(contentsOf: $0) }
            }
        }
        return out
    }

    public var watch: SourceWatch { .files([path, path + "-wal"]) }

    public func describe(options: ReadOptions) -> [SourceGuess] {
        let appended: SourceGuess
        if let increasing {
            appended = SourceGuess(what: "appended rows", value: "read alone, by `\(increasing)`", how: .declared)
        } else if table != nil {
            appended = SourceGuess(what: "appended rows", value: "read alone, by rowid (a table without one is read again whole)", how: .byDefault)
        } else {
            appended = SourceGuess(what: "appended rows", value: "the query is run again whole (declare `increasing:` to read them alone)", how: .byDefault)
        }
        return [SourceGuess(what: table == nil ? "query" : "table", value: table ?? query ?? "", how: .declared),
                SourceGuess(what: "types", value: "from the declared schema; computed columns inferred", how: .byDefault),
                appended]
    }
}

