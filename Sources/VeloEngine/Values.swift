// Runtime values: typed columns with sentinels for missing cells, and the reasons behind them.
//
// A column is one flat array per type — no boxed value per cell. Missing cells hold a
// sentinel (NaN, -1, Int32.min, 2) so hot loops never branch on an optional; the reason a
// cell is missing lives in a sparse side table, since missing cells are rare.

import VeloCheck
import VeloData

/// Why a cell has no value. Shared by reference as it propagates, so a missing `plan.order`
/// still points at the `series.velocity_change` division by zero it came from.
public final class MissingReason: Sendable, CustomStringConvertible {
    public let message: String
    /// The cell where the value first went missing ("series.velocity_change[SKU1, web]").
    public let origin: String?

    public init(_ message: String, origin: String? = nil) {
        self.message = message
        self.origin = origin
    }

    public var description: String { origin.map { "\(message) (at \($0))" } ?? message }
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
final class RuntimeTable: @unchecked Sendable {
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
