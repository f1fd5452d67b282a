// Sources behind one protocol: whatever a source table is read from — a CSV file, the rows a
// test gives, later a database table — the workspace and the checker ask a `SourceReader` for
// its schema, all its rows, and what changed since they last read it.
//
// Why a cursor: re-reading a large event file on every change would make `velo watch` as slow
// as a fresh run, so a reader remembers how far it read and, when the source only grew, hands
// back the new rows alone. A reader never hands back half a row: a file's last line without
// its line break (a writer in the middle of appending it) stays unread until it is complete.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How far a reader read a source, to tell later what changed.
///
/// For a file, `position` is a byte offset and `fingerprint` the bytes just before it; a
/// database reader would keep a row id or a version there.
public struct SourceCursor: Sendable, Equatable {
    /// How far the source was read (for a file: the byte offset after the last row read).
    public var position: Int
    /// What the source held just before `position`: unchanged, the source only grew.
    public var fingerprint: [UInt8]
    /// The last row read had no line break after it (a file that does not end in one): if
    /// the source grows, that row may have been incomplete, so it is read again.
    public var lastRowOpen: Bool
    /// For a database read in order of an increasing column (or SQLite's rowid): where the
    /// rows read end, to read only those after it next time (nil: the source is re-read whole).
    public var mark: RowMark?

    public init(position: Int, fingerprint: [UInt8] = [], lastRowOpen: Bool = false, mark: RowMark? = nil) {
        self.position = position
        self.fingerprint = fingerprint
        self.lastRowOpen = lastRowOpen
        self.mark = mark
    }
}

/// Where a database read in order of an increasing column stopped: the column's largest value
/// read, and how many rows up to it there were and what they held (a checksum), so that the
/// next read tells rows appended after it from a change to the rows already read.
public struct RowMark: Sendable, Equatable {
    /// A value of the increasing column as the database gave it.
    public enum Value: Sendable, Equatable {
        case integer(Int64)
        case real(Double)
        case text(String)
    }
    /// The largest value read (nil: no row had one yet).
    public var last: Value?
    /// Rows read, those without a value in the column included.
    public var count: Int
    /// A checksum of those rows, independent of their order (a sum of row hashes).
    public var checksum: UInt64

    public init(last: Value?, count: Int, checksum: UInt64) {
        self.last = last
        self.count = count
        self.checksum = checksum
    }
}

/// How `velo watch` tells that a source may have changed.
public enum SourceWatch: Sendable, Equatable {
    /// The size and modification time of these files (a database's write-ahead log too).
    case files([String])
    /// Nothing local tells: the reader is asked on every poll of servers (a database server).
    case poll
    /// The source never changes (rows a test gives).
    case never
}

/// All the rows of a source, and where the next read resumes.
public struct SourceRead: Sendable {
    public var table: DataTable
    public var cursor: SourceCursor

    public init(table: DataTable, cursor: SourceCursor) {
        self.table = table
        self.cursor = cursor
    }
}

/// What changed in a source since a cursor.
public enum SourceChange: Sendable {
    /// Nothing to read (a row still being written may be pending).
    case none
    /// Rows were added after the cursor and the earlier rows are as they were: only the new
    /// rows, with the column types of the earlier read, and the cursor after them.
    case appended(DataTable, SourceCursor)
    /// The source changed otherwise: all its rows (to diff by key), and the new cursor.
    case replaced(DataTable, SourceCursor)
}

/// Something a source table's rows are read from.
///
/// Readers know nothing of the language: the caller passes the column types to enforce
/// (`ReadOptions`), and gets typed columns back. Errors name `label` and, where one is to
/// blame, the row (line) and column.
public protocol SourceReader: Sendable {
    /// Where the rows come from, as messages show it: a path, `plan.test.velo:12 (given items)`.
    var label: String { get }
    /// The columns and their types (declared, text columns as text, the rest inferred from a
    /// sample of rows), without reading every row.
    func schema(options: ReadOptions) throws(DataError) -> DataSchema
    /// Every row, with the types of `options` enforced and the rest inferred from all values.
    func read(options: ReadOptions, interner: Interner) throws(DataError) -> SourceRead
    /// What changed since `cursor` (returned by `read` or an earlier call). `schema` is the
    /// columns of that read, enforced on appended rows. With `appends` false the caller cannot
    /// take appended rows (a keyed table is diffed by key), so any change is `.replaced`.
    func changes(since cursor: SourceCursor, schema: DataSchema, options: ReadOptions, interner: Interner,
                 appends: Bool) throws(DataError) -> SourceChange
    /// How the reader reads the source — what was declared and what it guessed — for
    /// `velo check --verbose` and the REPL's `tables`.
    func describe(options: ReadOptions) -> [SourceGuess]
    /// What `velo watch` looks at to tell the source may have changed.
    var watch: SourceWatch { get }
}

extension SourceReader {
    public func describe(options: ReadOptions) -> [SourceGuess] { [] }
    /// A file source: its file.
    public var watch: SourceWatch { .files([label]) }
}

/// The kinds of source a rule file can name, and a reader for each.
public enum SourceReaders {
    /// The reader names a source declaration may use (`csv("sales.csv")`).
    public static let kinds = ["csv", "sqlite", "postgres"]

    /// How a source is declared, for hints: `csv("path/to/file.csv")`.
    public static let example = "csv(\"path/to/file.csv\")"

    /// A reader of kind `kind` for `location` (a path); nil for an unknown kind.
    public static func reader(kind: String, location: String, settings: SourceSettings = SourceSettings()) -> (any SourceReader)? {
        switch kind {
        case "csv": return DialectCSVReader(path: location, settings: settings)
        case "sqlite": return SQLiteReader(path: location, settings: settings)
        case "postgres": return PostgresReader(location: location, settings: settings)
        default: return nil
        }
    }
}

// MARK: - CSV files

/// A CSV file as a source (see `CSVReader` for the format).
public struct CSVFileReader: SourceReader {
    public let path: String

    public init(path: String) { self.path = path }

    public var label: String { path }

    public func schema(options: ReadOptions) throws(DataError) -> DataSchema {
        try CSVReader.readSchema(path: path, options: options)
    }

    public func read(options: ReadOptions, interner: Interner) throws(DataError) -> SourceRead {
        let table = try CSVReader.load(path: path, options: options, interner: interner)
        return SourceRead(table: table, cursor: cursor(at: table.byteLength))
    }

    public func changes(since cursor: SourceCursor, schema: DataSchema, options: ReadOptions, interner: Interner,
                        appends: Bool) throws(DataError) -> SourceChange {
        guard appends else { return try replaced(options, interner) }
        let size = try FileProbe.size(of: path)
        let start = cursor.position - cursor.fingerprint.count
        guard size >= cursor.position, FileProbe.bytes(of: path, in: start..<cursor.position) == cursor.fingerprint else {
            return try replaced(options, interner)
        }
        if size == cursor.position { return .none }
        if cursor.lastRowOpen {
            // The last row read had no line break: unless one follows now, it was incomplete.
            let next = FileProbe.bytes(of: path, in: cursor.position..<(cursor.position + 1))?.first
            guard next == ASCII.lf || next == ASCII.cr else { return try replaced(options, interner) }
        }
        let more: DataTable
        do {
            more = try CSVReader.loadAppended(path: path, from: cursor.position, schema: schema, interner: interner)
        } catch let error where error.kind == .changed {
            return try replaced(options, interner)   // not an append after all (a rewritten header, say)
        }
        if more.rowCount == 0 && more.byteLength == cursor.position { return .none }
        return .appended(more, self.cursor(at: more.byteLength))
    }

    private func replaced(_ options: ReadOptions, _ interner: Interner) throws(DataError) -> SourceChange {
        let all = try read(options: options, interner: interner)
        return .replaced(all.table, all.cursor)
    }

    /// The cursor after the first `position` bytes: the last (up to) 4 KiB of them.
    func cursor(at position: Int) -> SourceCursor {
        let bytes = FileProbe.bytes(of: path, in: max(0, position - 4096)..<position) ?? []
        return SourceCursor(position: position, fingerprint: bytes, lastRowOpen: bytes.last.map { $0 != ASCII.lf } ?? false)
    }
}

/// Small reads of a file's size and of a few of its bytes.
enum FileProbe {
    static func size(of path: String) throws(DataError) -> Int {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            throw DataError(path: path, line: 0, message: Messages.cannotRead(reason), kind: .unreadable, reason: reason)
        }
        return Int(st.st_size)
    }

    /// The bytes of `path` in `range`; nil when they cannot all be read.
    static func bytes(of path: String, in range: Range<Int>) -> [UInt8]? {
        guard range.lowerBound >= 0 else { return nil }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < out.count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(range.lowerBound + done)) }
            if n <= 0 { return nil }
            done += n
        }
        return out
    }
}

// MARK: - Rows in memory

/// One value of a row given in memory.
public enum DataValue: Sendable, Equatable {
    case number(Double)
    case text(String)
    /// A day number (`CivilDate.day`).
    case date(Int32)
    case bool(Bool)
    case missing

    var type: ColumnType? {
        switch self {
        case .number: return .number
        case .text: return .text
        case .date: return .date
        case .bool: return .bool
        case .missing: return nil
        }
    }

    /// As a CSV field would show it, for messages.
    var shown: String {
        switch self {
        case .number(let x):
            // Whole numbers without a fraction, as a file would hold them.
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            return "\(x)"
        case .text(let s): return s
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        case .missing: return ""
        }
    }
}

/// Rows held in memory (a test's `given` rows): typed columns are built from the values
/// directly, with no text in between.
public struct RowsReader: SourceReader {
    public let label: String
    /// The column names, in order.
    public let columns: [String]
    /// One value per column in each row.
    public let rows: [[DataValue]]

    public init(label: String, columns: [String], rows: [[DataValue]]) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "a row with another number of values than columns")
        self.label = label
        self.columns = columns
        self.rows = rows
    }

    /// Declared types, then text columns, then the type of the first value given (text when
    /// a column has none).
    public func schema(options: ReadOptions) -> DataSchema {
        DataSchema(path: label, columns: columns.indices.map { c in (name: columns[c], type: type(of: c, options)) })
    }

    private func type(of c: Int, _ options: ReadOptions) -> ColumnType {
        if let declared = options.declaredTypes[columns[c]] { return declared }
        if options.textColumns.contains(columns[c]) { return .text }
        return rows.lazy.compactMap { $0[c].type }.first ?? .text
    }

    public func read(options: ReadOptions, interner: Interner) throws(DataError) -> SourceRead {
        var out: [Column] = []
        for (c, name) in columns.enumerated() {
            let type = type(of: c, options)
            func bad(_ r: Int) -> DataError {
                DataError(path: label, line: r + 1, column: c + 1, columnName: name,
                          message: Messages.expected(type, column: name, found: rows[r][c].shown), kind: .badValue)
            }
            let data: ColumnData
            switch type {
            case .number:
                var v = [Double](repeating: .nan, count: rows.count)
                for r in rows.indices {
                    switch rows[r][c] {
                    case .number(let x): v[r] = x
                    case .missing: break
                    default: throw bad(r)
                    }
                }
                data = .number(v)
            case .text:
                var v = [Int32](repeating: ColumnData.missingText, count: rows.count)
                for r in rows.indices {
                    switch rows[r][c] {
                    case .missing: break
                    case let value: v[r] = interner.intern(value.shown)
                    }
                }
                data = .text(v)
            case .date:
                var v = [Int32](repeating: ColumnData.missingDate, count: rows.count)
                for r in rows.indices {
                    switch rows[r][c] {
                    case .date(let d): v[r] = d
                    case .missing: break
                    default: throw bad(r)
                    }
                }
                data = .date(v)
            case .bool:
                var v = [UInt8](repeating: ColumnData.missingBool, count: rows.count)
                for r in rows.indices {
                    switch rows[r][c] {
                    case .bool(let b): v[r] = b ? 1 : 0
                    case .missing: break
                    default: throw bad(r)
                    }
                }
                data = .bool(v)
            }
            out.append(Column(name: name, data: data))
        }
        let table = DataTable(path: label, columns: out, rowCount: rows.count, byteLength: 0)
        return SourceRead(table: table, cursor: SourceCursor(position: rows.count))
    }

    public var watch: SourceWatch { .never }

    /// Rows in memory never change.
    public func changes(since cursor: SourceCursor, schema: DataSchema, options: ReadOptions, interner: Interner,
                        appends: Bool) -> SourceChange {
        .none
    }
}
