// The result tables every renderer consumes.
//
// The engine hands over plain columnar arrays (no language types), so the renderers can be
// tested and reused without the rest of Velo. Missing values are in-band sentinels, one per
// storage kind, and may carry a short reason that people-facing formats show next to the dash.

/// One column's values, aligned with the table's rows.
public enum CellValues: Sendable {
    /// Numbers; `NaN` marks a missing value.
    case number([Double])
    /// Text; `nil` marks a missing value.
    case text([String?])
    /// Dates as days since 1970-01-01 (see `CivilDate`); `Int32.min` marks a missing value.
    case date([Int32])
    /// Booleans as 0 (false) or 1 (true); 2 (or any other byte) marks a missing value.
    case bool([UInt8])

    /// The number of stored values.
    public var count: Int {
        switch self {
        case .number(let v): return v.count
        case .text(let v): return v.count
        case .date(let v): return v.count
        case .bool(let v): return v.count
        }
    }
}

/// A named column of a result table.
public struct OutputColumn: Sendable {
    /// The column name, shown as the header.
    public var name: String
    /// The values, one per row.
    public var values: CellValues
    /// Why a row's value is missing, when known: row index -> short reason such as
    /// "division by zero" or "no row in inventory for SKU9".
    public var missingReasons: [Int: String]
    /// Key columns are shown first and left-aligned in people-facing formats.
    public var isKey: Bool
    /// An optional unit such as "units", "days", "USD" or "percent" (`UnitText.percent`): in
    /// people-facing formats money and percentages show in the cell (`$1,234.50`, `29%`),
    /// other units in the header as `name (unit)`; CSV and JSON carry it when asked to.
    public var unit: String?
    /// Cells shown in colour on a terminal (row -> emphasis), e.g. a flag's severity.
    public var emphasis: [Int: Emphasis] = [:]

    /// Creates a column.
    public init(name: String, values: CellValues, missingReasons: [Int: String] = [:],
                isKey: Bool = false, unit: String? = nil) {
        self.name = name
        self.values = values
        self.missingReasons = missingReasons
        self.isKey = isKey
        self.unit = unit
    }
}

/// A named result table: columns of equal length.
public struct OutputTable: Sendable {
    /// The table name, e.g. "plan" or "series".
    public var name: String
    /// The columns in their natural order.
    public var columns: [OutputColumn]
    /// The number of rows. A column shorter than this reads as missing in the absent rows.
    public var rowCount: Int

    /// Creates a table with an explicit row count.
    public init(name: String, columns: [OutputColumn], rowCount: Int) {
        self.name = name
        self.columns = columns
        self.rowCount = rowCount
    }

    /// Creates a table whose row count is the length of its first column (0 without columns).
    public init(name: String, columns: [OutputColumn]) {
        self.init(name: name, columns: columns, rowCount: columns.first?.values.count ?? 0)
    }
}

/// One cell, decoded from its column's storage.
enum Cell {
    case missing
    case number(Double)
    case text(String)
    case date(Int32)
    case bool(Bool)
}

extension OutputColumn {
    /// The cell at `row`; out-of-range rows, NaN, nil, `Int32.min` and non-0/1 bytes are missing.
    func cell(_ row: Int) -> Cell {
        switch values {
        case .number(let v):
            guard row >= 0, row < v.count, !v[row].isNaN else { return .missing }
            return .number(v[row])
        case .text(let v):
            guard row >= 0, row < v.count, let s = v[row] else { return .missing }
            return .text(s)
        case .date(let v):
            guard row >= 0, row < v.count, v[row] != Int32.min else { return .missing }
            return .date(v[row])
        case .bool(let v):
            guard row >= 0, row < v.count, v[row] <= 1 else { return .missing }
            return .bool(v[row] == 1)
        }
    }

    /// `name (unit)`, the header people see; just `name` when the unit shows in the cells
    /// (money, percentages) or there is none.
    var humanHeader: String {
        guard let unit, !unit.isEmpty, UnitCells(unit).unitInHeader else { return name }
        return "\(name) (\(unit))"
    }

    /// `name (unit)` for any unit, the header CSV writes with `--units`.
    var headerWithUnit: String {
        guard let unit, !unit.isEmpty else { return name }
        return "\(name) (\(unit))"
    }

    var isNumeric: Bool {
        if case .number = values { return true }
        return false
    }
}

extension OutputTable {
    /// Key columns first (in their order), then the others (in theirs): the order people see.
    var columnsKeysFirst: [OutputColumn] {
        columns.filter(\.isKey) + columns.filter { !$0.isKey }
    }
}
