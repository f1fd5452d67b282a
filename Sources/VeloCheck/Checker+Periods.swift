// Checking period tables and reads along time.
//
// `table projection by sku, week from items over weeks(horizon_weeks):` — the last key
// (`week`) numbers the periods 1…H of a calendar; the other keys come from the rows clause.
// Formulas of a period table may read a column of the same table along time:
//
//   previous(x, first: f)   x in the period before, f in the first period (a recurrence:
//                           x may itself read this column, which is not a cycle)
//   shift(x, k)             x k periods later (earlier for k < 0); k may be a column
//   cumulative(x)           the sum of x over the periods up to this one
//   period_start(), period_end()   the first and last day of the row's period
//
// and `first_period(cond)` asks for the first period of the row's series where a condition
// holds, missing when none: in the period table itself (`first_period(closing < 0)`, the same
// value in every period of a series) or in a table by the other keys (`first_period(t.cond)`). An event table summed inside a period
// table is summed by the period holding each row's date (`early: first` counts rows dated
// before the first period in it).

import VeloSyntax

extension Checker {
    public static let timeFunctions: Set<String> = ["previous", "shift", "cumulative", "period_start", "period_end", "first_period"]

    /// Each period table's calendar and horizon; period keys are integers.
    mutating func resolvePeriodClauses() {
        var periodKeys = Set<String>()
        for (index, decl) in tableDecls.sorted(by: { $0.key < $1.key }) {
            guard let clause = decl.periods else { continue }
            guard let unit = PeriodAxis.Unit(rawValue: clause.unit.text) else {
                diagnostics.append(.unknownPeriodUnit(clause.unit.text, at: clause.unit.span))
                continue
            }
            guard let key = decl.keys.last else {
                diagnostics.append(.periodTableNeedsKey(decl.name.text, at: clause.span))
                continue
            }
            guard let horizon = checkHorizon(clause.horizon, unit: unit) else {
                diagnostics.append(.badHorizon(unit.rawValue, at: clause.horizon.span))
                continue
            }
            if let rows = decl.rows, let from = tables.firstIndex(where: { $0.name == rows.table.text }),
               tables[from].columns.contains(where: { $0.name == key.text }) {
                diagnostics.append(.periodKeyFromRows(key.text, source: tables[from].name, at: key.span))
                continue
            }
            tables[index].periods = PeriodAxis(unit: unit, horizon: horizon, key: key.text)
            periodKeys.insert(key.text)
        }
        // A period key is an integer in every derived table keyed by it.
        for i in tables.indices where !tables[i].isSource {
            for c in tables[i].columns.indices where periodKeys.contains(tables[i].columns[c].name) {
                if case .key = tables[i].columns[c].kind { tables[i].columns[c].type = .number }
            }
        }
    }

    /// A whole number ≥ 1, a duration in whole periods (weeks and days), or a param holding one.
    mutating func checkHorizon(_ e: Expr, unit: PeriodAxis.Unit) -> PeriodAxis.Horizon? {
        func whole(_ l: Literal) -> Int? {
            switch l {
            case .number(let x) where x >= 1 && x == x.rounded() && x <= 100_000: return Int(x)
            case .duration(let d):
                let per = unit == .weeks || unit == .iso_weeks ? 7.0 : unit == .days ? 1.0 : 0
                guard per > 0 else { return nil }
                let n = d / per
                return n >= 1 && n == n.rounded() && n <= 100_000 ? Int(n) : nil
            default: return nil
            }
        }
        switch e.kind {
        case .number(let x): return whole(.number(x)).map { .fixed($0) }
        case .duration(let d): return whole(.duration(d)).map { .fixed($0) }
        case .name(let n):
            guard let p = params.firstIndex(where: { $0.name == n.text }), whole(params[p].value) != nil else { return nil }
            return .param(p)
        default: return nil
        }
    }

    /// The keys of a table that its rows clause gives (all but the period key).
    func rowKeys(_ index: Int) -> [String] {
        tables[index].periods == nil && tableDecls[index]?.periods == nil ? tables[index].keys : Array(tables[index].keys.dropLast())
    }

    /// The calls that read along time; nil when `callee` is not one of them.
    mutating func resolveTimeCall(_ callee: Name, _ args: [Argument], span: Span, _ scope: Scope) -> CExpr?? {
        guard Checker.timeFunctions.contains(callee.text) else { return nil }
        let fn = callee.text
        if fn == "first_period" { return .some(resolveFirstPeriod(args, span: span, scope)) }
        let table = tables[scope.context.index]
        guard let axis = table.periods, scope.context == scope.owner else {
            diagnostics.append(.timeReadOutsidePeriods(fn, table: tables[scope.owner.index].name, at: callee.span))
            return .some(nil)
        }
        let positional = args.filter { $0.label == nil }
        var labeled: [String: Argument] = [:]
        for a in args {
            guard let label = a.label else { continue }
            guard fn == "previous", label.text == "first", labeled[label.text] == nil else {
                diagnostics.append(.unknownNamedArgument(label.text, function: fn, candidates: fn == "previous" ? ["first"] : [], at: label.span))
                return .some(nil)
            }
            labeled[label.text] = a
        }
        if fn == "period_start" || fn == "period_end" {
            guard args.isEmpty else {
                diagnostics.append(.timeReadArity(fn, example: "week_start = \(fn)()", at: span))
                return .some(nil)
            }
            guard let k = table.columnIndex(axis.key) else { return .some(nil) }
            return .some(CExpr(.periodDate(axis, key: ColumnRef(scope.context, k), end: fn == "period_end"), .date, span))
        }
        let arity = fn == "shift" ? 2 : 1
        guard positional.count == arity else {
            let example = fn == "shift" ? "shift(planned_receipt, lt_weeks)" : fn == "previous" ? "previous(closing, first: 0)" : "cumulative(demand)"
            diagnostics.append(.timeReadArity(fn, example: example, at: span))
            return .some(nil)
        }
        guard case .expr(let target) = positional[0].value, let column = timeColumn(target, scope) else {
            diagnostics.append(.timeReadNeedsColumn(fn, at: positional[0].span))
            return .some(nil)
        }
        let ref = ColumnRef(scope.context, column)
        switch fn {
        case "previous":
            guard let firstArg = labeled["first"], case .expr(let f) = firstArg.value else {
                diagnostics.append(.previousNeedsFirst(at: span))
                return .some(nil)
            }
            guard let first = resolve(f, scope) else { return .some(nil) }
            let info = tables[ref.table.index].columns[column]
            var type: VType
            if case .formula = info.kind, visits[ref] != .done {
                // Not checked yet (it may read this very column): its type is checked later.
                type = first.type.base == .unknown ? .number : first.type
                deferredPrevious.append((ref, type, target.span))
            } else {
                type = info.type
                if first.type.base != .unknown, first.type != type {
                    diagnostics.append(.previousTypeMismatch(info.name, type, first.type, at: f.span))
                    return .some(nil)
                }
            }
            return .some(CExpr(.shift(TimeShift(column: ref, mode: .previous(first: first), axis: axis)), type, span))
        case "shift":
            guard let read = resolve(target, scope) else { return .some(nil) }
            guard case .expr(let kExpr) = positional[1].value, let k = resolve(kExpr, scope) else { return .some(nil) }
            guard k.type == .number || k.type.base == .unknown else {
                diagnostics.append(.shiftNotNumber(k.type, at: kExpr.span))
                return .some(nil)
            }
            if case .literal(.number(let x)) = k.kind, x != x.rounded() {
                diagnostics.append(.shiftNotWhole(at: kExpr.span))
                return .some(nil)
            }
            if case .unary(.negate, let inner) = kExpr.kind, case .number(let x) = inner.kind, x != x.rounded() {
                diagnostics.append(.shiftNotWhole(at: kExpr.span))
                return .some(nil)
            }
            return .some(CExpr(.shift(TimeShift(column: ref, mode: .by(k), axis: axis)), read.type, span))
        default: // cumulative
            guard let read = resolve(target, scope) else { return .some(nil) }
            let t = read.type.base == .unknown ? VType.number : read.type
            guard t == .number || t == .duration else {
                diagnostics.append(.argumentType(fn, parameter: "x", expected: [.number], found: read.type, at: target.span))
                return .some(nil)
            }
            return .some(CExpr(.shift(TimeShift(column: ref, mode: .cumulative, axis: axis)), t, span))
        }
    }

    /// The column of the context table an argument names (`closing` or `projection.closing`).
    func timeColumn(_ e: Expr, _ scope: Scope) -> Int? {
        switch e.kind {
        case .name(let n): return columnIndex(scope.owner, n.text)
        case .member(let t, let c) where t.text == tables[scope.owner.index].name:
            return columnIndex(scope.owner, c.text)
        default: return nil
        }
    }

    /// `first_period(t.cond)`: the smallest period key of the rows of period table `t` (in
    /// this row's series) where the condition holds, missing when none. Lowered to
    /// `min(if cond then t.key else ∞)` and a test for ∞, so it is an ordinary aggregate
    /// for the graph, the engine and explain.
    mutating func resolveFirstPeriod(_ args: [Argument], span: Span, _ scope: Scope) -> CExpr? {
        guard args.count == 1, args[0].label == nil, case .expr(let cond) = args[0].value else {
            diagnostics.append(.timeReadArity("first_period", example: "first_period(projection.closing < 0)", at: span))
            return nil
        }
        let finer = finerTables(in: cond, scope)
        if finer.isEmpty, let axis = tables[scope.context.index].periods, scope.context == scope.owner {
            return resolveFirstPeriodAlongTime(cond, axis: axis, span: span, scope)
        }
        guard finer.count == 1, let axis = tables[finer[0].0.index].periods else {
            if finer.count > 1 { return resolveAggregate(.min, Name("first_period", span), args, span: span, scope) }
            diagnostics.append(.firstPeriodNeedsPeriods(at: cond.span))
            return nil
        }
        let t = tables[finer[0].0.index]
        let none = 1e15
        let pick = Expr(.conditional(condition: cond, then: Expr(.member(table: Name(t.name, cond.span), column: Name(axis.key, cond.span)), cond.span),
                                     else: Expr(.number(none), cond.span)), cond.span)
        guard let m = resolveAggregate(.min, Name("first_period", span), [.positional(pick)],
                                       span: span, scope) else { return nil }
        let test = CExpr(.binary(.less, m, CExpr(.literal(.number(none)), .number, span)), .bool, span)
        let missing = CExpr(.literal(.missing(reason: "no period where the condition holds")), .number, span)
        return CExpr(.conditional(test, m, missing), .number, span)
    }

    /// `first_period(closing < 0)` in a period table itself: for every row, the first period
    /// of its series where the condition holds (the same value in each period of a series).
    mutating func resolveFirstPeriodAlongTime(_ cond: Expr, axis: PeriodAxis, span: Span, _ scope: Scope) -> CExpr? {
        guard let c = resolve(cond, scope) else { return nil }
        guard c.type == .bool || c.type.base == .unknown else {
            diagnostics.append(.firstPeriodNotCondition(c.type, at: cond.span))
            return nil
        }
        guard let k = columnIndex(scope.context, axis.key) else { return nil }
        return CExpr(.shift(TimeShift(column: ColumnRef(scope.context, k), mode: .firstWhere(c), axis: axis)), .number, span)
    }

    /// Columns read through `previous` before they were checked: their type must be the
    /// first period's.
    mutating func checkDeferredPrevious() {
        for (ref, type, span) in deferredPrevious {
            guard visits[ref] == .done else { continue }
            let info = tables[ref.table.index].columns[ref.column]
            if info.type != type {
                diagnostics.append(.previousTypeMismatch(info.name, info.type, type, at: span))
            }
        }
    }

    /// Rows of a dated source (events, or orders by `po`) summed into a period table fall into
    /// the period of their date.
    func periodBinning(context: TableRef, over: TableRef, early: PeriodBinning.Early) -> PeriodBinning? {
        guard let axis = tables[context.index].periods, tables[over.index].isSource,
              let dc = tables[over.index].source?.dateColumn, !matchable(over).contains(axis.key) else { return nil }
        return PeriodBinning(axis: axis, dateColumn: dc, early: early)
    }
}
