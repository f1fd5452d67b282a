// PostgreSQL through libpq: one connection, the statements in order (CSV sources sent with
// COPY FROM STDIN), then the result queries read back as text.

import CLibPQ
import VeloCheck
import VeloData

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension SQLRunner {
    static func runPostgres(_ script: SQLScript, options: SQLEngineOptions) throws(SQLRunError) -> [[[SQLValue]]] {
        guard let conn = PQconnectdb(options.connection) else { throw SQLRunError("PostgreSQL: cannot allocate a connection") }
        defer { PQfinish(conn) }
        guard PQstatus(conn) == CONNECTION_OK else {
            throw SQLRunError("PostgreSQL: cannot connect: \(errorText(conn))")
        }
        func exec(_ sql: String) throws(SQLRunError) {
            let r = PQexec(conn, sql)
            defer { PQclear(r) }
            let status = PQresultStatus(r)
            guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
                throw SQLRunError("PostgreSQL: \(errorText(conn))")
            }
        }
        try exec("SET client_min_messages = warning; SET DateStyle = ISO; SET extra_float_digits = 1; SET client_encoding = 'UTF8'")
        for s in script.statements {
            switch s {
            case .sql(_, let text), .table(_, _, _, let text): try exec(text)
            case .copyCSV(let table, let columns, let path, let options):
                try copy(conn, table: table, columns: columns, path: path, options: options, dialect: script.dialect)
            }
        }
        var results: [[[SQLValue]]] = []
        for q in script.queries {
            let r = PQexec(conn, q.sql)
            defer { PQclear(r) }
            guard PQresultStatus(r) == PGRES_TUPLES_OK else { throw SQLRunError("PostgreSQL: \(errorText(conn))") }
            let n = Int(PQntuples(r)), m = Int(PQnfields(r))
            guard m == q.types.count else { throw SQLRunError("PostgreSQL: \(m) columns, expected \(q.types.count)") }
            var rows: [[SQLValue]] = []
            rows.reserveCapacity(n)
            for i in 0..<n {
                var row: [SQLValue] = []
                for j in 0..<m {
                    if PQgetisnull(r, Int32(i), Int32(j)) == 1 { row.append(.null); continue }
                    let text = String(cString: PQgetvalue(r, Int32(i), Int32(j)))
                    row.append(q.types[j].base == .text ? .text(text) : decode(text, q.types[j]))
                }
                rows.append(row)
            }
            results.append(rows)
        }
        return results
    }

    static func errorText(_ conn: OpaquePointer) -> String {
        String(cString: PQerrorMessage(conn)).split(separator: "\n").first.map(String.init) ?? "unknown error"
    }

    /// A CSV file into a table, through COPY FROM STDIN: the whole file, its columns as
    /// listed (the file's order) and COPY's options (the header row, a separator, an encoding).
    static func copy(_ conn: OpaquePointer, table: String, columns: [String], path: String, options: [String],
                     dialect: SQLDialect) throws(SQLRunError) {
        guard let f = fopen(path, "rb") else { throw SQLRunError("cannot read \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(f) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let list = columns.map { dialect.quote($0) }.joined(separator: ", ")
        let r = PQexec(conn, "COPY \(dialect.quote(table)) (\(list)) FROM STDIN WITH (\((["FORMAT csv"] + options).joined(separator: ", ")))")
        let status = PQresultStatus(r)
        PQclear(r)
        guard status == PGRES_COPY_IN else { throw SQLRunError("PostgreSQL: \(errorText(conn))") }
        var n = fread(&buffer, 1, buffer.count, f)
        // A UTF-8 byte-order mark is not part of the header's first name.
        var offset = n >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
        while n > 0 {
            let ok = buffer.withUnsafeBufferPointer { p in
                p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: n) { c in
                    PQputCopyData(conn, c + offset, Int32(n - offset))
                }
            }
            guard ok == 1 else { throw SQLRunError("PostgreSQL: \(errorText(conn))") }
            offset = 0
            n = fread(&buffer, 1, buffer.count, f)
        }
        PQputCopyEnd(conn, nil)
        while let res = PQgetResult(conn) {
            let st = PQresultStatus(res)
            PQclear(res)
            if st != PGRES_COMMAND_OK { throw SQLRunError("PostgreSQL: loading \(path): \(errorText(conn))") }
        }
    }
}

extension SQLRunner {
    /// A table already in PostgreSQL as CSV text (a header and up to `limit` rows), so the
    /// checker can read its schema as it reads a CSV file's (`--source-table`).
    public static func postgresSample(_ table: String, limit: Int = 1000, options: SQLEngineOptions) throws(SQLRunError) -> String {
        guard let conn = PQconnectdb(options.connection) else { throw SQLRunError("PostgreSQL: cannot allocate a connection") }
        defer { PQfinish(conn) }
        guard PQstatus(conn) == CONNECTION_OK else { throw SQLRunError("PostgreSQL: cannot connect: \(errorText(conn))") }
        let setup = PQexec(conn, "SET DateStyle = ISO; SET extra_float_digits = 1")
        PQclear(setup)
        let r = PQexec(conn, "SELECT * FROM \(table) LIMIT \(limit)")
        defer { PQclear(r) }
        guard PQresultStatus(r) == PGRES_TUPLES_OK else { throw SQLRunError("PostgreSQL: \(errorText(conn))") }
        let n = Int(PQntuples(r)), m = Int(PQnfields(r))
        func field(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingAll("\"", with: "\"\"") + "\"" : s
        }
        var lines = [(0..<m).map { field(String(cString: PQfname(r, Int32($0)))) }.joined(separator: ",")]
        let boolOid: UInt32 = 16
        for i in 0..<n {
            lines.append((0..<m).map { j -> String in
                if PQgetisnull(r, Int32(i), Int32(j)) == 1 { return "" }
                let text = String(cString: PQgetvalue(r, Int32(i), Int32(j)))
                if PQftype(r, Int32(j)) == boolOid { return text == "t" ? "true" : "false" }
                return field(text)
            }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
