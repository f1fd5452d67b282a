// The evaluation graph: the checked program lowered to nodes and typed edges, once.
//
// Every input is a node — source columns, params, the as-of date, the row set of every
// table — and so is everything computed: formula columns, the key columns and row sets of
// derived tables, flags and checks. An edge says how a reader reads an input: through a
// path of hops from the reader's rows outward (none: the same row; a lookup to a coarser
// table; a group of a finer table, optionally through a time window; a fixed cell; a
// scalar that every row reads). `reads(_:path:into:)` below is the only place that turns
// an expression into dependencies; evaluation order, the cells an edit makes dirty
// (Workspace+Stabilize.swift), rule-edit reuse (Workspace+Reuse.swift), explain, the as-of
// tables and the invariant checker are all read off this graph. ARCHITECTURE.md states it
// as a spec.

import VeloCheck

/// A node of the evaluation graph.
public enum GraphNode: Hashable, Sendable {
    /// A column: a source's data or key column, a derived table's key column, or a formula.
    case column(ColumnRef)
    case param(Int)
    /// The as-of date.
    case asOf
    /// The rows of a table: a source's rows as read, a derived table's key tuples.
    case rows(TableRef)
    case flag(Int)
    case check(Int)
}

/// One step from a reader's rows to the rows it reads, taken from the reader outward.
public enum Hop: Sendable {
    /// The one row of a coarser table that matches the reader's row.
    case lookup(Alignment)
    /// The rows of a finer table that match the reader's row, optionally only those dated
    /// inside a time window.
    case group(Alignment, window: CheckedWindow?)
    /// Rows of a table picked by key values computed per reader row (`t.col["K"]`).
    case cell(TableRef)
    /// One value that every reader row reads: a param, the as-of date, or a change of
    /// which rows align (a join column was edited).
    case scalar
    /// Rows of the same series of a period table at other periods (EvaluationGraph+Time.swift):
    /// the previous period, k periods away, or every period up to the reader's.
    case shift(TableRef, TimeStep)
}

/// How a node reads one input.
public struct Edge: Sendable {
    public var input: GraphNode
    /// From the reader's rows outward; empty means the same row of the same table.
    public var path: [Hop]
    /// The expression that reads the input, for explain: a column, lookup, cell, aggregate,
    /// param or `asof()`; nil for the edges that say which rows a read aligns with.
    public var site: CExpr?

    /// The kind of the edge, as the spec names it.
    public var kind: String {
        switch path.last {
        case nil: return "same row"
        case .lookup?: return "lookup"
        case .group(_, let w)?: return w == nil ? "group" : "group in a window"
        case .cell?: return "fixed cell"
        case .scalar?: return "scalar"
        case .shift(_, let step)?: return step.kindName
        }
    }
}

/// The program's evaluation graph.
public struct EvaluationGraph: Sendable {
    public let program: CheckedProgram
    /// Every node's inputs.
    public private(set) var inputs: [GraphNode: [Edge]] = [:]
    /// Every node, each after all of its inputs (inputs first, then by height).
    public private(set) var order: [GraphNode] = []
    /// Longest path from an input node: inputs have height 0.
    public private(set) var height: [GraphNode: Int] = [:]
    /// The tables whose dates set the as-of date: those that windows anchored at the as-of
    /// date read (`last N days`, `from T in last N days`); without such windows, every dated
    /// event table.
    public private(set) var asOfTables: [TableRef] = []
    /// Columns of one period table that read each other's previous period: evaluated
    /// together, period after period (EvaluationGraph+Time.swift). Each in evaluation order.
    public private(set) var recurrences: [[ColumnRef]] = []
    /// The recurrence each of their columns belongs to.
    public private(set) var recurrenceOf: [ColumnRef: Int] = [:]

    public init(_ program: CheckedProgram) {
        self.program = program
        inputs.reserveCapacity(program.tables.reduce(1 + program.params.count + program.flags.count + program.checks.count) {
            $0 + 1 + $1.columns.count })
        for (t, table) in program.tables.enumerated() {
            let tref = TableRef(t)
            inputs[.rows(tref)] = rowsInputs(tref)
            for (c, column) in table.columns.enumerated() {
                let ref = ColumnRef(tref, c)
                switch column.kind {
                case .formula(let e):
                    var edges = [Edge(input: .rows(tref), path: [], site: nil)]
                    reads(e, path: [], into: &edges)
                    inputs[.column(ref)] = edges
                case .key:
                    inputs[.column(ref)] = table.isSource ? [] : [Edge(input: .rows(tref), path: [], site: nil)]
                case .data:
                    inputs[.column(ref)] = []
                }
            }
        }
        for p in program.params.indices { inputs[.param(p)] = [] }
        for (i, flag) in program.flags.enumerated() {
            var edges = [Edge(input: .rows(flag.table), path: [], site: nil)]
            reads(flag.condition, path: [], into: &edges)
            for case .value(let e, _) in flag.message { reads(e, path: [], into: &edges) }
            inputs[.flag(i)] = edges
        }
        for (i, check) in program.checks.enumerated() {
            var edges = [Edge(input: .rows(check.table), path: [], site: nil)]
            reads(check.condition, path: [], into: &edges)
            inputs[.check(i)] = edges
        }
        asOfTables = findAsOfTables()
        inputs[.asOf] = asOfTables.flatMap { t -> [Edge] in
            var edges = [Edge(input: .rows(t), path: [.scalar], site: nil)]
            if let dc = program.table(t).source?.dateColumn {
                edges.append(Edge(input: .column(ColumnRef(t, dc)), path: [.scalar], site: nil))
            }
            return edges
        }
        (recurrences, recurrenceOf) = EvaluationGraph.findRecurrences(inputs)
        (order, height) = EvaluationGraph.topologicalOrder(inputs, formulaOrder: program.formulaOrder,
                                                           recurrenceOf: recurrenceOf)
    }

    // MARK: - Lowering

    /// The edges by which an expression, evaluated for the rows at the end of `path`, reads
    /// its inputs. Exhaustive: a new kind of expression does not compile until it says what
    /// it reads.
    func reads(_ e: CExpr, path: [Hop], into edges: inout [Edge]) {
        switch e.kind {
        case .literal:
            break
        case .param(let p):
            edges.append(Edge(input: .param(p), path: path + [.scalar], site: e))
        case .column(let ref):
            edges.append(Edge(input: .column(ref), path: path, site: e))
        case .lookup(let ref, let a):
            let hop = path + [Hop.lookup(a)]
            edges.append(Edge(input: .column(ref), path: hop, site: e))
            edges.append(Edge(input: .rows(a.to), path: hop, site: nil))
            alignmentReads(a, contextPath: path, into: &edges)
        case .cell(let ref, let keys):
            let hop = path + [Hop.cell(ref.table)]
            edges.append(Edge(input: .column(ref), path: hop, site: e))
            edges.append(Edge(input: .rows(ref.table), path: hop, site: nil))
            for k in keys { reads(k, path: path, into: &edges) }
        case .aggregate(let a):
            let inner = path + [Hop.group(a.alignment, window: a.window)]
            edges.append(Edge(input: .rows(a.alignment.to), path: inner, site: e))
            alignmentReads(a.alignment, contextPath: path, into: &edges)
            if let w = a.window {
                // A window anchored at the as-of date moves with it; one anchored at a date
                // is missing while it reaches past the as-of date.
                edges.append(Edge(input: .asOf, path: path + [.scalar], site: nil))
                if let dc = program.table(a.alignment.to).source?.dateColumn {
                    edges.append(Edge(input: .column(ColumnRef(a.alignment.to, dc)), path: inner, site: nil))
                }
                switch w.anchor {
                case .asOf: break
                case .after(let anchor), .before(let anchor): reads(anchor, path: path, into: &edges)
                }
            }
            if let b = a.alignment.binning {
                // Rows fall into periods by their date, the as-of date and the horizon; a row
                // whose date moves changes group, so every reader row reads anew (as for a join column).
                edges.append(Edge(input: .column(ColumnRef(a.alignment.to, b.dateColumn)), path: path + [.scalar], site: nil))
                edges.append(Edge(input: .asOf, path: path + [.scalar], site: nil))
                if case .param(let p) = b.axis.horizon { edges.append(Edge(input: .param(p), path: path + [.scalar], site: nil)) }
            }
            reads(a.argument, path: inner, into: &edges)
        case .negate(let x), .not(let x), .isMissing(let x, _):
            reads(x, path: path, into: &edges)
        case .binary(_, let a, let b):
            reads(a, path: path, into: &edges)
            reads(b, path: path, into: &edges)
        case .conditional(let c, let a, let b):
            reads(c, path: path, into: &edges)
            reads(a, path: path, into: &edges)
            reads(b, path: path, into: &edges)
        case .call(let builtin, let args):
            if builtin.readsAsOf { edges.append(Edge(input: .asOf, path: path + [.scalar], site: e)) }
            for x in args { reads(x, path: path, into: &edges) }
        case .shift(let s):
            if case .firstWhere(let c) = s.mode {
                // The condition, read in every period of the row's series (and the period key
                // there: the value, and where explain finds the read).
                edges.append(Edge(input: .column(s.column), path: path + [.shift(s.column.table, .series)], site: e))
                reads(c, path: path + [.shift(s.column.table, .series)], into: &edges)
                break
            }
            edges.append(Edge(input: .column(s.column), path: path + [.shift(s.column.table, TimeStep(s))], site: e))
            switch s.mode {
            case .previous(let first): reads(first, path: path, into: &edges)
            case .by(let k): reads(k, path: path, into: &edges)
            case .cumulative, .firstWhere: break
            }
        case .periodDate(_, let key, _):
            edges.append(Edge(input: .column(key), path: path, site: nil))
            edges.append(Edge(input: .asOf, path: path + [.scalar], site: e))
        }
    }

    /// Which rows align depends on the columns matched: an edited join column of the
    /// context re-reads its rows; one of the other table moves rows between groups, so every
    /// reader row reads anew.
    func alignmentReads(_ a: Alignment, contextPath path: [Hop], into edges: inout [Edge]) {
        let from = program.table(a.from), to = program.table(a.to)
        for name in a.on {
            if let c = from.columnIndex(name), from.isSource, !from.keys.contains(name) {
                edges.append(Edge(input: .column(ColumnRef(a.from, c)), path: path, site: nil))
            }
            if let c = to.columnIndex(name), to.isSource, !to.keys.contains(name) {
                edges.append(Edge(input: .column(ColumnRef(a.to, c)), path: path + [.scalar], site: nil))
            }
        }
    }

    /// A table's rows read the rows (and the key-named columns) of the tables they are
    /// drawn from, and for `from T in last N days`, T's dates and the as-of date.
    func rowsInputs(_ t: TableRef) -> [Edge] {
        let info = program.table(t)
        guard case .derived(let spec) = info.kind else { return [] }
        func drawn(from f: TableRef, window: CheckedWindow?) -> [Edge] {
            let source = program.table(f)
            var edges = [Edge(input: .rows(f), path: [.scalar], site: nil)]
            for k in info.keys {
                if let c = source.columnIndex(k) { edges.append(Edge(input: .column(ColumnRef(f, c)), path: [.scalar], site: nil)) }
            }
            if window != nil {
                edges.append(Edge(input: .asOf, path: [.scalar], site: nil))
                if let dc = source.source?.dateColumn {
                    edges.append(Edge(input: .column(ColumnRef(f, dc)), path: [.scalar], site: nil))
                }
            }
            return edges
        }
        var horizon: [Edge] = []
        if case .param(let p)? = info.periods?.horizon { horizon.append(Edge(input: .param(p), path: [.scalar], site: nil)) }
        switch spec {
        case .single: return horizon
        case .from(let f, let window): return drawn(from: f, window: window) + horizon
        case .union(let ts): return ts.flatMap { drawn(from: $0, window: nil) } + horizon
        }
    }

    /// The tables whose dates the as-of date follows (see `asOfTables`).
    func findAsOfTables() -> [TableRef] {
        var windowed = Set<TableRef>()
        for edges in inputs.values {
            for edge in edges {
                for case .group(let a, let w?) in edge.path {
                    if case .asOf = w.anchor { windowed.insert(a.to) }
                }
            }
        }
        for t in program.tables.indices {
            if case .derived(.from(let f, let w?)) = program.tables[t].kind, case .asOf = w.anchor { windowed.insert(f) }
        }
        if windowed.isEmpty {
            windowed = Set(program.tables.indices.filter { program.tables[$0].isEventTable }.map(TableRef.init))
        }
        return windowed.sorted()
    }

    // MARK: - Order

    /// Kahn's algorithm over the inputs; among nodes of the same height, the checker's
    /// formula order, then a fixed order of kinds, keeps evaluation deterministic.
    /// Linear: the nodes are numbered densely (`NodeNumbering`), and the sort works on arrays
    /// indexed by those numbers, hashing no node after numbering them.
    static func topologicalOrder(_ inputs: [GraphNode: [Edge]], formulaOrder: [ColumnRef],
                                 recurrenceOf: [ColumnRef: Int] = [:]) -> ([GraphNode], [GraphNode: Int]) {
        let numbering = NodeNumbering(inputs.keys)
        var nodes: [GraphNode?] = Array(repeating: nil, count: numbering.count)
        var edgesOf: [[Edge]] = Array(repeating: [], count: numbering.count)
        for (node, edges) in inputs {
            let n = numbering.number(node)!
            nodes[n] = node
            edgesOf[n] = edges
        }
        // A recurrence is one unit: its columns come out together, in their order within a
        // period, so everything they read is computed before and everything reading them after.
        // Units are numbered as their node, or past the nodes for a recurrence; `missing`
        // stands for an input that is not a node, which is never ready.
        let groups = (recurrenceOf.values.max() ?? -1) + 1
        let missing = numbering.count + groups
        let unitCount = missing + 1
        func unit(_ n: GraphNode) -> Int {
            if !recurrenceOf.isEmpty, case .column(let r) = n, let g = recurrenceOf[r] { return numbering.count + g }
            return numbering.number(n) ?? missing
        }
        var unitOf = Array(0..<numbering.count)
        var members: [[Int]] = Array(repeating: [], count: groups)
        if !recurrenceOf.isEmpty {
            for n in 0..<numbering.count where nodes[n] != nil {
                let u = unit(nodes[n]!)
                if u != n { unitOf[n] = u; members[u - numbering.count].append(n) }
            }
        }
        // Each unit's distinct inputs (other units), counted once.
        var readers: [[Int]] = Array(repeating: [], count: unitCount)
        var pending = Array(repeating: 0, count: unitCount)
        var isUnit = Array(repeating: false, count: unitCount)
        var seenBy = Array(repeating: -1, count: unitCount)
        func collect(_ u: Int, from n: Int) {
            for e in edgesOf[n] {
                let i = unit(e.input)
                guard i != u, seenBy[i] != u else { continue }
                seenBy[i] = u
                pending[u] += 1
                readers[i].append(u)
            }
        }
        for n in 0..<numbering.count where nodes[n] != nil && unitOf[n] == n {
            isUnit[n] = true
            collect(n, from: n)
        }
        for g in 0..<groups where !members[g].isEmpty {
            let u = numbering.count + g
            isUnit[u] = true
            for n in members[g] { collect(u, from: n) }
        }
        var rank = Array(repeating: -1, count: numbering.count)
        for (i, ref) in formulaOrder.enumerated() {
            if let n = numbering.number(.column(ref)), nodes[n] != nil { rank[n] = i }
        }
        func tieBreak(_ u: Int) -> (Int, Int, Int) {
            if u >= numbering.count {
                let g = u - numbering.count
                let ranks = members[g].map { rank[$0] }.filter { $0 >= 0 }
                if let first = ranks.min() { return (1, first, 0) }
                return (1, -1, -100_000 + g)
            }
            switch nodes[u]! {
            case .param(let p): return (0, p, 0)
            case .column(let r): return (1, rank[u], r.table.index * 100_000 + r.column)
            case .rows(let t): return (2, t.index, 0)
            case .asOf: return (3, 0, 0)
            case .flag(let i): return (4, i, 0)
            case .check(let i): return (5, i, 0)
            }
        }
        var level = (0..<unitCount).filter { isUnit[$0] && pending[$0] == 0 }
        var units: [Int] = []
        units.reserveCapacity(numbering.count)
        while !level.isEmpty {
            // Each node's tie-break key computed once (decorate, sort, undecorate), not per comparison.
            let keyed: [(key: (Int, Int, Int), unit: Int)] = level.map { (tieBreak($0), $0) }
            level = keyed.sorted { (a: (key: (Int, Int, Int), unit: Int), b: (key: (Int, Int, Int), unit: Int)) -> Bool in
                a.key != b.key ? a.key < b.key : a.unit < b.unit
            }.map(\.unit)
            var next: [Int] = []
            for u in level {
                units.append(u)
                for reader in readers[u] {
                    pending[reader] -= 1
                    if pending[reader] == 0 { next.append(reader) }
                }
            }
            level = next
        }
        // Expand each recurrence into its columns, ordered by what they read in one period.
        var order: [GraphNode] = []
        order.reserveCapacity(numbering.count)
        for u in units {
            guard u >= numbering.count else { order.append(nodes[u]!); continue }
            order += orderWithinPeriod(members[u - numbering.count].map { nodes[$0]! }, inputs, recurrenceOf: recurrenceOf)
        }
        // Heights: above every input read within a period.
        var heightOf = Array(repeating: -1, count: numbering.count)
        var height: [GraphNode: Int] = [:]
        height.reserveCapacity(order.count)
        for node in order {
            let n = numbering.number(node)!
            var h = 0
            for e in edgesOf[n] where !EvaluationGraph.isBackEdge(e, of: node, recurrenceOf) {
                if let i = numbering.number(e.input), heightOf[i] >= 0 { h = max(h, heightOf[i] + 1) }
            }
            heightOf[n] = h
            height[node] = h
        }
        return (order, height)
    }

    /// Every broken invariant of the graph itself: an edge to a node that does not exist, a
    /// node not ordered after its inputs, a node left out of the order (a cycle).
    func violations() -> [String] {
        var problems: [String] = []
        var position: [GraphNode: Int] = [:]
        for (i, node) in order.enumerated() { position[node] = i }
        for (node, edges) in inputs {
            guard let p = position[node] else {
                problems.append("\(name(node)) is not in the evaluation order (a cycle?)")
                continue
            }
            for edge in edges where !EvaluationGraph.isBackEdge(edge, of: node, recurrenceOf) {
                guard let q = position[edge.input] else {
                    problems.append("\(name(node)) reads \(name(edge.input)), which is not a node")
                    continue
                }
                if q >= p || (height[edge.input] ?? 0) >= (height[node] ?? 0) {
                    problems.append("\(name(node)) is evaluated before \(name(edge.input)), which it reads")
                }
            }
        }
        return problems
    }

    /// "plan.order_qty", "param service_level", "the as-of date", "the rows of plan".
    public func name(_ node: GraphNode) -> String {
        switch node {
        case .column(let ref): return program.qualifiedName(ref)
        case .param(let p): return "param \(program.params[p].name)"
        case .asOf: return "the as-of date"
        case .rows(let t): return "the rows of \(program.table(t).name)"
        case .flag(let i): return "flag \(program.flags[i].name)"
        case .check(let i): return "check \(program.checks[i].name)"
        }
    }
}

extension Builtin {
    /// Builtins that read the as-of date rather than (only) their arguments.
    var readsAsOf: Bool {
        switch self {
        case .asof: return true
        case .sqrt, .abs, .ceil, .floor, .round, .exp, .ln, .log10, .roundup, .rounddown, .min, .max,
             .z, .normcdf, .normpdf, .loss, .eoq,
             .days, .weekday, .week_start, .month_start, .year, .month, .day, .iso_week, .days_between:
            return false
        }
    }
}
