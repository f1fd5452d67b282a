// How a source declaration says to read its data, beyond its location: the labelled
// arguments of `csv("orders.csv", delimiter: ";", dates: "dd.mm.yyyy")` and the columns its
// block lists (`sku = "Item Number": text`).
//
// Why here, in VeloData: the checker passes these through to the reader without knowing what
// they mean (it never names a format); the reader kind says which arguments it takes and
// what is wrong with a value, so one table of rules serves the checker's diagnostics and the
// readers alike.

/// A labelled argument's value as written in the rule file.
public enum SettingValue: Sendable, Hashable {
    case text(String)
    case number(Double)
    case bool(Bool)

    /// As the rule file would write it.
    public var shown: String {
        switch self {
        case .text(let s): return "\"\(s)\""
        case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
        case .bool(let b): return b ? "true" : "false"
        }
    }
}

/// One column a source's block lists: the name the program uses, what the source calls it
/// (nil: the same), and a date format for that column alone.
public struct ColumnSpec: Sendable, Hashable {
    public var name: String
    public var header: String?
    public var dateFormat: String?

    public init(name: String, header: String? = nil, dateFormat: String? = nil) {
        self.name = name
        self.header = header
        self.dateFormat = dateFormat
    }

    /// The name the source has for this column.
    public var sourceName: String { header ?? name }
}

/// The labelled arguments and listed columns of one source declaration.
public struct SourceSettings: Sendable, Hashable {
    /// Labelled arguments by label.
    public var options: [String: SettingValue]
    /// The block's columns, in the order written.
    public var columns: [ColumnSpec]

    public init(options: [String: SettingValue] = [:], columns: [ColumnSpec] = []) {
        self.options = options
        self.columns = columns
    }

    /// Whether the source reads only the columns its block lists: when the block maps a
    /// header to a name, or the source has no header row (the block lists every column).
    public var selectsColumns: Bool {
        columns.contains { $0.header != nil } || options["header"] == .bool(false)
    }

    /// The listed column with program name `name`.
    public func column(named name: String) -> ColumnSpec? { columns.first { $0.name == name } }
}

/// What is wrong with one labelled argument (or a column's date format).
public struct SettingProblem: Sendable, Equatable {
    /// The label the problem is about (nil: the column spec at `columnIndex`).
    public var label: String?
    public var columnIndex: Int?
    public var message: String
    public var hint: String?

    public init(label: String?, columnIndex: Int? = nil, message: String, hint: String? = nil) {
        self.label = label
        self.columnIndex = columnIndex
        self.message = message
        self.hint = hint
    }
}

extension SourceReaders {
    /// The labelled arguments a reader kind takes, for messages and did-you-mean.
    public static func labels(kind: String) -> [String] {
        switch kind {
        case "csv": return CSVDialect.labels
        case "sqlite": return SQLiteReader.labels
        case "postgres": return PostgresReader.labels
        default: return []
        }
    }

    /// What is wrong with `settings` for a reader of kind `kind` (empty when nothing is).
    public static func problems(kind: String, settings: SourceSettings) -> [SettingProblem] {
        switch kind {
        case "csv": return CSVDialect.problems(settings)
        case "sqlite": return SQLiteReader.problems(settings)
        case "postgres": return PostgresReader.problems(settings)
        default:
            return settings.options.keys.sorted().map {
                SettingProblem(label: $0, message: "`\(kind)` takes no argument `\($0)`")
            }
        }
    }
}
