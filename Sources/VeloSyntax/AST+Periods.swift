// Period tables in the syntax tree: `table projection by sku, week from items over weeks(horizon_weeks):`.

/// `over weeks(12)`: the table's last key is a period number 1...horizon of this calendar.
public struct PeriodClause: Sendable {
    /// `weeks` (7-day buckets after the as-of date), `iso_weeks`, `months` or `days`.
    public var unit: Name
    /// The number of periods: a whole number or a param.
    public var horizon: Expr
    /// `over` through `)`.
    public var span: Span

    public init(unit: Name, horizon: Expr, span: Span) {
        self.unit = unit
        self.horizon = horizon
        self.span = span
    }
}

extension Argument {
    /// An argument built by a later stage (the checker lowers `first_period(c)` to an aggregate).
    public static func positional(_ e: Expr) -> Argument {
        Argument(label: nil, value: .expr(e), span: e.span)
    }
}

/// `import "../replenishment/plan.velo"`: that rule file's sources, params, tables, flags and
/// checks become part of this one, under their own names (its tests do not). Its relative
/// source paths resolve against its own folder (RuleCompiler+Imports.swift).
public struct ImportDecl: Sendable {
    public var path: TextLiteral
    /// `import` through the path.
    public var span: Span
}
