// Expressions: one exhaustive switch over the checked expression kinds. Each is translated in
// a scope (a table's rows under an alias); a lookup, a cell or an aggregate adds a LEFT JOIN to
// the scope and reads a column of it.
//
// Semantics kept from the native engine (Evaluator*.swift):
// - missing is NULL; arithmetic that has no finite value (x / 0) is NULL;
// - numbers compare to 12 significant digits (NumberComparison), and a comparison with a
//   missing operand is false (not missing), so `not (x > y)` is true then;
// - `and`/`or`/`not` are three-valued like SQL's; `if` takes `else` on a missing condition;
// - `roundup`/`rounddown` snap x/m to a whole number within 1e-9 first (Rounding.swift).

import VeloCheck
import VeloData
import VeloStdlib
import VeloSyntax

/// A table's rows under an alias, and the joins the expressions over them need.
final class Scope {
    let table: TableRef
    let alias: String
    let from: String
    var joins: [(key: String, alias: String, render: () -> String)] = []
    /// Aggregate groups sharing one subquery, by key.
    var groups: [String: AggregateGroup] = [:]
    /// Reads along time may be window functions over this scope's rows (a table's step);
    /// elsewhere (flags, checks, a recurrence's terms) they are joins (SQLCompiler+Periods.swift).
    var windowed = false
    /// Inside a recurrence: the SQL of its columns computed earlier in the same period, and
    /// how `previous` of its columns reads (the first period's value, or the previous row).
    var recurrence: RecurrenceTerm? = nil

    init(table: TableRef, alias: String, from: String) {
        self.table = table
        self.alias = alias
        self.from = from
    }

    func join(key: String, make: () -> (alias: String, render: () -> String)) -> String {
        if let j = joins.first(where: { $0.key == key }) { return j.alias }
        let (a, r) = make()
        joins.append((key, a, r))
        return a
    }

    func renderJoins() -> [String] { joins.map { $0.render() } }
}

extension SQLCompiler {
    func col(_ alias: String, _ name: String) -> String { "\(alias).\(d.quote(name))" }

    func expression(_ e: CExpr, in s: Scope) throws(SQLCompileError) -> String {
        switch e.kind {
        case .shift(let shift):
            return try timeRead(shift, e, in: s)
        case .periodDate(let axis, let key, let end):
            return periodDate(axis, period: col(s.alias, program.column(key).name), end: end)
        case .literal(let l):
            return literal(l, type: e.type)
        case .param(let p):
            return literal(paramValue(p), type: e.type) + " /* \(program.params[p].name) */"
        case .column(let ref):
            guard ref.table == s.table else { throw unsupported("a column of another table without alignment", e.span) }
            if let same = s.recurrence?.computed[ref.column] { return same }
            return col(s.alias, program.column(ref).name)
        case .lookup(let ref, let a):
            let alias = lookupJoin(a, in: s)
            return col(alias, program.column(ref).name)
        case .cell(let ref, let keys):
            let target = program.table(ref.table)
            var conditions: [String] = []
            for (k, key) in zip(target.keys, keys) { conditions.append("%A.\(d.quote(k)) = " + (try expression(key, in: s))) }
            let rel = relation[ref.table.index]!
            let alias = s.join(key: "cell|\(ref.table.index)|\(conditions.joined(separator: ","))") {
                let a = nextAlias("cell")
                let on = conditions.map { $0.replacingAll("%A", with: a) }.joined(separator: " AND ")
                return (a, { "LEFT JOIN \(rel) AS \(a) ON \(on.isEmpty ? "TRUE" : on)" })
            }
            return col(alias, program.column(ref).name)
        case .aggregate(let a):
            return try aggregate(a, type: e.type, span: e.span, in: s)
        case .negate(let x):
            return "(-\(try expression(x, in: s)))"
        case .not(let x):
            return "(NOT \(try expression(x, in: s)))"
        case .binary(let op, let a, let b):
            return try binary(op, a, b, e, in: s)
        case .isMissing(let x, let negated):
            if x.type.base == .unknown { return negated ? "FALSE" : "TRUE" }
            return "(\(try expression(x, in: s)) IS \(negated ? "NOT " : "")NULL)"
        case .conditional(let c, let a, let b):
            let cs = try expression(c, in: s), x = try expression(a, in: s), y = try expression(b, in: s)
            let xt = a.type.base == .unknown ? d.null(e.type) : x
            let yt = b.type.base == .unknown ? d.null(e.type) : y
            return "CASE WHEN \(cs) THEN \(xt) ELSE \(yt) END"
        case .call(let builtin, let args):
            return try call(builtin, args, e, in: s)
        }
    }

    func literal(_ l: Literal, type: VType) -> String {
        switch l {
        case .number(let x), .duration(let x): return d.number(x)
        case .text(let t): return d.string(t)
        case .date(let day): return d.date(day)
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .missing: return d.null(type)
        }
    }

    /// The LEFT JOIN of a lookup into a coarser table (its one row matching on `a.on`).
    func lookupJoin(_ a: Alignment, in s: Scope) -> String {
        let target = program.table(a.to)
        let rel = relation[a.to.index]!
        let on = a.on
        return s.join(key: "lookup|\(a.to.index)|\(on.joined(separator: ","))") {
            let base = target.name.allSatisfy({ $0.isLetter || $0 == "_" }) && target.name.count < 20 ? target.name : "l"
            let taken = s.joins.contains { $0.alias == base } || base == s.alias || base == "t"
            let alias = d.quote(taken ? nextAlias(base + "_") : base)
            let cond = on.map { "\(alias).\(d.quote($0)) = \(s.alias).\(d.quote($0))" }.joined(separator: " AND ")
            return (alias, { "LEFT JOIN \(rel) AS \(alias) ON \(cond.isEmpty ? "TRUE" : cond)" })
        }
    }

    // MARK: - Operators

    func binary(_ op: BinaryOp, _ a: CExpr, _ b: CExpr, _ e: CExpr, in s: Scope) throws(SQLCompileError) -> String {
        let x = try expression(a, in: s), y = try expression(b, in: s)
        switch op {
        case .coalesce:
            if a.type.base == .unknown { return y }
            if b.type.base == .unknown { return x }
            return "COALESCE(\(x), \(y))"
        case .and: return "(\(x) AND \(y))"
        case .or: return "(\(x) OR \(y))"
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            if a.type.base == .unknown || b.type.base == .unknown { return "FALSE" }
            return compare(op, x, y, type: a.type)
        case .add, .subtract:
            if a.type.base == .date && b.type.base == .date {
                return d.toDouble(d.dayDiff(x, y))
            }
            if a.type.base == .date {
                let n = d.truncToInt(y)
                return op == .add ? d.addDays(x, n) : d.addDays(x, "(-\(n))")
            }
            if b.type.base == .date { return d.addDays(y, d.truncToInt(x)) }
            return "(\(x) \(op == .add ? "+" : "-") \(y))"
        case .multiply: return "(\(x) * \(y))"
        case .divide: return "(\(x) / NULLIF(\(y), 0))"
        case .power:
            if case .literal(.number(let p)) = b.kind {
                if p == 2 { return "(\(x) * \(x))" }
                if p == 1 { return x }
                if p == 0.5 { return "CASE WHEN \(x) >= 0 THEN sqrt(\(x)) END" }
                if p == p.rounded() { return "power(\(x), \(y))" }
            }
            // A negative base to a fractional power has no real value (the native engine: missing).
            return "CASE WHEN \(x) < 0 AND \(y) <> floor(\(y)) THEN NULL ELSE power(\(x), \(y)) END"
        }
    }

    /// A comparison, false (never missing) when an operand is missing; numbers to 12 significant digits.
    func compare(_ op: BinaryOp, _ x: String, _ y: String, type: VType) -> String {
        let sym: String
        switch op {
        case .equal: sym = "="
        case .notEqual: sym = "<>"
        case .less: sym = "<"
        case .lessEqual: sym = "<="
        case .greater: sym = ">"
        default: sym = ">="
        }
        switch type.base {
        case .number, .duration:
            let eq = "abs(\(x) - \(y)) <= 1e-12 * greatest(abs(\(x)), abs(\(y)))"
            let r: String
            switch op {
            case .equal: r = eq
            case .notEqual: r = "NOT (\(eq))"
            case .less, .greater: r = "\(x) \(sym) \(y) AND NOT (\(eq))"
            default: r = "(\(x) \(sym) \(y) OR \(eq))"
            }
            return "COALESCE(\(r), FALSE)"
        case .text:
            if op == .equal || op == .notEqual { return "COALESCE(\(x) \(sym) \(y), FALSE)" }
            return "COALESCE(\(d.orderedText(x)) \(sym) \(d.orderedText(y)), FALSE)"
        case .date, .bool, .unknown:
            return "COALESCE(\(x) \(sym) \(y), FALSE)"
        }
    }

    // MARK: - Builtins

    /// The value of an expression that reads no row (literals, params and builtins of them), if it has one.
    func constant(_ e: CExpr) -> Double? {
        switch e.kind {
        case .literal(.number(let x)), .literal(.duration(let x)): return x
        case .param(let p):
            switch paramValue(p) {
            case .number(let x), .duration(let x): return x
            default: return nil
            }
        case .negate(let x): return constant(x).map { -$0 }
        default: return nil
        }
    }

    func call(_ b: Builtin, _ args: [CExpr], _ e: CExpr, in s: Scope) throws(SQLCompileError) -> String {
        // Functions of constants are computed here, with the native kernels (z(95%) has no SQL form).
        if [.z, .normcdf, .normpdf, .loss].contains(b), args.count == 1, let x = constant(args[0]) {
            let v: Double?
            switch b {
            case .z: v = StandardNormal.ppf(x)
            case .normcdf: v = StandardNormal.cdf(x)
            case .normpdf: v = StandardNormal.pdf(x)
            default: v = StandardNormal.loss(x)
            }
            let shown = program.file.text(of: e.span)
            return v.map { d.number($0) + " /* \(shown) */" } ?? d.null(.number) + " /* \(shown) */"
        }
        var a: [String] = []
        for x in args { a.append(try expression(x, in: s)) }
        func allPresent(_ xs: [String]) -> String { xs.map { "\($0) IS NULL" }.joined(separator: " OR ") }
        switch b {
        case .sqrt: return "CASE WHEN \(a[0]) >= 0 THEN sqrt(\(a[0])) END"
        case .abs: return "abs(\(a[0]))"
        case .ceil: return d == .spark ? d.toDouble("ceil(\(a[0]))") : "ceil(\(a[0]))"
        case .floor: return d == .spark ? d.toDouble("floor(\(a[0]))") : "floor(\(a[0]))"
        case .round:
            // Half away from zero, ties within 1e-12 (Rounding.round).
            let digits = args.count > 1 ? (constant(args[1]).map { Int($0.rounded()) }) : 0
            guard let digits, abs(digits) <= 22 else { throw unsupported("`round` with digits that are not a constant", e.span) }
            var scale = 1.0
            for _ in 0..<abs(digits) { scale *= 10 }
            let y = digits == 0 ? a[0] : (digits > 0 ? "(\(a[0]) * \(d.number(scale)))" : "(\(a[0]) / \(d.number(scale)))")
            let m = "abs(\(y))"
            let r = "(floor(\(m)) + CASE WHEN \(m) - floor(\(m)) > 0.5 OR abs(\(m) - floor(\(m)) - 0.5) <= 1e-12 * greatest(1, \(m)) THEN 1 ELSE 0 END)"
            let signed = "CASE WHEN \(y) < 0 THEN -\(r) ELSE \(r) END"
            if digits == 0 { return "(\(signed) + 0)" }
            return digits > 0 ? "(\(signed) / \(d.number(scale)) + 0)" : "(\(signed) * \(d.number(scale)) + 0)"
        case .exp: return "exp(\(a[0]))"
        case .ln: return "CASE WHEN \(a[0]) > 0 THEN ln(\(a[0])) END"
        case .log10: return "CASE WHEN \(a[0]) > 0 THEN log10(\(a[0])) END"
        case .roundup, .rounddown:
            // x/m snapped to a whole number within 1e-9 (relative), then the ceiling (floor).
            let r = "(\(a[0]) / \(a[1]))"
            let nearest = "(CASE WHEN \(r) < 0 THEN -floor(-\(r) + 0.5) ELSE floor(\(r) + 0.5) END)"
            let snapped = "CASE WHEN abs(\(r) - \(nearest)) <= 1e-9 * greatest(1, abs(\(r))) THEN \(nearest) ELSE \(r) END"
            let f = b == .roundup ? "ceil" : "floor"
            return "CASE WHEN \(a[1]) > 0 THEN \(f)(\(snapped)) * \(a[1]) + 0 END"
        case .min, .max:
            if args.count == 1 { throw unsupported("`\(b.rawValue)` of one value", e.span) }
            let f = b == .min ? "least" : "greatest"
            let nullable = zip(args, a).filter { constant($0.0) == nil }.map(\.1)
            let core = "\(f)(\(a.joined(separator: ", ")))"
            return nullable.isEmpty ? core : "CASE WHEN \(allPresent(nullable)) THEN NULL ELSE \(core) END"
        case .z:
            throw unsupported("`z` of a value that varies by row", e.span)
        case .normcdf, .loss:
            throw unsupported("`\(b.rawValue)` of a value that varies by row", e.span)
        case .normpdf:
            return "(exp(-0.5 * \(a[0]) * \(a[0])) * \(d.number(0.3989422804014327)))"
        case .eoq:
            return "CASE WHEN \(a[1]) >= 0 AND \(a[2]) > 0 AND \(a[0]) >= 0 THEN sqrt(2 * \(a[1]) * \(a[0]) / \(a[2])) END"
        case .asof: return asOfSQL
        case .days: return a[0]
        case .weekday: return d.isoWeekday(a[0])
        case .week_start: return d.addDays(a[0], "(1 - CAST(\(d.isoWeekday(a[0])) AS INTEGER))")
        case .month_start: return d.monthStart(a[0])
        case .year: return d.datePart("YEAR", a[0])
        case .month: return d.datePart("MONTH", a[0])
        case .day: return d.datePart("DAY", a[0])
        case .iso_week: return d.datePart("WEEK", a[0])
        case .days_between: return d.toDouble(d.dayDiff(a[1], a[0]))
        }
    }
}
