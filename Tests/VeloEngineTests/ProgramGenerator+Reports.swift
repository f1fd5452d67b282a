// `report` statements in generated programs: a table (or the flags), some columns, a filter,
// sort keys in either direction and a limit, so incremental == fresh covers what `velo run`
// prints (PropertyTests.swift compares the rendered reports).

struct GReport {
    var name: String
    /// A table's name, or `flags`.
    var table: String
    var columns: [String]
    var condition: String?
    var sort: [(column: String, descending: Bool)]
    var limit: Int?

    var text: String {
        var s = "report \(name) on \(table):\n"
        if !columns.isEmpty { s += "  columns " + columns.joined(separator: ", ") + "\n" }
        if let c = condition { s += "  where \(c)\n" }
        if !sort.isEmpty { s += "  sort by " + sort.map { $0.column + ($0.descending ? " desc" : "") }.joined(separator: ", ") + "\n" }
        if let l = limit { s += "  limit \(l)\n" }
        if columns.isEmpty && condition == nil && sort.isEmpty && limit == nil { s += "  \"everything\"\n" }
        return s
    }

    /// The names the report reads, so an edit does not drop them.
    var mentioned: [String] {
        table == "flags" ? [] : columns + sort.map(\.column) + (condition.map { [$0] } ?? [])
    }
}

extension ProgramGenerator {
    mutating func addReport(_ p: inout GProgram) {
        let name = freshName("r", in: p)
        if r.int(4) == 0 {
            var g = GReport(name: name, table: "flags", columns: [], condition: nil, sort: [], limit: nil)
            if r.int(2) == 0 {
                g.condition = pick(["severity >= warning", "severity == info or table == \"plan\"", "not (severity == error)",
                                    "flag != \"\(p.flags.first?.name ?? "none")\""])
            }
            if r.int(2) == 0 { g.sort = [("severity", r.int(2) == 0), ("flag", false)] }
            if r.int(3) == 0 { g.columns = ["flag", "severity", "table"] }
            if r.int(3) == 0 { g.limit = r.int(4) }
            p.reports.append(g)
            return
        }
        let ti = r.int(p.tables.count)
        let table = p.tables[ti].table
        let names = table.columns.map(\.0)
        var g = GReport(name: name, table: table.name, columns: [], condition: nil, sort: [], limit: nil)
        if r.int(2) == 0 {
            var shown = names.filter { _ in r.int(2) == 0 }
            if shown.isEmpty { shown = [pick(names)] }
            g.columns = shown
        }
        if r.int(2) == 0 { g.condition = expr(.bool, GScope(program: p, table: ti), depth: 1) }
        var keys: [String] = []
        for _ in 0..<r.int(3) {
            let c = pick(names)
            if !keys.contains(c) { keys.append(c) }
        }
        g.sort = keys.map { ($0, r.int(2) == 0) }
        if r.int(3) == 0 { g.limit = r.int(6) }
        p.reports.append(g)
    }
}
