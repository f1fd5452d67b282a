// The order in which formula columns are checked, found without recursion.
//
// Checking a column needs the types of the columns it reads, so those are checked first.
// The names a formula reads are known from the syntax tree alone (a bare name is a column
// of its own table when there is one; `t.c` names table t's column c), so a depth-first
// walk with an explicit stack orders the columns and finds cycles — a chain of thousands
// of columns cannot overflow the stack, and every cycle is reported with its whole path.

import VeloSyntax

extension Checker {
    /// Formula columns, each after the formula columns it names. Columns on a cycle are
    /// reported and marked as failed.
    mutating func checkingOrder() -> [ColumnRef] {
        // Formulas numbered in sorted order; edges and states by number (arrays, not a
        // dictionary lookup and an array copy per step of the walk).
        let refs = formulaSources.keys.sorted()
        var number: [ColumnRef: Int] = Dictionary(minimumCapacity: refs.count)
        for (i, ref) in refs.enumerated() { number[ref] = i }
        let deps: [[Int]] = refs.map { ref in
            formulaSources[ref].map { namedFormulas($0, owner: ref.table).compactMap { number[$0] } } ?? []
        }
        let unseen: UInt8 = 0, open: UInt8 = 1, closed: UInt8 = 2
        var state = [UInt8](repeating: unseen, count: refs.count)
        var order: [ColumnRef] = []
        order.reserveCapacity(refs.count)
        var reported = Set<ColumnRef>()
        var stack: [(node: Int, next: Int)] = []
        for root in refs.indices where state[root] == unseen {
            stack.append((root, 0))
            state[root] = open
            while let top = stack.last {
                if top.next < deps[top.node].count {
                    stack[stack.count - 1].next += 1
                    let d = deps[top.node][top.next]
                    if state[d] == unseen {
                        state[d] = open
                        stack.append((d, 0))
                    } else if state[d] == open {
                        // `d` is on the current path: the path from `d` to here is a cycle.
                        let start = stack.firstIndex { $0.node == d } ?? 0
                        let cycle = stack[start...].map { refs[$0.node] }
                        if reported.isDisjoint(with: cycle) {
                            reported.formUnion(cycle)
                            report(cycle: cycle)
                        } else {
                            for m in cycle { visits[m] = .failed }
                        }
                    }
                } else {
                    state[top.node] = closed
                    order.append(refs[top.node])
                    stack.removeLast()
                }
            }
        }
        return order
    }

    mutating func report(cycle: [ColumnRef]) {
        for member in cycle { visits[member] = .failed }
        let names = (cycle + [cycle[0]]).map { "\(tables[$0.table.index].name).\(tables[$0.table.index].columns[$0.column].name)" }
        let first = tables[cycle[0].table.index].columns[cycle[0].column]
        diagnostics.append(.cycle(names, at: first.span,
                                  notes: cycle.dropFirst().map { m in
                                      let c = tables[m.table.index].columns[m.column]
                                      return .init(span: c.span, message: "`\(tables[m.table.index].name).\(c.name)` is part of the cycle")
                                  }))
    }

    /// The formula columns an expression names, in the order written.
    func namedFormulas(_ e: Expr, owner: TableRef) -> [ColumnRef] {
        var found: [ColumnRef] = []
        func add(_ t: TableRef, _ name: String) {
            if let c = columnIndex(t, name) {
                let ref = ColumnRef(t, c)
                if formulaSources[ref] != nil, !found.contains(ref) { found.append(ref) }
            }
        }
        func visit(_ e: Expr) {
            switch e.kind {
            case .name(let n): add(owner, n.text)
            case .member(let t, let c):
                if let i = tables.firstIndex(where: { $0.name == t.text }) { add(TableRef(i), c.text) }
            case .call(let callee, let args):
                // `previous(x, first: f)` reads x in an earlier period: a recurrence, not a cycle.
                for a in args where !(callee.text == "previous" && a.label == nil) {
                    switch a.value {
                    case .expr(let x): visit(x)
                    case .window(let w):
                        switch w.kind {
                        case .after(_, let anchor), .before(_, let anchor): visit(anchor)
                        case .last: break
                        }
                    }
                }
            case .index(let base, let keys): visit(base); keys.forEach(visit)
            case .unary(_, let x), .isMissing(let x, _): visit(x)
            case .binary(_, let a, let b): visit(a); visit(b)
            case .conditional(let c, let a, let b): visit(c); visit(a); visit(b)
            case .text(let t):
                for p in t.parts { if case .interpolation(let x, _) = p { visit(x) } }
            case .number, .percent, .duration, .date, .bool, .missing:
                break
            }
        }
        visit(e)
        return found
    }
}
