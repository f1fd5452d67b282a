// Checking formulas: name resolution, key alignment and types.
//
// A formula is checked in a scope: the table whose rows it is evaluated over (`context`)
// and the table whose columns its bare names mean (`owner`). They differ only inside an
// aggregate, whose argument is evaluated over the rows of the more finely keyed table.

import VeloData
import VeloSyntax

struct Scope {
    var context: TableRef
    var owner: TableRef
}

extension Checker {
    /// Checks one formula column (and, first, everything it reads). Returns its type, or nil
    /// when it has errors (already reported) or sits on a cycle.
    @discardableResult
    mutating func checkFormula(_ ref: ColumnRef) -> VType? {
        switch visits[ref] {
        case .done?: return tables[ref.table.index].columns[ref.column].type
        case .failed?: return nil
        case .inProgress?:
            reportCycle(closingAt: ref)
            return nil
        case nil: break
        }
        guard let source = formulaSources[ref] else { return nil }
        visits[ref] = .inProgress
        stack.append(ref)
        let checked = resolve(source, Scope(context: ref.table, owner: ref.table))
        stack.removeLast()
        guard let checked, visits[ref] == .inProgress else {
            visits[ref] = .failed
            tablesWithErrors.insert(ref.table)
            return nil
        }
        let type = checked.type.base == .unknown ? VType.number : checked.type
        tables[ref.table.index].columns[ref.column].type = type
        tables[ref.table.index].columns[ref.column].kind = .formula(checked)
        visits[ref] = .done
        formulaOrder.append(ref)
        return type
    }

    mutating func reportCycle(closingAt ref: ColumnRef) {
        guard let start = stack.firstIndex(of: ref) else { return }
        report(cycle: Array(stack[start...]))
    }

    // MARK: - Keys

    /// Columns of `x` that rows of another table can be matched on: its keys, and for a
    /// source also every column named like a key somewhere (`po.sku` in a table by `po`).
    func matchable(_ x: TableRef) -> Set<String> {
        let t = tables[x.index]
        if t.isSource { return Set(t.columns.map(\.name)).intersection(keyNames).union(t.keys) }
        return Set(t.keys)
    }

    /// The columns rows of `context` match rows of `x` on: `context`'s keys first (in key
    /// order), then its other matchable columns, sorted.
    func sharedColumns(_ context: TableRef, _ x: TableRef) -> [String] {
        let shared = matchable(context).intersection(matchable(x))
        let keys = tables[context.index].keys.filter { shared.contains($0) }
        return keys + shared.subtracting(keys).sorted()
    }

    /// A table with one row and no keys (a grand total): every other table is read whole.
    func isKeyless(_ t: TableRef) -> Bool {
        let info = tables[t.index]
        return !info.isSource && info.keys.isEmpty
    }

    /// A reference from rows of `context` to `x` finds at most one row: `x`'s keys are all known.
    func canLookup(from context: TableRef, to x: TableRef) -> Bool {
        let t = tables[x.index]
        if t.isEventTable { return false }
        return Set(t.keys).isSubset(of: matchable(context))
    }

    /// The keys that vary within one row of `context` when reading `x` ("its rows" for events).
    func extraKeys(from context: TableRef, to x: TableRef) -> [String] {
        let t = tables[x.index]
        if t.isEventTable { return [] }
        let known = matchable(context)
        return t.keys.filter { !known.contains($0) }
    }

    /// A reference from `context` to `x`, which have no column to match rows on.
    mutating func report(noSharedKey x: TableRef, context: TableRef, aggregate: String?, column: String, type: VType, at span: Span) {
        let c = tables[context.index]
        // A file that cannot be read has no known columns: already reported.
        if unreadable.contains(tables[x.index].name) || unreadable.contains(c.name) { return }
        let fn = type == .bool ? "any" : type == .number ? "sum" : type == .date ? "max" : "count"
        let total = aggregate ?? "\(fn)(\(column))"
        let defining = stack.last.map { tables[$0.table.index].columns[$0.column].name } ?? "total"
        diagnostics.append(.noSharedKey(tables[x.index].name, keys: Array(matchable(x)).sorted(),
                                        context: c.name, contextKeys: c.isSource ? Array(matchable(context)).sorted() : c.keys,
                                        reference: column, total: total, name: defining, isAggregate: aggregate != nil, at: span))
    }

    // MARK: - References

    /// A column reference in a scope: same row, a lookup, or an error asking for an aggregate.
    mutating func reference(_ x: TableRef, _ column: Int, _ scope: Scope, span: Span) -> CExpr? {
        let ref = ColumnRef(x, column)
        let info = tables[x.index].columns[column]
        var type = info.type
        if case .formula = info.kind {
            guard let t = checkFormula(ref) else { return nil }
            type = t
        }
        if x != scope.owner { reads[scope.owner, default: []].insert(x) }
        if x == scope.context { return CExpr(.column(ref), type, span) }
        if canLookup(from: scope.context, to: x) {
            return CExpr(.lookup(ref, Alignment(from: scope.context, to: x, on: tables[x.index].keys)), type, span)
        }
        let name = "\(tables[x.index].name).\(info.name)"
        if sharedColumns(scope.context, x).isEmpty, !isKeyless(scope.context) {
            report(noSharedKey: x, context: scope.context, aggregate: nil, column: name, type: type, at: span)
            return nil
        }
        diagnostics.append(.needsAggregate(name, context: tables[scope.context.index].name,
                                           contextKeys: tables[scope.context.index].keys,
                                           extra: extraKeys(from: scope.context, to: x),
                                           isEvents: tables[x.index].isEventTable, type: type, at: span))
        return nil
    }

    mutating func resolveName(_ n: Name, _ scope: Scope) -> CExpr? {
        let owner = tables[scope.owner.index]
        if let c = columnIndex(scope.owner, n.text) {
            return reference(scope.owner, c, scope, span: n.span)
        }
        if let p = params.firstIndex(where: { $0.name == n.text }) {
            return CExpr(.param(p), params[p].type, n.span)
        }
        if tables.contains(where: { $0.name == n.text }) {
            diagnostics.append(.tableUsedAsValue(n.text, columns: tables.first { $0.name == n.text }!.columns.map(\.name), at: n.span))
            return nil
        }
        let candidates = owner.columns.map(\.name) + params.map(\.name)
        diagnostics.append(.unknownName(n.text, table: owner.name, candidates: candidates, at: n.span))
        return nil
    }

    mutating func resolveTable(_ n: Name) -> TableRef? {
        if let i = tables.firstIndex(where: { $0.name == n.text }) { return TableRef(i) }
        diagnostics.append(.unknownTable(n.text, candidates: tables.map(\.name), at: n.span))
        return nil
    }

    mutating func resolveColumn(_ t: TableRef, _ n: Name) -> Int? {
        if let c = columnIndex(t, n.text) { return c }
        let table = tables[t.index]
        if unreadable.contains(table.name) { return nil }   // already reported: the file cannot be read
        diagnostics.append(.unknownColumn(n.text, table: table.name, candidates: table.columns.map(\.name),
                                          isSource: table.isSource, at: n.span))
        return nil
    }

    // MARK: - Expressions

    mutating func resolve(_ e: Expr, _ scope: Scope) -> CExpr? {
        switch e.kind {
        case .number(let v), .percent(let v):
            return CExpr(.literal(.number(v)), .number, e.span)
        case .duration(let d):
            return CExpr(.literal(.duration(d)), .duration, e.span)
        case .bool(let b):
            return CExpr(.literal(.bool(b)), .bool, e.span)
        case .text(let t):
            return CExpr(.literal(.text(t.plainText ?? "")), .text, e.span)
        case .date(let text):
            guard let d = CivilDate(iso: text) else {
                diagnostics.append(.invalidDate(text, at: e.span))
                return nil
            }
            return CExpr(.literal(.date(d.day)), .date, e.span)
        case .missing(let reason):
            return CExpr(.literal(.missing(reason: reason)), .unknown, e.span)
        case .name(let n):
            return resolveName(n, scope)
        case .member(let t, let c):
            guard let table = resolveTable(t), let column = resolveColumn(table, c) else { return nil }
            return reference(table, column, scope, span: e.span)
        case .call(let callee, let args):
            return resolveCall(callee, args, span: e.span, scope)
        case .index(let base, let keys):
            return resolveCell(base, keys, span: e.span, scope)
        case .unary(let op, let operand):
            guard let x = resolve(operand, scope) else { return nil }
            switch op {
            case .negate:
                let t = x.type.base == .unknown ? VType.number : x.type
                guard t == .number || t == .duration else {
                    diagnostics.append(.badOperand("-", x.type, at: operand.span))
                    return nil
                }
                return CExpr(.negate(x), t, e.span)
            case .not:
                guard x.type == .bool || x.type.base == .unknown else {
                    diagnostics.append(.nonBoolean("the value after `not`", x.type, at: operand.span))
                    return nil
                }
                return CExpr(.not(x), .bool, e.span)
            }
        case .binary(let op, let l, let r):
            let a = resolve(l, scope)
            let b = resolve(r, scope)
            guard let a, let b else { return nil }
            guard let type = binaryType(op, a, b, span: e.span) else { return nil }
            return CExpr(.binary(op, a, b), type, e.span)
        case .isMissing(let x, let negated):
            guard let inner = resolve(x, scope) else { return nil }
            return CExpr(.isMissing(inner, negated: negated), .bool, e.span)
        case .conditional(let c, let a, let b):
            let cond = resolve(c, scope)
            let x = resolve(a, scope)
            let y = resolve(b, scope)
            guard let cond, let x, let y else { return nil }
            guard cond.type == .bool || cond.type.base == .unknown else {
                diagnostics.append(.nonBoolean("the condition of `if`", cond.type, at: c.span))
                return nil
            }
            guard let t = x.type.unified(with: y.type) else {
                diagnostics.append(.branchMismatch(x.type, y.type, at: b.span, thenSpan: a.span))
                return nil
            }
            return CExpr(.conditional(cond, x, y), t, e.span)
        }
    }

    func binaryType(_ op: BinaryOp, _ a: CExpr, _ b: CExpr) -> VType? {
        // A bare `missing` takes the type the other side needs.
        let x = a.type.base == .unknown ? (b.type.base == .unknown ? .number : b.type) : a.type
        let y = b.type.base == .unknown ? x : b.type
        switch op {
        case .add:
            switch (x.base, y.base) {
            case (.number, .number): return .number
            case (.date, .duration), (.duration, .date): return .date
            case (.duration, .duration): return .duration
            default: return nil
            }
        case .subtract:
            switch (x.base, y.base) {
            case (.number, .number): return .number
            case (.date, .duration): return .date
            case (.date, .date), (.duration, .duration): return .duration
            default: return nil
            }
        case .multiply:
            switch (x.base, y.base) {
            case (.number, .number): return .number
            case (.duration, .number), (.number, .duration): return .duration
            default: return nil
            }
        case .divide:
            switch (x.base, y.base) {
            case (.number, .number), (.duration, .duration): return .number
            case (.duration, .number): return .duration
            default: return nil
            }
        case .power:
            return x == .number && y == .number ? .number : nil
        case .equal, .notEqual:
            return x == y ? .bool : nil
        case .less, .lessEqual, .greater, .greaterEqual:
            return x == y && x != .bool ? .bool : nil
        case .and, .or:
            return x == .bool && y == .bool ? .bool : nil
        case .coalesce:
            return a.type.unified(with: b.type)
        }
    }

    mutating func binaryType(_ op: BinaryOp, _ a: CExpr, _ b: CExpr, span: Span) -> VType? {
        if let t = binaryType(op, a, b) { return t }
        switch op {
        case .and, .or:
            let bad = a.type == .bool ? b : a
            diagnostics.append(.nonBoolean("both sides of `\(op.rawValue)`", bad.type, at: bad.span))
        case .coalesce:
            diagnostics.append(.coalesceMismatch(a.type, b.type, at: span))
        default:
            diagnostics.append(.operandTypes(op, a.type, b.type, at: span))
        }
        return nil
    }

    // MARK: - Cells

    mutating func resolveCell(_ base: Expr, _ keys: [Expr], span: Span, _ scope: Scope) -> CExpr? {
        let target: (TableRef, Int)?
        switch base.kind {
        case .member(let t, let c):
            guard let table = resolveTable(t), let column = resolveColumn(table, c) else { return nil }
            target = (table, column)
        case .name(let n):
            guard let column = columnIndex(scope.owner, n.text) else {
                _ = resolveName(n, scope)
                return nil
            }
            target = (scope.owner, column)
        default:
            target = nil
        }
        guard let (table, column) = target else {
            diagnostics.append(.indexNeedsColumn(at: base.span))
            return nil
        }
        let t = tables[table.index]
        guard !t.keys.isEmpty, keys.count == t.keys.count else {
            diagnostics.append(.wrongKeyCount(t.name, keys: t.keys, found: keys.count, at: span))
            return nil
        }
        var resolved: [CExpr] = []
        for (k, key) in zip(keys, t.keyColumns) {
            guard let x = resolve(k, scope) else { return nil }
            let expected = t.columns[key].type
            guard x.type == expected else {
                diagnostics.append(.keyValueType(expected, x.type, at: k.span))
                return nil
            }
            resolved.append(x)
        }
        let ref = ColumnRef(table, column)
        var type = t.columns[column].type
        if case .formula = t.columns[column].kind {
            guard let ft = checkFormula(ref) else { return nil }
            type = ft
        }
        return CExpr(.cell(ref, keys: resolved), type, span)
    }
}
