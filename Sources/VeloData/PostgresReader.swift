// A table or a query of a PostgreSQL database as a source: `postgres(table: "orders")` or
// `postgres(query: "select … from …")`, through libpq.
//
// The connection is never in the rule file: it comes from the standard libpq environment
// (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGPASSWORD`, a service file), from an
// environment variable the declaration names (`url_env: "ERP_DATABASE_URL"`), or from the
// command line (`--source orders=postgresql://…`, which is the source's location). Types come
// from the result's column types (integer, numeric and floating types are numbers; text and
// varchar text; date a date, a timestamp its date; boolean true/false). `velo watch` polls the
// source: the rows are read again and, when they hash alike, nothing changed.

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

    public static let labels = ["table", "query", "url_env"]

    var table: String? { if case .text(let t)? = settings.options["table"] { return t }; return nil }
    var query: String? { if case .text(let q)? = settings.options["query"] { return q }; return nil }

    /// The source as messages show it (never the connection string: it may hold a password).
    public var label: String { table.map { "postgres table \($0)" } ?? "postgres query" }

    static func problems(_ settings: SourceSettings) -> [SettingProblem] {
        var out: [SettingProblem] = []
        for label in settings.options.keys.sorted() {
            let value = settings.options[label]!
            switch label {
            case "table", "query", "url_env":
                guard case .text(let s) = value, !s.trimmingSpaces.isEmpty else {
                    out.append(SettingProblem(label: label, message: "`\(label)` is a non-empty text, found \(value.shown)"))
                    continue
                }
            default:
                out.append(SettingProblem(label: label, message: "`postgres` takes no argument `\(label)`",
                                          hint: Suggest.closest(label, in: labels).map { "did you mean `\($0)`?" } ?? "it takes `table`, `query` and `url_env`"))
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

    private func fail(_ message: String, line: Int = 0, column: Int? = nil, columnName: String? = nil,
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

    private var sql: String {
        if let table {
            let parts = table.split(separator: ".").map { "\"" + $0.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"" }
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

    private func load(options: ReadOptions) throws(DataError) -> (names: [String], types: [ColumnType], rows: [[DataValue]], available: [String], hash: UInt64) {
        guard let conn = PQconnectdb(conninfo) else { throw fail("cannot connect to PostgreSQL: out of memory") }
        defer { PQfinish(conn) }
        guard PQstatus(conn) == CONNECTION_OK else {
            throw fail("cannot connect to PostgreSQL: " + String(cString: PQerrorMessage(conn)).trimmingSpaces.split(separator: "\n").joined(separator: "; "))
        }
        guard let res = PQexec(conn, sql) else { throw fail("the query failed: " + String(cString: PQerrorMessage(conn))) }
        defer { PQclear(res) }
        guard PQresultStatus(res) == PGRES_TUPLES_OK else {
            let message = String(cString: PQresultErrorMessage(res)).trimmingSpaces.split(separator: "\n").first.map(String.init) ?? ""
            let text = message.hasPrefix("ERROR:  ") ? String(message.dropFirst(8)) : message
            if let table, text.contains("does not exist"), text.contains("relation") {
                throw fail("the database has no table `\(table)`", kind: .badHeader)
            }
            throw fail("the query failed: \(text)", kind: .badHeader)
        }
        let n = Int(PQnfields(res)), count = Int(PQntuples(res))
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
                    throw fail(Messages.expected(types[k], column: c.name, found: text), line: r + 1, column: c.index + 1,
                               columnName: c.name, kind: .badValue)
                }
                row.append(value)
            }
            rows.append(row)
        }
        return (selected.map(\.name), types, rows, available, hash)
    }

    public func schema(options: ReadOptions) throws(DataError) -> DataSchema {
        let loaded = try load(options: options)
        var schema = DataSchema(path: label, columns: zip(loaded.names, loaded.types).map { (name: $0, type: $1) })
        schema.available = loaded.available
        return schema
    }

    public func read(options: ReadOptions, interner: Interner) throws(DataError) -> SourceRead {
        let loaded = try load(options: options)
        var typed = options
        for (n, t) in zip(loaded.names, loaded.types) { typed.declaredTypes[n] = t }
        let read = try RowsReader(label: label, columns: loaded.names, rows: loaded.rows).read(options: typed, interner: interner)
        return SourceRead(table: read.table, cursor: SourceCursor(position: loaded.rows.count, fingerprint: withUnsafeBytes(of: loaded.hash) { Array($0) }))
    }

    public func changes(since cursor: SourceCursor, schema: DataSchema, options: ReadOptions, interner: Interner,
                        appends: Bool) throws(DataError) -> SourceChange {
        let all = try read(options: options, interner: interner)
        if all.cursor == cursor { return .none }
        return .replaced(all.table, all.cursor)
    }

    public func describe(options: ReadOptions) -> [SourceGuess] {
        var out = [SourceGuess(what: table == nil ? "query" : "table", value: table ?? query ?? "", how: .declared)]
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
