// The in-memory shape of loaded data: typed columns, tables, and the options and schema that
// describe a source before and after loading.
//
// Why columnar: the engine aggregates one column at a time over millions of rows, so each
// column is one contiguous Swift array of a plain scalar type (no per-cell enum or boxing).
// Missing cells are in-band sentinels of that scalar type, listed on `ColumnData`.

/// The type of a column's values.
public enum ColumnType: String, Sendable, Equatable, CaseIterable {
    /// A `Double`.
    case number
    /// Interned text: an `Int32` id from the workspace `Interner`.
    case text
    /// A calendar date: an `Int32` day number (see `CivilDate`).
    case date
    /// `true`/`false`, stored as `UInt8` 1/0.
    case bool
}

/// The values of one column.
///
/// Missing cells (an empty field) are stored in band: number → `Double.nan`, text → `-1`,
/// date → `Int32.min`, bool → `2`. Booleans are `0` (false) and `1` (true).
public enum ColumnData: Sendable {
    /// Numbers; missing is `.nan`.
    case number([Double])
    /// `Interner` ids; missing is -1.
    case text([Int32])
    /// Day numbers (`CivilDate.day`); missing is `Int32.min`.
    case date([Int32])
    /// 0 (false) or 1 (true); missing is 2.
    case bool([UInt8])

    /// The missing-value sentinel of a text column.
    public static let missingText: Int32 = -1
    /// The missing-value sentinel of a date column.
    public static let missingDate: Int32 = .min
    /// The missing-value sentinel of a bool column.
    public static let missingBool: UInt8 = 2

    /// The column type these values have.
    public var type: ColumnType {
        switch self {
        case .number: return .number
        case .text: return .text
        case .date: return .date
        case .bool: return .bool
        }
    }

    /// The number of values (rows).
    public var count: Int {
        switch self {
        case .number(let v): return v.count
        case .text(let v): return v.count
        case .date(let v): return v.count
        case .bool(let v): return v.count
        }
    }

    /// Whether row `i` holds a missing value.
    public func isMissing(_ i: Int) -> Bool {
        switch self {
        case .number(let v): return v[i].isNaN
        case .text(let v): return v[i] == ColumnData.missingText
        case .date(let v): return v[i] == ColumnData.missingDate
        case .bool(let v): return v[i] == ColumnData.missingBool
        }
    }

    /// These values followed by `other`'s; nil when the two are of different types.
    public func appending(_ other: ColumnData) -> ColumnData? {
        switch (self, other) {
        case let (.number(a), .number(b)): return .number(a + b)
        case let (.text(a), .text(b)): return .text(a + b)
        case let (.date(a), .date(b)): return .date(a + b)
        case let (.bool(a), .bool(b)): return .bool(a + b)
        default: return nil
        }
    }
}

/// One named, typed column.
public struct Column: Sendable {
    /// The header name.
    public var name: String
    /// The value type; always equal to `data.type`.
    public var type: ColumnType
    /// The values.
    public var data: ColumnData

    /// A column whose `type` is that of `data`.
    public init(name: String, data: ColumnData) {
        self.name = name
        self.type = data.type
        self.data = data
    }

    /// The number of values (rows).
    public var count: Int { data.count }
}

/// A loaded source (a CSV file, rows in memory): its columns in source order.
public struct DataTable: Sendable {
    /// The source the table came from: a file as given to the reader, or a reader's label.
    public var path: String
    /// The columns, in file order; all have `rowCount` values.
    public var columns: [Column]
    /// The number of data rows.
    public var rowCount: Int
    /// The 1-based physical line each row starts on, when recorded (the reader leaves it nil).
    public var sourceLine: [Int32]?
    /// The byte offset just past the last byte read; `CSVReader.loadAppended` resumes here.
    public var byteLength: Int

    /// A table; every column must have `rowCount` values.
    public init(path: String, columns: [Column], rowCount: Int, sourceLine: [Int32]? = nil, byteLength: Int) {
        self.path = path
        self.columns = columns
        self.rowCount = rowCount
        self.sourceLine = sourceLine
        self.byteLength = byteLength
    }

    /// The column with this header name, if any.
    public func column(named name: String) -> Column? {
        columns.first { $0.name == name }
    }

    /// This table's rows followed by `more`'s (typically from `CSVReader.loadAppended`), with
    /// `more.byteLength` as the new end offset.
    ///
    /// - Precondition: both tables have the same column names and types in the same order.
    public func appending(_ more: DataTable) -> DataTable {
        precondition(columns.count == more.columns.count, "appending a table with different columns")
        var merged: [Column] = []
        merged.reserveCapacity(columns.count)
        for (a, b) in zip(columns, more.columns) {
            precondition(a.name == b.name, "appending a table with different columns")
            guard let data = a.data.appending(b.data) else {
                preconditionFailure("appending a table whose column `\(a.name)` has another type")
            }
            merged.append(Column(name: a.name, data: data))
        }
        var lines: [Int32]?
        if let l1 = sourceLine, let l2 = more.sourceLine { lines = l1 + l2 }
        return DataTable(path: path, columns: merged, rowCount: rowCount + more.rowCount,
                         sourceLine: lines, byteLength: more.byteLength)
    }
}

/// How to read a CSV file (the name the CSV reader's API has always used).
public typealias CSVOptions = ReadOptions

/// How to read a source: the column types to enforce and the columns to read as text.
public struct ReadOptions: Sendable {
    /// Column types to enforce: a non-empty field that does not parse as the type is an error.
    /// Names not in the header are ignored (checking for required columns is the caller's job).
    public var declaredTypes: [String: ColumnType]
    /// Columns read as interned text whatever their values look like (key columns such as SKUs).
    /// A declared type takes precedence over membership here.
    public var textColumns: Set<String>
    /// Columns rows are matched on (keys and join columns). A schema read infers them as dates
    /// when every sampled value is a date, as numbers when every value is an integer written
    /// plainly (`-`, digits, no leading zero, of magnitude below 2^30), else as text. Loads enforce the
    /// types they are given, so this only shapes `readSchema`.
    public var keyColumns: Set<String>
    /// Rows the caller never reads (the window push-down): a reader may leave them out.
    public var window: RowWindow? = nil

    /// Options; by default every column's type is inferred.
    public init(declaredTypes: [String: ColumnType] = [:], textColumns: Set<String> = [], keyColumns: Set<String> = []) {
        self.declaredTypes = declaredTypes
        self.textColumns = textColumns
        self.keyColumns = keyColumns
    }
}

/// The rows of a dated source a program reads: those dated `asOf - (days - 1)` or later, and
/// those without a date. Without a given `asOf`, the latest date among the rows read stands
/// for it (the caller's as-of date is never earlier: it follows these rows).
public struct RowWindow: Sendable, Equatable {
    /// The date column, by the name the reader gives it.
    public var column: String
    /// How many days back from the as-of date rows are read (at least 1).
    public var days: Int
    /// A fixed as-of date (`--asof`), or nil for the latest date read.
    public var asOf: Int32?

    public init(column: String, days: Int, asOf: Int32? = nil) {
        self.column = column
        self.days = max(1, days)
        self.asOf = asOf
    }

    /// The first day kept, given the latest date (or the fixed as-of date).
    public func firstDay(latest: Int32) -> Int32 {
        let anchor = Int(asOf ?? latest)
        return Int32(clamping: anchor - (days - 1))
    }
}

/// The schema of a CSV file (the name the CSV reader's API has always used).
public typealias CSVSchema = DataSchema

/// A source's columns and their types: a file's header and the types found in a sample of its
/// rows, or a database table's declared columns.
public struct DataSchema: Sendable, Equatable {
    /// The source the schema was read from (a file's path, a reader's label).
    public var path: String
    /// The columns, in file order.
    public var columns: [(name: String, type: ColumnType)]
    /// Every column the source has, by the name the source gives it (a file's whole header),
    /// when the reader selects columns or maps names; for did-you-mean.
    public var available: [String] = []

    /// A schema with these columns.
    public init(path: String, columns: [(name: String, type: ColumnType)]) {
        self.path = path
        self.columns = columns
    }

    /// The type of the column with this name, if any.
    public func type(of name: String) -> ColumnType? {
        columns.first { $0.name == name }?.type
    }

    /// Same path and the same column names and types in the same order.
    public static func == (a: DataSchema, b: DataSchema) -> Bool {
        a.path == b.path && a.columns.count == b.columns.count
            && zip(a.columns, b.columns).allSatisfy { $0.name == $1.name && $0.type == $1.type }
    }
}
