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

extension Parser {
    // import_def: "import" STRING _NL
    mutating func importDef() throws -> ImportDecl {
        let start = advance().span
        guard check(.string) else {
            throw fail(.unexpectedToken(peek, expected: "the rule file to import, as in `import \"../replenishment/plan.velo\"`", file: file))
        }
        let path = text(advance().span, interpolate: false)
        try expectNewline()
        return ImportDecl(path: path, span: start.through(path.span))
    }
}
