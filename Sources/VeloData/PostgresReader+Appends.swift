// Reading a PostgreSQL source again with a declared increasing column: only the rows after
// the last one read, when the rows read are unchanged.
//
// The source (a table or a query) is wrapped: `SELECT velo_q.*, velo_q.key, hash FROM (…) AS
// velo_q WHERE velo_q.key > $1 ORDER BY velo_q.key`, the hash being PostgreSQL's
// `hashtextextended` of the whole row as text. A read remembers the key's largest value, the
// row count and the sum of the row hashes (`RowMark`). On the next poll, one aggregate over
// the rows up to that value (count and sum of hashes, computed by the server) tells whether
// they are the rows read; if so only the rows after it are fetched, else everything is read
// again and the engine diffs it by key. Both statements run in one REPEATABLE READ READ ONLY
// transaction, so they see the same snapshot. Without `increasing:` every poll reads the rows
// again and compares their hash with the last read's.

import CPostgres

extension PostgresReader {
    /// The source's rows after `last` (all: nil), in order of the increasing column, each with
    /// the column's value and the row's hash after the source's columns.
    func keyedSQL(after last: RowMark.Value?) -> String {
        let k = "velo_q." + SQLIdentifier.quoted(increasing ?? "")
        let condition = last == nil ? "" : " WHERE \(k) > $1"
        return "SELECT velo_q.*, \(k), hashtextextended(velo_q::text, 0) FROM (\(sql)) AS velo_q\(condition) ORDER BY \(k)"
    }

    /// How many rows there are now up to `last` (and without a value), and the sum of their
    /// hashes modulo 2^64, as the server computes it.
    func recount(_ conn: OpaquePointer, through last: RowMark.Value?) throws(DataError) -> (count: Int, checksum: UInt64) {
        let k = "velo_q." + SQLIdentifier.quoted(increasing ?? "")
        let condition = last == nil ? "\(k) IS NULL" : "\(k) <= $1 OR \(k) IS NULL"
        let sum = "coalesce(sum(hashtextextended(velo_q::text, 0)::numeric), 0) % 18446744073709551616"
        let res = try run(conn, "SELECT count(*), (\(sum))::text FROM (\(sql)) AS velo_q WHERE \(condition)", last.map(PostgresReader.text))
        defer { PQclear(res) }
        let count = Int(String(cString: PQgetvalue(res, 0, 0))) ?? -1
        // The remainder has the sign of the sum: a negative one is the same modulo 2^64.
        let text = String(cString: PQgetvalue(res, 0, 1))
        let magnitude = UInt64(text.hasPrefix("-") ? String(text.dropFirst()) : text) ?? 0
        return (count, text.hasPrefix("-") ? 0 &- magnitude : magnitude)
    }

    static func text(_ value: RowMark.Value) -> String {
        switch value {
        case .text(let s): return s
        case .integer(let v): return String(v)
        case .real(let v): return "\(v)"
        }
    }

    public func changes(since cursor: SourceCursor, schema: DataSchema, options: ReadOptions, interner: Interner,
                        appends: Bool) throws(DataError) -> SourceChange {
        guard increasing != nil else {
            let all = try read(options: options, interner: interner)
            if all.cursor == cursor { return .none }
            return .replaced(all.table, all.cursor)
        }
        let conn = try connect()
        defer { PQfinish(conn) }
        PQclear(try run(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        defer { PQclear(PQexec(conn, "ROLLBACK")) }
        if appends, let mark = cursor.mark {
            let now = try recount(conn, through: mark.last)
            if now.count == mark.count && now.checksum == mark.checksum {
                var typed = options
                for c in schema.columns { typed.declaredTypes[c.name] = c.type }
                let more = try load(conn, keyedSQL(after: mark.last), mark.last.map(PostgresReader.text), options: typed,
                                    keyed: true, firstRow: mark.count)
                if more.rows.isEmpty { return .none }
                let next = RowMark(last: more.mark.last ?? mark.last, count: mark.count + more.mark.count,
                                   checksum: mark.checksum &+ more.mark.checksum)
                let read = try table(more, options: typed, interner: interner, mark: next)
                return .appended(read.table, read.cursor)
            }
        }
        let all = try load(conn, keyedSQL(after: nil), options: options, keyed: true)
        if let mark = cursor.mark, all.mark == mark { return .none }
        let read = try table(all, options: options, interner: interner)
        return .replaced(read.table, read.cursor)
    }
}
