// Flags and checks on top of the tables, kept up to date incrementally: after an edit only
// the rows whose condition (or message) reads a changed cell are evaluated again, so
// "flags raised and cleared" costs as little as the edit.

import VeloCheck

extension Workspace {
    /// Every flagged row, flag by flag in the rule file's order, rows in table order.
    public func flags() -> [FlagHit] {
        ensureFlagAndCheckStates()
        return flagState!.flatMap { state in state.keys.sorted().compactMap { state[$0] } }
    }

    /// Every row where a check does not hold, check by check.
    public func checkFailures() -> [CheckFailure] {
        ensureFlagAndCheckStates()
        return checkState!.flatMap { state in state.keys.sorted().compactMap { state[$0] } }
    }

    func ensureFlagAndCheckStates() {
        if flagState == nil { flagState = program.flags.indices.map { flagHits($0, rows: nil) } }
        if checkState == nil { checkState = program.checks.indices.map { failures(of: $0, rows: nil) } }
    }

    /// Re-evaluates the rows of a flag that an edit reaches; records flags raised and cleared.
    func updateFlag(_ i: Int, _ dirty: NodeDirt, report: inout ChangeReport) {
        let flag = program.flags[i]
        let rows = evaluator.dirtyRows(graph.inputs[.flag(i)]!, dirty)
        if rows.isEmpty { return }
        if dirty[.rows(flag.table)] == .all {
            let old = flagState![i]
            // Rows changed identity: compare by keys.
            let new = flagHits(i, rows: nil)
            let before = Set(old.values.map(\.keys)), after = Set(new.values.map(\.keys))
            report.flagsRaised += new.keys.sorted().compactMap { new[$0] }.filter { !before.contains($0.keys) }
            report.flagsCleared += old.keys.sorted().compactMap { old[$0] }.filter { !after.contains($0.keys) }
            flagState![i] = new
            return
        }
        guard let selection = rows.selection() else {
            let old = flagState![i]
            let new = flagHits(i, rows: nil)
            report.flagsRaised += new.keys.sorted().filter { old[$0] == nil }.compactMap { new[$0] }
            report.flagsCleared += old.keys.sorted().filter { new[$0] == nil }.compactMap { old[$0] }
            flagState![i] = new
            return
        }
        let new = flagHits(i, rows: selection)
        for r in selection {
            switch (flagState![i][r], new[r]) {
            case (nil, let hit?): report.flagsRaised.append(hit)
            case (let hit?, nil): report.flagsCleared.append(hit)
            default: break
            }
        }
        storeHits(i, new, at: selection)
    }

    /// The flag's hits of the rows re-evaluated, written in place (not into a copy of every hit).
    func storeHits(_ i: Int, _ new: [Int32: FlagHit], at selection: [Int32]) {
        for r in selection { flagState![i][r] = new[r] }
    }

    /// Re-evaluates the rows of a check that an edit reaches.
    func updateCheck(_ i: Int, _ dirty: NodeDirt) {
        let rows = evaluator.dirtyRows(graph.inputs[.check(i)]!, dirty)
        if rows.isEmpty { return }
        guard let selection = rows.selection() else {
            checkState![i] = failures(of: i, rows: nil)
            return
        }
        let new = failures(of: i, rows: selection)
        for r in selection { checkState![i][r] = new[r] }
    }

    /// The rows of `rows` (all when nil) that flag `index` marks, with their messages.
    func flagHits(_ index: Int, rows: [Int32]?) -> [Int32: FlagHit] {
        let flag = program.flags[index]
        let cond = evaluator.evaluate(flag.condition, in: flag.table, rows: rows).bools
        let marked = cond.indices.filter { cond[$0] == 1 }.map { i in rows.map { $0[i] } ?? Int32(i) }
        guard !marked.isEmpty else { return [:] }
        // Each piece of the message, for the marked rows.
        let pieces: [[FlagMessagePiece]] = flag.message.map { part in
            switch part {
            case .text(let s): return Array(repeating: .text(s), count: marked.count)
            case .value(let e, let format):
                let v = evaluator.evaluate(e, in: flag.table, rows: marked)
                return (0..<marked.count).map { .value(ShownValue(cellValue(v, $0), type: e.type, format: format)) }
            }
        }
        var hits: [Int32: FlagHit] = [:]
        let tableName = program.table(flag.table).name
        for (i, r) in marked.enumerated() {
            hits[r] = FlagHit(flag: flag.name, severity: flag.severity, table: tableName, row: Int(r),
                              keys: keyValues(flag.table, row: Int(r)), message: pieces.map { $0[i] })
        }
        return hits
    }

    /// The rows of `rows` (all when nil) where check `index` does not hold.
    func failures(of index: Int, rows: [Int32]?) -> [Int32: CheckFailure] {
        let check = program.checks[index]
        let cond = evaluator.evaluate(check.condition, in: check.table, rows: rows).bools
        let failing = cond.indices.filter { cond[$0] != 1 }.map { i in rows.map { $0[i] } ?? Int32(i) }
        guard !failing.isEmpty else { return [:] }
        // The table's own columns the condition reads, to show their values.
        let shown = check.shownColumns
        let table = program.table(check.table)
        let values = shown.map { c in
            evaluator.evaluate(CExpr(.column(ColumnRef(check.table, c)), table.columns[c].type, check.span), in: check.table, rows: failing)
        }
        var out: [Int32: CheckFailure] = [:]
        for (i, r) in failing.enumerated() {
            let cells = zip(shown, values).map { c, v in
                CheckedCell(column: ColumnRef(check.table, c), name: table.columns[c].name,
                            value: ShownValue(cellValue(v, i), type: table.columns[c].type))
            }
            out[r] = CheckFailure(check: check.name, table: table.name, row: Int(r), keys: keyValues(check.table, row: Int(r)),
                                  condition: check.source, values: cells)
        }
        return out
    }
}
