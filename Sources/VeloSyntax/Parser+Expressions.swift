// Expressions, from the loosest operator to the tightest:
//   if-then-else < or < and < not < comparison, `is missing` < ?? < + - < * / < unary - < ^ < [index]
// `^` is right-associative and binds tighter than unary minus (-2^2 = -4); `??` is
// right-associative; comparisons do not chain.

extension Parser {
    /// Guards recursion depth (nesting and operator chains).
    mutating func enter(_ span: Span) throws {
        if depth >= Parser.maxDepth {
            throw fail(.nestedTooDeeply(limit: Parser.maxDepth, at: span))
        }
        depth += 1
    }

    // ?expr: conditional | or_expr
    // conditional: "if" expr "then" expr "else" expr
    mutating func expression() throws -> Expr {
        try enter(peek.span)
        defer { depth -= 1 }
        if let start = match(.if) {
            let condition = try expression()
            if check(.symbol(.colon)) {
                throw fail(.unexpectedToken(peek, expected: "`then`", file: file, hint: "write `if condition then a else b`"))
            }
            _ = try expect(.then, "`then`")
            let a = try expression()
            guard match(.else) != nil else {
                throw fail(.missingElse(at: peek.span, ifAt: start.span))
            }
            let b = try expression()
            return Expr(.conditional(condition: condition, then: a, else: b), start.span.through(b.span))
        }
        return try orExpr()
    }

    /// Left-associative chains count against the depth budget too: `1+1+...+1` on a 1 MB
    /// line builds a tree as deep as it is long.
    mutating func leftChain(_ operand: (inout Parser) throws -> Expr, _ op: (Token) -> BinaryOp?) throws -> Expr {
        var lhs = try operand(&self)
        var links = 0
        defer { depth -= links }
        while let o = op(peek) {
            advance()
            try enter(peek.span)
            links += 1
            let rhs = try operand(&self)
            lhs = Expr(.binary(o, lhs, rhs), lhs.span.through(rhs.span))
        }
        return lhs
    }

    // ?or_expr: and_expr ("or" and_expr)*
    mutating func orExpr() throws -> Expr {
        try leftChain({ try $0.andExpr() }) { $0.kind == .keyword(.or) ? .or : nil }
    }

    // ?and_expr: not_expr ("and" not_expr)*
    mutating func andExpr() throws -> Expr {
        try leftChain({ try $0.notExpr() }) { $0.kind == .keyword(.and) ? .and : nil }
    }

    // ?not_expr: "not" not_expr | comparison
    mutating func notExpr() throws -> Expr {
        if let t = match(.not) {
            try enter(t.span)
            defer { depth -= 1 }
            let operand = try notExpr()
            return Expr(.unary(.not, operand), t.span.through(operand.span))
        }
        return try comparison()
    }

    // ?comparison: coalesce (COMPARE coalesce)? | coalesce "is" "not"? "missing"
    mutating func comparison() throws -> Expr {
        let lhs = try coalesce()
        if let isToken = match(.is) {
            let negated = match(.not) != nil
            guard let m = match(.missing) else {
                throw fail(.unexpectedToken(peek, expected: "`missing`", file: file,
                                            hint: "write `x is missing` or `x is not missing`; compare values with `==`"))
            }
            _ = isToken
            return Expr(.isMissing(lhs, negated: negated), lhs.span.through(m.span))
        }
        guard let op = Parser.comparisonOp(peek) else {
            if check(.symbol(.assign)) {
                throw fail(.assignInExpression(at: peek.span))
            }
            return lhs
        }
        advance()
        let rhs = try coalesce()
        if Parser.comparisonOp(peek) != nil {
            throw fail(.chainedComparison(at: peek.span))
        }
        return Expr(.binary(op, lhs, rhs), lhs.span.through(rhs.span))
    }

    static func comparisonOp(_ t: Token) -> BinaryOp? {
        guard case .symbol(let s) = t.kind else { return nil }
        switch s {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        default: return nil
        }
    }

    // ?coalesce: additive ("??" coalesce)?
    mutating func coalesce() throws -> Expr {
        let lhs = try additive()
        guard match(.coalesce) != nil else { return lhs }
        try enter(peek.span)
        defer { depth -= 1 }
        let rhs = try coalesce()
        return Expr(.binary(.coalesce, lhs, rhs), lhs.span.through(rhs.span))
    }

    // ?additive: multiplicative (("+" | "-") multiplicative)*
    mutating func additive() throws -> Expr {
        try leftChain({ try $0.multiplicative() }) { t in
            t.kind == .symbol(.plus) ? .add : t.kind == .symbol(.minus) ? .subtract : nil
        }
    }

    // ?multiplicative: unary (("*" | "/") unary)*
    mutating func multiplicative() throws -> Expr {
        try leftChain({ try $0.unary() }) { t in
            t.kind == .symbol(.star) ? .multiply : t.kind == .symbol(.slash) ? .divide : nil
        }
    }

    // ?unary: "-" unary | power
    mutating func unary() throws -> Expr {
        if let t = match(.minus) {
            try enter(t.span)
            defer { depth -= 1 }
            let operand = try unary()
            return Expr(.unary(.negate, operand), t.span.through(operand.span))
        }
        return try power()
    }

    // ?power: postfix ("^" unary)?
    mutating func power() throws -> Expr {
        let base = try postfix()
        guard match(.caret) != nil else { return base }
        try enter(peek.span)
        defer { depth -= 1 }
        let exponent = try unary()
        return Expr(.binary(.power, base, exponent), base.span.through(exponent.span))
    }

    // ?postfix: primary ("[" expr ("," expr)* "]")*
    mutating func postfix() throws -> Expr {
        var e = try primary()
        while check(.symbol(.lbracket)) {
            advance()
            var keys = [try expression()]
            while match(.comma) != nil { keys.append(try expression()) }
            let close = try expect(.rbracket, "`]`")
            e = Expr(.index(base: e, keys: keys), e.span.through(close.span))
        }
        return e
    }

    // ?primary: NUMBER | PERCENT | DURATION | DATE | STRING | "true" | "false" | missing
    //         | NAME | NAME "." NAME | call | "(" expr ")"
    // missing: "missing" ("(" STRING ")")?
    mutating func primary() throws -> Expr {
        let t = peek
        if let l = literal() { return l }
        switch t.kind {
        case .keyword(.missing):
            advance()
            if match(.lparen) != nil {
                guard check(.string) else {
                    throw fail(.unexpectedToken(peek, expected: "the reason in quotes, as in `missing(\"no demand\")`", file: file))
                }
                let reason = text(advance().span, interpolate: false)
                let close = try expect(.rparen)
                return Expr(.missing(reason: reason.plainText ?? ""), t.span.through(close.span))
            }
            return Expr(.missing(reason: nil), t.span)
        case .identifier:
            advance()
            let name = Name(file.text(of: t.span), t.span)
            if match(.dot) != nil {
                if check(.string) {
                    // `orders."Order Status"`: a header is named once, in the source's block.
                    let header = String(file.text(of: peek.span).dropFirst().dropLast())
                    throw fail(.unexpectedToken(peek, expected: "a column name after `.`", file: file,
                                                hint: "a column is named by a name, not by its header in quotes: map it in `\(name.text)`'s block, "
                                                    + "as in `\(Parser.suggestedName(header)) = \"\(header)\"`, and write `\(name.text).\(Parser.suggestedName(header))`"))
                }
                let column = try expectName("a column name after `.`")
                return Expr(.member(table: name, column: column), t.span.through(column.span))
            }
            if check(.symbol(.lparen)) { return try call(name) }
            return Expr(.name(name), t.span)
        case .symbol(.lparen):
            advance()
            try enter(t.span)
            defer { depth -= 1 }
            let inner = try expression()
            guard let close = match(.rparen) else {
                throw fail(.unexpectedToken(peek, expected: "`)`", file: file,
                                            notes: [.init(span: t.span, message: "`(` opened here")]))
            }
            // The brackets belong to the expression's text: a formula's source range (the
            // REPL's record of it, a check's name) must not end inside them.
            return Expr(inner.kind, t.span.through(close.span))
        case .keyword(.last), .keyword(.ending):
            throw fail(.windowOutsideCall(at: t.span))
        case .keyword(let k):
            throw fail(.reservedWord(k.rawValue, expected: "a value", at: t.span))
        default:
            throw fail(.unexpectedToken(t, expected: "a value", file: file))
        }
    }

    /// A literal token (number, percentage, duration, date, text, true, false), consumed;
    /// nil (and nothing consumed) for any other token.
    mutating func literal() -> Expr? {
        let t = peek
        let kind: Expr.Kind
        switch t.kind {
        case .number(let v): kind = .number(v)
        case .percent(let v): kind = .percent(v)
        case .duration(let d): kind = .duration(days: d)
        case .date: kind = .date(file.text(of: t.span))
        case .string: kind = .text(text(t.span, interpolate: false))
        case .keyword(.true): kind = .bool(true)
        case .keyword(.false): kind = .bool(false)
        default: return nil
        }
        advance()
        if case .number = kind, unitAhead(), let unit = try? unitAnnotation(anyName: false) {
            var e = Expr(kind, t.span.through(unit.span))
            e.unit = unit
            return e
        }
        return Expr(kind, t.span)
    }

    // call: NAME "(" (arg ("," arg)*)? ")"
    // arg: (NAME ":")? (window | expr)
    mutating func call(_ callee: Name) throws -> Expr {
        let open = advance()
        var arguments: [Argument] = []
        if !check(.symbol(.rparen)) {
            repeat {
                var label: Name? = nil
                if check(.identifier), peek(1).kind == .symbol(.colon) {
                    let t = advance()
                    label = Name(file.text(of: t.span), t.span)
                    advance()
                }
                let start = peek.span
                if isWindowStart() {
                    let w = try window()
                    arguments.append(Argument(label: label, value: .window(w), span: (label?.span ?? start).through(w.span)))
                } else {
                    let e = try expression()
                    arguments.append(Argument(label: label, value: .expr(e), span: (label?.span ?? start).through(e.span)))
                }
            } while match(.comma) != nil
        }
        guard let close = match(.rparen) else {
            throw fail(.unexpectedToken(peek, expected: "`,` or `)`", file: file,
                                        notes: [.init(span: open.span, message: "`(` of `\(callee.text)(...)` opened here")]))
        }
        return Expr(.call(callee: callee, arguments: arguments), callee.span.through(close.span))
    }

    func isWindowStart() -> Bool {
        if check(.last) { return true }
        if case .duration = peek.kind {
            return peek(1).kind == .keyword(.after) || peek(1).kind == .keyword(.before)
        }
        return false
    }

    // window: "last" DURATION ("ending" DURATION "ago")?
    //       | DURATION ("after" | "before") additive
    mutating func window() throws -> Window {
        let start = peek.span
        if match(.last) != nil {
            guard case .duration(let days) = peek.kind else {
                throw fail(.unexpectedToken(peek, expected: "a duration such as `21 days`", file: file))
            }
            let lengthSpan = advance().span
            var ago = 0.0
            var end = lengthSpan
            if match(.ending) != nil {
                guard case .duration(let d) = peek.kind else {
                    throw fail(.unexpectedToken(peek, expected: "a duration such as `14 days`", file: file))
                }
                advance()
                let agoToken = try expect(.ago, "`ago`")
                ago = d
                end = agoToken.span
            }
            return Window(kind: .last(days: days, endingAgo: ago), span: start.through(end), lengthSpan: lengthSpan)
        }
        guard case .duration(let days) = peek.kind else {
            throw fail(.unexpectedToken(peek, expected: "a window such as `last 21 days`", file: file))
        }
        let lengthSpan = advance().span
        guard check(.after) || check(.before) else {
            throw fail(.unexpectedToken(peek, expected: "`after` or `before`", file: file))
        }
        let after = check(.after)
        advance()
        let anchor = try additive()
        let kind: Window.Kind = after ? .after(days: days, anchor: anchor) : .before(days: days, anchor: anchor)
        return Window(kind: kind, span: start.through(anchor.span), lengthSpan: lengthSpan)
    }
}

extension Diagnostic {
    static func unexpectedToken(_ t: Token, expected: String, file: SourceFile, hint: String? = nil,
                                notes: [Note] = []) -> Diagnostic {
        let found: String
        switch t.kind {
        case .identifier, .number, .percent, .duration, .date, .string: found = "`\(file.text(of: t.span))`"
        default: found = t.kind.description
        }
        var span = t.span
        if span.length == 0 {
            // A layout token sits right after the line's last character: point there.
            span = Span(start: min(span.start, max(0, file.bytes.count - 1)), length: 1)
        }
        return Diagnostic(code: "syntax", "expected \(expected), found \(found)", at: span, hint: hint, notes: notes)
    }

    static func reservedWord(_ word: String, expected: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "reserved-word", "expected \(expected), found the reserved word `\(word)`", at: span,
                   hint: "`\(word)` is part of the language; choose another name, such as `\(word)_value`")
    }

    static func nestedTooDeeply(limit: Int, at span: Span) -> Diagnostic {
        Diagnostic(code: "too-deep", "this expression is nested too deeply or is too long (more than \(limit) levels)",
                   at: span, hint: "split it into several named columns")
    }

    static func emptyExpression(at span: Span) -> Diagnostic {
        Diagnostic(code: "syntax", "expected an expression, found nothing", at: Span(start: max(0, span.start - 1), length: span.length + 2))
    }

    static func missingElse(at span: Span, ifAt: Span) -> Diagnostic {
        Diagnostic(code: "missing-else", "`if` needs an `else`: every row must get a value", at: span,
                   hint: "add `else missing` when there is no sensible value",
                   notes: [.init(span: ifAt, message: "this `if`")])
    }

    static func chainedComparison(at span: Span) -> Diagnostic {
        Diagnostic(code: "chained-comparison", "comparisons cannot be chained", at: span,
                   hint: "write `a < b and b < c`")
    }

    static func assignInExpression(at span: Span) -> Diagnostic {
        Diagnostic(code: "assign-in-expression", "`=` defines a column; it cannot appear inside a formula", at: span,
                   hint: "to compare two values write `==`")
    }

    static func doubleEqualsInDefinition(at span: Span) -> Diagnostic {
        Diagnostic(code: "double-equals", "a column is defined with `=`, not `==`", at: span,
                   hint: "write `name = formula`")
    }

    static func windowOutsideCall(at span: Span) -> Diagnostic {
        Diagnostic(code: "window-outside-call", "a time window can only be an argument of an aggregate", at: span,
                   hint: "for example `sum(sales.units, last 21 days)`")
    }

    static func unexpectedIndent(at span: Span) -> Diagnostic {
        Diagnostic(code: "unexpected-indent", "this line is indented but does not belong to a block", at: span,
                   hint: "start top-level definitions at the left margin; a formula continues on a line indented deeper than its first line")
    }

    static func expectedBlock(_ what: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "expected-block", "expected an indented block of \(what)", at: span,
                   hint: "indent the lines that belong to it")
    }

    static func tableNeedsColonOrSource(at span: Span) -> Diagnostic {
        Diagnostic(code: "table-syntax", "a table is either read from a file or computed by formulas", at: span,
                   hint: "write `table sales = csv(\"data/sales.csv\")`, or `table plan by sku:` followed by indented formulas")
    }

    static func definitionOutsideTable(_ name: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "definition-outside-table", "`\(name) = ...` must belong to a table or be a param", at: span,
                   hint: "indent it under a `table ... :` line, or write `param \(name) = ...`")
    }
}
