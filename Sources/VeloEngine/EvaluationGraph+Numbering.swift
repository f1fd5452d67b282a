// Dense numbers for the nodes of an evaluation graph, so that passes over every node (the
// topological sort) index arrays instead of hashing nodes into dictionaries.

/// Numbers a set of graph nodes 0..<count by arithmetic on their indices: params, the as-of
/// date, flags, checks, then each table's rows, then each table's columns. A node whose
/// indices fall outside (none does in a lowered program) is numbered after them.
struct NodeNumbering {
    private var params = 0, flags = 0, checks = 0, tables = 0
    /// Where each table's columns start, and one past the last table's.
    private var columnStart: [Int] = [0]
    private var others: [GraphNode: Int] = [:]
    private(set) var count = 0

    init<Nodes: Sequence>(_ nodes: Nodes) where Nodes.Element == GraphNode {
        var columns: [Int] = []
        func grow(_ t: Int) { if t >= columns.count { columns += Array(repeating: 0, count: t + 1 - columns.count) } }
        var outside: [GraphNode] = []
        for node in nodes {
            switch node {
            case .param(let p) where p >= 0: params = max(params, p + 1)
            case .flag(let i) where i >= 0: flags = max(flags, i + 1)
            case .check(let i) where i >= 0: checks = max(checks, i + 1)
            case .rows(let t) where t.index >= 0: grow(t.index)
            case .column(let r) where r.table.index >= 0 && r.column >= 0:
                grow(r.table.index)
                columns[r.table.index] = max(columns[r.table.index], r.column + 1)
            case .asOf: break
            default: outside.append(node)
            }
        }
        tables = columns.count
        for c in columns { columnStart.append(columnStart[columnStart.count - 1] + c) }
        count = params + 1 + flags + checks + tables + columnStart[tables]
        for node in outside where others[node] == nil {
            others[node] = count
            count += 1
        }
    }

    /// The node's number, or nil when it is not among the numbered nodes' ranges.
    func number(_ node: GraphNode) -> Int? {
        switch node {
        case .param(let p) where p >= 0: return p < params ? p : nil
        case .asOf: return params
        case .flag(let i) where i >= 0: return i < flags ? params + 1 + i : nil
        case .check(let i) where i >= 0: return i < checks ? params + 1 + flags + i : nil
        case .rows(let t) where t.index >= 0: return t.index < tables ? params + 1 + flags + checks + t.index : nil
        case .column(let r) where r.table.index >= 0 && r.column >= 0:
            let t = r.table.index
            guard t < tables, r.column < columnStart[t + 1] - columnStart[t] else { return others[node] }
            return params + 1 + flags + checks + tables + columnStart[t] + r.column
        default: return others[node]
        }
    }
}
