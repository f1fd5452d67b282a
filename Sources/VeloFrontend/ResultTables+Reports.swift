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
            rows = flagRows(report, hits, full, program: ws.program)
        }
        return assemble(report, full, rows: rows)
    }

    /// The rows of a report on the flags: those its `where` keeps, sorted, at most `limit`.
    static func flagRows(_ report: ReportInfo, _ hits: [FlagHit], _ full: OutputTable, program: CheckedProgram) -> [Int] {
        var rows = Array(0..<full.rowCount)
        if let condition = report.flagFilter {
            rows = rows.filter { holds(condition, hits[$0], program: program) }
        }
        let keys = report.sort.compactMap { k in full.columns.first { $0.name == k.column }.map { ($0, k.descending) } }
        rows.sort { a, b in
            for (c, descending) in keys {
                guard case .text(let v) = c.values else { continue }
                let x = v[a] ?? "", y = v[b] ?? ""
                if x == y { continue }
                if x.isEmpty || y.isEmpty { return y.isEmpty }   // missing last
                // Severity in its order, info < warning < error.
                if c.name == "severity", let p = FlagSeverity(rawValue: x), let q = FlagSeverity(rawValue: y) {
                    return descending ? p.rank > q.rank : p.rank < q.rank
                }
                return descending ? y.unicodeScalars.lexicographicallyPrecedes(x.unicodeScalars)
                                  : x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars)
            }
            return a < b
        }
        if let limit = report.limit, rows.count > limit { rows = Array(rows.prefix(limit)) }
        return rows
    }

    /// A report over results computed elsewhere (`--engine`): the tables as output and the
    /// raised flags. Nil when its `where` uses more than comparisons of the table's own columns
    /// with values and params (joined by and, or, not, `is missing`), which only Velo's own
    /// engine evaluates here.
    static func report(_ program: CheckedProgram, _ index: Int, params: [String: Literal],
                       tables: [TableRef: OutputTable], flags hits: [FlagHit]) -> ReportOutput? {
        let report = program.reports[index]
        switch report.target {
        case .flags:
            let full = flags(hits, program: program)
            return assemble(report, full, rows: flagRows(report, hits, full, program: program))
        case .table(let t):
            guard let full = tables[t] else { return nil }
            var rows = Array(0..<full.rowCount)
            if let f = report.filter {
                guard let keep = RowFilter(program: program, table: t, full: full, params: params).holds(f) else { return nil }
                rows = rows.filter { keep[$0] }
            }
            let keys = report.sort.compactMap { k in full.columns.first { $0.name == k.column }.map { ($0.values, k.descending) } }
            rows.sort { a, b in
                for (values, descending) in keys {
                    switch RowFilter.order(values, a, b) {
                    case 0: continue
                    case 2: return false   // a missing: last
                    case 3: return true    // b missing
                    case let o: return (o == -1) != descending
                    }
                }
                return a < b
            }
            if let limit = report.limit, rows.count > limit { rows = Array(rows.prefix(limit)) }
            return assemble(report, full, rows: rows)
        }
    }

    /// The report's columns at `rows`, with its title line.
    static func assemble(_ report: ReportInfo, _ full: OutputTable, rows: [Int]) -> ReportOutput {
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

/// A report's `where` over an output table: comparisons of its columns with values and params.
struct RowFilter {
    enum Cell { case number(Double), text(String), date(Int32), bool(Bool), missing }
    var program: CheckedProgram
    var table: TableRef
    var full: OutputTable
    var params: [String: Literal]

    /// One true/false per row; nil when the condition uses anything else.
    func holds(_ e: CExpr) -> [Bool]? {
        guard let v = values(e) else { return nil }
        return v.map { if case .bool(true) = $0 { return true } else { return false } }
    }

    func values(_ e: CExpr) -> [Cell]? {
        let n = full.rowCount
        switch e.kind {
        case .literal(let l): return literal(l).map { Array(repeating: $0, count: n) }
        case .param(let i):
            let p = program.params[i]
            return literal(params[p.name] ?? p.value).map { Array(repeating: $0, count: n) }
        case .column(let ref):
            guard ref.table == table, let c = full.columns.first(where: { $0.name == program.column(ref).name }) else { return nil }
            switch c.values {
            case .number(let v): return v.map { $0.isNaN ? .missing : .number($0) }
            case .text(let v): return v.map { $0.map(Cell.text) ?? .missing }
            case .date(let v): return v.map { $0 == Int32.min ? .missing : .date($0) }
            case .bool(let v): return v.map { $0 > 1 ? .missing : .bool($0 == 1) }
            }
        case .not(let a):
            return values(a)?.map { if case .bool(let b) = $0 { return .bool(!b) } else { return .missing } }
        case .isMissing(let a, let negated):
            return values(a)?.map { if case .missing = $0 { return .bool(!negated) } else { return .bool(negated) } }
        case .binary(let op, let a, let b):
            guard let x = values(a), let y = values(b) else { return nil }
            switch op {
            case .and, .or:
                return zip(x, y).map { p, q in
                    func truth(_ c: Cell) -> Bool? { if case .bool(let b) = c { return b } else { return nil } }
                    let s = truth(p), t = truth(q)
                    if op == .and { return s == false || t == false ? .bool(false) : (s == nil || t == nil ? .missing : .bool(true)) }
                    return s == true || t == true ? .bool(true) : (s == nil || t == nil ? .missing : .bool(false))
                }
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
                // As Velo compares: a missing operand makes every comparison false.
                return zip(x, y).map { p, q in
                    let less: Bool, equal: Bool
                    switch (p, q) {
                    case (.number(let u), .number(let w)):
                        equal = NumberComparison.equal(u, w)
                        less = !equal && u < w
                    case (.text(let u), .text(let w)): equal = u == w; less = u < w
                    case (.date(let u), .date(let w)): equal = u == w; less = u < w
                    case (.bool(let u), .bool(let w)): equal = u == w; less = !u && w
                    default: return .bool(false)
                    }
                    switch op {
                    case .equal: return .bool(equal)
                    case .notEqual: return .bool(!equal)
                    case .less: return .bool(less)
                    case .lessEqual: return .bool(less || equal)
                    case .greater: return .bool(!less && !equal)
                    default: return .bool(!less)
                    }
                }
            default:
                return nil
            }
        default:
            return nil
        }
    }

    func literal(_ l: Literal) -> Cell? {
        switch l {
        case .number(let x), .duration(let x): return .number(x)
        case .text(let s): return .text(s)
        case .date(let d): return .date(d)
        case .bool(let b): return .bool(b)
        case .missing: return .missing
        }
    }

    /// -1 less, 1 greater, 0 same, 2 the first missing, 3 the second missing (as reports sort).
    static func order(_ values: CellValues, _ a: Int, _ b: Int) -> Int {
        func cmp<T: Comparable>(_ x: T?, _ y: T?) -> Int {
            switch (x, y) {
            case (nil, nil): return 0
            case (nil, _): return 2
            case (_, nil): return 3
            case let (x?, y?): return x < y ? -1 : y < x ? 1 : 0
            }
        }
        switch values {
        case .number(let v): return cmp(v[a].isNaN ? nil : v[a], v[b].isNaN ? nil : v[b])
        case .text(let v): return cmp(v[a].map { $0.unicodeScalars.map(\.value) }.map(Scalars.init), v[b].map { $0.unicodeScalars.map(\.value) }.map(Scalars.init))
        case .date(let v): return cmp(v[a] == Int32.min ? nil : v[a], v[b] == Int32.min ? nil : v[b])
        case .bool(let v): return cmp(v[a] > 1 ? nil : v[a], v[b] > 1 ? nil : v[b])
        }
    }

    struct Scalars: Comparable {
        var s: [UInt32]
        init(_ s: [UInt32]) { self.s = s }
        static func < (l: Scalars, r: Scalars) -> Bool { l.s.lexicographicallyPrecedes(r.s) }
    }
}
