// Checking decision tables (AST+Decisions.swift) before any data is read: the shape of each
// row, the types of the cells against their inputs, the hit policy's needs, and — for
// numeric ranges and finite sets of values — overlaps under `unique`, gaps under `unique`,
// `first` and `priority`, and rules `first` never reaches.
//
// The proofs enumerate a finite partition of each input's values: a number (duration, date)
// input is cut at every endpoint its cells name, so each endpoint and each open interval
// between two is one class whose members every cell treats alike; a true/false input has two
// values; a text input the values it declares (`class = items.abc_class in "A", "B", "C"`),
// or, when it declares none, the values its cells name plus "any other text". A rule matches
// a combination of classes or it does not, so checking every combination is a proof.

import VeloData
import VeloSyntax

/// A decision table of a derived table, for `explain` (which rule fired) and the engine's
/// readers: the output columns are ordinary formula columns.
public struct DecisionInfo: Sendable {
    public struct Rule: Sendable {
        /// The rule's line in the rule file, and the whole row.
        public var line: Int
        public var span: Span
        public var otherwise: Bool
    }
    public var table: TableRef
    /// Output columns of `table`, in header order.
    public var outputs: [Int]
    public var policy: DecisionDecl.Policy
    /// Each input's name and the span of its expression (found again in the lowered formulas).
    public var inputs: [(name: String, span: Span)]
    public var rules: [Rule]
    /// `decide first`.
    public var span: Span
}

/// One class of an input's values in the partition.
enum DecisionPoint: Equatable {
    case number(Double)
    case text(String)
    /// A text none of the cells names.
    case otherText
    case bool(Bool)
}

extension Checker {
    /// Checks every decision table; a table with errors keeps no formulas (its errors are the
    /// decision's, not repeated by the lowered formulas).
    mutating func checkDecisions() {
        for (index, decl) in tableDecls.sorted(by: { $0.key < $1.key }) {
            let t = TableRef(index)
            for d in decl.decisions {
                let before = diagnostics.filter { $0.severity == .error }.count
                checkDecision(d, in: t)
                if diagnostics.filter({ $0.severity == .error }).count > before {
                    tablesWithErrors.insert(t)
                    for o in d.outputs {
                        if let c = tables[index].columnIndex(o.name.text), tables[index].columns[c].span == o.name.span {
                            formulaSources[ColumnRef(t, c)] = nil
                            visits[ColumnRef(t, c)] = .failed
                        }
                    }
                }
            }
        }
    }

    /// The decisions of the program, for the checked program.
    func decisionInfos() -> [DecisionInfo] {
        var out: [DecisionInfo] = []
        for (index, decl) in tableDecls.sorted(by: { $0.key < $1.key }) {
            for d in decl.decisions {
                let outputs = d.outputs.compactMap { tables[index].columnIndex($0.name.text) }
                out.append(DecisionInfo(
                    table: TableRef(index), outputs: outputs, policy: d.policy,
                    inputs: d.inputs.map { ($0.name.text, $0.expr.span) },
                    rules: d.rules.map { .init(line: file.location(of: $0.span.start).line, span: $0.span, otherwise: $0.otherwise) },
                    span: d.span))
            }
        }
        return out
    }

    mutating func checkDecision(_ d: DecisionDecl, in t: TableRef) {
        let scope = Scope(context: t, owner: t)
        for name in d.strayValueLines {
            diagnostics.append(.decisionStrayLine(name.text, at: name.span, header: d.headerSpan))
        }
        for (name, first) in d.duplicateInputs {
            diagnostics.append(.decisionDuplicateInput(name.text, at: name.span, first: first))
        }
        if !d.duplicateInputs.isEmpty { return }
        // Shapes.
        var shapeOK = true
        let outputNames = d.outputs.map { "`\($0.name.text)`" }
        for (i, r) in d.rules.enumerated() {
            if r.otherwise, i != d.rules.count - 1 {
                diagnostics.append(.decisionOtherwiseNotLast(at: r.span))
                shapeOK = false
            }
            if !r.otherwise, r.cells.count != d.inputs.count {
                let at = r.cells.count > d.inputs.count ? r.cells[d.inputs.count].span : r.arrowSpan
                diagnostics.append(.decisionCellCount(r.cells.count, inputs: d.inputs.map(\.name.text), at: at, header: d.headerSpan))
                shapeOK = false
            }
            if r.outputs.count < d.outputs.count {
                let missing = outputNames[r.outputs.count...].joined(separator: ", ")
                diagnostics.append(.decisionOutputMissing(missing, at: Span(start: r.span.end, length: 0), header: d.headerSpan))
                shapeOK = false
            } else if r.outputs.count > d.outputs.count {
                diagnostics.append(.decisionTooManyOutputs(d.outputs.count, at: r.outputs[d.outputs.count]?.span ?? r.span))
                shapeOK = false
            }
            if d.policy != .collect(.count) {
                for (k, o) in r.outputs.enumerated() where o == nil && k < d.outputs.count {
                    diagnostics.append(.decisionOutputDash(d.outputs[k].name.text, at: r.span))
                    shapeOK = false
                }
            }
        }
        if d.rules.allSatisfy(\.otherwise) {
            diagnostics.append(.decisionNoRules(at: d.span))
            return
        }
        // Types of the inputs and the cells.
        var types: [VType?] = []
        for input in d.inputs {
            let before = diagnostics.count
            types.append(resolve(input.expr, scope)?.type)
            // A header name that is another table's column: say how to bring it in.
            if types.last! == nil, !input.defined,
               let other = tables.first(where: { !$0.columns.isEmpty && $0.columnIndex(input.name.text) != nil && $0.name != tables[t.index].name }) {
                for k in before..<diagnostics.count where diagnostics[k].span == input.name.span && diagnostics[k].code == "unknown-name" {
                    diagnostics[k].hint = "define the input above the header: `\(input.name.text) = \(other.name).\(input.name.text)`"
                }
            }
        }
        var typesOK = !types.contains { $0 == nil }
        for (i, input) in d.inputs.enumerated() {
            guard let type = types[i], type.base != .unknown else { continue }
            for v in input.values ?? [] where !literalFits(v, type) {
                diagnostics.append(.decisionValueType(v, input: input.name.text, type, at: v.span))
                typesOK = false
            }
            for r in d.rules where !r.otherwise && i < r.cells.count {
                for (test, span) in r.cells[i].tests where !checkTest(test, span: span, input: input, type: type) {
                    typesOK = false
                }
            }
        }
        // Outputs: types (collect needs numbers), priority's order.
        var outputTypes: [VType?] = []
        for (k, o) in d.outputs.enumerated() {
            var type: VType? = nil
            for r in d.rules where k < r.outputs.count {
                guard let e = r.outputs[k], let x = resolve(e, scope) else { continue }
                if case .collect(let op) = d.policy, op != .count, x.type.base != .number, x.type.base != .unknown {
                    diagnostics.append(.decisionCollectType(op.rawValue, o.name.text, x.type, at: e.span))
                    typesOK = false
                }
                if case .collect(let op) = d.policy, op == .min || op == .max, DecisionLiteral.of(e)?.number == nil {
                    diagnostics.append(.decisionCollectLiteral(op.rawValue, at: e.span))
                    typesOK = false
                }
                if let t0 = type, x.type.unified(with: t0) == nil {
                    diagnostics.append(.decisionOutputTypes(o.name.text, x.type, t0, at: e.span))
                    typesOK = false
                }
                if type == nil || type?.base == .unknown { type = x.type }
            }
            outputTypes.append(type)
        }
        if d.policy == .priority {
            if let k = d.outputs.firstIndex(where: { $0.values != nil }), let order = d.outputs[k].values {
                for r in d.rules where !r.otherwise && k < r.outputs.count {
                    guard let e = r.outputs[k] else { continue }
                    let lit = DecisionLiteral.of(e)
                    if lit == nil || !order.contains(where: { $0.value == lit!.value }) {
                        diagnostics.append(.decisionPriorityValue(d.outputs[k].name.text, at: e.span, order: order.map(\.span)))
                        typesOK = false
                    }
                }
            } else {
                diagnostics.append(.decisionPriorityWithoutOrder(d.outputs.first?.name.text ?? "the output", at: d.policySpan))
                typesOK = false
            }
        }
        guard shapeOK, typesOK else { return }
        checkCompleteness(d, types: types.map { $0! })
    }

    func literalFits(_ v: DecisionLiteral, _ type: VType) -> Bool {
        switch (v.value, type.base) {
        case (.number, .number), (.percent, .number), (.duration, .duration), (.text, .text), (.bool, .bool): return true
        case (.date(let s), .date): return CivilDate(iso: s) != nil
        default: return false
        }
    }

    mutating func checkTest(_ test: DecisionDecl.Test, span: Span, input: DecisionDecl.Input, type: VType) -> Bool {
        let ordered = type.base == .number || type.base == .duration || type.base == .date
        switch test {
        case .any, .missing: return true
        case .compare(let op, let v):
            if op != .equal, op != .notEqual, !ordered {
                diagnostics.append(.decisionRangeOnUnordered(input.name.text, type, at: span))
                return false
            }
            return fits(v, input: input, type: type)
        case .interval(let lo, _, let hi, _):
            guard ordered else {
                diagnostics.append(.decisionRangeOnUnordered(input.name.text, type, at: span))
                return false
            }
            guard fits(lo, input: input, type: type), fits(hi, input: input, type: type) else { return false }
            if let a = point(lo), let b = point(hi), a > b {
                diagnostics.append(.decisionEmptyRange(at: span))
                return false
            }
            return true
        case .equal(let v):
            guard fits(v, input: input, type: type) else { return false }
            if let values = input.values, !values.contains(where: { $0.value == v.value }) {
                diagnostics.append(.decisionValueNotDeclared(v, input: input.name.text, at: v.span, declared: values))
                return false
            }
            return true
        }
    }

    mutating func fits(_ v: DecisionLiteral, input: DecisionDecl.Input, type: VType) -> Bool {
        if literalFits(v, type) { return true }
        if case .date(let s) = v.value, CivilDate(iso: s) == nil {
            diagnostics.append(.invalidDate(s, at: v.span))
        } else {
            diagnostics.append(.decisionValueType(v, input: input.name.text, type, at: v.span))
        }
        return false
    }

    func point(_ v: DecisionLiteral) -> Double? {
        if case .date(let s) = v.value { return CivilDate(iso: s).map { Double($0.day) } }
        return v.number
    }

    // MARK: - Overlaps, gaps, unreachable rules

    mutating func checkCompleteness(_ d: DecisionDecl, types: [VType]) {
        let rules = d.rules.filter { !$0.otherwise }
        let hasOtherwise = d.rules.contains(where: \.otherwise)
        // The classes of each input's values.
        var domains: [[DecisionPoint]] = []
        var open: [Int] = []   // text inputs without declared values, tested by some rule
        for (i, input) in d.inputs.enumerated() {
            let tests = rules.flatMap { i < $0.cells.count ? $0.cells[i].tests.map(\.test) : [] }
            let tested = tests.contains { if case .any = $0 { return false }; if case .missing = $0 { return false }; return true }
            switch types[i].base {
            case .bool: domains.append([.bool(false), .bool(true)])
            case .text:
                if let values = input.values {
                    domains.append(values.compactMap { if case .text(let s) = $0.value { return .text(s) } else { return nil } })
                } else {
                    var named: [String] = []
                    for t in tests {
                        switch t {
                        case .equal(let v), .compare(_, let v):
                            if case .text(let s) = v.value, !named.contains(s) { named.append(s) }
                        default: break
                        }
                    }
                    domains.append(named.map(DecisionPoint.text) + [.otherText])
                    if tested { open.append(i) }
                }
            default:
                var ends: [Double] = []
                for t in tests {
                    switch t {
                    case .compare(_, let v), .equal(let v): if let x = point(v) { ends.append(x) }
                    case .interval(let a, _, let b, _): if let x = point(a) { ends.append(x) }; if let y = point(b) { ends.append(y) }
                    default: break
                    }
                }
                let e = Array(Set(ends)).sorted()
                var points: [DecisionPoint] = []
                if let first = e.first {
                    points.append(.number(first - 1))
                    for (k, x) in e.enumerated() {
                        points.append(.number(x))
                        if k + 1 < e.count { points.append(.number(Checker.between(x, e[k + 1], date: types[i].base == .date))) }
                    }
                    points.append(.number(e.last! + 1))
                } else {
                    points.append(.number(0))
                }
                domains.append(points)
            }
        }
        let combos = domains.reduce(1) { $0 * max(1, $1.count) }
        guard combos <= 200_000, !domains.contains(where: \.isEmpty) else { return }
        func matches(_ r: DecisionDecl.Rule, _ combo: [DecisionPoint]) -> Bool {
            for (i, cell) in r.cells.enumerated() where i < combo.count {
                if !cell.tests.contains(where: { holds($0.test, combo[i]) }) { return false }
            }
            return true
        }
        var overlapPairs = Set<[Int]>()
        var gap: [DecisionPoint]? = nil
        var reached = [Bool](repeating: false, count: rules.count)
        var combo = domains.map { $0[0] }
        var counters = [Int](repeating: 0, count: domains.count)
        while true {
            var matched: [Int] = []
            for (k, r) in rules.enumerated() where matches(r, combo) { matched.append(k) }
            if let first = matched.first { reached[first] = true }
            if matched.isEmpty, gap == nil { gap = combo }
            if d.policy == .unique, matched.count >= 2 {
                let pair = [matched[0], matched[1]]
                if overlapPairs.count < 3, overlapPairs.insert(pair).inserted {
                    diagnostics.append(.decisionOverlap(first: rules[pair[0]], second: rules[pair[1]],
                                                        lines: (line(rules[pair[0]].span), line(rules[pair[1]].span)),
                                                        values: describe(combo, d, types)))
                }
            }
            // Next combination.
            var i = domains.count - 1
            while i >= 0 {
                counters[i] += 1
                if counters[i] < domains[i].count { combo[i] = domains[i][counters[i]]; break }
                counters[i] = 0
                combo[i] = domains[i][0]
                i -= 1
            }
            if i < 0 { break }
        }
        switch d.policy {
        case .unique, .first, .priority:
            guard !hasOtherwise else { break }
            // A gap only "any other text" falls into: the values are not declared, so no rule
            // list can be proved complete without a catch-all.
            if let gap, let i = open.first(where: { gap[$0] == .otherText }) {
                diagnostics.append(.decisionOpenValues(d.inputs[i].name.text, at: d.inputs[i].name.span, decide: d.span,
                                                       example: d.inputs[i].defined ? nil : d.inputs[i].name.text))
            } else if let gap {
                diagnostics.append(.decisionGap(values: describe(gap, d, types), at: d.span))
            }
        case .collect: break
        }
        if d.policy == .first {
            for (k, r) in rules.enumerated() where !reached[k] {
                diagnostics.append(.decisionUnreachable(at: r.span))
            }
        }
    }

    func line(_ span: Span) -> Int { file.location(of: span.start).line }

    /// A value strictly between two endpoints: a whole number when there is one, else the middle.
    static func between(_ a: Double, _ b: Double, date: Bool) -> Double {
        let middle = (a + (b - a) / 2).rounded()
        if middle > a, middle < b { return middle }
        return a + (b - a) / 2
    }

    func holds(_ t: DecisionDecl.Test, _ p: DecisionPoint) -> Bool {
        func cmp(_ op: BinaryOp, _ v: DecisionLiteral) -> Bool {
            switch (p, v.value) {
            case (.text(let s), .text(let w)): return op == .equal ? s == w : op == .notEqual ? s != w : false
            case (.otherText, .text): return op == .notEqual
            case (.bool(let b), .bool(let c)): return op == .equal ? b == c : op == .notEqual ? b != c : false
            case (.number(let x), _):
                guard let y = point(v) else { return false }
                switch op {
                case .less: return x < y
                case .lessEqual: return x <= y
                case .greater: return x > y
                case .greaterEqual: return x >= y
                case .equal: return x == y
                case .notEqual: return x != y
                default: return false
                }
            default: return false
            }
        }
        switch t {
        case .any: return true
        case .missing: return false
        case .compare(let op, let v): return cmp(op, v)
        case .equal(let v): return cmp(.equal, v)
        case .interval(let lo, let loClosed, let hi, let hiClosed):
            return cmp(loClosed ? .greaterEqual : .greater, lo) && cmp(hiClosed ? .lessEqual : .less, hi)
        }
    }

    /// `cover_days = 45, class = "C"`.
    func describe(_ combo: [DecisionPoint], _ d: DecisionDecl, _ types: [VType]) -> String {
        zip(d.inputs, combo).enumerated().compactMap { (i, pair) -> String? in
            let (input, p) = pair
            // An input every rule takes whatever its value is says nothing.
            if d.rules.allSatisfy({ $0.otherwise || i >= $0.cells.count || $0.cells[i].isAny }) { return nil }
            let shown: String
            switch p {
            case .text(let s): shown = "\"\(s)\""
            case .otherText: shown = "any other text"
            case .bool(let b): shown = b ? "true" : "false"
            case .number(let x):
                switch types[i].base {
                case .date: shown = CivilDate(day: Int32(x)).iso
                case .duration: shown = "\(Checker.plain(x)) days"
                default: shown = Checker.plain(x)
                }
            }
            return "\(input.name.text) = \(shown)"
        }.joined(separator: ", ")
    }

    static func plain(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}

extension Diagnostic {
    static func decisionStrayLine(_ name: String, at span: Span, header: Span) -> Diagnostic {
        Diagnostic(code: "decision", "`\(name)` is neither an input nor an output of this decision's header", at: span,
                   hint: "name it in the header (`\(name) | … => …`), or remove the line",
                   notes: [.init(span: header, message: "the header")])
    }

    static func decisionDuplicateInput(_ name: String, at span: Span, first: Span) -> Diagnostic {
        Diagnostic(code: "decision", "the input `\(name)` is in the header twice", at: span,
                   hint: "give each input one column; to test two things about it, define a second input (`high = \(name)`)",
                   notes: [.init(span: first, message: "first here")])
    }

    static func decisionOtherwiseNotLast(at span: Span) -> Diagnostic {
        Diagnostic(code: "decision", "`otherwise` must be the decision's last rule", at: span,
                   hint: "it applies when no other rule matches; move it to the end")
    }

    static func decisionCellCount(_ n: Int, inputs: [String], at span: Span, header: Span) -> Diagnostic {
        let names = inputs.map { "`\($0)`" }.joined(separator: ", ")
        return Diagnostic(code: "decision", "this rule has \(n) condition\(n == 1 ? "" : "s"), the header \(inputs.count) input\(inputs.count == 1 ? "" : "s") (\(names))", at: span,
                          hint: "give one condition per input, separated by `|`; `-` matches any value",
                          notes: [.init(span: header, message: "the header")])
    }

    static func decisionOutputMissing(_ names: String, at span: Span, header: Span) -> Diagnostic {
        Diagnostic(code: "decision", "this rule gives no value for the output \(names)", at: span,
                   hint: "add the output after `|`: every rule gives every output",
                   notes: [.init(span: header, message: "the header")])
    }

    static func decisionTooManyOutputs(_ n: Int, at span: Span) -> Diagnostic {
        Diagnostic(code: "decision", "this rule gives more outputs than the header's \(n)", at: span,
                   hint: "add the output's name to the header after `=>`, or remove the value")
    }

    static func decisionOutputDash(_ name: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "decision", "`-` is not a value for the output `\(name)`", at: span,
                   hint: "give a value, or `missing(\"reason\")`; `-` as an output only fits `collect count`")
    }

    static func decisionNoRules(at span: Span) -> Diagnostic {
        Diagnostic(code: "decision", "this decision has no rules", at: span,
                   hint: "add one rule a line after the header: `< 30 | \"A\" => \"weekly\"`")
    }

    static func decisionValueType(_ v: DecisionLiteral, input: String, _ type: VType, at span: Span) -> Diagnostic {
        let hint: String
        switch type.base {
        case .text: hint = "text values are written in double quotes: `\"A\"`"
        case .number: hint = "compare `\(input)` with numbers or percentages"
        case .duration: hint = "`\(input)` is a duration: write `21 days`"
        case .date: hint = "`\(input)` is a date: write `2024-12-31`"
        default: hint = "write `true` or `false`"
        }
        let kind: String
        switch v.value {
        case .number, .percent: kind = "a number"
        case .duration: kind = "a duration"
        case .text: kind = "a text"
        case .date: kind = "a date"
        case .bool: kind = "a true/false value"
        }
        return Diagnostic(code: "type", "this value is \(kind), but the input `\(input)` is \(type.withArticle)", at: span, hint: hint)
    }

    static func decisionRangeOnUnordered(_ input: String, _ type: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "a range on the input `\(input)`, which is \(type.withArticle)", at: span,
                   hint: type.base == .text ? "list the values it matches: `\"A\", \"B\"`" : "write `true` or `false`")
    }

    static func decisionEmptyRange(at span: Span) -> Diagnostic {
        Diagnostic(code: "decision", "this range is empty: its lower end is above its upper end", at: span,
                   hint: "write the lower end first: `[30, 60)`")
    }

    static func decisionValueNotDeclared(_ v: DecisionLiteral, input: String, at span: Span, declared: [DecisionLiteral]) -> Diagnostic {
        Diagnostic(code: "decision", "this value is not one of the values declared for `\(input)`", at: span,
                   hint: "add it to `\(input) = … in …`, or correct it (a typo would never match)",
                   notes: declared.first.map { [.init(span: $0.span.through(declared.last!.span), message: "the declared values")] } ?? [])
    }

    static func decisionCollectType(_ op: String, _ output: String, _ type: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "`collect \(op)` needs number outputs, but `\(output)` is \(type.withArticle) here", at: span,
                   hint: "use `first`, `unique` or `priority` to pick one value, or `collect count` to count the rules that match")
    }

    static func decisionCollectLiteral(_ op: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "decision", "`collect \(op)` needs a number written out as each output", at: span,
                   hint: "compute the value in a formula column and take `min`/`max` there, or write the number")
    }

    static func decisionOutputTypes(_ output: String, _ t: VType, _ first: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "this rule gives `\(output)` \(t.withArticle), the rules above it \(first.withArticle)", at: span,
                   hint: "every rule gives an output the same type; `missing(\"reason\")` fits any")
    }

    static func decisionPriorityWithoutOrder(_ output: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "decision", "`priority` needs an order of the output's values", at: span,
                   hint: "declare it above the header, highest priority first: `\(output) in \"weekly\", \"monthly\"`")
    }

    static func decisionPriorityValue(_ output: String, at span: Span, order: [Span]) -> Diagnostic {
        Diagnostic(code: "decision", "this output is not one of the values in `\(output)`'s priority order", at: span,
                   hint: "`priority` picks the matching rule whose value comes first in the order; add this value to it",
                   notes: order.first.map { [.init(span: $0.through(order.last!), message: "the order")] } ?? [])
    }

    static func decisionOverlap(first: DecisionDecl.Rule, second: DecisionDecl.Rule, lines: (Int, Int), values: String) -> Diagnostic {
        Diagnostic(code: "decision-overlap", "rules at lines \(lines.0) and \(lines.1) overlap: both match \(values)", at: second.span,
                   hint: "under `unique` exactly one rule may match; make their conditions exclusive, or use `decide first` if the earlier rule should win",
                   notes: [.init(span: first.span, message: "the rule at line \(lines.0)")])
    }

    static func decisionGap(values: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "decision-gap", "no rule matches \(values)", at: span,
                   hint: "add a rule for it, or end the table with `otherwise => …`")
    }

    static func decisionOpenValues(_ input: String, at span: Span, decide: Span, example: String?) -> Diagnostic {
        let declare = example.map { "`\($0) in \"A\", \"B\"`" } ?? "`\(input) = … in \"A\", \"B\"`"
        return Diagnostic(code: "decision-gap", "cannot prove every `\(input)` is matched: the text input has no declared values", at: span,
                          hint: "declare its values above the header (\(declare)), or end the table with `otherwise => …`",
                          notes: [.init(span: decide, message: "this decision")])
    }

    static func decisionUnreachable(at span: Span) -> Diagnostic {
        Diagnostic(.warning, code: "decision-unreachable", "this rule is never used: the rules above it match everything it matches",
                   at: span, hint: "remove it, or move it above the rules that hide it")
    }
}
