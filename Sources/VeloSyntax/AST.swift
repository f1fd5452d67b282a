// The syntax tree of a rule file, exactly as written. The checker reads it and never
// mutates it; names are resolved into a separate checked program.

/// A name as written, with where it was written.
public struct Name: Hashable, Sendable {
    public var text: String
    public var span: Span
    public init(_ text: String, _ span: Span) {
        self.text = text
        self.span = span
    }
}

public struct Program: Sendable {
    public var statements: [Statement]
    /// Names of tables, params, flags and columns whose declaration did not parse: the
    /// statements are left out, and what refers to them is not an error of its own.
    public var broken: Set<String> = []
    /// Tables with a column that did not parse: what their rows are inferred from may be in it.
    public var incomplete: Set<String> = []
    public init(statements: [Statement]) { self.statements = statements }
}

public enum Statement: Sendable {
    case source(SourceDecl)
    case table(TableDecl)
    case param(ParamDecl)
    case flag(FlagDecl)
    case check(CheckDecl)
    /// `test "name":` — see TestDecl.
    case test(TestDecl)
    /// `import "../replenishment/plan.velo"` — see ImportDecl (AST+Periods.swift).
    case importFile(ImportDecl)
    /// `report NAME on TABLE:` — see ReportDecl.
    case report(ReportDecl)

    public var span: Span {
        switch self {
        case .source(let d): return d.span
        case .table(let d): return d.span
        case .param(let d): return d.span
        case .flag(let d): return d.span
        case .check(let d): return d.span
        case .test(let d): return d.span
        case .importFile(let d): return d.span
        case .report(let d): return d.span
        }
    }
}

/// `table sales = csv("data/sales.csv") by sku` with optional column types.
public struct SourceDecl: Sendable {
    public var name: Name
    public var reader: Name            // `csv`
    public var path: TextLiteral
    public var keys: [Name]
    public var columnTypes: [ColumnTypeDecl]
    public var span: Span
    /// Labelled arguments after the location: `delimiter: ";"`, `header: false`.
    public var options: [SourceOption] = []
    /// `where status != "Cancelled"`: only the rows for which this holds are the table's rows.
    public var filter: Expr? = nil
    /// `table web_orders = orders where channel == "web"`: the event table whose rows this one
    /// keeps some of (then `reader` is that name too, `path` is empty and `filter` is set).
    public var base: Name? = nil

    /// A filtered event table: `table NAME = EVENTS where CONDITION`.
    public static func filtering(_ name: Name, base: Name, filter: Expr, span: Span) -> SourceDecl {
        var d = SourceDecl(name: name, reader: base, path: TextLiteral(parts: [], span: Span(start: base.span.end, length: 0)),
                           keys: [], columnTypes: [], span: span)
        d.filter = filter
        d.base = base
        return d
    }
}

/// `delimiter: ";"` in `csv("orders.csv", delimiter: ";")`.
public struct SourceOption: Sendable {
    public enum Value: Sendable {
        case text(TextLiteral)
        case number(Double)
        case bool(Bool)
    }
    public var label: Name
    public var value: Value
    public var valueSpan: Span
}

/// A line of a source table's block: `moq: number`, `sku = "Item Number"`,
/// `date = "Order Date": date("dd.mm.yyyy")`.
public struct ColumnTypeDecl: Sendable {
    public var column: Name
    /// The type; nil for a mapping line without one (`sku = "Item Number"`).
    public var type: Name?
    /// What the source calls the column, when not its name.
    public var header: TextLiteral? = nil
    /// `date("dd.mm.yyyy")`: the format of this column's dates.
    public var format: TextLiteral? = nil
    /// `lead_time_days: days`, `unit_cost: USD/unit`: the column's unit (a number), in place of a type.
    public var unit: UnitAnnotation? = nil

    public init(column: Name, type: Name?, header: TextLiteral? = nil, format: TextLiteral? = nil) {
        self.column = column
        self.type = type
        self.header = header
        self.format = format
    }

    /// The whole line's extent.
    public var span: Span {
        var end = column.span
        if let h = header { end = h.span }
        if let t = type { end = t.span }
        if let f = format { end = f.span }
        if let u = unit { end = u.span }
        return column.span.through(end)
    }
}

/// `table plan by sku from items:` and its formula columns.
public struct TableDecl: Sendable {
    public var name: Name
    public var keys: [Name]
    public var rows: RowsClause?
    /// `over weeks(horizon_weeks)`: a period table (AST+Periods.swift).
    public var periods: PeriodClause? = nil
    public var columns: [ColumnDecl]
    public var span: Span
    /// `decide …:` blocks (AST+Decisions.swift); their outputs are also in `columns`.
    public var decisions: [DecisionDecl] = []
}

/// `from sales in last 35 days`: the rows of a derived table are the key tuples of `table`.
public struct RowsClause: Sendable {
    public var table: Name
    public var window: Window?
    public var span: Span
}

public struct ColumnDecl: Sendable {
    public var name: Name
    public var formula: Expr
}

public struct ParamDecl: Sendable {
    public var name: Name
    public var value: Expr
    public var span: Span
    /// `between LOW and HIGH`: the values the param may take.
    public var range: (low: Expr, high: Expr)? = nil
}

public struct FlagDecl: Sendable {
    public var name: Name
    public var table: Name
    public var condition: Expr
    public var severity: Name?
    public var message: TextLiteral?
    public var span: Span
}

public struct CheckDecl: Sendable {
    public var name: Name?
    public var table: Name
    public var condition: Expr
    public var span: Span
}

/// `test "name":` and its steps: inline rows replacing sources, params and the as-of date
/// set, and expectations on the results.
public struct TestDecl: Sendable {
    public var name: TextLiteral
    public var steps: [TestStep]
    /// `test "name"`.
    public var span: Span
}

public enum TestStep: Sendable {
    /// `given items:` and its rows: the source `items` reads these rows instead of its file.
    case given(table: Name, rows: InlineRows, span: Span)
    /// `set service_level = 98%`, `set asof = 2024-12-31`.
    case set(name: Name, value: Expr, span: Span)
    case expect(Expectation)
}

/// A header of column names, then rows of literal values (`"A", 100, 24%`, `missing`).
public struct InlineRows: Sendable {
    public struct Row: Sendable {
        /// Each a literal: a number, percentage or duration (possibly negated), a date, a
        /// text, `true`, `false` or `missing`.
        public var cells: [Expr]
        public var span: Span
    }
    public var columns: [Name]
    public var rows: [Row]
}

/// `within 0.01` (absolute) or `within 1%` (relative to the expected value).
public struct Tolerance: Sendable {
    public var amount: Double
    public var relative: Bool
    public var span: Span
}

/// One `expect` line (or block) of a test.
public struct Expectation: Sendable {
    public enum Kind: Sendable {
        /// `expect plan.order_qty["A"] == 120 [within 1%]`: a true/false query.
        case value(Expr, tolerance: Tolerance?)
        /// `expect plan [within 0.01]:` and rows: the table has exactly these rows.
        case rows(table: Name, rows: InlineRows, tolerance: Tolerance?)
        /// `expect [no] flag velocity_shift [on series["A", "web"]]`.
        case flag(name: Name, raised: Bool, table: Name?, keys: [Expr]?)
    }
    public var kind: Kind
    /// The whole line (for a block, its first line).
    public var span: Span
}

/// A text literal: plain parts and `{expression}` interpolations.
public struct TextLiteral: Sendable {
    public enum Part: Sendable {
        case text(String)
        case interpolation(Expr, format: String?)
    }
    public var parts: [Part]
    public var span: Span

    /// The text when there are no interpolations.
    public var plainText: String? {
        var s = ""
        for p in parts {
            guard case .text(let t) = p else { return nil }
            s += t
        }
        return s
    }
}

/// A time window argument or row clause.
public struct Window: Sendable {
    public enum Kind: Sendable {
        /// `last N days [ending M days ago]`: as-of-(M+N-1) ... as-of-M.
        case last(days: Double, endingAgo: Double)
        /// `N days after D`: D+1 ... D+N.
        case after(days: Double, anchor: Expr)
        /// `N days before D`: D-N ... D-1.
        case before(days: Double, anchor: Expr)
    }
    public var kind: Kind
    public var span: Span
    /// Span of the length literal(s), for "a window must be whole days" errors.
    public var lengthSpan: Span
}

public struct Argument: Sendable {
    public enum Value: Sendable {
        case expr(Expr)
        case window(Window)
    }
    public var label: Name?
    public var value: Value
    public var span: Span
}

public enum UnaryOp: String, Sendable { case negate = "-", not = "not" }

public enum BinaryOp: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or
    case coalesce = "??"

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}

public struct Expr: Sendable {
    public indirect enum Kind: Sendable {
        case number(Double)
        case percent(Double)
        case duration(days: Double)
        case text(TextLiteral)
        case date(String)
        case bool(Bool)
        /// `missing` or `missing("reason")`.
        case missing(reason: String?)
        /// A bare name: a column of the current table, a key, or a param.
        case name(Name)
        /// `table.column`.
        case member(table: Name, column: Name)
        case call(callee: Name, arguments: [Argument])
        /// `plan.order["SKU1"]`: one cell by its key values.
        case index(base: Expr, keys: [Expr])
        case unary(UnaryOp, Expr)
        case binary(BinaryOp, Expr, Expr)
        /// `x is missing` / `x is not missing`.
        case isMissing(Expr, negated: Bool)
        case conditional(condition: Expr, then: Expr, else: Expr)
    }

    public var kind: Kind
    public var span: Span
    /// `5_000 units`, `2.5 USD/unit`: the unit written after a number literal.
    public var unit: UnitAnnotation? = nil

    public init(_ kind: Kind, _ span: Span) {
        self.kind = kind
        self.span = span
    }
}
