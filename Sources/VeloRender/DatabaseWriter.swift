// Plans written back to a database: `--output plan.db` (SQLite) or `--output postgresql://…`
// (PostgreSQL; `postgres:` alone connects through the PG* environment). All tables are written in one transaction that replaces each table's previous
// contents, so a failure leaves the previous plan intact — a reader of the database sees the
// old plan or the new one, never half of one.

import CPostgres
import CSQLite
import VeloData
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public enum DatabaseWriter {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Whether `--output` names a database rather than a file or folder.
    public static func isDatabase(_ output: String) -> Bool {
        isPostgres(output) || [".db", ".sqlite", ".sqlite3"].contains { output.hasSuffix($0) }
    }

    static func isPostgres(_ output: String) -> Bool {
        output.hasPrefix("postgresql://") || output.hasPrefix("postgres://") || output.hasPrefix("postgres:")
    }

    static func quoted(_ name: String) -> String { SQLIdentifier.quoted(name) }

    static func sqlType(_ v: CellValues) -> String {
        switch v {
        case .number: return "DOUBLE PRECISION"
        case .text: return "TEXT"
        case .date: return "DATE"
        case .bool: return "BOOLEAN"
        }
    }

    /// One cell as SQL text (nil: NULL).
    static func text(_ v: CellValues, _ r: Int) -> String? {
        switch v {
        case .number(let x): return x[r].isNaN || !x[r].isFinite ? nil : "\(x[r])"
        case .text(let t): return t[r]
        case .date(let d): return d[r] == Int32.min ? nil : CivilDate(day: d[r]).iso
        case .bool(let b): return b[r] > 1 ? nil : (b[r] == 1 ? "true" : "false")
        }
    }

    public static func write(_ tables: [OutputTable], to output: String) throws(Failure) {
        guard isPostgres(output) else { return try writeSQLite(tables, output) }
        // `postgres:` alone: the PG* environment; `postgres:KEY=VALUE …`: a connection string.
        let conninfo = output.hasPrefix("postgres:") && !output.hasPrefix("postgres://") ? String(output.dropFirst("postgres:".count)) : output
        try writePostgres(tables, conninfo)
    }

    // MARK: SQLite

    static func writeSQLite(_ tables: [OutputTable], _ path: String) throws(Failure) {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK, let db else {
            let m = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw Failure(description: "cannot open the database \(path): \(m)")
        }
        defer { sqlite3_close(db) }
        sqlite3_busy_timeout(db, 5000)
        func exec(_ sql: String) throws(Failure) {
            var err: UnsafeMutablePointer<CChar>?
            if sqlite3_exec(db, sql, nil, nil, &err) != SQLITE_OK {
                let m = err.map { String(cString: $0) } ?? "error"
                sqlite3_free(err)
                throw Failure(description: "cannot write the plan to \(path): \(m)")
            }
        }
        try exec("BEGIN IMMEDIATE")
        do throws(Failure) {
            for t in tables {
                try exec("DROP TABLE IF EXISTS \(quoted(t.name))")
                try exec("CREATE TABLE \(quoted(t.name)) (" + t.columns.map { "\(quoted($0.name)) \(sqlType($0.values))" }.joined(separator: ", ") + ")")
                let sql = "INSERT INTO \(quoted(t.name)) VALUES (" + t.columns.map { _ in "?" }.joined(separator: ", ") + ")"
                var stmt: OpaquePointer?
                guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else {
                    throw Failure(description: "cannot write the plan to \(path): \(String(cString: sqlite3_errmsg(db)))")
                }
                defer { sqlite3_finalize(stmt) }
                let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                for r in 0..<t.rowCount {
                    sqlite3_reset(stmt)
                    for (c, col) in t.columns.enumerated() {
                        let i = Int32(c + 1)
                        switch col.values {
                        case .number(let x) where x[r].isFinite: sqlite3_bind_double(stmt, i, x[r])
                        case .bool(let b) where b[r] <= 1: sqlite3_bind_int(stmt, i, Int32(b[r]))
                        default:
                            if let s = text(col.values, r) { sqlite3_bind_text(stmt, i, s, -1, transient) } else { sqlite3_bind_null(stmt, i) }
                        }
                    }
                    guard sqlite3_step(stmt) == SQLITE_DONE else {
                        throw Failure(description: "cannot write the plan to \(path): \(String(cString: sqlite3_errmsg(db)))")
                    }
                }
            }
            try exec("COMMIT")
        } catch {
            _ = sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    // MARK: PostgreSQL

    static func writePostgres(_ tables: [OutputTable], _ conninfo: String) throws(Failure) {
        guard let conn = PQconnectdb(conninfo) else { throw Failure(description: "cannot connect to PostgreSQL") }
        defer { PQfinish(conn) }
        guard PQstatus(conn) == CONNECTION_OK else {
            throw Failure(description: "cannot connect to PostgreSQL: " + String(cString: PQerrorMessage(conn)).split(separator: "\n").joined(separator: "; "))
        }
        func exec(_ sql: String) throws(Failure) {
            let res = PQexec(conn, sql)
            defer { PQclear(res) }
            let status = PQresultStatus(res)
            guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw writeFailure(res, conn) }
        }
        // `DROP TABLE IF EXISTS` of a first run's tables would print a NOTICE per table.
        try exec("SET client_min_messages = warning")
        try exec("BEGIN")
        do throws(Failure) {
            for t in tables {
                try exec("DROP TABLE IF EXISTS \(quoted(t.name))")
                try exec("CREATE TABLE \(quoted(t.name)) (" + t.columns.map { "\(quoted($0.name)) \(sqlType($0.values))" }.joined(separator: ", ") + ")")
                try copyRows(t, conn)
            }
            try exec("COMMIT")
        } catch {
            _ = PQexec(conn, "ROLLBACK").map { PQclear($0) }
            throw error
        }
    }

    static func writeFailure(_ res: OpaquePointer?, _ conn: OpaquePointer) -> Failure {
        let text = res.map { String(cString: PQresultErrorMessage($0)) } ?? ""
        let m = (text.isEmpty ? String(cString: PQerrorMessage(conn)) : text).split(separator: "\n").first.map(String.init) ?? ""
        return Failure(description: "cannot write the plan to PostgreSQL: \(m)")
    }

    /// A table's rows through `COPY … FROM STDIN` (text format: tab-separated, `\N` for NULL,
    /// backslash escapes), in buffers of about a megabyte: one statement, not one per row.
    static func copyRows(_ t: OutputTable, _ conn: OpaquePointer) throws(Failure) {
        let started = PQexec(conn, "COPY \(quoted(t.name)) FROM STDIN")
        defer { PQclear(started) }
        guard PQresultStatus(started) == PGRES_COPY_IN else { throw writeFailure(started, conn) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var sent = true
        func flush() {
            if sent, !buffer.isEmpty {
                sent = buffer.withUnsafeBufferPointer { b in
                    b.withMemoryRebound(to: CChar.self) { PQputCopyData(conn, $0.baseAddress, Int32($0.count)) == 1 }
                }
            }
            buffer.removeAll(keepingCapacity: true)   // after a failure too: the rest is not kept
        }
        for r in 0..<t.rowCount {
            for (c, col) in t.columns.enumerated() {
                if c > 0 { buffer.append(UInt8(ascii: "\t")) }
                guard let s = text(col.values, r) else {
                    buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
                    continue
                }
                for byte in s.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                    case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                    case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                    case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                    default: buffer.append(byte)
                    }
                }
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 20 { flush() }
        }
        flush()
        // Ending the copy with an error message makes the server refuse it, when a buffer was lost.
        let ended = sent ? PQputCopyEnd(conn, nil) : PQputCopyEnd(conn, "the rows could not be sent")
        var failure: Failure? = ended == 1 ? nil : writeFailure(nil, conn)
        while let res = PQgetResult(conn) {
            let status = PQresultStatus(res)
            if failure == nil, status != PGRES_COMMAND_OK { failure = writeFailure(res, conn) }
            PQclear(res)
            // Still copying (the end could not be sent): libpq would return this result forever.
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT { break }
        }
        if let failure { throw failure }
        if !sent { throw writeFailure(nil, conn) }
    }
}
