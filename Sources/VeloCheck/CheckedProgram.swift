// The checked program: what the engine compiles into an evaluation graph.
//
// Names are resolved to indices, every expression carries its type, every reference to
// another table says how its rows align with the current one (a lookup, or an aggregate
// over the extra keys), and formula columns come in a dependency order. The checker
// builds this from the syntax tree without changing the tree.

import VeloData
import VeloSyntax

public struct TableRef: Hashable, Sendable, Comparable {
    public var index: Int
    public init(_ index: Int) { self.index = index }
    public static func < (a: TableRef, b: TableRef) -> Bool { a.index < b.index }
}

/// A column of a table: a key, a data column of a source, or a formula.
public struct ColumnRef: Hashable, Sendable, Comparable {
    public var table: TableRef
    public var column: Int
    public init(_ table: TableRef, _ column: Int) {
        self.table = table
        self.column = column
    }
    public static func < (a: ColumnRef, b: ColumnRef) -> Bool {
        (a.table.index, a.column) < (b.table.index, b.column)
    }
}

public struct CheckedProgram: Sendable {
    public var file: SourceFile
    public var tables: [TableInfo]
    public var params: [ParamInfo]
    public var flags: [FlagInfo]
    public var checks: [CheckInfo]
    /// Every formula column, each after everything it reads.
    public var formulaOrder: [ColumnRef]
    /// The `test` blocks of the rule file (see Checker+Tests.swift).
    public var tests: [CheckedTest] = []
    /// The `report` statements, in file order (Checker+Reports.swift).
    public var reports: [ReportInfo] = []
    /// The units of measure of columns and params (Checker+Units.swift): labels for output only.
    public var units = ProgramUnits()
    /// The decision tables (Checker+Decisions.swift); their outputs are formula columns.
    public var decisions: [DecisionInfo] = []

    public func table(_ ref: TableRef) -> TableInfo { tables[ref.index] }
    public func column(_ ref: ColumnRef) -> ColumnInfo { tables[ref.table.index].columns[ref.column] }
    public func table(named name: String) -> TableRef? {
        tables.firstIndex { $0.name == name }.map(TableRef.init)
    }
    public func param(named name: String) -> Int? { params.firstIndex { $0.name == name } }
    /// "plan.order"
    public func qualifiedName(_ ref: ColumnRef) -> String { "\(table(ref.table).name).\(column(ref).name)" }
}

public struct TableInfo: Sendable {
    public enum Kind: Sendable {
        case source(SourceInfo)
        case derived(rows: RowsSpec)
    }
    public var name: String
    public var span: Span
    public var kind: Kind
    /// Key column names, in `by` order. Keys are text, integers (numbers) or dates, one type
    /// per name across the program. A source without `by` is an event
    /// table: its rows have no key, and every reference to it needs an aggregate.
    public var keys: [String]
    /// Derived tables list their keys first (as `.key` columns), then their formulas.
    public var columns: [ColumnInfo]
    /// For a period table (`over weeks(12)`), its calendar; its last key numbers the periods.
    public var periods: PeriodAxis? = nil

    public init(name: String, span: Span, kind: Kind, keys: [String], columns: [ColumnInfo]) {
        self.name = name
        self.span = span
        self.kind = kind
        self.keys = keys
        self.columns = columns
    }

    /// A table without keys or columns: the one-row context of a query.
    public static func queryContext() -> TableInfo {
        TableInfo(name: "query", span: Span(start: 0, length: 0), kind: .derived(rows: .single), keys: [], columns: [])
    }

    public var isSource: Bool { if case .source = kind { return true } else { return false } }
    public var source: SourceInfo? { if case .source(let s) = kind { return s } else { return nil } }
    /// An event table: a source without keys.
    public var isEventTable: Bool { isSource && keys.isEmpty }
    /// A table read by a reader (not a filtered event table, whose rows are another table's).
    public var isReadSource: Bool { source.map { $0.base == nil } ?? false }
    public func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }
    /// Indices of the key columns, in key order.
    public var keyColumns: [Int] { keys.compactMap { columnIndex($0) } }
}

public struct SourceInfo: Sendable {
    /// As written in the rule file.
    public var path: String
    /// Resolved against the rule file's directory.
    public var resolvedPath: String
    public var pathSpan: Span
    /// Column types the loader must enforce (declared in the file, and every key column's).
    public var declaredTypes: [String: VType.Base]
    /// Columns rows are matched on: keys and columns named like keys (join columns). Their
    /// type is the one their name has across the program: text, number (integers) or date.
    public var keyColumns: Set<String>
    /// The column of dates that time windows use, when the table has one.
    public var dateColumn: Int?
    /// The kind of reader the rows come from, as written (`SourceReaders.kinds`).
    public var reader: String
    /// The declaration's labelled arguments and listed columns, passed to the reader.
    public var settings = SourceSettings()
    /// `where …`: only rows for which this is true are the table's rows (over the source's
    /// own columns; see Checker+Sources.swift).
    public var filter: CExpr? = nil
    /// For a filtered event table (`table web_orders = orders where …`): the event table whose
    /// rows it keeps some of. It has no reader of its own: `reader` and `path` are empty, and
    /// its columns and date column are that table's.
    public var base: TableRef? = nil
}

/// Which rows a derived table has.
public enum RowsSpec: Sendable {
    /// No keys: exactly one row (grand totals).
    case single
    /// The distinct key tuples of one table (`from items`), optionally only its rows
    /// inside a time window (`from sales in last 35 days`).
    case from(TableRef, window: CheckedWindow?)
    /// The distinct key tuples of all these tables together.
    case union([TableRef])
}

public struct ColumnInfo: Sendable {
    public enum Kind: Sendable {
        case key
        case data
        case formula(CExpr)
    }
    public var name: String
    public var type: VType
    public var kind: Kind
    public var span: Span
    public var formula: CExpr? { if case .formula(let e) = kind { return e } else { return nil } }
}

public struct ParamInfo: Sendable {
    public var name: String
    public var type: VType
    public var value: Literal
    public var span: Span
    /// Declared with a percentage (`param service_level = 95%`): a new value written as a
    /// plain number above 1 (`98`) is refused as a likely slip for `98%` (Checker+Params.swift).
    public var isPercentage = false
    /// `between LOW and HIGH` (Checker+ParamRanges.swift).
    public var range: (low: Literal, high: Literal)? = nil

    public init(name: String, type: VType, value: Literal, span: Span) {
        self.name = name
        self.type = type
        self.value = value
        self.span = span
    }
}

public enum FlagSeverity: String, Sendable, CaseIterable {
    case error, warning, info
}

public struct FlagInfo: Sendable {
    public var name: String
    public var table: TableRef
    public var condition: CExpr
    public var severity: FlagSeverity
    public var message: [MessagePart]
    public var span: Span
}

public enum MessagePart: Sendable {
    case text(String)
    case value(CExpr, format: ValueFormat?)
}

/// `{change:%}`, `{x:.1}`, `{x:+.1%}`.
public struct ValueFormat: Sendable, Equatable {
    public var decimals: Int?
    public var percent: Bool
    public var sign: Bool
}

public struct CheckInfo: Sendable {
    public var name: String
    public var table: TableRef
    public var condition: CExpr
    /// The condition as written, for failure messages.
    public var source: String
    public var span: Span
}

/// A resolved time window.
public struct CheckedWindow: Sendable {
    public enum Anchor: Sendable {
        /// Ends `endingAgo` days before the as-of date.
        case asOf(endingAgo: Int)
        /// Starts the day after the anchor date: D+1 ... D+length.
        case after(CExpr)
        /// Ends the day before the anchor date: D-length ... D-1.
        case before(CExpr)
    }
    public var length: Int
    public var anchor: Anchor
    public var span: Span
}

/// How rows of the context table find rows of another table: by equal values in these
/// key columns (names present in both tables).
public struct Alignment: Hashable, Sendable {
    public var from: TableRef
    public var to: TableRef
    public var on: [String]
    /// Rows of an event table summed into a period table: the last name of `on` is the
    /// period key, which the event rows get from their date (CheckedProgram+Periods.swift).
    public var binning: PeriodBinning? = nil
}

public struct AggregateCall: Sendable {
    public var function: AggregateFunction
    /// The rows reduced: the rows of `alignment.to` that match the context row.
    public var alignment: Alignment
    /// Evaluated once per row of `alignment.to`.
    public var argument: CExpr
    public var window: CheckedWindow?
    public var weighting: Weighting?
}

/// A typed expression. Evaluated in the context of one table's rows.
public struct CExpr: Sendable {
    public indirect enum Kind: Sendable {
        case literal(Literal)
        case param(Int)
        /// A column of the context table, same row.
        case column(ColumnRef)
        /// A column of a coarser table: the one row matching the context row.
        case lookup(ColumnRef, Alignment)
        /// One cell by explicit key values: `plan.order["SKU1"]`.
        case cell(ColumnRef, keys: [CExpr])
        case aggregate(AggregateCall)
        case negate(CExpr)
        case not(CExpr)
        case binary(BinaryOp, CExpr, CExpr)
        case isMissing(CExpr, negated: Bool)
        case conditional(CExpr, CExpr, CExpr)
        case call(Builtin, [CExpr])
        /// A column of the same period table read along time: the previous period, k periods
        /// away, or the sum up to this period (CheckedProgram+Periods.swift).
        case shift(TimeShift)
        /// The first (`end: false`) or last day of the row's period; `key` is the period key.
        case periodDate(PeriodAxis, key: ColumnRef, end: Bool)
    }
    public var kind: Kind
    public var type: VType
    public var span: Span

    public init(_ kind: Kind, _ type: VType, _ span: Span) {
        self.kind = kind
        self.type = type
        self.span = span
    }

    /// Calls `body` on every direct subexpression (aggregate arguments and window anchors included).
    public func forEachChild(_ body: (CExpr) -> Void) {
        switch kind {
        case .literal, .param, .column, .lookup: break
        case .cell(_, let keys): keys.forEach(body)
        case .aggregate(let a):
            body(a.argument)
            switch a.window?.anchor {
            case .after(let e)?, .before(let e)?: body(e)
            case .asOf?, nil: break
            }
        case .negate(let e), .not(let e), .isMissing(let e, _): body(e)
        case .binary(_, let a, let b): body(a); body(b)
        case .conditional(let c, let a, let b): body(c); body(a); body(b)
        case .call(_, let args): args.forEach(body)
        case .shift(let s):
            switch s.mode {
            case .previous(let first): body(first)
            case .by(let k): body(k)
            case .firstWhere(let c): body(c)
            case .cumulative: break
            }
        case .periodDate: break
        }
    }
}

extension CheckInfo {
    /// The table's own columns the condition reads (outside aggregates): the values a failure
    /// shows, on every engine.
    public var shownColumns: [Int] {
        var shown: [Int] = []
        func collect(_ e: CExpr) {
            if case .column(let ref) = e.kind, ref.table == table, !shown.contains(ref.column) { shown.append(ref.column) }
            if case .aggregate = e.kind { return }
            e.forEachChild(collect)
        }
        collect(condition)
        return shown
    }
}
