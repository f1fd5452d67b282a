// What an edit did, as data: the cells whose values changed (old and new, typed), the
// flags raised and cleared, the checks failing. The frontend and the REPL word it.

import VeloCheck

/// One cell's value: a change's old and new value, a key value, a value a flag's message
/// or a check's failure shows. Text is the text itself (not quoted), a date its day number.
public enum CellValue: Sendable, Hashable {
    case number(Double)
    case text(String)
    case date(Int32)
    case bool(Bool)
    /// Missing, with why (nil: no reason is known, as for an empty cell of a data file).
    case missing(MissingReason?)

    /// Missing with the reason a rule gave in words (`missing("not planned")`); nil, none.
    public static func missing(_ text: String?) -> CellValue {
        .missing(text.map { MissingReason(.missingByDefinition($0)) })
    }

    public var isMissing: Bool {
        if case .missing = self { return true }
        return false
    }
}

/// A formula cell whose value changed.
public struct CellChange: Sendable {
    public var column: ColumnRef
    public var name: String
    public var row: Int
    /// The row's key values (empty for a table without keys).
    public var keys: [CellValue]
    public var old: CellValue
    public var new: CellValue
}

/// What an edit did.
public struct ChangeReport: Sendable {
    public init() {}

    public var changes: [CellChange] = []
    /// Tables whose set of rows changed.
    public var rebuiltTables: [String] = []
    /// Which cells were evaluated, per formula column (rows in ascending order).
    public var recomputed: [ColumnRef: [Int]] = [:]
    public var cellsEvaluated = 0
    /// Cells recomputed to the value they had: their readers were not recomputed.
    public var cellsCutOff = 0
    public var flagsRaised: [FlagHit] = []
    public var flagsCleared: [FlagHit] = []
    public var failingChecks: [CheckFailure] = []
    public var phases: [(name: String, seconds: Double)] = []
    /// Sources whose reader found rows to read (appended or changed), by name.
    public var sourcesRead: [String] = []
    /// How many formula cells changed value (`changes` lists at most `changeLimit` of them).
    public var changedCells = 0
    /// At most this many changes are listed; `changedCells` counts them all.
    public static let changeLimit = 1_000
}


