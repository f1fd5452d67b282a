// `explain` on an output of a decision table: which rule fired (its line and row), and the
// row's input values. The rule is found by evaluating, for this one row, the lowered formula's
// rule conditions (AST+DecisionLowering.swift) in the order the hit policy tries them.

import VeloCheck
import VeloSyntax

extension Workspace {
    /// Rewrites a decision output's explanation: the rule that fired as its formula and note,
    /// the inputs' values first among its inputs.
    func explainDecision(_ node: inout Explanation, _ ref: ColumnRef, row: Int) {
        guard let d = program.decisions.first(where: { $0.table == ref.table && $0.outputs.contains(ref.column) }),
              let formula = program.column(ref).formula else { return }
        let file = program.file
        func evaluate(_ e: CExpr) -> CellValue {
            let v = evaluator.evaluate(e, in: ref.table, rows: [Int32(row)])
            return cellValue(v.values, v.reasons, 0)
        }
        func find(_ span: Span, in e: CExpr) -> CExpr? {
            if e.span == span { return e }
            var found: CExpr? = nil
            e.forEachChild { c in if found == nil { found = find(span, in: c) } }
            return found
        }
        let ruleAt: (Span) -> DecisionInfo.Rule? = { s in d.rules.first { $0.span == s } }
        let containing: (Span) -> DecisionInfo.Rule? = { s in d.rules.first { $0.span.start <= s.start && s.end <= $0.span.end } }
        var fired: [DecisionInfo.Rule] = []
        switch d.policy {
        case .collect(let op) where op != .min && op != .max:
            func walk(_ e: CExpr) {
                if case .conditional(let c, _, _) = e.kind, let r = ruleAt(c.span) {
                    if evaluate(c) == .bool(true) { fired.append(r) }
                    return
                }
                e.forEachChild(walk)
            }
            walk(formula)
            fired.sort { $0.line < $1.line }
        default:
            var e = formula
            while true {
                if case .conditional(let c, let then, let els) = e.kind {
                    if let r = ruleAt(c.span) {
                        if evaluate(c) == .bool(true) { fired = [r]; break }
                        e = els
                        continue
                    }
                    // A missing input's guard: the fallback says which.
                    e = evaluate(c) == .bool(true) ? then : els
                    continue
                }
                if let r = containing(e.span) { fired = [r] }
                break
            }
        }
        let text: (DecisionInfo.Rule) -> String = { r in file.text(of: r.span) }
        let policy: String
        switch d.policy {
        case .unique: policy = "unique"
        case .first: policy = "first"
        case .priority: policy = "priority"
        case .collect(let op): policy = "collect \(op.rawValue)"
        }
        let at = file.location(of: d.span.start).line
        if fired.isEmpty {
            node.note = "no rule of the decision at line \(at) matched"
            node.formula = "decide \(policy)"
        } else if fired.count == 1 {
            node.note = fired[0].otherwise ? "no rule matched: `otherwise`, line \(fired[0].line)" : "the rule at line \(fired[0].line) fired"
            node.formula = text(fired[0])
        } else {
            node.note = "\(policy): the rules at lines \(fired.map { String($0.line) }.joined(separator: ", ")) fired"
            node.formula = fired.map(text).joined(separator: "; ")
        }
        var inputs: [Explanation] = []
        for input in d.inputs {
            guard let e = find(input.span, in: formula) else { continue }
            inputs.append(Explanation(cell: "input \(input.name)", value: evaluate(e), formula: nil, inputs: [], window: nil,
                                      note: nil))
        }
        node.inputs = inputs + node.inputs
    }
}
