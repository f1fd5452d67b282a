// Stabilisation: after an edit, every node of the evaluation graph is visited once, in the
// graph's order (by height), and recomputes only its dirty rows.
//
//   1. Seed. The recorded `Dirt` marks input nodes: a param (all rows), edited source cells,
//      the rows of a source that grew (the new rows) or was rebuilt (all rows, and all of
//      its columns).
//   2. Visit in order. The as-of date is computed again when the user set it or a table it
//      follows changed; a derived table's rows when an input of its row set is dirty (rows
//      that changed identity make the node, and its key columns, dirty everywhere); a
//      formula column evaluates the rows its edges reach from dirty inputs
//      (`Evaluator.dirtyRows`); flags and checks re-evaluate their reached rows.
//   3. Cutoff. A recomputed cell whose value is unchanged (bit for bit; a missing value
//      with the same reason) is not marked dirty, so its readers are not recomputed.

import VeloCheck
import VeloData

extension Workspace {
    func stabilize(_ dirt: Dirt, report: inout ChangeReport) {
        var clock = Clock()
        var dirty = NodeDirt()
        seed(dirt, into: &dirty)
        maintainGroupings(dirt)
        var seconds: [String: Double] = ["as-of": 0, "rows": 0, "evaluate": 0, "flags": 0]
        evaluator.cellsEvaluated = 0
        report.phases.append(("groups", clock.lap()))
        for node in graph.order {
            switch node {
            case .param:
                continue
            case .asOf:
                stabilizeAsOf(dirt, &dirty)
                seconds["as-of"]! += clock.lap()
            case .rows(let t):
                guard !program.table(t).isSource, graph.inputs[node]!.contains(where: { dirty.isDirty($0.input) }) else { continue }
                if computeRows(t.index) {
                    dirty.mark(node, .all)
                    report.rebuiltTables.append(program.table(t).name)
                    evaluator.groups = evaluator.groups.filter { $0.key.table != t.index }
                    forgetAlignments(touching: [t.index])
                }
                seconds["rows"]! += clock.lap()
            case .column(let ref):
                switch program.column(ref).kind {
                case .data: continue
                case .key:
                    if !program.table(ref.table).isSource, dirty.isDirty(.rows(ref.table)) { dirty.mark(node, .all) }
                case .formula(let formula):
                    if let group = graph.recurrence(of: ref) {
                        if ref == group[0] { recomputeRecurrence(group, &dirty, report: &report) }
                    } else {
                        recompute(ref, formula, &dirty, report: &report)
                    }
                    seconds["evaluate"]! += clock.lap()
                }
            case .flag(let i):
                updateFlag(i, dirty, report: &report)
                seconds["flags"]! += clock.lap()
            case .check(let i):
                updateCheck(i, dirty)
                seconds["flags"]! += clock.lap()
            }
        }
        stats.cellsEvaluated = report.cellsEvaluated
        report.failingChecks = Array(checkFailures().prefix(100))
        for name in ["as-of", "rows", "evaluate", "flags"] { report.phases.append((name, seconds[name]!)) }
    }

    /// The input nodes an edit touched.
    func seed(_ dirt: Dirt, into dirty: inout NodeDirt) {
        for p in dirt.params { dirty.mark(.param(p), .all) }
        for (ref, rows) in dirt.cells { dirty.mark(.column(ref), rows) }
        for (t, range) in dirt.appended { dirty.mark(.rows(TableRef(t)), .some(RowBits(range))) }
        for t in dirt.rebuilt {
            dirty.mark(.rows(TableRef(t)), .all)
            for c in program.tables[t].columns.indices { dirty.mark(.column(ColumnRef(TableRef(t), c)), .all) }
        }
    }

    /// The as-of date: the one set, or the latest date of the tables it follows. Appended
    /// rows can only move it forward, so after appends alone they are all that is read.
    func stabilizeAsOf(_ dirt: Dirt, _ dirty: inout NodeDirt) {
        let inputsDirty = graph.inputs[.asOf]!.contains { dirty.isDirty($0.input) }
        guard dirt.asOfEdited || (pinnedAsOf == nil && inputsDirty) else { return }
        let latest: Int32?
        if let pinned = pinnedAsOf {
            latest = pinned
        } else if !dirt.asOfEdited, dirt.rebuilt.isEmpty,
                  !graph.asOfTables.contains(where: { t in
                      program.table(t).source?.dateColumn.map { dirty.isDirty(.column(ColumnRef(t, $0))) } ?? false
                  }) {
            let fresh = latestDate(only: dirt.appended.mapValues { Int($0.lowerBound) })
            latest = [evaluator.asOf, fresh].compactMap { $0 }.max()
        } else {
            latest = latestDate()
        }
        if latest != evaluator.asOf {
            evaluator.asOf = latest
            forgetPeriodGroupings(params: Set<Int>?.none)
            dirty.mark(.asOf, .all)
        }
    }

    /// Groupings of a grown event table take its new rows; those of a rebuilt one go; edited
    /// cells make their group-ordered copies stale, and an edited column that rows are
    /// grouped or aligned on drops those groupings and alignments.
    func maintainGroupings(_ dirt: Dirt) {
        let edited = Set(dirt.cells.keys.map(\.table.index))
        let editedNames = Set(dirt.cells.keys.map { program.tables[$0.table.index].columns[$0.column].name })
        for (key, group) in evaluator.groups {
            if let b = key.binning, dirt.appended[key.table] != nil || dirt.rebuilt.contains(key.table)
                || dirt.cells.keys.contains(where: { $0.table.index == key.table && ($0.column == b.dateColumn || key.on.contains(program.tables[key.table].columns[$0.column].name)) }) {
                // Rows grouped by the period of their date: regrouped on next use.
                evaluator.groups[key] = nil
                continue
            }
            if edited.contains(key.table) { group.forgetClusteredValues() }
            if dirt.rebuilt.contains(key.table) || (edited.contains(key.table) && key.on.contains(where: editedNames.contains)) {
                evaluator.groups[key] = nil
            } else if let range = dirt.appended[key.table] {
                let t = evaluator.tables[key.table]
                var dates: [Int32]? = nil
                if let dc = program.tables[key.table].source?.dateColumn, case .date(let d) = t.columns[dc] { dates = d }
                let fits = group.extend(keys: evaluator.keyColumns(t, key.on, from: Int(range.lowerBound)),
                                        firstRow: Int(range.lowerBound), count: range.count, dates: dates, columns: t.columns)
                if !fits { evaluator.groups[key] = nil }
            }
        }
        // Alignments that involve a rebuilt or grown table, or match on an edited column, are
        // rebuilt on their next use (for aggregates that is a lookup per context row: the
        // groupings are kept).
        for key in evaluator.alignments.keys {
            guard let b = key.alignment.binning else { continue }
            let to = key.alignment.to
            if dirt.cells.keys.contains(where: { $0.table == to && $0.column == b.dateColumn }) { evaluator.alignments[key] = nil }
        }
        if !dirt.params.isEmpty || dirt.asOfEdited { forgetPeriodGroupings(params: dirt.params) }
        let touched = dirt.rebuilt.union(dirt.appended.keys)
        for ref in dirt.cells.keys {
            let name = program.tables[ref.table.index].columns[ref.column].name
            for key in evaluator.alignments.keys where key.alignment.on.contains(name)
                && (key.alignment.from == ref.table || key.alignment.to == ref.table) {
                evaluator.alignments[key] = nil
            }
        }
        forgetAlignments(touching: touched)
    }

    /// Writes the values of some rows of a column in place: the table's own reference is let
    /// go first, so the column (and its reasons) are not copied for a few rows.
    func store(_ newValues: Values, _ reasons: [Int: MissingReason], at selection: [Int32], in table: RuntimeTable, column c: Int) {
        var values = table.columns[c]
        table.columns[c] = .bool([])
        values.scatter(newValues, at: selection)
        table.columns[c] = values
        guard !table.reasons[c].isEmpty || !reasons.isEmpty else { return }
        var stored = table.reasons[c]
        table.reasons[c] = [:]
        for (i, r) in selection.enumerated() { stored[Int(r)] = reasons[i] }
        table.reasons[c] = stored
    }

    /// Evaluates a formula column's dirty rows; marks the cells whose value changed.
    func recompute(_ ref: ColumnRef, _ formula: CExpr, _ dirty: inout NodeDirt, report: inout ChangeReport) {
        let rows = evaluator.dirtyRows(graph.inputs[.column(ref)]!, dirty)
        if rows.isEmpty { return }
        let selection = rows.selection()
        evaluator.currentColumn = ref
        var v = evaluator.evaluate(formula, in: ref.table, rows: selection)
        evaluator.settle(&v, column: ref, rows: selection)
        evaluator.currentColumn = nil
        let table = evaluator.tables[ref.table.index]
        let newValues = normalized(v.values, to: program.column(ref).type)
        let rebuilt = dirty[.rows(ref.table)] == .all
        var changed = RowBits()
        // The old values are read in this scope only, so the column is not copied to be stored.
        do {
        let oldValues = table.columns[ref.column]
        let oldReasons = table.reasons[ref.column]
        for i in 0..<v.count {
            let r = selection.map { Int($0[i]) } ?? i
            if rebuilt || !sameCell(oldValues, oldReasons, r, newValues, v.reasons, i) {
                changed.insert(Int32(r))
                if !rebuilt { report.changedCells += 1 }
                if !rebuilt, report.changes.count < ChangeReport.changeLimit {
                    report.changes.append(CellChange(column: ref, name: program.qualifiedName(ref), row: r,
                                                     keys: evaluator.keyValues(ref.table, row: r),
                                                     old: cellValue(oldValues, oldReasons, r),
                                                     new: cellValue(newValues, v.reasons, i)))
                }
            }
        }
        }
        if let selection {
            store(newValues, v.reasons, at: selection, in: table, column: ref.column)
        } else {
            table.columns[ref.column] = newValues
            table.reasons[ref.column] = v.reasons
        }
        report.recomputed[ref] = selection.map { $0.map(Int.init) } ?? Array(0..<v.count)
        report.cellsEvaluated += v.count
        report.cellsCutOff += v.count - changed.count
        if rebuilt {
            dirty.mark(.column(ref), .all)
        } else if !changed.isEmpty {
            dirty.mark(.column(ref), .some(changed))
        }
    }
}
