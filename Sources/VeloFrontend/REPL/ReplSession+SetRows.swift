// `set items.lead_time_days = lead_time_days * 1.2 where supplier == "Acme"`: a source
// column changed for every row that matches a condition, as an expression of the row's
// current values. It is one edit: one change report, one step of undo and redo.

import VeloCheck
import VeloEngine
import VeloRender

extension ReplSession {
    func setRows(table: String, column: String, formula: String, filter: String?) throws {
        guard let t = program.table(named: table), program.table(t).isSource, !program.table(t).keys.isEmpty else {
            // A keyless or computed table: the single-cell path says what is wrong.
            return try setCell(CellTarget(table: table, column: column, keys: []), formula)
        }
        let info = program.table(t)
        guard let c = info.columnIndex(column) else {
            return try setCell(CellTarget(table: table, column: column, keys: []), formula)
        }
        if case .key = info.columns[c].kind { throw ReplError("`\(column)` is a key of `\(table)`; keys cannot be set") }
        let current = workspace.column(ColumnRef(t, c))
        let values: ResultColumn
        switch workspace.query(formula, table: table) {
        case .success(let q): values = q.value
        case .failure(let f): throw ReplError(queryError(f, text: formula))
        }
        let sameBase = values.type.base == current.type.base
            || (Set([values.type.base, current.type.base]) == [.number, .duration])
        guard sameBase else {
            throw ReplError("`\(formula)` is \(values.type.withArticle), but \(table).\(column) holds \(current.type.withArticle)")
        }
        var selected = Array(0..<workspace.rowCount(t))
        if let filter {
            switch workspace.query(filter, table: table) {
            case .success(let q):
                guard case .bool(let b) = q.value.values else {
                    throw ReplError("`where` needs a true/false condition, found \(q.value.type.withArticle): `\(filter)`")
                }
                selected = selected.filter { b[$0] == 1 }
            case .failure(let f): throw ReplError(queryError(f, text: filter))
            }
        }
        let what = "\(table).\(column)" + (filter.map { " where \($0)" } ?? "")
        guard !selected.isEmpty else { throw ReplError("no row of `\(table)` matches `\(filter ?? "")`: nothing set") }
        var model = scenario.model
        var changed = 0
        for r in selected {
            let keys = workspace.keyValues(t, row: r).map(ResultText.key)
            let target = CellTarget(table: table, column: column, keys: keys)
            let old = ValueText.cell(current, r)
            let new = ValueText.cell(values, r)
            if originals[target] == nil { originals[target] = ValueText.literal(old, type: current.type) }
            if !ValueText.same(old, new) { changed += 1 }
            model.cells[target] = ValueText.literal(new, type: current.type)
        }
        let n = selected.count
        try edit("set \(table).\(column) = \(formula)" + (filter.map { " where \($0)" } ?? ""), to: model,
                 header: "\(what): \(NumberFormat.grouped(n)) row\(n == 1 ? "" : "s") set to \(formula) (\(NumberFormat.grouped(changed)) changed)")
    }
}
