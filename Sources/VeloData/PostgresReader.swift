// A table or a query of a PostgreSQL database as a source: `postgres(table: "orders")` or
// `postgres(query: "select … from …")`, through libpq.
//
// The connection is never in the rule file: it comes from the standard libpq environment
// (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`, a service file), from an
// environment variable the declaration names (`url_env: "ERP_DATABASE_URL"`), or from the
// command line (`--source orders=postgresql://…`, which is the source's location). Types come
// from the result's column types (integer, numeric and floating types are numbers; text and
// varchar text; date a date, a timestamp its date; boolean true/false). `velo watch` polls the
// source: the rows are read again and, when they hash alike, nothing changed. With a declared
// increasing column (`postgres(table: "orders", increasing: "order_no")`) only the rows after
// the last one read are fetched, when those read are unchanged (PostgresReader+Appends.swift).

import CPostgres
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public struct PostgresReader: SourceReader {
    /// A connection string or URL (`--source`); empty: the environment.
    public let location: String
    public let settings: SourceSettings

    public init(location: String, settings: SourceSettings) {
        self.location = location
        self.settings = settings
    }

    public static let labels = ["table", "query", "url_env", "increasing"]

    var table: String? { if case .text(let t)? = settings.options["table"] { return t }; return nil }
    var query: String? { if case .text(let q)? = settings.options["query"] { return q }; return nil }
    /// The declared increasing column, as the database names it (a mapped name is resolved).
    var increasing: String? {
        guard case .text(let c)? = settings.options["increasing"] else { return nil }
        return settings.column(named: c)?.header ?? c
    }

    /// The source as messages show it (never the connection string: it may hold a password).
    public var label: String { table.map { "postgres table \($0)" } ?? "postgres query" }

    static func problems(_ settings: SourceSettings) -> [SettingProblem] {
        var out: [SettingProblem] = []
        for label in settings.options.keys.sorted() {
            let value = settings.options[label]!
            switch label {
            case "table", "query", "url_env", "increasing":
                guard case .text(let s) = value, !s.trimmingSpaces.isEmpty else {
                    out.append(SettingProblem(label: label, message: "`\(label)` is a non-empty text, found \(value.shown)"))
                    continue
                }
            default:
                out.append(SettingProblem(label: label, message: "`postgres` takes no argument `\(label)`",
                                          hint: Suggest.closest(label, in: labels).map { "did you mean `\($0)`?" } ?? "it takes `table`, `query`, `url_env` and `increasing`"))
            }
        }
        let given = ["table", "query"].filter { settings.options[$0] != nil }
        if given.count != 1 {
            out.append(SettingProblem(label: given.count == 2 ? "query" : nil,
                                      message: given.isEmpty ? "a PostgreSQL source names a `table` or a `query`" : "a PostgreSQL source names a `table` or a `query`, not both",
                                      hint: "for example `postgres(table: \"orders\")`"))
        }
        return out
    }

    func fail(_ message: String, line: Int = 0, column: Int? = nil, columnName: String? = nil,
                      kind: DataError.Kind = .unreadable) -> DataError {
        DataError(path: label, line: line, column: column, columnName: columnName, message: message, kind: kind)
    }

    /// The connection string: the location, else the variable `url_env` names, else "" (libpq's
    /// environment and defaults).
    var conninfo: String {
        if !location.isEmpty { return location }
        if case .text(let name)? = settings.options["url_env"], let v = getenv(name) { return String(cString: v) }
        return ""
    }

    var sql: String {
        if let table {
            let parts = table.split(separator: ".").map { SQLIdentifier.quoted(String($0)) }
            return "SELECT * FROM " + parts.joined(separator: ".")
        }
        return query ?? ""
    }

    /// A column type from a result column's type OID.
    static func type(oid: UInt32) -> ColumnType? {
        switch oid {
        case 20, 21, 23, 700, 701, 1700, 26: return .number
        case 25, 1043, 1042, 19, 18: return .text
        case 1082, 1114, 1184: return .date
        case 16: return .bool
        default: return nil
        }
    }

    func connect() throws(DataError) -> OpaquePointer {
        guard let conn = PQconnectdb(conninfo) else { throw fail("cannot connect to PostgreSQL: out of memory") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(conn)).trimmingSpaces.split(separator: "\n").joined(separator: "; ")
            PQfinish(conn)
            throw fail("cannot connect to PostgreSQL: " + message)
        }
        return conn
    }

    /// Runs `sql` (with one text parameter, if given); the result, which the caller clears.
    func run(_ conn: OpaquePointer, _ sql: String, _ parameter: String? = nil) throws(DataError) -> OpaquePointer {
        let res: OpaquePointer?
        if let parameter {
            res = parameter.withCString { p in
                var values: [UnsafePointer<CChar>?] = [p]
                return PQexecParams(conn, sql, 1, nil, &values, nil, nil, 0)
            }
        } else {
            res = PQexec(conn, sql)
        }
        guard let res else { throw fail("the query failed: " + String(cString: PQerrorMessage(conn))) }
        guard PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK else {
            let message = String(cString: PQresultErrorMessage(res)).trimmingSpaces.split(separator: "\n").first.map(String.init) ?? ""
            PQclear(res)
            let text = message.hasPrefix("ERROR:  ") ? String(message.dropFirst(8)) : message
            if let table, text.contains("does not exist"), text.contains("relation") {
                throw fail("the database has no table `\(table)`", kind: .badHeader)
            }
            if let increasing, text.contains("column velo_q.\(increasing) does not exist") || text.contains("column velo_q.\"\(increasing)\" does not exist") {
                throw fail("`increasing: \"\(increasing)\"` names no column of the \(table == nil ? "query" : "table")", kind: .badHeader)
            }
            throw fail("the query failed: \(text)", kind: .badHeader)
        }
        return res
    }

    /// What `load` read: the columns, the rows, a hash of them, and where they end in order
    /// of the increasing column (with one).
    struct Loaded {
        var names: [String]
        var types: [ColumnType]
        var rows: [[DataValue]]
        var available: [String]
        var hash: UInt64
        var mark: RowMark
    }

    /// Reads every row of the source (with an increasing column, in its order).
    func load(options: ReadOptions) throws(DataError) -> Loaded {
        let conn = try connect()
        defer { PQfinish(conn) }
        return try load(conn, increasing == nil ? sql : keyedSQL(after: nil), options: options, keyed: increasing != nil)
    }

    /// The rows of a result as typed values. A keyed result (`keyedSQL`) ends in two more
    /// columns, the key and the row's hash, which are not the source's; row numbers in
    /// messages start after `firstRow`.
    func load(_ conn: OpaquePointer, _ sql: String, _ parameter: String? = nil, options: ReadOptions, keyed: Bool,
              firstRow: Int = 0) throws(DataError) -> Loaded {
        let res = try run(conn, sql, parameter)
        defer { PQclear(res) }
        let n = Int(PQnfields(res)) - (keyed ? 2 : 0), count = Int(PQntuples(res))
        var mark = RowMark(last: nil, count: 0, checksum: 0)
        var available: [String] = []
        var sqlTypes: [ColumnType?] = []
        for i in 0..<n {
            available.append(String(cString: PQfname(res, Int32(i))))
            sqlTypes.append(PostgresReader.type(oid: PQftype(res, Int32(i))))
        }
        var selected: [(index: Int, name: String)] = []
        if settings.selectsColumns {
            for spec in settings.columns {
                if let i = available.firstIndex(of: spec.sourceName) { selected.append((i, spec.name)) }
            }
        } else {
            let renamed = Dictionary(settings.columns.compactMap { s in s.header.map { ($0, s.name) } }, uniquingKeysWith: { a, _ in a })
            selected = available.enumerated().map { ($0.offset, renamed[$0.element] ?? $0.element) }
        }
        let types: [ColumnType] = selected.map { c in
            options.declaredTypes[c.name] ?? (options.textColumns.contains(c.name) ? .text : sqlTypes[c.index] ?? .text)
        }
        var hash: UInt64 = 0xcbf29ce484222325
        var rows: [[DataValue]] = []
        rows.reserveCapacity(count)
        for r in 0..<count {
            if keyed {
                mark.count += 1
                if PQgetisnull(res, Int32(r), Int32(n)) == 0 { mark.last = .text(String(cString: PQgetvalue(res, Int32(r), Int32(n)))) }
                mark.checksum &+= UInt64(bitPattern: Int64(String(cString: PQgetvalue(res, Int32(r), Int32(n + 1)))) ?? 0)
            }
            var row: [DataValue] = []
            row.reserveCapacity(selected.count)
            for (k, c) in selected.enumerated() {
                if PQgetisnull(res, Int32(r), Int32(c.index)) == 1 {
                    row.append(.missing)
                    hash = (hash ^ 0xFF) &* 0x100000001b3
                    continue
                }
                let p = PQgetvalue(res, Int32(r), Int32(c.index))!
                let len = Int(PQgetlength(res, Int32(r), Int32(c.index)))
                let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: len)
                for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
                hash = (hash ^ 0x1F) &* 0x100000001b3
                let text = String(decoding: bytes, as: UTF8.self)
                let value: DataValue?
                switch types[k] {
                case .text: value = .text(text)
                case .number: value = bytes.baseAddress.flatMap { DecimalParser.parse($0, len) }.map(DataValue.number)
                case .date: value = CivilDate(iso: text.prefix(10)).map { .date($0.day) }
                case .bool:
                    switch text.lowercased() {
                    case "t", "true", "1": value = .bool(true)
                    case "f", "false", "0": value = .bool(false)
                    default: value = nil
                    }
                }
                guard let value else {
                    throw fail(Messages.expected(types[k], column: c.name, found: text), line: firstRow + r + 1, column: c.index + 1,
                               columnName: c.name, kind: .badValue)
                }
                row.append(value)
            }
            rows.append(row)
        }
        return Loaded(names: selected.map(\.name), types: types, rows: rows, available: available, hash: hash, mark: mark)
    }

    public func schema(options: ReadOptions) throws(DataError) -> DataSchema {
        let loaded = try load(options: options)
        var schema = DataSchema(path: label, columns: zip(loaded.names, loaded.types).map { (name: $0, type: $1) })
        schema.available = loaded.available
        return schema
    }

    public func read(options: ReadOptions, interner: Interner) throws(DataError) -> SourceRead {
        try table(try load(options: options), options: options, interner: interner)
    }

    /// The rows `load` read as typed columns, with their cursor (`mark` for the one of rows
    /// appended to those read before).
    func table(_ loaded: Loaded, options: ReadOptions, interner: Interner, mark: RowMark? = nil) throws(DataError) -> SourceRead {
        var typed = options
        for (n, t) in zip(loaded.names, loaded.types) { typed.declaredTypes[n] = t }
        let read = try RowsReader(label: label, columns: loaded.names, rows: loaded.rows).read(options: typed, interner: interner)
        let mark = mark ?? (increasing == nil ? nil : loaded.mark)
        return SourceRead(table: read.table, cursor: SourceCursor(position: mark?.count ?? loaded.rows.count,
                                                                  fingerprint: withUnsafeBytes(of: loaded.hash) { Array($0) }, mark: mark))
    }

    public var watch: SourceWatch { .poll }

    public func describe(options: ReadOptions) -> [SourceGuess] {
        var out = [SourceGuess(what: table == nil ? "query" : "table", value: table ?? query ?? "", how: .declared)]
        out.append(increasing.map { SourceGuess(what: "appended rows", value: "read alone, by `\($0)`", how: .declared) }
                   ?? SourceGuess(what: "appended rows", value: "the rows are read again whole (declare `increasing:` to read them alone)", how: .byDefault))
        if location.isEmpty {
            if case .text(let name)? = settings.options["url_env"] {
                out.append(SourceGuess(what: "connection", value: "from $\(name)", how: .declared))
            } else {
                out.append(SourceGuess(what: "connection", value: "from the PG* environment", how: .byDefault))
            }
        } else {
            out.append(SourceGuess(what: "connection", value: "given with --source", how: .declared))
        }
        return out
    }
}
