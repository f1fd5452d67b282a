// The time axis in the evaluation graph: shift edges and recurrences.
//
// A formula of a period table that reads a column of its own table along time
// (`previous(closing, first: …)`, `shift(planned_receipt, lt_weeks)`, `cumulative(demand)`)
// reads it through a `shift` hop: rows of the same series (the same other keys) at other
// periods. Dirt travels it forward in time: a dirty row of period p reaches the next period
// (previous), the row k periods earlier (a constant shift by k), the whole series (a shift by
// a column), or the periods from p on (cumulative).
//
// Columns that read each other's previous period form a *recurrence* (`opening` reads the
// previous `closing`, which reads `opening`): a cycle of the graph whose back edges all go
// one period back. The recurrence is one unit of the evaluation order; within it, columns are
// ordered by what they read in the same period, and it is evaluated period after period, each
// period one vector over all its series (Workspace+Recurrence.swift). Its back edges are
// not counted by the order, the heights or the invariant that inputs come first.

import VeloCheck

/// How a shift hop moves along the time axis.
public enum TimeStep: Hashable, Sendable {
    /// The period before the reader's (first period: the `first:` value instead).
    case previous
    /// A constant number of periods away (positive: later).
    case offset(Int)
    /// A number of periods computed per row.
    case anyOffset
    /// Every period up to and including the reader's.
    case upTo
    /// Every period of the reader's series (`first_period(cond)` in the period table).
    case series

    init(_ s: TimeShift) {
        switch s.mode {
        case .previous: self = .previous
        case .by: self = s.constantOffset.map { .offset($0) } ?? .anyOffset
        case .cumulative: self = .upTo
        case .firstWhere: self = .series
        }
    }

    var kindName: String {
        switch self {
        case .previous: return "shift: previous period"
        case .offset(let k): return "shift: \(k) periods"
        case .anyOffset: return "shift: periods from a column"
        case .upTo: return "shift: periods up to this one"
        case .series: return "shift: every period of the series"
        }
    }
}

extension EvaluationGraph {
    /// An edge that reads a column of the reader's own recurrence in the period before.
    static func isBackEdge(_ e: Edge, of node: GraphNode, _ recurrenceOf: [ColumnRef: Int]) -> Bool {
        guard e.path.count == 1, case .shift(_, .previous) = e.path[0],
              case .column(let reader) = node, case .column(let input) = e.input,
              let g = recurrenceOf[reader] else { return false }
        return recurrenceOf[input] == g
    }

    /// The strongly connected groups of columns (through previous-period edges).
    static func findRecurrences(_ inputs: [GraphNode: [Edge]]) -> ([[ColumnRef]], [ColumnRef: Int]) {
        // Only edges that go one period back can close a cycle (the checker rejects the
        // others), so the candidates are the columns at either end of such an edge.
        var candidates: [ColumnRef: [ColumnRef]] = [:]   // column -> columns it reads in its table
        var hasBack = false
        for (node, edges) in inputs {
            guard case .column(let r) = node else { continue }
            for e in edges {
                guard case .column(let i) = e.input, i.table == r.table else { continue }
                if e.path.isEmpty || (e.path.count == 1 && { if case .shift(_, .previous) = e.path[0] { return true }; return false }()) {
                    candidates[r, default: []].append(i)
                    if !e.path.isEmpty { hasBack = true }
                }
            }
        }
        guard hasBack else { return ([], [:]) }
        // Tarjan's algorithm, iteratively.
        var index: [ColumnRef: Int] = [:], low: [ColumnRef: Int] = [:]
        var onStack = Set<ColumnRef>(), stack: [ColumnRef] = []
        var counter = 0
        var groups: [[ColumnRef]] = []
        for root in candidates.keys.sorted() where index[root] == nil {
            var work: [(ColumnRef, Int)] = [(root, 0)]
            index[root] = counter; low[root] = counter; counter += 1
            stack.append(root); onStack.insert(root)
            while let (v, i) = work.last {
                let next = candidates[v] ?? []
                if i < next.count {
                    work[work.count - 1].1 += 1
                    let w = next[i]
                    if index[w] == nil {
                        index[w] = counter; low[w] = counter; counter += 1
                        stack.append(w); onStack.insert(w)
                        work.append((w, 0))
                    } else if onStack.contains(w) {
                        low[v] = min(low[v]!, index[w]!)
                    }
                } else {
                    work.removeLast()
                    if let (u, _) = work.last { low[u] = min(low[u]!, low[v]!) }
                    if low[v] == index[v] {
                        var scc: [ColumnRef] = []
                        while let w = stack.popLast() {
                            onStack.remove(w)
                            scc.append(w)
                            if w == v { break }
                        }
                        let selfLoop = scc.count == 1 && (candidates[v] ?? []).contains(v)
                        if scc.count > 1 || selfLoop { groups.append(scc.sorted()) }
                    }
                }
            }
        }
        groups.sort { $0[0] < $1[0] }
        var of: [ColumnRef: Int] = [:]
        for (g, members) in groups.enumerated() { for m in members { of[m] = g } }
        // Each group in its order within one period.
        let ordered = groups.map { orderWithinPeriod($0.map { GraphNode.column($0) }, inputs, recurrenceOf: of) }
            .map { $0.compactMap { n -> ColumnRef? in if case .column(let r) = n { return r } else { return nil } } }
        return (ordered, of)
    }

    /// The columns of a recurrence, each after those it reads in the same period.
    static func orderWithinPeriod(_ group: [GraphNode], _ inputs: [GraphNode: [Edge]],
                                  recurrenceOf: [ColumnRef: Int]? = nil) -> [GraphNode] {
        let set = Set(group)
        var pending: [GraphNode: Set<GraphNode>] = [:]
        for n in group {
            var ins = Set<GraphNode>()
            for e in inputs[n] ?? [] where set.contains(e.input) && e.input != n {
                let back = e.path.count == 1 && { if case .shift(_, .previous) = e.path[0] { return true }; return false }()
                if !back { ins.insert(e.input) }
            }
            pending[n] = ins
        }
        var order: [GraphNode] = []
        var done = Set<GraphNode>()
        func key(_ n: GraphNode) -> ColumnRef { if case .column(let r) = n { return r }; return ColumnRef(TableRef(0), 0) }
        while order.count < group.count {
            let ready = group.filter { !done.contains($0) && pending[$0]!.isSubset(of: done) }.sorted { key($0) < key($1) }
            guard let next = ready.first else {
                // Not acyclic within a period (the checker reports such cycles): keep the rest.
                order += group.filter { !done.contains($0) }.sorted { key($0) < key($1) }
                break
            }
            order.append(next)
            done.insert(next)
        }
        return order
    }

    /// The recurrence a column belongs to, in its evaluation order.
    public func recurrence(of ref: ColumnRef) -> [ColumnRef]? {
        recurrenceOf[ref].map { recurrences[$0] }
    }
}
