// A `report` of the rule file as a renderable table: its rows (filtered, sorted, limited by
// the engine for a table; here for flags), its columns, and its title line.

import VeloCheck
import VeloEngine
import VeloRender

struct ReportOutput {
    var table: OutputTable
    /// The title line for people: `This week's orders (12 of 60 rows)`.
    var title: String
}

extension ResultTables {
    static func report(_ ws: Workspace, _ index: Int) -> ReportOutput {
        let report = ws.program.reports[index]
        var full: OutputTable
        var rows: [Int]
        switch report.target {
        case .table(let t):
            full = table(ws, t)
            rows = ws.reportRows(index) ?? []
        case .flags:
            let hits = ws.flags()
            full = flags(hits, program: ws.program)
            rows = Array(0..<full.rowCount)
            if let condition = report.flagFilter {
                rows = rows.filter { holds(condition, hits[$0], program: ws.program) }
            }
            let keys = report.sort.compactMap { k in full.columns.first { $0.name == k.column }.map { ($0, k.descending) } }
            rows.sort { a, b in
                for (c, descending) in keys {
                    guard case .text(let v) = c.values else { continue }
                    let x = v[a] ?? "", y = v[b] ?? ""
                    if x == y { continue }
                    if x.isEmpty || y.isEmpty { return y.isEmpty }   // missing last
                    return descending ? y.unicodeScalars.lexicographicallyPrecedes(x.unicodeScalars)
                                      : x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
                }
                return a < b
            }
            if let limit = report.limit, rows.count > limit { rows = Array(rows.prefix(limit)) }
        }
        let total = full.rowCount
        var columns = full.columns
        if !report.columns.isEmpty {
            columns = report.columns.compactMap { name in full.columns.first { $0.name == name } }
        }
        let picked = OutputTable(name: report.name, columns: columns.map { pick($0, rows: rows) }, rowCount: rows.count)
        let what = report.title ?? report.name
        let count = rows.count == total ? "\(NumberFormat.grouped(total)) row\(total == 1 ? "" : "s")"
            : "\(NumberFormat.grouped(rows.count)) of \(NumberFormat.grouped(total)) rows"
        return ReportOutput(table: picked, title: "\(what) (\(count))")
    }

    /// Whether a report's `where` over the flags holds for one raised flag (a missing key:
    /// no comparison holds).
    static func holds(_ c: FlagCondition, _ hit: FlagHit, program: CheckedProgram) -> Bool {
        switch c {
        case .and(let a, let b): return holds(a, hit, program: program) && holds(b, hit, program: program)
        case .or(let a, let b): return holds(a, hit, program: program) || holds(b, hit, program: program)
        case .not(let a): return !holds(a, hit, program: program)
        case .compare(let column, let op, let value):
            func test<T: Comparable>(_ x: T, _ y: T) -> Bool {
                switch op {
                case .equal: return x == y
                case .notEqual: return x != y
                case .less: return x < y
                case .lessEqual: return x <= y
                case .greater: return x > y
                case .greaterEqual: return x >= y
                default: return false
                }
            }
            let cell: CellValue
            switch column {
            case "flag": cell = .text(hit.flag)
            case "table": cell = .text(hit.table)
            case "message": cell = .text(ResultText.message(hit))
            case "severity":
                guard case .text(let w) = value, let s = FlagSeverity(rawValue: w) else { return false }
                return test(hit.severity.rank, s.rank)
            default:
                guard let t = program.table(named: hit.table), let k = program.table(t).keys.firstIndex(of: column), k < hit.keys.count else {
                    return false   // a flag on a table without that key
                }
                cell = hit.keys[k]
            }
            switch (cell, value) {
            case (.text(let x), .text(let y)): return test(x, y)
            case (.number(let x), .number(let y)): return test(x, y)
            case (.date(let x), .date(let y)): return test(x, y)
            default: return false
            }
        }
    }

    /// The values of `column` at `rows`, in that order.
    static func pick(_ column: OutputColumn, rows: [Int]) -> OutputColumn {
        var c = column
        switch column.values {
        case .number(let v): c.values = .number(rows.map { v[$0] })
        case .text(let v): c.values = .text(rows.map { v[$0] })
        case .date(let v): c.values = .date(rows.map { v[$0] })
        case .bool(let v): c.values = .bool(rows.map { v[$0] })
        }
        var reasons: [Int: String] = [:]
        for (i, r) in rows.enumerated() { if let why = column.missingReasons[r] { reasons[i] = why } }
        c.missingReasons = reasons
        return c
    }

    /// A human table whose first line is `title` instead of the table's name and size.
    static func titled(_ text: String, _ title: String) -> String {
        guard let nl = text.firstIndex(of: "\n") else { return title + "\n" }
        return title + text[nl...]
    }
}
