// A source's `where` line, applied as its rows are read: the table holds only the rows that
// pass, so windows, aggregates, `from` clauses and the as-of date all read the filtered rows
// without knowing there was a filter.
//
// Why at read time: the condition reads only the row itself (the checker makes sure), so it
// is decided once per row. Appended rows are filtered before they are appended (an appended
// cancelled order appends nothing and dirties nothing); a re-read source is filtered before it
// is diffed by key or rebuilt, so a row edited into or out of the filter changes the table
// like any other edit.

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
}
