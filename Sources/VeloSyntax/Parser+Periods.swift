// Parsing the period clause of a table (see AST+Periods.swift).

extension Parser {
    // period_clause: "over" NAME "(" expr ")"
    mutating func periodClause() throws -> PeriodClause? {
        guard let over = match(.over) else { return nil }
        let unit = try expectName("a calendar such as `weeks`")
        _ = try expect(.lparen, "`(` and the number of periods, as in `weeks(12)`")
        let horizon = try expression()
        let close = try expect(.rparen, "`)`")
        return PeriodClause(unit: unit, horizon: horizon, span: over.span.through(close.span))
    }
}
