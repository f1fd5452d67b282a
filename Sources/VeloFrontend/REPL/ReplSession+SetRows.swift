// `set items.lead_time_days = lead_time_days * 1.2 where supplier == "Acme"`: a source
// column changed for every row that matches a condition, as an expression of the row's
// current values. It is one edit: one change report, one step of undo and redo. The same
// form works on the command line: `velo run --set 'items.lead_time_days=lead_time_days * 1.2
// where supplier == "Acme"'`.

import VeloCheck
import VeloEngine
import VeloRender

/// The new values of a source column for the rows a condition picks.
enum RowEdit {
    struct Change {
        var target: CellTarget
        var old: CellValue
        var new: Literal
    }

    /// Nil when `table.column` is not a keyed source's data column (the caller says why).
    static func changes(_ ws: Workspace, table: String, column: String, formula: String, filter: String?,
                        queryError: (QueryFailure, String) -> String) throws(ReplError) -> [Change]? {
        let program = ws.program
        guard let t = program.table(named: table), program.table(t).isSource, !program.table(t).keys.isEmpty,
              let c = program.table(t).columnIndex(column) else { return nil }
        let info = program.table(t)
        if case .key = info.columns[c].kind { throw ReplError("`\(column)` is a key of `\(table)`; keys cannot be set") }
        let current = ws.column(ColumnRef(t, c))
        let values: ResultColumn
        switch ws.query(formula, table: table) {
        case .success(let q): values = q.value
        case .failure(let f): throw ReplError(queryError(f, formula))
        }
        let sameBase = values.type.base == current.type.base || Set([values.type.base, current.type.base]) == [.number, .duration]
        guard sameBase else {
            throw ReplError("`\(formula)` is \(values.type.withArticle), but \(table).\(column) holds \(current.type.withArticle)")
        }
        var selected = Array(0..<ws.rowCount(t))
        if let filter {
            switch ws.query(filter, table: table) {
            case .success(let q):
                guard case .bool(let b) = q.value.values else {
                    throw ReplError("`where` needs a true/false condition, found \(q.value.type.withArticle): `\(filter)`")
                }
                selected = selected.filter { b[$0] == 1 }
            case .failure(let f): throw ReplError(queryError(f, filter))
            }
        }
        guard !selected.isEmpty else { throw ReplError("no row of `\(table)` matches `\(filter ?? "")`: nothing set") }
        return selected.map { r in
            Change(target: CellTarget(table: table, column: column, keys: ws.keyValues(t, row: r).map(ResultText.key)),
                   old: ValueText.cell(current, r), new: ValueText.literal(ValueText.cell(values, r), type: current.type))
        }
    }

    /// `TABLE.COLUMN=EXPRESSION [where CONDITION]` as given to `--set`.
    static func parse(_ text: String) -> (table: String, column: String, formula: String, filter: String?)? {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let lhs = text[..<eq].split(separator: ".", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
        guard lhs.count == 2, lhs[0].isVeloName, lhs[1].isVeloName else { return nil }
        guard case .setRows(_, _, let formula, let filter)? = try? ReplCommand.parseSet(lhs[0] + "." + lhs[1] + " = " + text[text.index(after: eq)...])
        else { return nil }
        return (lhs[0], lhs[1], formula, filter)
    }
}

extension ReplSession {
    func setRows(table: String, column: String, formula: String, filter: String?) throws {
        guard let changes = try RowEdit.changes(workspace, table: table, column: column, formula: formula, filter: filter,
                                                queryError: { self.queryError($0, text: $1) }) else {
            // A keyless or computed table, or no such column: the single-cell path says what is wrong.
            return try setCell(CellTarget(table: table, column: column, keys: []), formula)
        }
        let what = "\(table).\(column)" + (filter.map { " where \($0)" } ?? "")
        var model = scenario.model
        var changed = 0
        let type = workspace.column(try locate(changes[0].target, settable: true).0).type
        for c in changes {
            if originals[c.target] == nil { originals[c.target] = ValueText.literal(c.old, type: type) }
            if !ValueText.same(c.old, CellValue(c.new)) { changed += 1 }
            model.cells[c.target] = c.new
        }
        let n = changes.count
        try edit("set \(table).\(column) = \(formula)" + (filter.map { " where \($0)" } ?? ""), to: model,
                 header: "\(what): \(NumberFormat.grouped(n)) row\(n == 1 ? "" : "s") set to \(formula) (\(NumberFormat.grouped(changed)) changed)")
    }
}
