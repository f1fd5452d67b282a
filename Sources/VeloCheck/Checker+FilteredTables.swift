// Filtered event tables: `table web_orders = orders where channel == "web"` keeps the rows of
// another event table (a source without keys, or another filtered table) for which the
// condition holds. It is an event table itself: the same columns, the same date column, read
// by windows, aggregates, `from` clauses and the as-of date like its base.
//
// In the checked program it is a source (`SourceInfo.base` names the table it filters), so
// everything that reads event tables reads it unchanged; only the engine's loading and
// reloading (Workspace+Filters.swift) and the SQL compiler know where its rows come from.
// Its condition is checked like a source's `where` line (Checker+Sources.swift): it reads
// only the row's own columns, so it is decided once per row of the base.

import VeloData
import VeloSyntax

extension Checker {
    /// Gives each filtered table its base's columns, bases first; reports unknown bases,
    /// bases that are not event tables, and tables that filter themselves through others.
    mutating func declareFilteredTables() {
        var state: [Int: Bool] = [:]   // false: in progress, true: done
        for i in filteredDecls.keys.sorted() { declareFiltered(i, state: &state, path: []) }
    }

    private mutating func declareFiltered(_ i: Int, state: inout [Int: Bool], path: [Int]) {
        guard state[i] == nil, let d = filteredDecls[i], let base = d.base else { return }
        state[i] = false
        defer { state[i] = true }
        guard let b = tables.firstIndex(where: { $0.name == base.text }) else {
            diagnostics.append(.unknownTable(base.text, candidates: tables.filter(\.isEventTable).map(\.name), at: base.span))
            unreadable.insert(d.name.text)
            return
        }
        if filteredDecls[b] != nil {
            if state[b] == false {
                let cycle = (path + [i]).drop { $0 != b }.map { tables[$0].name } + [tables[b].name]
                diagnostics.append(Diagnostic(code: "cycle", "`\(d.name.text)` keeps rows of itself: \(cycle.joined(separator: " -> "))",
                                              at: base.span, hint: "filter a table read from data, e.g. `table \(d.name.text) = SOURCE where …`"))
                unreadable.insert(d.name.text)
                return
            }
            declareFiltered(b, state: &state, path: path + [i])
        }
        guard !unreadable.contains(base.text) else {
            unreadable.insert(d.name.text)
            return
        }
        guard let source = tables[b].source, tables[b].keys.isEmpty, tables[b].periods == nil else {
            let what = tables[b].isSource ? "keyed by \(tables[b].keys.map { "`\($0)`" }.joined(separator: ", "))" : "computed by formulas"
            diagnostics.append(Diagnostic(code: "source-filter", "only an event table's rows can be filtered: `\(base.text)` is \(what)",
                                          at: base.span, hint: tables[b].isSource
                                              ? "an event table is a source without `by`; to leave out rows of `\(base.text)` add `where …` to its block"
                                              : "write the condition in `\(base.text)`'s formulas (`if … then … else missing`), or filter the event table it reads"))
            unreadable.insert(d.name.text)
            return
        }
        var info = source
        info.path = ""
        info.resolvedPath = ""
        info.pathSpan = d.path.span
        info.reader = ""
        info.settings = SourceSettings()
        info.filter = nil
        info.base = TableRef(b)
        tables[i].kind = .source(info)
        tables[i].columns = tables[b].columns.map { c in
            var c = c
            c.span = d.name.span
            return c
        }
    }
}

extension UnitChecker {
    /// A filtered table's columns have its base's units (bases first: a chain of filters).
    mutating func inheritFilteredUnits() {
        var done = Set<Int>()
        func inherit(_ t: Int) {
            guard done.insert(t).inserted, let base = program.tables[t].source?.base else { return }
            inherit(base.index)
            for c in program.tables[t].columns.indices {
                if let dim = units.columns[ColumnRef(base, c)] { units.columns[ColumnRef(TableRef(t), c)] = dim }
            }
        }
        for t in program.tables.indices { inherit(t) }
    }
}
