// A source's `where` line, applied as its rows are read: the table holds only the rows that
// pass, so windows, aggregates, `from` clauses and the as-of date all read the filtered rows
// without knowing there was a filter.
//
// Why at read time: the condition reads only the row itself (the checker makes sure), so it
// is decided once per row. Appended rows are filtered before they are appended (an appended
// cancelled order appends nothing and dirties nothing); a re-read source is filtered before it
// is diffed by key or rebuilt, so a row edited into or out of the filter changes the table
// like any other edit.
//
// A filtered event table (`table web_orders = orders where channel == "web"`) is the same
// filter one step later: its rows are those of its base that pass, computed when the base is
// loaded. When the base grows, only its appended rows are filtered and appended; when it is
// replaced, the filtered table is replaced too (and so on down a chain of filters).

import VeloCheck
import VeloData

extension Workspace {
    /// The columns of source `info` (table `t` of `program`) keeping only the rows its filter
    /// holds for (a row whose condition is missing is left out).
    static func filtered(_ columns: [Values], rowCount: Int, info: TableInfo, program: CheckedProgram,
                         interner: Interner) -> (columns: [Values], rowCount: Int) {
        guard let filter = info.source?.filter, rowCount > 0,
              let t = program.table(named: info.name) else { return (columns, rowCount) }
        var tables = program.tables.indices.map { i in
            RuntimeTable(ref: TableRef(i), rowCount: 0, columns: program.tables[i].columns.map { Values.missing($0.type, count: 0) })
        }
        tables[t.index] = RuntimeTable(ref: t, rowCount: rowCount, columns: columns)
        let evaluator = Evaluator(program: program, tables: tables, params: program.params.map(\.value), asOf: nil, interner: interner)
        let keep = evaluator.evaluate(filter, in: t, rows: nil).bools
        var rows: [Int32] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount where keep[r] == 1 { rows.append(Int32(r)) }
        if rows.count == rowCount { return (columns, rowCount) }
        return (columns.map { $0.gather(rows) }, rows.count)
    }

    /// Fills each filtered event table from its base (bases first); one whose base was read
    /// anew is itself new.
    static func fillFilteredTables(_ tables: [RuntimeTable], fresh: inout Set<Int>, program: CheckedProgram, interner: Interner) {
        var done = Set<Int>()
        func fill(_ i: Int) {
            guard done.insert(i).inserted, let base = program.tables[i].source?.base else { return }
            fill(base.index)
            let from = tables[base.index]
            let (columns, rowCount) = filtered(from.columns, rowCount: from.rowCount, info: program.tables[i], program: program, interner: interner)
            tables[i].columns = columns
            tables[i].rowCount = rowCount
            tables[i].reasons = Array(repeating: [:], count: columns.count)
            if fresh.contains(base.index) { fresh.insert(i) }
        }
        for i in program.tables.indices { fill(i) }
    }

    /// The filtered event tables whose base is `t`.
    func filteredTables(of t: TableRef) -> [TableRef] {
        program.tables.indices.filter { program.tables[$0].source?.base == t }.map(TableRef.init)
    }

    /// Table `t` was replaced: every table filtering it is replaced by the rows that pass now.
    func refilter(_ t: TableRef, into dirt: inout Dirt) {
        let base = evaluator.tables[t.index]
        for f in filteredTables(of: t) {
            let (columns, rowCount) = Workspace.filtered(base.columns, rowCount: base.rowCount, info: program.table(f),
                                                         program: program, interner: interner)
            replaceRows(f, rowCount, columns, into: &dirt)
        }
    }

    /// Rows `start...` of table `t` were appended: every table filtering it appends those that
    /// pass (none: nothing is dirty).
    func appendFiltered(_ t: TableRef, from start: Int, into dirt: inout Dirt) {
        let base = evaluator.tables[t.index]
        guard start < base.rowCount else { return }
        let rows = (start..<base.rowCount).map { Int32($0) }
        let appended = base.columns.map { $0.gather(rows) }
        for f in filteredTables(of: t) {
            let (added, addedCount) = Workspace.filtered(appended, rowCount: rows.count, info: program.table(f),
                                                         program: program, interner: interner)
            guard addedCount > 0 else { continue }
            let table = evaluator.tables[f.index]
            let oldCount = table.rowCount
            dirt.undo.append {
                table.columns = table.columns.map { $0.prefix(oldCount) }
                table.rowCount = oldCount
            }
            table.append(added, count: addedCount)
            dirt.append(f.index, Int32(oldCount)..<Int32(table.rowCount))
            appendFiltered(f, from: oldCount, into: &dirt)
        }
    }
}
