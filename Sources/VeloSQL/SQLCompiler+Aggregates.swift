// Aggregates: the rows of a finer table matching each context row (a GROUP BY on the columns
// the two share, LEFT JOINed back), or the days of a time window over an event table.
//
// Windows keep the native engine's meaning — days without rows count as zero, rows of the
// same day add up — without a per-day self-join or even a date spine: the rows are first
// summed per group and day (`daily`), then each statistic is computed from a few sums over
// the days inside the window, where the missing days contribute nothing but their count:
//   sum Σd, avg Σd / N, wavg linear Σ(day − first + 1)·d / (N(N+1)/2),
//   wavg half-life Σ 0.5^((last − day)/h)·d / Σₐ 0.5^(a/h),
//   stdev/variance (N·Σd² − (Σd)²) / (N(N−1)) (the same exact form as WindowStats for whole units),
//   min/max over the days with rows, and 0 when a day of the window has none.
// Aggregates over the same table, alignment and window share one subquery.

import VeloCheck
import VeloSyntax

final class AggregateGroup {
    enum Kind {
        case plain
        /// A window anchored at the as-of date: the same days for every row.
        case asOf(first: String, last: String, length: Int)
        /// A window starting at a date computed per context row (`30 days after runs.date`).
        case anchored(startInContext: String, contextFrom: String, contextJoins: [String], length: Int)
    }
    let alias: String
    let kind: Kind
    let relation: String
    let on: [String]
    let inner: Scope
    let dateColumn: String?
    /// Events summed into a period table: the last name of `on` is the period of each row's
    /// date (`g.velo_period`), kept for periods 1…horizon.
    var binnedHorizon: Int? = nil
    /// plain: aggregate columns over the target rows; windows: per-day columns.
    var innerColumns: [String] = []
    /// windows: per-group columns over the days.
    var outerColumns: [String] = []
    var count = 0

    init(alias: String, kind: Kind, relation: String, on: [String], inner: Scope, dateColumn: String?) {
        self.alias = alias
        self.kind = kind
        self.relation = relation
        self.on = on
        self.inner = inner
        self.dateColumn = dateColumn
    }
}

extension SQLCompiler {
    func aggregate(_ a: AggregateCall, type: VType, span: Span, in s: Scope) throws(SQLCompileError) -> String {
        let target = a.alignment.to
        let rel = relation[target.index]!
        let on = a.alignment.on
        let onKey = on.joined(separator: ",")
        let targetInfo = program.table(target)
        // The group this aggregate joins, and how its window (if any) starts.
        var kindKey = "plain"
        var kind = AggregateGroup.Kind.plain
        var outerStart: String? = nil
        var dateColumn: String? = nil
        if let w = a.window {
            guard let dc = targetInfo.source?.dateColumn else { throw unsupported("a window over a table without dates", w.span) }
            dateColumn = targetInfo.columns[dc].name
            if a.argument.type.base == .date, a.function == .min || a.function == .max {
                throw unsupported("`\(a.function.rawValue)` of dates over a window", span)
            }
            switch w.anchor {
            case .asOf(let ago):
                kindKey = "asof|\(ago)|\(w.length)"
                kind = .asOf(first: d.addDays(asOfSQL, -(ago + w.length - 1)), last: d.addDays(asOfSQL, -ago), length: w.length)
            case .after(let anchor), .before(let anchor):
                let isAfter: Bool
                if case .after = w.anchor { isAfter = true } else { isAfter = false }
                // The first day, in the context's own scope (a subquery lists each distinct start once) ...
                let contextScope = Scope(table: s.table, alias: s.alias, from: s.from)
                let inner = try expression(anchor, in: contextScope)
                let startInner = isAfter ? d.addDays(inner, 1) : d.addDays(inner, -w.length)
                // ... and in the outer scope, to join each row to its start.
                let outer = try expression(anchor, in: s)
                outerStart = isAfter ? d.addDays(outer, 1) : d.addDays(outer, -w.length)
                kindKey = "anchor|\(startInner)|\(w.length)"
                kind = .anchored(startInContext: startInner, contextFrom: s.from, contextJoins: contextScope.renderJoins(), length: w.length)
            }
        } else if a.function == .wavg {
            throw unsupported("`wavg` without a window", span)
        }
        var innerFrom = "\(rel) AS g"
        if let b = a.alignment.binning {
            guard a.window == nil else { throw unsupported("a window over events summed into periods", span) }
            kindKey = "bin|\(b.early.rawValue)"
            let date = "b.\(d.quote(targetInfo.columns[b.dateColumn].name))"
            innerFrom = "(SELECT b.*, \(periodOf(date, b)) AS velo_period FROM \(rel) AS b) AS g"
        }
        let key = "agg|\(target.index)|\(onKey)|\(kindKey)"
        let group: AggregateGroup
        if let g = s.groups[key] {
            group = g
        } else {
            let alias = nextAlias("a")
            group = AggregateGroup(alias: alias, kind: kind, relation: rel, on: on,
                                   inner: Scope(table: target, alias: "g", from: innerFrom), dateColumn: dateColumn)
            if let b = a.alignment.binning { group.binnedHorizon = horizon(b.axis) }
            s.groups[key] = group
            let outerScopeAlias = s.alias
            _ = s.join(key: key) { (alias, { self.render(group, contextAlias: outerScopeAlias, outerStart: outerStart) }) }
        }
        group.count += 1
        let k = group.count
        let x = try expression(a.argument, in: group.inner)
        let g = group.alias
        func c(_ name: String) -> String { "\(g).\(name)\(k)" }
        let missing = "COALESCE(\(c("m")), 0) > 0"
        guard let w = a.window else {
            switch a.function {
            case .sum:
                group.innerColumns += ["SUM(\(x)) AS v\(k)", "COUNT(*) - COUNT(\(x)) AS m\(k)"]
                return "CASE WHEN \(missing) THEN NULL ELSE COALESCE(\(c("v")), 0) END"
            case .avg, .stdev, .variance, .min, .max:
                let f: String
                switch a.function {
                case .avg: f = "AVG"
                case .stdev: f = "STDDEV_SAMP"
                case .variance: f = "VAR_SAMP"
                case .min: f = "MIN"
                default: f = "MAX"
                }
                group.innerColumns += ["\(f)(\(x)) AS v\(k)", "COUNT(*) - COUNT(\(x)) AS m\(k)"]
                return "CASE WHEN \(missing) THEN NULL ELSE \(c("v")) END"
            case .count:
                group.innerColumns.append("COUNT(\(x)) AS v\(k)")
                return d.toDouble("COALESCE(\(c("v")), 0)")
            case .any:
                group.innerColumns.append("BOOL_OR(COALESCE(\(x), FALSE)) AS v\(k)")
                return "COALESCE(\(c("v")), FALSE)"
            case .all:
                group.innerColumns.append("BOOL_AND(COALESCE(\(x), FALSE)) AS v\(k)")
                return "COALESCE(\(c("v")), TRUE)"
            case .wavg:
                throw unsupported("`wavg` without a window", span)
            }
        }
        // A window: per-day columns first, then sums over the days.
        let n = w.length
        let first: String, last: String
        switch group.kind {
        case .asOf(let f, let l, _): first = f; last = l
        case .anchored: first = "c.velo_start"; last = d.addDays("c.velo_start", n - 1)
        case .plain: first = ""; last = ""
        }
        let day = "w.velo_day", dk = "w.d\(k)"
        var value: String
        switch a.function {
        case .count:
            group.innerColumns.append("COUNT(\(x)) AS d\(k)")
            group.outerColumns.append("SUM(\(dk)) AS n\(k)")
            value = d.toDouble("COALESCE(\(c("n")), 0)")
        case .any, .all:
            let f = a.function == .any ? "BOOL_OR" : "BOOL_AND"
            group.innerColumns.append("\(f)(COALESCE(\(x), FALSE)) AS d\(k)")
            group.outerColumns.append("\(f)(\(dk)) AS b\(k)")
            value = "COALESCE(\(c("b")), \(a.function == .any ? "FALSE" : "TRUE"))"
        case .sum, .avg, .wavg, .stdev, .variance, .min, .max:
            group.innerColumns += ["SUM(\(x)) AS d\(k)", "COUNT(*) - COUNT(\(x)) AS m\(k)"]
            group.outerColumns.append("SUM(w.m\(k)) AS m\(k)")
            let s1 = "COALESCE(\(c("s")), 0)"
            switch a.function {
            case .sum:
                group.outerColumns.append("SUM(\(dk)) AS s\(k)")
                value = s1
            case .avg:
                group.outerColumns.append("SUM(\(dk)) AS s\(k)")
                value = "\(s1) / \(d.number(Double(n)))"
            case .wavg:
                if case .exponential(let h)? = a.weighting {
                    // Weights 0.5^(age / h), age 0 the newest day; their total is a constant of the window.
                    let decay = exp(-M_LN2 / h)
                    var weight = 1.0, total = 0.0
                    for _ in 0..<n { total += weight; weight *= decay }
                    group.outerColumns.append("SUM(power(\(d.number(decay)), \(d.dayDiff(last, day))) * \(dk)) AS e\(k)")
                    value = "COALESCE(\(c("e")), 0) / \(d.number(total))"
                } else {
                    // Weights 1 (the oldest day) ... N (the newest).
                    group.outerColumns.append("SUM((\(d.dayDiff(day, first)) + 1) * \(dk)) AS l\(k)")
                    value = "COALESCE(\(c("l")), 0) / \(d.number(Double(n) * Double(n + 1) / 2))"
                }
            case .stdev, .variance:
                guard n >= 2 else { value = d.null(.number); break }
                group.outerColumns += ["SUM(\(dk)) AS s\(k)", "SUM(\(dk) * \(dk)) AS q\(k)"]
                let v = "greatest(0, (\(d.number(Double(n))) * COALESCE(\(c("q")), 0) - \(s1) * \(s1)) / \(d.number(Double(n) * Double(n - 1))))"
                value = a.function == .stdev ? "sqrt(\(v))" : v
            default:
                let f = a.function == .min ? "MIN" : "MAX"
                group.outerColumns += ["\(f)(\(dk)) AS x\(k)", "COUNT(\(day)) AS days\(k)"]
                let zero = a.function == .min ? "least" : "greatest"
                value = "CASE WHEN COALESCE(\(c("days")), 0) < \(n) THEN \(zero)(0, COALESCE(\(c("x")), 0)) ELSE \(c("x")) END"
            }
            value = "CASE WHEN \(missing) THEN NULL ELSE \(value) END"
        }
        if case .anchored = group.kind {
            // No window without its anchor; none that reaches past the as-of date (its last days have no data yet).
            value = "CASE WHEN \(g).velo_start IS NULL OR \(d.addDays("\(g).velo_start", n - 1)) > \(asOfSQL) THEN NULL ELSE \(value) END"
        }
        return value
    }

    /// The LEFT JOIN of an aggregate group's subquery.
    func render(_ group: AggregateGroup, contextAlias: String, outerStart: String?) -> String {
        let g = group.inner
        let onG = group.on.map { "g.\(d.quote($0))" }
        var body: String
        switch group.kind {
        case .plain:
            var picked = onG, grouped = onG, conditions = onG.map { "\($0) IS NOT NULL" }
            if let h = group.binnedHorizon, let key = group.on.last {
                picked[picked.count - 1] = "g.velo_period AS \(d.quote(key))"
                grouped[grouped.count - 1] = "g.velo_period"
                conditions[conditions.count - 1] = "g.velo_period BETWEEN 1 AND \(h)"
            }
            var q = "SELECT " + (picked + group.innerColumns).joined(separator: ", ") + "\nFROM \(g.from)"
            for j in g.renderJoins() { q += "\n" + j }
            if !onG.isEmpty {
                q += "\nWHERE " + conditions.joined(separator: " AND ")
                q += "\nGROUP BY " + grouped.joined(separator: ", ")
            }
            body = q
        case .asOf(let first, let last, _):
            let onW = group.on.map { "w.\(d.quote($0))" }
            let inner = daily(group, filter: "g.\(d.quote(group.dateColumn!)) BETWEEN \(first) AND \(last)")
            var q = "SELECT " + (onW + group.outerColumns).joined(separator: ", ")
            q += "\nFROM (\n" + indent(inner, by: 2) + "\n) AS w"
            if !onW.isEmpty { q += "\nGROUP BY " + onW.joined(separator: ", ") }
            body = q
        case .anchored(let start, let contextFrom, let contextJoins, let length):
            let onC = group.on.map { "c.\(d.quote($0))" }
            var context = "SELECT DISTINCT " + (group.on.map { "\(contextAlias).\(d.quote($0))" } + ["\(start) AS velo_start"])
                .joined(separator: ", ") + "\nFROM \(contextFrom)"
            for j in contextJoins { context += "\n" + j }
            let inner = daily(group, filter: nil)
            var q = "SELECT " + (onC + ["c.velo_start"] + group.outerColumns).joined(separator: ", ")
            q += "\nFROM (\n" + indent(context, by: 2) + "\n) AS c"
            let match = group.on.map { "w.\(d.quote($0)) = c.\(d.quote($0))" }
                + ["w.velo_day BETWEEN c.velo_start AND \(d.addDays("c.velo_start", length - 1))"]
            q += "\nLEFT JOIN (\n" + indent(inner, by: 2) + "\n) AS w ON " + match.joined(separator: " AND ")
            q += "\nGROUP BY " + (onC + ["c.velo_start"]).joined(separator: ", ")
            body = q
        }
        var on = group.on.map { "\(group.alias).\(d.quote($0)) = \(contextAlias).\(d.quote($0))" }
        if let outerStart { on.append("\(group.alias).velo_start = \(outerStart)") }
        return "LEFT JOIN (\n" + indent(body, by: 2) + "\n) AS \(group.alias) ON " + (on.isEmpty ? "TRUE" : on.joined(separator: " AND "))
    }

    /// The target rows summed per group and day (optionally only the days of a window).
    func daily(_ group: AggregateGroup, filter: String?) -> String {
        let g = group.inner
        let onG = group.on.map { "g.\(d.quote($0))" }
        let date = "g.\(d.quote(group.dateColumn!))"
        var q = "SELECT " + (onG.map { $0 } + ["\(date) AS velo_day"] + group.innerColumns).joined(separator: ", ")
        q += "\nFROM \(g.from)"
        for j in g.renderJoins() { q += "\n" + j }
        let conditions = onG.map { "\($0) IS NOT NULL" } + [filter ?? "\(date) IS NOT NULL"]
        q += "\nWHERE " + conditions.joined(separator: " AND ")
        q += "\nGROUP BY " + (onG + [date]).joined(separator: ", ")
        return q
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
