// Runtime values: typed columns with sentinels for missing cells, and the reasons behind them.
//
// A column is one flat array per type — no boxed value per cell. Missing cells hold a
// sentinel (NaN, -1, Int32.min, 2) so hot loops never branch on an optional; the reason a
// cell is missing lives in a sparse side table, since missing cells are rare.

import VeloCheck
import VeloData

/// Why a cell has no value: what happened (`kind`, with what is needed to word it) and the
/// cell where it happened (`origin`). Shared by reference as it propagates, so a missing
/// `plan.order` still points at the `series.velocity_change` division by zero it came from;
/// hot loops copy the reference, never the reason. The frontend words it.
public final class MissingReason: Sendable, Hashable {
    /// What made a value missing. Table names are the rule file's names.
    public enum Kind: Sendable, Hashable {
        /// `x / 0`.
        case divisionByZero
        /// Arithmetic whose result is not a finite number (an overflow, `0 ^ -1`).
        case notFinite
        /// An input had no value and no reason.
        case noValue
        /// Date arithmetic past 3,000,000 days from 1970-01-01 either way: `d + 1e9 days`.
        case dateOutOfRange
        /// A builtin outside its domain (`sqrt` of a negative number, `ln` of 0, ...).
        case outsideDomain(Builtin)
        /// `missing` in a formula, with the text of `missing("…")` when given.
        case missingByDefinition(String?)
        /// A data cell set to `missing` (`set items.moq["A"] = missing`).
        case setToMissing
        /// A lookup found no row in `table`: for these key values of the reading row (nil
        /// when the lookup matches on no key).
        case noMatchingRow(table: String, keys: [CellValue]?)
        /// `table.column[keys]`: `table` has no row with these key values (a missing key
        /// value is `.missing(nil)`).
        case noRowWithKeys(table: String, keys: [CellValue])
        /// An aggregate or builtin read a missing value of `table` that had no reason.
        case missingInput(table: String)
        /// An aggregate over `table` had no rows to reduce.
        case noRows(table: String)
        /// `min`/`max` of dates over no rows.
        case nothingToTake(AggregateFunction)
        /// `stdev`/`variance` of fewer than 2 values.
        case tooFewValues(found: Int)
        /// Nothing is dated, so there is no as-of date.
        case noAsOfDate
        /// A window anchored at a date that is missing.
        case windowAnchorMissing
        /// A window reaching past the as-of date (days sold are not known yet).
        case windowPastAsOf(asOf: Int32)
    }

    public let kind: Kind
    /// The cell where the value first went missing. Nil while its column is being computed
    /// (`Evaluator.settle` gives it one when the column is stored, so cells that end up with
    /// a value never pay for naming one), and for reasons made outside an evaluation
    /// (`CellValue.missing("why")`).
    public let origin: MissingOrigin?

    public init(_ kind: Kind, origin: MissingOrigin? = nil) {
        self.kind = kind
        self.origin = origin
    }

    /// Two reasons are the same when they say the same thing; where they started is not
    /// compared (so recomputing a cell to the same missing value is a cutoff).
    public static func == (a: MissingReason, b: MissingReason) -> Bool { a === b || a.kind == b.kind }
    public func hash(into h: inout Hasher) { h.combine(kind) }
}

/// A cell that a value went missing in: a formula column's cell, or a row of a table (an
/// aggregate's argument, a query), with the row's key values when it was reached.
public struct MissingOrigin: Sendable, Hashable {
    public var table: TableRef
    /// The column (nil: the row of `table` an expression was evaluated for).
    public var column: Int?
    public var row: Int
    /// The row's key values (empty for a table without keys).
    public var keys: [CellValue]

    public init(table: TableRef, column: Int?, row: Int, keys: [CellValue]) {
        self.table = table
        self.column = column
        self.row = row
        self.keys = keys
    }

    public var columnRef: ColumnRef? { column.map { ColumnRef(table, $0) } }
}

/// One column's values: the data layer's typed arrays, with their missing sentinels.
public typealias Values = ColumnData

extension ColumnData {
    /// An all-missing column of `type`.
    static func missing(_ type: VType, count: Int) -> Values {
        switch type.base {
        case .number, .duration, .unknown: return .number(Array(repeating: .nan, count: count))
        case .text: return .text(Array(repeating: missingText, count: count))
        case .date: return .date(Array(repeating: missingDate, count: count))
        case .bool: return .bool(Array(repeating: missingBool, count: count))
        }
    }

    /// The values at `rows` (nil = all rows, no copy).
    func gather(_ rows: [Int32]?) -> Values {
        guard let rows else { return self }
        switch self {
        case .number(let v): return .number(rows.map { v[Int($0)] })
        case .text(let v): return .text(rows.map { v[Int($0)] })
        case .date(let v): return .date(rows.map { v[Int($0)] })
        case .bool(let v): return .bool(rows.map { v[Int($0)] })
        }
    }

    /// The values at `rows` of a map that may say -1 (no row): those become missing.
    func gather(mapped rows: [Int32]) -> Values {
        switch self {
        case .number(let v): return .number(rows.map { $0 < 0 ? .nan : v[Int($0)] })
        case .text(let v): return .text(rows.map { $0 < 0 ? Values.missingText : v[Int($0)] })
        case .date(let v): return .date(rows.map { $0 < 0 ? Values.missingDate : v[Int($0)] })
        case .bool(let v): return .bool(rows.map { $0 < 0 ? Values.missingBool : v[Int($0)] })
        }
    }

    /// Writes `other` into the positions `rows` of self.
    mutating func scatter(_ other: Values, at rows: [Int32]) {
        switch (self, other) {
        case (.number(var v), .number(let o)):
            self = .text([])
            for (i, r) in rows.enumerated() { v[Int(r)] = o[i] }
            self = .number(v)
        case (.text(var v), .text(let o)):
            self = .number([])
            for (i, r) in rows.enumerated() { v[Int(r)] = o[i] }
            self = .text(v)
        case (.date(var v), .date(let o)):
            self = .number([])
            for (i, r) in rows.enumerated() { v[Int(r)] = o[i] }
            self = .date(v)
        case (.bool(var v), .bool(let o)):
            self = .number([])
            for (i, r) in rows.enumerated() { v[Int(r)] = o[i] }
            self = .bool(v)
        default:
            break
        }
    }

}

/// A computed vector: values for a selection of rows, and why the missing ones are missing
/// (keyed by position in the selection).
struct Vector {
    var values: Values
    var reasons: [Int: MissingReason] = [:]

    init(_ values: Values, reasons: [Int: MissingReason] = [:]) {
        self.values = values
        self.reasons = reasons
    }

    var count: Int { values.count }

    // A bare `missing` evaluates to a vector of missing numbers whatever type its context
    // wants; these accessors read any vector as the type the operation needs, with cells of
    // another type read as missing.

    var numbers: [Double] {
        if case .number(let v) = values { return v }
        return Array(repeating: .nan, count: count)
    }
    var ids: [Int32] {
        switch values {
        case .text(let v), .date(let v): return v
        default: return Array(repeating: Values.missingDate, count: count)
        }
    }
    var textIds: [Int32] {
        if case .text(let v) = values { return v }
        return Array(repeating: Values.missingText, count: count)
    }
    var bools: [UInt8] {
        if case .bool(let v) = values { return v }
        return Array(repeating: Values.missingBool, count: count)
    }
}

/// A table's rows and columns at run time.
final class RuntimeTable {
    let ref: TableRef
    var rowCount: Int
    var columns: [Values]
    var reasons: [[Int: MissingReason]]
    /// Key tuple (interned ids) -> row, built on first use.
    var keyIndexCache: [[Int32]: Int32]? = nil {
        didSet { if keyIndexCache == nil { keyTextCache = nil } }
    }
    /// Key text per row ("SKU1, web"), built on first use; dropped with the key index.
    var keyTextCache: [String]? = nil

    init(ref: TableRef, rowCount: Int, columns: [Values]) {
        self.ref = ref
        self.rowCount = rowCount
        self.columns = columns
        self.reasons = Array(repeating: [:], count: columns.count)
    }
}

extension MissingReason {
    /// Reasons kept across an edit of the rule file, with their origins numbered as in `new`
    /// (tables and columns found by name in `old`, the program they were made in). The same
    /// reasons when both programs number their tables and columns alike.
    static func reindexed(_ reasons: [Int: MissingReason], from old: CheckedProgram, to new: CheckedProgram) -> [Int: MissingReason] {
        if reasons.isEmpty { return reasons }
        let sameLayout = old.tables.count == new.tables.count
            && zip(old.tables, new.tables).allSatisfy { $0.name == $1.name && $0.columns.map(\.name) == $1.columns.map(\.name) }
        if sameLayout { return reasons }
        var done: [ObjectIdentifier: MissingReason] = [:]   // shared reasons stay shared
        return reasons.mapValues { r in
            if let d = done[ObjectIdentifier(r)] { return d }
            var origin = r.origin
            if let o = r.origin {
                if o.table.index < old.tables.count, let t = new.table(named: old.table(o.table).name) {
                    let oldTable = old.table(o.table)
                    origin?.table = t
                    origin?.column = o.column.flatMap { new.table(t).columnIndex(oldTable.columns[$0].name) }
                } else {
                    origin = nil
                }
            }
            let d = MissingReason(r.kind, origin: origin)
            done[ObjectIdentifier(r)] = d
            return d
        }
    }
}

extension RuntimeTable {
    /// Appends `count` rows given column by column (in the table's column order). Each column
    /// is taken out of the table while it grows, so it is extended in place, not copied.
    func append(_ added: [Values], count: Int) {
        for c in added.indices {
            var values = columns[c]
            columns[c] = .bool([])
            values.append(added[c])
            columns[c] = values
        }
        rowCount += count
    }
}
