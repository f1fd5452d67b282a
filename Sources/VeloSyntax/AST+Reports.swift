// `report` statements: what `velo run` prints, and in which order.

/// `report weekly_orders on plan:` and its clauses — a title, the columns, a filter, a sort
/// and a limit — or `report exceptions on flags`.
public struct ReportDecl: Sendable {
    public struct SortKey: Sendable {
        public var column: Name
        public var descending: Bool
    }
    public var name: Name
    /// A table, or `flags`.
    public var table: Name
    public var title: TextLiteral?
    public var columns: [Name]
    public var filter: Expr?
    public var sort: [SortKey]
    public var limit: (value: Int, span: Span)?
    /// `report NAME on TABLE`.
    public var span: Span
}
