// Decision tables in generated programs: a `decide` block whose output is a number column,
// its inputs random formulas of the table, under each hit policy (rules that the checker
// proves complete and, under `unique`, exclusive).

extension ProgramGenerator {
    mutating func addDecision(_ p: inout GProgram, table ti: Int) {
        let scope = GScope(program: p, table: ti)
        let x = expr(.number, scope, depth: 1)
        let y = expr(.bool, scope, depth: 1)
        let outs = (0..<5).map { _ in expr(.number, scope, depth: 2) }
        let lo = r.int(10)
        let hi = lo + 1 + r.int(20)
        let policy = pick(["unique", "first", "collect sum", "collect count"])
        var block = "decide \(policy):\n    x = \(x)\n    y = \(y)\n    x | y => NAME\n"
        let rows: [String]
        switch policy {
        case "unique":
            rows = ["< \(lo) | - => \(outs[0])", "[\(lo), \(hi)) | true => \(outs[1])", "[\(lo), \(hi)) | false => \(outs[2])",
                    ">= \(hi) | - => \(outs[3])", "missing | - => \(outs[4])"]
        case "first":
            rows = ["< \(lo) | true => \(outs[0])", "<= \(hi) | - => \(outs[1])", "otherwise => \(outs[2])"]
        case "collect sum":
            rows = ["< \(hi) | - => \(outs[0])", "- | true => \(outs[1])", ">= \(lo), missing | false => \(outs[2])"]
        default:
            rows = ["< \(hi) | - => -", "- | true => -", "(\(lo), \(hi)] | false => -"]
        }
        for row in rows { block += "    \(row)\n" }
        p.tables[ti].columns.append(GColumn(name: freshName("d", in: p), type: .number, expr: block))
    }
}
