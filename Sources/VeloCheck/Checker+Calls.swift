// Checking calls: scalar builtins by their declarative signatures, and aggregates, whose
// argument is evaluated over the rows of a more finely keyed table (or the days of a
// time window over an event table) and reduced to one value per row of the context.

import VeloSyntax

extension Checker {
    mutating func resolveCall(_ callee: Name, _ args: [Argument], span: Span, _ scope: Scope) -> CExpr? {
        if let timed = resolveTimeCall(callee, args, span: span, scope) { return timed }
        let positional = args.filter { $0.label == nil }
        if let fn = AggregateFunction(rawValue: callee.text) {
            let isScalarMinMax = (fn == .min || fn == .max)
                && positional.filter({ if case .expr = $0.value { return true } else { return false } }).count >= 2
            if !isScalarMinMax { return resolveAggregate(fn, callee, args, span: span, scope) }
        }
        guard let builtin = Builtin(rawValue: callee.text) else {
            let names = Builtin.allCases.map(\.rawValue) + AggregateFunction.allCases.map(\.rawValue)
            diagnostics.append(.unknownFunction(callee.text, candidates: names, at: callee.span))
            return nil
        }
        let sig = builtin.signature
        for a in args {
            if let label = a.label {
                diagnostics.append(.positionalOnly(callee.text, example: sig.example, at: label.span))
                return nil
            }
            if case .window(let w) = a.value {
                diagnostics.append(.windowInScalarCall(callee.text, at: w.span))
                return nil
            }
        }
        let count = args.count
        let maxCount = sig.variadic ? Int.max : sig.parameters.count
        guard count >= sig.required, count <= maxCount else {
            diagnostics.append(.wrongArgumentCount(callee.text, signature: sig, found: count, at: span))
            return nil
        }
        var resolved: [CExpr] = []
        var failed = false
        for a in args {
            guard case .expr(let e) = a.value, let x = resolve(e, scope) else { failed = true; continue }
            resolved.append(x)
        }
        if failed { return nil }
        var first: VType? = nil
        for (i, x) in resolved.enumerated() {
            let p = sig.parameters[min(i, sig.parameters.count - 1)]
            let t = x.type.base == .unknown ? (first ?? p.types[0]) : x.type
            guard p.types.contains(t) else {
                diagnostics.append(.argumentType(callee.text, parameter: p.name, expected: p.types, found: x.type, at: x.span))
                return nil
            }
            if sig.result == nil {
                if let f = first, f != t {
                    diagnostics.append(.argumentType(callee.text, parameter: p.name, expected: [f], found: x.type, at: x.span))
                    return nil
                }
                first = first ?? t
            }
        }
        return CExpr(.call(builtin, resolved), sig.result ?? first ?? .number, span)
    }

    /// The one table, more finely keyed than `context`, whose rows an aggregate's argument reads.
    func finerTables(in e: Expr, _ scope: Scope) -> [(TableRef, Span)] {
        var found: [(TableRef, Span)] = []
        func visit(_ e: Expr) {
            switch e.kind {
            case .member(let t, _):
                if let i = tables.firstIndex(where: { $0.name == t.text }) {
                    let x = TableRef(i)
                    if x != scope.context, !canLookup(from: scope.context, to: x), !found.contains(where: { $0.0 == x }) {
                        found.append((x, e.span))
                    }
                }
            case .call(let callee, let args):
                // A nested aggregate reduces its own rows.
                if AggregateFunction(rawValue: callee.text) != nil && !(["min", "max"].contains(callee.text) && args.count >= 2) { return }
                for a in args { if case .expr(let x) = a.value { visit(x) } }
            case .index(let base, let keys):
                _ = base
                keys.forEach(visit)
            case .unary(_, let x), .isMissing(let x, _): visit(x)
            case .binary(_, let a, let b): visit(a); visit(b)
            case .conditional(let c, let a, let b): visit(c); visit(a); visit(b)
            default: break
            }
        }
        visit(e)
        return found
    }

    mutating func resolveAggregate(_ fn: AggregateFunction, _ callee: Name, _ args: [Argument], span: Span,
                                   _ scope: Scope) -> CExpr? {
        var values: [Expr] = []
        var windows: [Window] = []
        var named: [String: (Name, Argument)] = [:]
        for a in args {
            if let label = a.label {
                guard fn.namedArguments.contains(label.text) || label.text == "early" else {
                    diagnostics.append(.unknownNamedArgument(label.text, function: fn.rawValue, candidates: fn.namedArguments, at: label.span))
                    return nil
                }
                guard named[label.text] == nil else {
                    diagnostics.append(.duplicateNamedArgument(label.text, at: label.span))
                    return nil
                }
                named[label.text] = (label, a)
                continue
            }
            switch a.value {
            case .expr(let e): values.append(e)
            case .window(let w): windows.append(w)
            }
        }
        guard values.count == 1, windows.count <= 1 else {
            diagnostics.append(.aggregateArity(fn.rawValue, at: span))
            return nil
        }
        let value = values[0]
        let finer = finerTables(in: value, scope)
        guard finer.count == 1 else {
            if finer.isEmpty {
                diagnostics.append(.aggregateNeedsFinerTable(fn.rawValue, context: tables[scope.context.index].name,
                                                             hasWindow: !windows.isEmpty, at: value.span))
            } else {
                diagnostics.append(.aggregateMixesTables(fn.rawValue, tables[finer[0].0.index].name,
                                                         tables[finer[1].0.index].name, at: finer[1].1))
            }
            return nil
        }
        let over = finer[0].0
        var on = sharedColumns(scope.context, over)
        var early = PeriodBinning.Early.drop
        if let (_, arg) = named["early"] {
            guard case .expr(let e) = arg.value, case .name(let n) = e.kind, let v = PeriodBinning.Early(rawValue: n.text) else {
                diagnostics.append(.badEarly(at: arg.span))
                return nil
            }
            early = v
        }
        let binning = periodBinning(context: scope.context, over: over, early: early)
        if let binning {
            on.append(binning.axis.key)
        } else if let (_, arg) = named["early"] {
            diagnostics.append(.earlyWithoutPeriods(at: arg.span))
            return nil
        }
        if on.isEmpty, !isKeyless(scope.context) {
            // Nothing to match on: every row of `over` would be read for every context row.
            report(noSharedKey: over, context: scope.context, aggregate: file.text(of: span),
                   column: file.text(of: finer[0].1), type: .number, at: finer[0].1)
            return nil
        }
        reads[scope.owner, default: []].insert(over)
        guard let argument = resolve(value, Scope(context: over, owner: scope.owner)) else { return nil }
        let argType = argument.type.base == .unknown ? (fn.argumentTypes.first ?? .number) : argument.type
        guard fn.argumentTypes.contains(argType) else {
            diagnostics.append(.aggregateArgumentType(fn.rawValue, expected: fn.argumentTypes, found: argument.type, at: value.span))
            return nil
        }
        var window: CheckedWindow? = nil
        if let w = windows.first {
            guard let checked = checkWindow(w, over: over, scope) else { return nil }
            window = checked
        }
        var weighting: Weighting? = nil
        if fn == .wavg {
            guard window != nil else {
                diagnostics.append(.wavgNeedsWindow(at: span))
                return nil
            }
            guard let w = checkWeighting(named, span: span) else { return nil }
            weighting = w
        }
        let call = AggregateCall(function: fn, alignment: Alignment(from: scope.context, to: over, on: on, binning: binning),
                                 argument: argument, window: window, weighting: weighting)
        return CExpr(.aggregate(call), fn.resultType(for: argType), span)
    }

    mutating func checkWeighting(_ named: [String: (Name, Argument)], span: Span) -> Weighting? {
        var halfLife: Double? = nil
        if let (label, arg) = named["half_life"] {
            guard case .expr(let e) = arg.value, case .duration(let d) = e.kind, d > 0 else {
                diagnostics.append(.badHalfLife(at: arg.span.through(label.span)))
                return nil
            }
            halfLife = d
        }
        if let (_, arg) = named["weights"] {
            guard case .expr(let e) = arg.value, case .name(let n) = e.kind, ["linear", "exponential"].contains(n.text) else {
                diagnostics.append(.badWeights(at: arg.span))
                return nil
            }
            if n.text == "linear" {
                if halfLife != nil {
                    diagnostics.append(.halfLifeWithLinear(at: arg.span))
                    return nil
                }
                return .linear
            }
            if halfLife == nil {
                diagnostics.append(.exponentialNeedsHalfLife(at: arg.span))
                return nil
            }
        }
        guard let h = halfLife else {
            diagnostics.append(.wavgNeedsWeights(at: span))
            return nil
        }
        return .exponential(halfLifeDays: h)
    }

    /// A window over the rows of `over`, which must have a date column.
    mutating func checkWindow(_ w: Window, over: TableRef, _ scope: Scope) -> CheckedWindow? {
        let t = tables[over.index]
        guard t.isSource, t.source?.dateColumn != nil else {
            diagnostics.append(.windowWithoutDates(t.name, isSource: t.isSource, at: w.span))
            return nil
        }
        func wholeDays(_ d: Double, span: Span, allowZero: Bool) -> Int? {
            guard d == d.rounded(), d >= (allowZero ? 0 : 1), d <= 100_000 else {
                diagnostics.append(.badWindowLength(d, ending: allowZero, at: span))
                return nil
            }
            return Int(d)
        }
        switch w.kind {
        case .last(let days, let ago):
            guard let n = wholeDays(days, span: w.lengthSpan, allowZero: false),
                  let m = wholeDays(ago, span: w.span, allowZero: true) else { return nil }
            return CheckedWindow(length: n, anchor: .asOf(endingAgo: m), span: w.span)
        case .after(let days, let anchor), .before(let days, let anchor):
            guard let n = wholeDays(days, span: w.lengthSpan, allowZero: false) else { return nil }
            guard let a = resolve(anchor, scope) else { return nil }
            guard a.type == .date else {
                diagnostics.append(.windowAnchorNotDate(a.type, at: anchor.span))
                return nil
            }
            if case .after = w.kind { return CheckedWindow(length: n, anchor: .after(a), span: w.span) }
            return CheckedWindow(length: n, anchor: .before(a), span: w.span)
        }
    }
}
