// Test blocks: `test "name":` followed by `given` rows, `set` lines and `expect` lines.
//
//   test "MOQ not a multiple of the case pack rounds up":
//     given items:
//       sku, moq, case_pack
//       "A", 100, 24
//     set service_level = 98%
//     expect plan.order_qty["A"] == 120
//
// Inline rows (after `given TABLE:` and `expect TABLE:`) are a line of column names and then
// one line per row of literal values separated by commas.

extension Parser {
    // test_def: "test" STRING ":" _NL _INDENT test_step+ _DEDENT
    // ?test_step: given | set_step | expect_value | expect_rows | expect_flag
    mutating func testDef() throws -> TestDecl {
        let start = advance().span
        let name: TextLiteral
        if check(.string) {
            name = text(advance().span, interpolate: false)
        } else {
            // `test plan:` — say so once, then read the steps as usual.
            _ = fail(.testNeedsName(found: peek, file: file))
            let at = peek.span
            while !check(.symbol(.colon)), !check(.newline), !check(.eof) { advance() }
            guard check(.symbol(.colon)) else { throw Failure() }
            name = TextLiteral(parts: [], span: at)
        }
        _ = try expect(.colon, "`:` and the test's steps")
        try blockStart("test steps: `given`, `set` and `expect` lines")
        let level = blockDepth
        var steps: [TestStep] = []
        while !check(.dedent), !check(.eof) {
            do {
                steps.append(try testStep())
            } catch {
                synchronizeStep(level: level)
            }
        }
        if check(.dedent) { advance() }
        return TestDecl(name: name, steps: steps, span: start.through(name.span))
    }

    /// Skips to the next step of a test block at `level`, past any block of rows the broken
    /// step opened.
    mutating func synchronizeStep(level: Int) {
        while !check(.eof) {
            if check(.dedent), blockDepth == level { return }
            let t = advance()
            guard blockDepth == level else { continue }
            // The end of the broken line, unless a block of rows follows it; or the end of
            // that block of rows.
            if t.kind == .newline, !check(.indent) { return }
            if t.kind == .dedent { return }
        }
    }

    mutating func testStep() throws -> TestStep {
        switch peek.kind {
        case .keyword(.given): return try givenStep()
        case .keyword(.set): return try setStep()
        case .keyword(.expect): return .expect(try expectation())
        case .identifier where file.text(of: peek.span) == "asof":
            throw fail(.unexpectedToken(peek, expected: "`given`, `set` or `expect`", file: file,
                                        hint: "set the as-of date with `set asof = 2024-12-31`"))
        default:
            throw fail(.unexpectedToken(peek, expected: "`given`, `set` or `expect`", file: file,
                                        hint: "a test gives rows with `given TABLE:`, sets params with `set NAME = VALUE` and checks results with `expect ...`"))
        }
    }

    // given: "given" NAME ":" _NL _INDENT rows _DEDENT
    mutating func givenStep() throws -> TestStep {
        let start = advance().span
        let table = try expectName("the source table whose rows follow")
        _ = try expect(.colon, "`:` and the table's rows")
        try blockStart("rows: a line of column names, then one line of values per row")
        let rows = try inlineRows()
        return .given(table: table, rows: rows, span: start.through(table.span))
    }

    // set_step: "set" NAME "=" expr _NL
    mutating func setStep() throws -> TestStep {
        let start = advance().span
        let name = try expectName("a param name, or `asof` for the as-of date")
        if check(.dot) || check(.lbracket) {
            throw fail(.unexpectedToken(peek, expected: "`=` and a value", file: file,
                                        hint: "`set` changes a param or the as-of date; give a source's rows with `given \(name.text):`"))
        }
        _ = try expect(.assign, "`=` and a value")
        let value = try expression()
        try expectNewline()
        return .set(name: name, value: value, span: start.through(value.span))
    }

    // expect_value: "expect" expr _NL
    //             | "expect" coalesce COMPARE coalesce "within" tolerance _NL
    // expect_rows: "expect" NAME ("within" tolerance)? ":" _NL _INDENT rows _DEDENT
    // expect_flag: "expect" NO? "flag" NAME ("on" NAME ("[" expr ("," expr)* "]")?)? _NL
    mutating func expectation() throws -> Expectation {
        let start = advance().span
        if check(.no) || check(.flag) {
            let raised = match(.no) == nil
            _ = try expect(.flag, "`flag` and the flag's name")
            let name = try expectName("a flag name")
            var table: Name? = nil
            var keys: [Expr]? = nil
            if match(.on) != nil {
                table = try expectName("the table the flag is on")
                if match(.lbracket) != nil {
                    var k = [try expression()]
                    while match(.comma) != nil { k.append(try expression()) }
                    _ = try expect(.rbracket, "`,` or `]`")
                    keys = k
                }
            }
            let end = tokens[index - 1].span
            try expectNewline()
            return Expectation(kind: .flag(name: name, raised: raised, table: table, keys: keys), span: start.through(end))
        }
        if check(.identifier), peek(1).kind == .symbol(.colon) || peek(1).kind == .keyword(.within) {
            let table = try expectName("a table")
            let tolerance = match(.within) != nil ? try self.tolerance() : nil
            let colon = try expect(.colon, "`:` and the expected rows")
            try blockStart("expected rows: a line of column names, then one line of values per row")
            let rows = try inlineRows()
            return Expectation(kind: .rows(table: table, rows: rows, tolerance: tolerance), span: start.through(colon.span))
        }
        let first = index
        let e = try expression()
        var tolerance: Tolerance? = nil
        if check(.within) {
            guard case .binary(let op, _, _) = e.kind, op.isComparison, !parenthesized(from: first, to: index - 1) else {
                throw fail(.withinNeedsComparison(at: peek.span))
            }
            advance()
            tolerance = try self.tolerance()
        }
        let end = tokens[index - 1].span
        try expectNewline()
        return Expectation(kind: .value(e, tolerance: tolerance), span: start.through(end))
    }

    /// Whether tokens `first...last` are one parenthesised expression: `(a == b)`.
    func parenthesized(from first: Int, to last: Int) -> Bool {
        guard first < last, tokens[first].kind == .symbol(.lparen), tokens[last].kind == .symbol(.rparen) else { return false }
        var depth = 0
        for i in first...last {
            switch tokens[i].kind {
            case .symbol(.lparen), .symbol(.lbracket): depth += 1
            case .symbol(.rparen), .symbol(.rbracket):
                depth -= 1
                if depth == 0 { return i == last }
            default: break
            }
        }
        return false
    }

    // tolerance: NUMBER | PERCENT
    mutating func tolerance() throws -> Tolerance {
        let t = peek
        switch t.kind {
        case .number(let v):
            advance()
            return Tolerance(amount: v, relative: false, span: t.span)
        case .percent(let v):
            advance()
            return Tolerance(amount: v, relative: true, span: t.span)
        default:
            throw fail(.unexpectedToken(t, expected: "a tolerance such as `0.01` or `1%`", file: file))
        }
    }

    // rows: row_header row*
    // row_header: NAME ("," NAME)* _NL
    // row: cell ("," cell)* _NL
    /// After the block's INDENT; consumes its DEDENT.
    mutating func inlineRows() throws -> InlineRows {
        var columns = [try expectName("a line of column names, such as `sku, moq, case_pack`")]
        while match(.comma) != nil { columns.append(try expectName("a column name")) }
        try expectNewline()
        var rows: [InlineRows.Row] = []
        while !check(.dedent), !check(.eof) {
            var cells = [try cell()]
            while match(.comma) != nil { cells.append(try cell()) }
            rows.append(InlineRows.Row(cells: cells, span: cells[0].span.through(cells[cells.count - 1].span)))
            try expectNewline()
        }
        if check(.dedent) { advance() }
        return InlineRows(columns: columns, rows: rows)
    }

    // cell: MINUS? (NUMBER | PERCENT | DURATION) | DATE | STRING | "true" | "false" | "missing"
    mutating func cell() throws -> Expr {
        let t = peek
        switch t.kind {
        case .symbol(.minus):
            advance()
            let v = peek
            let inner: Expr
            switch v.kind {
            case .number(let x): inner = Expr(.number(x), v.span)
            case .percent(let x): inner = Expr(.percent(x), v.span)
            case .duration(let d): inner = Expr(.duration(days: d), v.span)
            default: throw fail(.unexpectedToken(v, expected: "a number after `-`", file: file))
            }
            advance()
            return Expr(.unary(.negate, inner), t.span.through(v.span))
        case .number, .percent, .duration, .date, .string, .keyword(.true), .keyword(.false):
            return literal()!
        case .keyword(.missing):
            advance()
            return Expr(.missing(reason: nil), t.span)
        case .identifier:
            let word = file.text(of: t.span)
            throw fail(.unexpectedToken(t, expected: "a value", file: file, hint: "text is written in quotes: \"\(word)\""))
        case .symbol(.comma), .newline:
            throw fail(.unexpectedToken(t, expected: "a value", file: file, hint: "write `missing` for an empty value"))
        default:
            throw fail(.unexpectedToken(t, expected: "a value: a number, a date, a text in quotes, `true`, `false` or `missing`",
                                        file: file))
        }
    }
}

extension Diagnostic {
    static func testNeedsName(found t: Token, file: SourceFile) -> Diagnostic {
        .unexpectedToken(t, expected: "the test's name in quotes", file: file,
                         hint: "for example `test \"MOQ rounds up to the case pack\":`")
    }

    static func withinNeedsComparison(at span: Span) -> Diagnostic {
        Diagnostic(code: "syntax", "`within` applies to one comparison, such as `plan.need[\"A\"] == 12.5 within 0.01`", at: span,
                   hint: "put `within` right after the value it compares to; for `and`/`or`, write one `expect` per comparison")
    }

    static func testStepOutsideTest(_ word: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "outside-test", "`\(word)` belongs inside a test block", at: span,
                   hint: "start a test with `test \"what it shows\":` and indent its `given`, `set` and `expect` lines under it")
    }
}
