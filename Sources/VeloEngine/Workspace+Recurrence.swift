// Period tables in the workspace: their rows, and recurrences evaluated period by period.
//
// A recurrence (EvaluationGraph+Time.swift) is computed one period at a time: for period p,
// each of its columns, in their order within a period, is one vector over the rows of
// period p of every series (rows p, H+p, 2H+p, …), stored before the next column and the
// next period read it. Incrementally, period p evaluates the rows its edges reach from
// dirty inputs plus the rows whose previous period changed; a period whose values come out
// the same stops the recurrence there (cutoff), so an edit in week k of one SKU recomputes
// that SKU's weeks from k until its closing is unchanged.

import VeloCheck
import VeloData

extension Workspace {
    /// The key tuples of a period table: each drawn tuple followed by periods 1…H, in order.
    func periodTuples(_ drawn: [[Int32]], horizon h: Int) -> [[Int32]] {
        var out: [[Int32]] = []
        out.reserveCapacity(drawn.count * h)
        for t in drawn {
            for p in 1...max(h, 1) where h > 0 { out.append(t + [KeyValue.encode(integer: Double(p))]) }
        }
        return out
    }

    /// Groupings of event rows by period go stale when the as-of date or a horizon moves.
    func forgetPeriodGroupings(params: Set<Int>?) {
        func affected(_ b: PeriodBinning) -> Bool {
            guard let params else { return true }
            if case .param(let p) = b.axis.horizon { return params.contains(p) }
            return false
        }
        for key in evaluator.groups.keys where key.binning.map(affected) ?? false { evaluator.groups[key] = nil }
        for key in evaluator.alignments.keys where key.alignment.binning.map(affected) ?? false { evaluator.alignments[key] = nil }
    }

    /// Evaluates every row of a recurrence (a full evaluation).
    func evaluateRecurrence(_ group: [ColumnRef]) {
        var dirty = NodeDirt()
        var report = ChangeReport()
        sweep(group, start: .all, dirty: &dirty, report: &report, recording: false)
        evaluator.cellsEvaluated += report.cellsEvaluated
    }

    /// Recomputes the rows of a recurrence that dirty inputs reach, period by period.
    func recomputeRecurrence(_ group: [ColumnRef], _ dirty: inout NodeDirt, report: inout ChangeReport) {
        var start = RowSet.none
        for ref in group {
            let node = GraphNode.column(ref)
            let edges = graph.inputs[node]!.filter { !EvaluationGraph.isBackEdge($0, of: node, graph.recurrenceOf) }
            start = start.union(evaluator.dirtyRows(edges, dirty))
        }
        if start.isEmpty { return }
        sweep(group, start: start, dirty: &dirty, report: &report, recording: true)
    }

    private func sweep(_ group: [ColumnRef], start: RowSet, dirty: inout NodeDirt, report: inout ChangeReport, recording: Bool) {
        let table = group[0].table
        guard let axis = program.table(table).periods else { return }
        let h = evaluator.horizon(axis)
        let t = evaluator.tables[table.index]
        let n = t.rowCount
        guard h > 0, n > 0 else { return }
        let rebuilt = !recording || dirty[.rows(table)] == .all
        var byPeriod = [[Int32]](repeating: [], count: h)
        switch start {
        case .none: return
        case .all:
            for p in 0..<h { byPeriod[p] = Array(stride(from: Int32(p), to: Int32(n), by: h)) }
        case .some(let rows):
            for r in rows.sorted() where Int(r) < n { byPeriod[Int(r) % h].append(r) }
        }
        var changed = [ColumnRef: RowBits]()
        var evaluated = [ColumnRef: [Int]]()
        var carry: [Int32] = []
        for p in 0..<h {
            var selection = byPeriod[p]
            if !carry.isEmpty { selection = Array(Set(selection).union(carry)).sorted() }
            carry = []
            if selection.isEmpty { continue }
            var moved = Set<Int32>()
            for ref in group {
                guard let formula = program.column(ref).formula else { continue }
                evaluator.currentColumn = ref
                var v = evaluator.evaluate(formula, in: table, rows: selection)
                evaluator.settle(&v, column: ref, rows: selection)
                evaluator.currentColumn = nil
                let newValues = normalized(v.values, to: program.column(ref).type)
                // The old values are read in this scope only, so the column is not copied to be stored.
                do {
                let oldValues = t.columns[ref.column], oldReasons = t.reasons[ref.column]
                // A full evaluation computes every period of every series: nothing to compare.
                for (i, r) in selection.enumerated() where recording {
                    if rebuilt || !sameCell(oldValues, oldReasons, Int(r), newValues, v.reasons, i) {
                        moved.insert(r)
                        changed[ref, default: RowBits()].insert(r)
                        if recording, !rebuilt {
                            report.changedCells += 1
                            if report.changes.count < ChangeReport.changeLimit {
                                report.changes.append(CellChange(column: ref, name: program.qualifiedName(ref), row: Int(r),
                                                                 keys: evaluator.keyValues(table, row: Int(r)),
                                                                 old: cellValue(oldValues, oldReasons, Int(r)),
                                                                 new: cellValue(newValues, v.reasons, i)))
                            }
                        }
                    }
                }
                }
                store(newValues, v.reasons, at: selection, in: t, column: ref.column)
                if recording { evaluated[ref, default: []] += selection.map(Int.init) }
                report.cellsEvaluated += selection.count
            }
            // The next period reads this one.
            if recording {
                for r in moved where (Int(r) + 1) % h != 0 && Int(r) + 1 < n { carry.append(r + 1) }
            }
        }
        guard recording else { return }
        for ref in group {
            let rows = evaluated[ref] ?? []
            report.recomputed[ref] = rows
            report.cellsCutOff += rows.count - (changed[ref]?.count ?? 0)
            if rebuilt {
                dirty.mark(.column(ref), .all)
            } else if let c = changed[ref], !c.isEmpty {
                dirty.mark(.column(ref), .some(c))
            }
        }
    }
}
