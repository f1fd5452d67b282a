// The difference between two workspaces, by table and key: what an edit of the rule file
// changed (the values of a reopened workspace against the one before).

import VeloCheck

extension Workspace {
    /// Cells of this workspace whose value differs from the same table, column and keys in
    /// `old`; tables and columns only one side has are not compared. Flags raised and
    /// cleared compare the two sets of flags.
    public func differences(from old: Workspace) -> ChangeReport {
        var report = ChangeReport()
        for (i, info) in program.tables.enumerated() where !info.isSource {
            let t = TableRef(i)
            guard let u = old.program.table(named: info.name) else { continue }
            var oldRows: [String: Int] = [:]
            for r in 0..<old.rowCount(u) { oldRows[old.keyText(u, row: r)] = r }
            if oldRows.count != rowCount(t) || (0..<rowCount(t)).contains(where: { oldRows[keyText(t, row: $0)] == nil }) {
                report.rebuiltTables.append(info.name)
            }
            for (c, column) in info.columns.enumerated() where column.formula != nil {
                guard let oc = old.program.table(u).columnIndex(column.name) else { continue }
                let mine = evaluator.tables[i], theirs = old.evaluator.tables[u.index]
                for r in 0..<rowCount(t) {
                    guard let o = oldRows[keyText(t, row: r)] else { continue }
                    let a = old.cellValue(theirs.columns[oc], theirs.reasons[oc], o)
                    let b = cellValue(mine.columns[c], mine.reasons[c], r)
                    if Workspace.sameValue(a, b) { continue }
                    report.changedCells += 1
                    if report.changes.count < ChangeReport.changeLimit {
                        report.changes.append(CellChange(column: ColumnRef(t, c), name: program.qualifiedName(ColumnRef(t, c)),
                                                         row: r, keys: keyValues(t, row: r), old: a, new: b))
                    }
                }
            }
        }
        let before = old.flags(), after = flags()
        struct Mark: Hashable { var flag: String, keys: [CellValue] }
        let b = Set(before.map { Mark(flag: $0.flag, keys: $0.keys) }), a = Set(after.map { Mark(flag: $0.flag, keys: $0.keys) })
        report.flagsRaised = after.filter { !b.contains(Mark(flag: $0.flag, keys: $0.keys)) }
        report.flagsCleared = before.filter { !a.contains(Mark(flag: $0.flag, keys: $0.keys)) }
        report.failingChecks = checkFailures()
        report.cellsEvaluated = stats.cellsEvaluated
        return report
    }

    static func sameValue(_ a: CellValue, _ b: CellValue) -> Bool {
        if case .number(let x) = a, case .number(let y) = b { return x.bitPattern == y.bitPattern }
        return a == b
    }
}
