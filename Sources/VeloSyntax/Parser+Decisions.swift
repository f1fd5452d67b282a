// Parsing a decision table (AST+Decisions.swift), a `decide` block inside a table block:
//
//   decide first:
//     class = items.abc_class in "A", "B", "C"
//     cover_days | class    => cadence
//     < 30       | "A"      => "weekly"
//     [30, 60)   | "A", "B" => "weekly"
//     otherwise             => "monthly"

extension Parser {
    // decide_def: "decide" NAME NAME? ":" _NL _INDENT decide_line* decide_header decide_row+ _DEDENT
    // decide_line: NAME "=" expr ("in" decide_values)? _NL | NAME "in" decide_values _NL
    // decide_header: NAME ("|" NAME)* "=>" NAME ("|" NAME)* _NL
    // decide_row: (decide_cell ("|" decide_cell)* | "otherwise") "=>" decide_output ("|" decide_output)* _NL
    mutating func decideDef() throws -> DecisionDecl {
        let start = advance().span
        let policyName = try expectName("a hit policy: `unique`, `first`, `priority` or `collect sum|min|max|count`")
        var policySpan = policyName.span
        let policy: DecisionDecl.Policy
        switch policyName.text {
        case "unique": policy = .unique
        case "first": policy = .first
        case "priority": policy = .priority
        case "collect":
            if check(.identifier), let op = DecisionDecl.CollectOperator(rawValue: file.text(of: peek.span)) {
                policySpan = policySpan.through(advance().span)
                policy = .collect(op)
            } else {
                // Reported; the block is still read (as `collect sum`) so that its rules are checked.
                _ = fail(.unexpectedToken(peek, expected: "how `collect` combines the outputs: `sum`, `min`, `max` or `count`", file: file))
                if check(.identifier) { advance() }
                policy = .collect(.sum)
            }
        default:
            // Reported, and the block is read as `first` so that its rules are still checked.
            _ = fail(.unknownHitPolicy(policyName.text, at: policyName.span))
            policy = .first
        }
        _ = try expect(.colon, "`:` and the decision's rows")
        try blockStart("a decision table: a header such as `cover_days | class => cadence`, then one rule a line")
        let level = blockDepth
        var definitions: [(name: Name, expr: Expr?, values: [DecisionLiteral]?)] = []
        var header: (inputs: [Name], outputs: [Name], span: Span)? = nil
        var rules: [DecisionDecl.Rule] = []
        var failed = false
        while !check(.dedent), !check(.eof) {
            do {
                if header == nil, check(.identifier), peek(1).kind == .symbol(.assign) || peek(1).kind == .keyword(.in) {
                    let name = try expectName("an input name")
                    var expr: Expr? = nil
                    if match(.assign) != nil { expr = try expression() }
                    var values: [DecisionLiteral]? = nil
                    if match(.in) != nil { values = try decisionValues() }
                    try expectNewline()
                    definitions.append((name, expr, values))
                } else if header == nil {
                    header = try decisionHeader()
                } else {
                    rules.append(try decisionRule())
                }
            } catch {
                failed = true
                synchronizeLine(level: level)
            }
        }
        if check(.dedent) { advance() }
        guard let header else {
            throw fail(.unexpectedToken(peek, expected: "the decision's header, such as `cover_days | class => cadence`", file: file))
        }
        if failed { broken.formUnion(header.outputs.map(\.text)) }
        var d = DecisionDecl(policy: policy, policySpan: policySpan, inputs: [], outputs: [], rules: rules,
                             span: start.through(policySpan), headerSpan: header.span)
        var seen: [String: Span] = [:]
        var used = Set<Int>()
        for name in header.inputs {
            if let first = seen[name.text] { d.duplicateInputs.append((name, first)) }
            seen[name.text] = name.span
            let def = definitions.firstIndex { $0.name.text == name.text }
            if let def { used.insert(def) }
            let expr = def.flatMap { definitions[$0].expr } ?? Expr(.name(name), name.span)
            d.inputs.append(.init(name: name, expr: expr, values: def.flatMap { definitions[$0].values },
                                  defined: def.flatMap { definitions[$0].expr } != nil))
        }
        for name in header.outputs {
            let def = definitions.firstIndex { $0.name.text == name.text && $0.expr == nil }
            if let def { used.insert(def) }
            d.outputs.append(.init(name: name, values: def.flatMap { definitions[$0].values }))
        }
        d.strayValueLines = definitions.indices.filter { !used.contains($0) }.map { definitions[$0].name }
        return d
    }

    mutating func decisionHeader() throws -> (inputs: [Name], outputs: [Name], span: Span) {
        let first = peek.span
        var inputs = [try expectName("an input of the decision (the header names its inputs, then `=>` and its outputs)")]
        while match(.pipe) != nil { inputs.append(try expectName("an input of the decision")) }
        _ = try expect(.arrow, "`|` and another input, or `=>` and the decision's outputs")
        var outputs = [try expectName("an output column of the decision")]
        while match(.pipe) != nil { outputs.append(try expectName("an output column of the decision")) }
        let span = first.through(tokens[index - 1].span)
        try expectNewline()
        return (inputs, outputs, span)
    }

    mutating func decisionRule() throws -> DecisionDecl.Rule {
        let start = peek.span
        var cells: [DecisionDecl.Cell] = []
        var otherwise = false
        if match(.otherwise) != nil {
            otherwise = true
        } else {
            cells.append(try decisionCell())
            while match(.pipe) != nil { cells.append(try decisionCell()) }
        }
        let arrow = try expect(.arrow, otherwise ? "`=>` and the outputs" : "`|` and the next input's condition, or `=>` and the outputs")
        var outputs: [Expr?] = []
        repeat {
            if check(.minus), [TokenKind.symbol(.pipe), .newline, .eof, .dedent].contains(peek(1).kind) {
                advance()
                outputs.append(nil)
            } else {
                outputs.append(try expression())
            }
        } while match(.pipe) != nil
        let span = start.through(tokens[index - 1].span)
        try expectNewline()
        return DecisionDecl.Rule(cells: cells, outputs: outputs, otherwise: otherwise, span: span, arrowSpan: arrow.span)
    }

    // decide_cell: "-" | decide_test ("," decide_test)*
    // decide_test: "missing" | COMPARE decide_literal | ("[" | "(") decide_literal "," decide_literal ("]" | ")") | decide_literal
    mutating func decisionCell() throws -> DecisionDecl.Cell {
        let start = peek.span
        if check(.minus), [TokenKind.symbol(.pipe), .symbol(.arrow)].contains(peek(1).kind) {
            let t = advance()
            return .init(tests: [(.any, t.span)], span: t.span)
        }
        var tests: [(test: DecisionDecl.Test, span: Span)] = []
        repeat {
            let first = peek.span
            let test: DecisionDecl.Test
            if match(.missing) != nil {
                test = .missing
            } else if case .symbol(let s) = peek.kind, let op = Parser.decisionComparison[s] {
                advance()
                test = .compare(op, try decisionLiteral())
            } else if check(.lbracket) || check(.lparen) {
                let open = advance()
                let low = try decisionLiteral()
                _ = try expect(.comma, "`,` and the range's upper end, as in `[30, 60)`")
                let high = try decisionLiteral()
                guard check(.rbracket) || check(.rparen) else {
                    throw fail(.unexpectedToken(peek, expected: "`)` or `]` to close the range", file: file))
                }
                let close = advance()
                test = .interval(low: low, lowClosed: open.kind == .symbol(.lbracket), high: high,
                                 highClosed: close.kind == .symbol(.rbracket))
            } else {
                test = .equal(try decisionLiteral())
            }
            tests.append((test, first.through(tokens[index - 1].span)))
        } while match(.comma) != nil
        return .init(tests: tests, span: start.through(tokens[index - 1].span))
    }

    static let decisionComparison: [Symbol: BinaryOp] = [
        .less: .less, .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual,
        .notEqual: .notEqual, .equal: .equal,
    ]

    mutating func decisionValues() throws -> [DecisionLiteral] {
        var values = [try decisionLiteral()]
        while match(.comma) != nil { values.append(try decisionLiteral()) }
        return values
    }

    // decide_literal: MINUS? (NUMBER | PERCENT | DURATION) | DATE | STRING | "true" | "false"
    mutating func decisionLiteral() throws -> DecisionLiteral {
        let what = "a value: a number, a percentage, a duration, a date, a text in quotes, `true` or `false`"
        let minus = match(.minus)
        let t = peek
        let sign: Double = minus == nil ? 1 : -1
        let span = (minus?.span ?? t.span).through(t.span)
        switch t.kind {
        case .number(let x): advance(); return DecisionLiteral(value: .number(sign * x), span: span)
        case .percent(let x): advance(); return DecisionLiteral(value: .percent(sign * x), span: span)
        case .duration(let d): advance(); return DecisionLiteral(value: .duration(sign * d), span: span)
        default: break
        }
        if minus != nil { throw fail(.unexpectedToken(t, expected: "a number after `-`", file: file)) }
        switch t.kind {
        case .date: advance(); return DecisionLiteral(value: .date(file.text(of: t.span)), span: span)
        case .keyword(.true): advance(); return DecisionLiteral(value: .bool(true), span: span)
        case .keyword(.false): advance(); return DecisionLiteral(value: .bool(false), span: span)
        case .string:
            advance()
            guard let s = text(t.span, interpolate: false).plainText else {
                throw fail(.unexpectedToken(t, expected: what, file: file))
            }
            return DecisionLiteral(value: .text(s), span: span)
        case .identifier:
            throw fail(.unexpectedToken(t, expected: what, file: file,
                                        hint: "a decision table's cells are values; compute what they compare with as an input, e.g. `limit = 2 * items.moq` above the header"))
        default:
            throw fail(.unexpectedToken(t, expected: what, file: file))
        }
    }
}

extension Diagnostic {
    static func unknownHitPolicy(_ name: String, at span: Span) -> Diagnostic {
        let known = ["unique", "first", "priority", "collect"]
        let guess = Suggest.didYouMean(name, in: known).map { $0 + " " } ?? ""
        return Diagnostic(code: "hit-policy", "unknown hit policy `\(name)`", at: span,
                          hint: guess + "a decision's hit policy is `unique`, `first`, `priority` or `collect sum|min|max|count`")
    }
}

extension Parser {
    /// `decide` at the margin: reported, its block read (and dropped), then the next statement.
    mutating func decisionOutsideTable() throws -> Statement {
        _ = fail(.decisionOutsideTable(at: peek.span))
        do { _ = try decideDef() } catch { throw Failure() }
        while check(.newline) { advance() }
        if check(.eof) { throw Failure() }
        return try statement()
    }
}

extension Diagnostic {
    static func decisionOutsideTable(at span: Span) -> Diagnostic {
        Diagnostic(code: "decision", "a decision table belongs inside a table", at: span,
                   hint: "indent it under `table NAME by … from …:`; its outputs become columns of that table")
    }
}
