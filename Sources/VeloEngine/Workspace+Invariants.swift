// Invariants of the evaluation graph and its scheduler, checked by the tests after every
// operation: storage matches the row counts, the evaluation order is a topological order,
// and cached alignments match the tables they connect.

import VeloCheck

extension Workspace {
    /// Every broken invariant, described; empty when all hold.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        for (i, info) in program.tables.enumerated() {
            let t = evaluator.tables[i]
            for (c, column) in info.columns.enumerated() {
                if t.columns[c].count != t.rowCount {
                    problems.append("\(info.name).\(column.name) has \(t.columns[c].count) values for \(t.rowCount) rows")
                }
                if let bad = t.reasons[c].keys.first(where: { $0 < 0 || $0 >= t.rowCount }) {
                    problems.append("\(info.name).\(column.name) has a missing reason for row \(bad) of \(t.rowCount)")
                }
                for r in t.reasons[c].keys where r < t.columns[c].count && !t.columns[c].isMissing(r) {
                    problems.append("\(info.name).\(column.name)[\(r)] has a value and a missing reason")
                    break
                }
            }
        }
        // Every node comes after every node it reads.
        problems += graph.violations()
        for (key, index) in evaluator.alignments {
            let from = evaluator.tables[key.alignment.from.index].rowCount
            if key.grouped ? index.contextCodes.count != from : index.lookup.count != from {
                problems.append("a cached alignment from \(program.table(key.alignment.from).name) does not match its \(from) rows")
            }
        }
        for (key, group) in evaluator.groups {
            let rows = evaluator.tables[key.table].rowCount
            if group.rowCount != rows || group.groupedRows > rows {
                problems.append("the grouping of \(program.tables[key.table].name) by \(key.on) does not match its \(rows) rows")
            }
            let table = evaluator.tables[key.table]
            guard !group.windowSums.isEmpty, let dc = program.tables[key.table].source?.dateColumn,
                  case .date(let dates) = table.columns[dc] else { continue }
            for (sumsKey, sums) in group.windowSums {
                guard case .number(let values) = table.columns[sumsKey.column] else { continue }
                let (inOrder, numbers) = (group.dates(inGroupOrder: dates), group.numbers(inGroupOrder: sumsKey.column, values))
                let wrong = sums.withGroups(count: group.count) { sums in
                    (0..<group.count).filter { g in
                        let lo = Int(group.start[g])
                        return !sums.agrees(g, lo: lo, hi: lo + Int(group.size[g]), ids: group.rows, dates: inOrder, values: numbers)
                    }.count
                }
                if wrong > 0 {
                    problems.append("running window sums of \(program.tables[key.table].name).\(program.tables[key.table].columns[sumsKey.column].name) (\(sumsKey.length) days) disagree with the rows of \(wrong) groups")
                }
            }
        }
        return problems
    }
}
