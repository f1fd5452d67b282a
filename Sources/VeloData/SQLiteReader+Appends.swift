// Reading a SQLite source again: only the rows appended since the last read, when that is
// all that changed.
//
// Rows are read in order of a key that grows as rows are appended: the column the declaration
// names (`sqlite("orders.db", table: "orders", increasing: "order_no")`), else a table's rowid.
// The read remembers the key's largest value and a checksum of the rows up to it (`RowMark`).
// When the database file changed, the rows up to that value are hashed again — their raw
// values, nothing converted — and if they are the same rows, only those after it are read and
// handed over as appended; otherwise (a row edited, deleted, or appended with a key not above
// the last one) the source is read again whole and the engine diffs it by key. Both reads are
// one read transaction, so a writer cannot slip a row in between them.
//
// A query without `increasing:` has no key to go by (its rows may be computed from anything),
// so it is run again whole; with it, the query is wrapped (`SELECT *, key FROM (query) WHERE
// key > ?`), which is right as long as the query's rows up to the last key do not change when
// rows are appended — the checksum verifies exactly that. A table without a rowid (a view, a
// `WITHOUT ROWID` table) and no `increasing:` is read again whole.

import CSQLite

extension SQLiteReader {
    /// What orders the rows, so that appended rows come after those read.
    enum AppendKey: Equatable {
        case rowid
        case column(String)

        var sql: String {
            switch self {
            case .rowid: return "rowid"
            case .column(let c): return SQLIdentifier.quoted(c)
            }
        }
    }

    /// Which rows of the source a statement reads, in order of the key.
    enum Rows {
        case all
        /// Those after the key value (nil: every row with a key).
        case after(RowMark.Value?)
        /// Those up to and including the key value, and those without one.
        case through(RowMark.Value?)

        var bound: RowMark.Value? {
            switch self {
            case .all: return nil
            case .after(let v), .through(let v): return v
            }
        }
    }

    /// The key this source's rows are read in order of, if it has one (a table's rowid when no
    /// `increasing:` is declared and the table has one).
    func appendKey(_ db: OpaquePointer) -> AppendKey? {
        if let increasing { return .column(increasing) }
        guard let table else { return nil }
        var stmt: OpaquePointer?
        defer { sqlite3_finalize(stmt) }
        return sqlite3_prepare_v2(db, "SELECT rowid FROM \(SQLIdentifier.quoted(table)) LIMIT 0", -1, &stmt, nil) == SQLITE_OK ? .rowid : nil
    }

    /// The SQL reading `rows`: the source's columns, then the key (with a key).
    func sql(key: AppendKey?, rows: Rows) -> String {
        let from = table.map(SQLIdentifier.quoted) ?? "(\(query ?? ""))"
        guard let key else { return table == nil ? query ?? "" : "SELECT * FROM \(from)" }
        let k = key.sql
        var condition: String?
        switch rows {
        case .all: condition = nil
        case .after(let v): condition = v == nil ? (key == .rowid ? nil : "\(k) IS NOT NULL") : "\(k) > ?1"
        case .through(let v):
            if key == .rowid { condition = v == nil ? "0" : "\(k) <= ?1" }
            else { condition = v == nil ? "\(k) IS NULL" : "\(k) <= ?1 OR \(k) IS NULL" }
        }
        // Rows counted again are summed, in any order: only the rows read are sorted.
        let order: String
        if case .through = rows { order = "" } else { order = " ORDER BY \(k)" }
        return "SELECT *, \(k) FROM \(from)" + (condition.map { " WHERE " + $0 } ?? "") + order
    }

    static func bind(_ value: RowMark.Value, to stmt: OpaquePointer) {
        switch value {
        case .integer(let v): sqlite3_bind_int64(stmt, 1, v)
        case .real(let v): sqlite3_bind_double(stmt, 1, v)
        case .text(let v): sqlite3_bind_text(stmt, 1, v, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    /// Counts the current row into `mark`: its hash into the checksum, its key as the last.
    static func note(_ stmt: OpaquePointer, _ selected: [(index: Int, name: String, sqlType: ColumnType?)], _ keyIndex: Int32,
                     in mark: inout RowMark) {
        mark.count += 1
        mark.checksum &+= rowHash(stmt, selected)
        switch sqlite3_column_type(stmt, keyIndex) {
        case SQLITE_INTEGER: mark.last = .integer(sqlite3_column_int64(stmt, keyIndex))
        case SQLITE_FLOAT: mark.last = .real(sqlite3_column_double(stmt, keyIndex))
        case SQLITE_NULL: break
        default: mark.last = .text(String(cString: sqlite3_column_text(stmt, keyIndex)))
        }
    }

    /// A hash of the current row's raw values (storage class and bytes) in the selected
    /// columns; called before any value is converted.
    static func rowHash(_ stmt: OpaquePointer, _ selected: [(index: Int, name: String, sqlType: ColumnType?)]) -> UInt64 {
        // FNV-1a over the storage class, then a value's 64 bits at once or a text's bytes.
        let prime: UInt64 = 0x100000001b3
        var h: UInt64 = 0xcbf29ce484222325
        for c in selected {
            let i = Int32(c.index)
            let type = sqlite3_column_type(stmt, i)
            h = (h ^ UInt64(UInt32(bitPattern: type))) &* prime
            switch type {
            case SQLITE_NULL: break
            case SQLITE_INTEGER: h = (h ^ UInt64(bitPattern: sqlite3_column_int64(stmt, i))) &* prime
            case SQLITE_FLOAT: h = (h ^ sqlite3_column_double(stmt, i).bitPattern) &* prime
            default:
                let n = Int(sqlite3_column_bytes(stmt, i))
                if let p = sqlite3_column_blob(stmt, i) {
                    let bytes = p.assumingMemoryBound(to: UInt8.self)
                    var k = 0
                    while k < n { h = (h ^ UInt64(bytes[k])) &* prime; k += 1 }
                }
                h = (h ^ UInt64(n)) &* prime
            }
            h ^= h >> 32
        }
        // Mixed further (SplitMix64's finaliser), so that a sum of row hashes is a good checksum.
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    /// How many rows there are up to the mark's key value now, and their checksum.
    func recount(_ db: OpaquePointer, key: AppendKey, through last: RowMark.Value?) throws(DataError) -> (count: Int, checksum: UInt64) {
        let stmt = try prepare(db, key: key, rows: .through(last))
        defer { sqlite3_finalize(stmt) }
        let (selected, _) = columns(stmt, key: key)
        var mark = RowMark(last: nil, count: 0, checksum: 0)
        let keyIndex = sqlite3_column_count(stmt) - 1
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw fail("the query failed: \(String(cString: sqlite3_errmsg(db)))", kind: .badRow) }
            SQLiteReader.note(stmt, selected, keyIndex, in: &mark)
        }
        return (mark.count, mark.checksum)
    }

    public func changes(since cursor: SourceCursor, schema: DataSchema, options: ReadOptions, interner: Interner,
                        appends: Bool) throws(DataError) -> SourceChange {
        let stamp = stamp()
        if stamp == cursor.fingerprint { return .none }
        let db = try open()
        defer { sqlite3_close(db) }
        // One read transaction: the rows checked and the rows appended are of the same moment.
        sqlite3_exec(db, "BEGIN", nil, nil, nil)
        defer { sqlite3_exec(db, "ROLLBACK", nil, nil, nil) }
        let key = appendKey(db)
        if appends, let key, let mark = cursor.mark {
            let now = try recount(db, key: key, through: mark.last)
            if now.count == mark.count && now.checksum == mark.checksum {
                // The rows read are as they were: read those after them, typed as before.
                var typed = options
                for c in schema.columns { typed.declaredTypes[c.name] = c.type }
                let more = try load(db, options: typed, limit: .max, key: key, rows: .after(mark.last), firstRow: mark.count)
                if more.rows.isEmpty { return .none }
                let next = RowMark(last: more.mark.last ?? mark.last, count: mark.count + more.mark.count,
                                   checksum: mark.checksum &+ more.mark.checksum)
                let read = try table(more, options: typed, interner: interner,
                                     cursor: SourceCursor(position: next.count, fingerprint: stamp, mark: next))
                return .appended(read.table, read.cursor)
            }
        }
        let all = try load(db, options: options, limit: .max, key: key)
        if key != nil, let mark = cursor.mark, all.mark == mark { return .none }
        let read = try table(all, options: options, interner: interner,
                             cursor: SourceCursor(position: all.rows.count, fingerprint: stamp, mark: key == nil ? nil : all.mark))
        return .replaced(read.table, read.cursor)
    }
}
