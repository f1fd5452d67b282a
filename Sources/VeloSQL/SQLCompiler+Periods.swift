// Period tables in SQL: their rows, the dates of their periods, events summed into periods,
// reads along time and recurrences (Sources/VeloEngine/Evaluator+Time.swift and
// Workspace+Recurrence.swift give the meaning kept here).
//
// - Rows: the tuples of the rows clause crossed with a spine of the periods 1…H
//   (`range`, `generate_series`, `explode(sequence(…))`). H is known when the script is
//   compiled: a number, or a param's value (the rule file's, or `--set`).
// - An event table summed into a period table is grouped by the period of each row's date
//   (a CASE over the as-of date), rows before period 1 dropped or (`early: first`) put in it,
//   rows past the horizon dropped.
// - `previous(x, first: f)` is `CASE WHEN period = 1 THEN f ELSE LAG(x) END`, `shift(x, k)`
//   LAG/LEAD for a constant k and a self-join on period + k for a column, `cumulative(x)` a
//   running SUM (missing once a missing value is summed); all over the series (the other
//   keys) in period order. Where window functions cannot be used (flags, checks and the
//   terms of a recurrence) they are LEFT JOINs to the table's rows at the other period.
// - `first_period(cond)` in the period table itself is a join to each series' smallest
//   period where the condition holds (MIN of a CASE, grouped by the other keys).
// - A recurrence (opening = previous(closing), closing = opening + …) is a recursive CTE on
//   DuckDB and PostgreSQL: the first period, then each period from the row of the period
//   before. Within a period its columns are computed in their order, each in a LATERAL
//   subquery that the later ones read. Spark SQL (3.x and 4.0) has no recursive CTE: the periods
//   are unrolled, one cached table per period up to the horizon (`velo run` keeps each one's
//   rows, a local checkpoint, so the plans do not grow with the periods: SQLRunner.swift).

import VeloCheck
import VeloData
import VeloSyntax

/// The term of a recurrence being compiled: the first period, or a later one read from the
/// row `previousAlias` of the period before.
struct RecurrenceTerm {
    var anchor: Bool
    var members: Set<Int>
    /// The SQL of the columns already computed in this period (column index -> expression).
    var computed: [Int: String] = [:]
    var previousAlias: String
}

extension SQLCompiler {
    /// Spark SQL: at most this many periods unrolled (one cached table each).
    static let sparkUnrollLimit = 1000

    /// The number of periods of a calendar, as the native engine counts it (Evaluator.horizon).
    func horizon(_ axis: PeriodAxis) -> Int {
        let value: Literal
        switch axis.horizon {
        case .fixed(let n): return n
        case .param(let p): value = paramValue(p)
        }
        let per: Double = axis.unit == .days ? 1 : 7
        switch value {
        case .number(let x) where x.isFinite && x >= 0: return Int(min(x, 100_000).rounded(.down))
        case .duration(let x) where x.isFinite && x >= 0 && axis.unit != .months: return Int(min(x / per, 100_000).rounded(.down))
        default: return 0
        }
    }

    /// The periods 1…H, one row each, in the column named after the period key.
    func periodSpine(_ axis: PeriodAxis) -> String {
        let h = horizon(axis)
        let n = max(h, 1)
        let key = d.quote(axis.key)
        let none = h == 0 ? "\nWHERE FALSE" : ""
        switch d {
        case .duckdb: return "SELECT CAST(p AS DOUBLE) AS \(key) FROM range(1, \(n + 1)) AS s(p)" + none
        case .postgres: return "SELECT CAST(p AS double precision) AS \(key) FROM generate_series(1, \(n)) AS s(p)" + none
        case .spark: return "SELECT CAST(p AS DOUBLE) AS \(key) FROM (SELECT explode(sequence(1, \(n))) AS p) AS s" + none
        }
    }

    /// The rows of a period table: the tuples drawn by its other keys, each with periods 1…H.
    func periodRows(_ axis: PeriodAxis, drawn: String?) -> String {
        guard let drawn else { return periodSpine(axis) }
        return "SELECT k.*, s.\(d.quote(axis.key))\nFROM (\n" + indent(drawn, by: 2) + "\n) AS k\nCROSS JOIN (\n"
            + indent(periodSpine(axis), by: 2) + "\n) AS s"
    }

    // MARK: - Dates of periods

    /// The first day of period 1: the day after the as-of date T, the Monday of its week, or the first of its month.
    func firstDay(_ axis: PeriodAxis) -> String {
        let next = d.addDays(asOfSQL, 1)
        switch axis.unit {
        case .days, .weeks: return next
        case .iso_weeks: return d.addDays(next, "(1 - CAST(\(d.isoWeekday(next)) AS INTEGER))")
        case .months: return d.monthStart(next)
        }
    }

    /// The first (or last) day of the period numbered `period` (a SQL number).
    func periodDate(_ axis: PeriodAxis, period: String, end: Bool) -> String {
        let n = d.truncToInt(period)
        switch axis.unit {
        case .days:
            return d.addDays(asOfSQL, n)
        case .weeks, .iso_weeks:
            let start = d.addDays(firstDay(axis), "(7 * \(n) - 7)")
            return end ? d.addDays(start, 6) : start
        case .months:
            return end ? d.addDays(d.addMonths(firstDay(axis), n), -1) : d.addMonths(firstDay(axis), "(\(n) - 1)")
        }
    }

    /// The period holding `date` (0 before period 1, or 1 with `early: first`); past the horizon it
    /// is more than H and the caller keeps periods 1…H only.
    func periodOf(_ date: String, _ b: PeriodBinning) -> String {
        let before = d.number(b.early == .first ? 1 : 0)
        let t = asOfSQL
        let cond: String, p: String
        switch b.axis.unit {
        case .days:
            cond = "\(date) <= \(t)"
            p = d.toDouble(d.dayDiff(date, t))
        case .weeks:
            cond = "\(date) <= \(t)"
            p = "(floor((\(d.toDouble(d.dayDiff(date, t))) - 1) / 7) + 1)"
        case .iso_weeks:
            let start = firstDay(b.axis)
            cond = "\(date) < \(start)"
            p = "(floor(\(d.toDouble(d.dayDiff(date, start))) / 7) + 1)"
        case .months:
            let start = firstDay(b.axis)
            cond = "\(date) < \(start)"
            func month(_ x: String) -> String { "(\(d.datePart("YEAR", x)) * 12 + \(d.datePart("MONTH", x)))" }
            p = "(\(month(date)) - \(month(start)) + 1)"
        }
        return "CASE WHEN \(cond) THEN \(before) ELSE \(p) END"
    }

    // MARK: - Reads along time

    func timeRead(_ shift: TimeShift, _ e: CExpr, in s: Scope) throws(SQLCompileError) -> String {
        let t = shift.column.table
        let info = program.table(t)
        let name = d.quote(info.columns[shift.column.column].name)
        let h = horizon(shift.axis)
        let period = "\(s.alias).\(d.quote(shift.axis.key))"
        let series = info.keys.dropLast().map { "\(s.alias).\(d.quote($0))" }
        let over = "OVER (" + (series.isEmpty ? "" : "PARTITION BY \(series.joined(separator: ", ")) ") + "ORDER BY \(period)"
        let x = "\(s.alias).\(name)"
        if h == 0 { return d.null(e.type) }
        // `previous` of a column of the recurrence being compiled.
        if let r = s.recurrence, r.members.contains(shift.column.column) {
            guard case .previous(let first) = shift.mode else {
                throw unsupported("`shift` or `cumulative` of a column of its own recurrence", e.span)
            }
            if r.anchor { return typed(try expression(first, in: s), first.type, e.type) }
            return "\(r.previousAlias).\(name)"
        }
        switch shift.mode {
        case .previous(let first):
            let f = typed(try expression(first, in: s), first.type, e.type)
            let before = s.windowed ? "LAG(\(x)) \(over))" : "\(shiftJoin(t, offset: "(-1)", in: s)).\(name)"
            return "CASE WHEN \(period) = 1 THEN \(f) ELSE \(before) END"
        case .by(let k):
            if let c = constant(k) {
                guard c == c.rounded(), abs(c) < Double(h) else { return d.null(e.type) }
                let n = Int(c)
                if n == 0 { return x }
                if s.windowed { return n > 0 ? "LEAD(\(x), \(n)) \(over))" : "LAG(\(x), \(-n)) \(over))" }
                return "\(shiftJoin(t, offset: d.number(Double(n)), in: s)).\(name)"
            }
            let offset = try expression(k, in: s)
            return "\(shiftJoin(t, offset: "(\(offset))", in: s)).\(name)"
        case .firstWhere(let condition):
            return try firstPeriod(shift, condition, in: s)
        case .cumulative:
            if s.windowed { return cumulativeSQL(x, over) }
            // A join to the running sums over the table's rows.
            let rel = relation[t.index]!
            let keys = info.keys.map { d.quote($0) }
            let inner = "c.\(name)"
            let innerOver = "OVER (" + (info.keys.count > 1 ? "PARTITION BY " + info.keys.dropLast().map { "c.\(d.quote($0))" }
                .joined(separator: ", ") + " " : "") + "ORDER BY c.\(d.quote(shift.axis.key))"
            let alias = s.join(key: "cumulative|\(t.index)|\(name)") {
                let a = nextAlias("cu")
                let on = keys.map { "\(a).\($0) = \(s.alias).\($0)" }.joined(separator: " AND ")
                let q = "SELECT " + keys.map { "c.\($0)" }.joined(separator: ", ") + ", " + cumulativeSQL(inner, innerOver)
                    + " AS velo_sum FROM \(rel) AS c"
                return (a, { "LEFT JOIN (\(q)) AS \(a) ON \(on)" })
            }
            return "\(alias).velo_sum"
        }
    }

    /// `first_period(cond)` in a period table: a join to the first period of each series where
    /// the condition holds over the table's rows so far (NULL when it never does; a missing
    /// condition does not hold). The condition's own reads along time are joins there.
    func firstPeriod(_ shift: TimeShift, _ condition: CExpr, in s: Scope) throws(SQLCompileError) -> String {
        let t = shift.column.table
        let info = program.table(t)
        let c = nextAlias("fc")
        var from = "(\n" + indent(try rowsQuery(t), by: 2) + "\n) AS \(c)"
        if let rel = relation[t.index] { from = "\(rel) AS \(c)" }
        let rows = Scope(table: t, alias: c, from: from)
        let holds = try expression(condition, in: rows)
        let series = info.keys.dropLast().map { d.quote($0) }
        let period = d.quote(shift.axis.key)
        var q = "SELECT " + series.map { "\(c).\($0), " }.joined()
            + "MIN(CASE WHEN \(holds) THEN \(c).\(period) END) AS velo_first\nFROM " + rows.from
        for j in rows.renderJoins() { q += "\n" + j }
        if !series.isEmpty { q += "\nGROUP BY " + series.map { "\(c).\($0)" }.joined(separator: ", ") }
        let alias = s.join(key: "first_period|\(t.index)|\(condition.span.start)") {
            let a = nextAlias("fp")
            let on = series.map { "\(a).\($0) = \(s.alias).\($0)" }.joined(separator: " AND ")
            return (a, { series.isEmpty ? "CROSS JOIN (\n\(indent(q, by: 2))\n) AS \(a)"
                                        : "LEFT JOIN (\n\(indent(q, by: 2))\n) AS \(a) ON \(on)" })
        }
        return "\(alias).velo_first"
    }

    /// A running sum in period order, missing from the first missing value on.
    func cumulativeSQL(_ x: String, _ over: String) -> String {
        let w = "\(over) ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        return "CASE WHEN COUNT(*) \(w) > COUNT(\(x)) \(w) THEN NULL ELSE SUM(\(x)) \(w) END"
    }

    /// The alias of the table's own rows `offset` periods away from the scope's (same series).
    func shiftJoin(_ t: TableRef, offset: String, in s: Scope) -> String {
        let info = program.table(t)
        let rel = relation[t.index]!
        guard let key = info.periods?.key else { return s.alias }
        return s.join(key: "shift|\(t.index)|\(offset)") {
            let a = nextAlias("p")
            let on = info.keys.dropLast().map { "\(a).\(d.quote($0)) = \(s.alias).\(d.quote($0))" }
                + ["\(a).\(d.quote(key)) = \(s.alias).\(d.quote(key)) + \(offset)"]
            return (a, { "LEFT JOIN \(rel) AS \(a) ON \(on.joined(separator: " AND "))" })
        }
    }

    // MARK: - Recurrences

    /// The step of a period table that computes a recurrence's columns, period after period.
    func recurrenceStep(_ t: TableRef, group: [ColumnRef], name: String) throws(SQLCompileError) {
        let info = program.table(t)
        guard let axis = info.periods, let prev = relation[t.index] else {
            throw unsupported("a recurrence outside a period table", info.span)
        }
        let h = horizon(axis)
        let key = d.quote(axis.key)
        let keys = info.keys.map { d.quote($0) }
        let series = info.keys.dropLast().map { d.quote($0) }
        let members = Set(group.map(\.column))
        let rec = d.quote(name + "__rec")

        func term(anchor: Bool, from: String, condition: String?) throws(SQLCompileError) -> String {
            let scope = Scope(table: t, alias: "t", from: from)
            scope.recurrence = RecurrenceTerm(anchor: anchor, members: members, previousAlias: "r")
            var select = keys.map { "t.\($0)" }
            var laterals: [String] = []
            for (i, ref) in group.enumerated() {
                let col = info.columns[ref.column]
                guard let e = col.formula else { continue }
                // Each column in a LATERAL subquery of its own, which the later ones read.
                let sql = "CAST(" + typed(try expression(e, in: scope), e.type, col.type) + " AS \(d.sqlType(col.type)))"
                let alias = "rv\(i + 1)", name = d.quote(col.name)
                laterals.append(formulaComment(col.name, e) + "\nCROSS JOIN LATERAL (SELECT \(sql) AS \(name)) AS \(alias)")
                select.append("\(alias).\(name)")
                scope.recurrence?.computed[ref.column] = "\(alias).\(name)"
            }
            var q = "SELECT " + select.joined(separator: ", ") + "\nFROM " + scope.from
            for j in scope.renderJoins() + laterals { q += "\n" + j }
            if let condition { q += "\nWHERE " + condition }
            return q
        }
        let placeholder = "%VELO_PREVIOUS%"
        let first = try term(anchor: true, from: "\(prev) AS t", condition: "t.\(key) = 1")
        let on = series.map { "t.\($0) = r.\($0)" } + ["t.\(key) = r.\(key) + 1"]
        let next = try term(anchor: false, from: "\(placeholder) AS r\nJOIN \(prev) AS t ON " + on.joined(separator: " AND "), condition: nil)

        var carried = info.keys.map { "t.\(d.quote($0))" }
        for c in info.columns.indices where !members.contains(c) && info.columns[c].formula != nil && isBuilt(ColumnRef(t, c)) {
            carried.append("t.\(d.quote(info.columns[c].name))")
        }
        carried += group.map { "r.\(d.quote(info.columns[$0.column].name))" }
        let match = keys.map { "r.\($0) = t.\($0)" }.joined(separator: " AND ")
        let names = group.map { info.columns[$0.column].name }.joined(separator: ", ")
        let comment = "-- \(info.name): the recurrence \(names), period after period (\(at(info.span)))"
        switch d {
        case .duckdb, .postgres:
            let q = "WITH RECURSIVE \(rec) AS (\n" + indent(first, by: 2) + "\n  UNION ALL\n"
                + indent(next.replacingAll(placeholder, with: rec), by: 2) + "\n)\nSELECT " + carried.joined(separator: ", ")
                + "\nFROM \(prev) AS t\nLEFT JOIN \(rec) AS r ON \(match)"
            createTable(name, comment: [comment], query: q)
        case .spark:
            guard h <= SQLCompiler.sparkUnrollLimit else {
                throw unsupported("a recurrence over more than \(SQLCompiler.sparkUnrollLimit) periods", info.span)
            }
            var parts: [String] = []
            for p in 1...max(h, 1) {
                let part = name + "__p\(p)"
                let q = p == 1 ? first : next.replacingAll(placeholder, with: d.quote(name + "__p\(p - 1)"))
                let c = p == 1 ? [comment + "; Spark SQL has no recursive CTE: one table per period", "-- period 1"] : ["-- period \(p)"]
                createTable(part, comment: c, query: q)
                parts.append("SELECT * FROM \(d.quote(part))")
            }
            let q = "SELECT " + carried.joined(separator: ", ") + "\nFROM \(prev) AS t\nLEFT JOIN (\n"
                + indent(parts.joined(separator: "\nUNION ALL\n"), by: 2) + "\n) AS r ON \(match)"
            createTable(name, comment: ["-- \(info.name): the periods together"], query: q)
        }
        for ref in group { built.insert(ref) }
        relation[t.index] = d.quote(name)
    }

    /// `-- file:line  name = formula` (on one line).
    func formulaComment(_ name: String, _ e: CExpr) -> String {
        let source = (name + " = " + program.file.text(of: e.span)).split(separator: "\n")
            .map { $0.trimmingCharacters() }.joined(separator: " ")
        return "-- \(at(e.span))  \(source)"
    }
}

extension SQLDialect {
    /// `d` plus `n` months (an integer SQL expression), a date.
    func addMonths(_ d: String, _ n: String) -> String {
        switch self {
        case .duckdb: return "CAST(\(d) + to_months(CAST(\(n) AS INTEGER)) AS DATE)"
        case .postgres: return "CAST(\(d) + make_interval(months => CAST(\(n) AS integer)) AS date)"
        case .spark: return "add_months(\(d), \(n))"
        }
    }
}
