// A decision table lowered to ordinary formulas, one per output column. Each rule's match is
// the conjunction of its cells' tests (a row mask when evaluated); the outputs are chosen by
// the hit policy:
//
//   unique, first   if m1 then o1 else if m2 then o2 … else FALLBACK
//   priority        the same, the rules ordered by their output's place in its declared order
//   collect sum     (if m1 then o1 else 0) + (if m2 then o2 else 0) + …
//   collect count   (if m1 then 1 else 0) + …
//   collect min/max the first chain, the rules ordered by their (literal) outputs
//
// FALLBACK is `otherwise`'s output, else a missing value saying which input was missing (a
// missing input matches only `-` and `missing` cells) or that no rule matched. The engine
// evaluates these formulas column by column like any other, so incremental recomputation,
// explain's inputs and the SQL compiler (nested CASE) come with them.

extension DecisionDecl {
    /// The output columns, as formulas.
    public func lowered(file: SourceFile? = nil) -> [ColumnDecl] {
        outputs.indices.map { k in
            var f = formula(output: k, file: file)
            // The formula as a whole is the `decide` line (hover, SQL comments); a rule's
            // condition keeps the rule's span, which `explain` looks for.
            if case .conditional = f.kind { f.span = span }
            return ColumnDecl(name: outputs[k].name, formula: f)
        }
    }

    func formula(output k: Int, file: SourceFile?) -> Expr {
        let rules = self.rules.filter { !$0.otherwise }
        let otherwise = self.rules.first { $0.otherwise }
        let at = span
        let where_ = file.map { " (the decision at line \($0.location(of: span.start).line))" } ?? ""
        func value(_ r: Rule) -> Expr { (k < r.outputs.count ? r.outputs[k] : nil) ?? Expr(.missing(reason: "no output"), r.span) }
        // What a row no rule matches gets.
        var fallback: Expr
        if let o = otherwise {
            fallback = value(o)
        } else {
            fallback = Expr(.missing(reason: "no rule matches\(where_)"), at)
            for i in guardedInputs.reversed() {
                fallback = Expr(.conditional(condition: Expr(.isMissing(inputs[i].expr, negated: false), at),
                                             then: Expr(.missing(reason: "`\(inputs[i].name.text)` is missing\(where_)"), at),
                                             else: fallback), at)
            }
        }
        switch policy {
        case .unique, .first:
            return chain(rules, output: value, fallback: fallback)
        case .priority:
            let order = outputs.first { $0.values != nil }
            let position: (Rule) -> Int = { r in
                guard let o = order, let values = o.values, let p = outputs.firstIndex(where: { $0.name.text == o.name.text }),
                      p < r.outputs.count, let e = r.outputs[p], let lit = DecisionLiteral.of(e) else { return Int.max }
                return values.firstIndex { $0.value == lit.value } ?? Int.max
            }
            let ordered = rules.enumerated().sorted { (position($0.element), $0.offset) < (position($1.element), $1.offset) }.map(\.element)
            return chain(ordered, output: value, fallback: fallback)
        case .collect(let op) where op == .min || op == .max:
            let keyed = rules.enumerated().map { (i, r) -> (Double, Int, Rule) in
                let x = (k < r.outputs.count ? r.outputs[k] : nil).flatMap(DecisionLiteral.of)?.number ?? 0
                return (op == .min ? x : -x, i, r)
            }
            let ordered = keyed.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
            return chain(ordered, output: value, fallback: fallback)
        case .collect(let op):
            var total: Expr = Expr(.number(0), at)
            var any: Expr? = nil
            for (i, r) in rules.enumerated() {
                let term = op == .count ? Expr(.number(1), r.span) : value(r)
                let m = match(r)
                let part = m.map { Expr(.conditional(condition: $0, then: term, else: Expr(.number(0), r.span)), r.span) } ?? term
                total = i == 0 ? part : Expr(.binary(.add, total, part), at)
                if let m { any = any.map { Expr(.binary(.or, $0, m), at) } ?? m } else { any = nil; break }
            }
            if let o = otherwise, let any, !rules.isEmpty {
                total = Expr(.conditional(condition: any, then: total, else: value(o)), at)
            }
            for i in guardedInputs.reversed() {
                total = Expr(.conditional(condition: Expr(.isMissing(inputs[i].expr, negated: false), at),
                                          then: Expr(.missing(reason: "`\(inputs[i].name.text)` is missing\(where_)"), at),
                                          else: total), at)
            }
            return total
        }
    }

    func chain(_ rules: [Rule], output: (Rule) -> Expr, fallback: Expr) -> Expr {
        var e = fallback
        for r in rules.reversed() {
            if let m = match(r) {
                e = Expr(.conditional(condition: m, then: output(r), else: e), r.span)
            } else {
                e = output(r)   // matches every row: the rules after it are never reached
            }
        }
        return e
    }

    /// Inputs a rule tests with something other than `-` and that no rule tests for `missing`:
    /// when one is missing (and no rule matched), the output is missing and says so.
    var guardedInputs: [Int] {
        inputs.indices.filter { i in
            var tested = false
            for r in rules where !r.otherwise && i < r.cells.count {
                for t in r.cells[i].tests {
                    switch t.test {
                    case .missing: return false
                    case .any: break
                    default: tested = true
                    }
                }
            }
            return tested
        }
    }

    /// The rule's match: its cells' tests, all of them (nil when it matches every row).
    public func match(_ r: Rule) -> Expr? {
        var m: Expr? = nil
        for (i, cell) in r.cells.enumerated() where i < inputs.count {
            guard let c = test(cell, inputs[i].expr) else { continue }
            m = m.map { Expr(.binary(.and, $0, c), r.span) } ?? c
        }
        m?.span = r.span
        return m
    }

    func test(_ cell: Cell, _ x: Expr) -> Expr? {
        var e: Expr? = nil
        for (t, span) in cell.tests {
            let one: Expr
            switch t {
            case .any: return nil
            case .missing: one = Expr(.isMissing(x, negated: false), span)
            case .compare(let op, let v): one = Expr(.binary(op, x, v.expr), span)
            case .equal(let v): one = Expr(.binary(.equal, x, v.expr), span)
            case .interval(let lo, let loClosed, let hi, let hiClosed):
                one = Expr(.binary(.and, Expr(.binary(loClosed ? .greaterEqual : .greater, x, lo.expr), span),
                                   Expr(.binary(hiClosed ? .lessEqual : .less, x, hi.expr), span)), span)
            }
            e = e.map { Expr(.binary(.or, $0, one), cell.span) } ?? one
        }
        return e
    }
}

extension DecisionLiteral {
    /// The literal an output expression is, when it is one (`"weekly"`, `-2`, `25%`).
    public static func of(_ e: Expr) -> DecisionLiteral? {
        switch e.kind {
        case .number(let x): return DecisionLiteral(value: .number(x), span: e.span)
        case .percent(let x): return DecisionLiteral(value: .percent(x), span: e.span)
        case .duration(let d): return DecisionLiteral(value: .duration(d), span: e.span)
        case .text(let t): return t.plainText.map { DecisionLiteral(value: .text($0), span: e.span) }
        case .date(let d): return DecisionLiteral(value: .date(d), span: e.span)
        case .bool(let b): return DecisionLiteral(value: .bool(b), span: e.span)
        case .unary(.negate, let inner):
            guard let l = of(inner) else { return nil }
            switch l.value {
            case .number(let x): return DecisionLiteral(value: .number(-x), span: e.span)
            case .percent(let x): return DecisionLiteral(value: .percent(-x), span: e.span)
            case .duration(let x): return DecisionLiteral(value: .duration(-x), span: e.span)
            default: return nil
            }
        default: return nil
        }
    }
}
