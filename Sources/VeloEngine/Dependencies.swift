// Which cells a change reaches: the evaluation graph's edges read at the level of rows.
//
// An edit is recorded as `Dirt` (cells, params, appended or rebuilt tables, a new as-of
// date); stabilisation turns it into dirty rows per graph node (`NodeDirt`) and carries them
// along each edge's hops, from the input outward to the reader (`Evaluator.propagate`): the
// same row, lookups and groups in reverse (`readers`), every row for a scalar or a fixed
// cell. A dirty row outside a window anchored at an unchanged as-of date is dropped at the
// window, unless its date itself moved.

import VeloCheck

/// A set of rows of one table.
enum RowSet: Equatable {
    case none
    case all
    case some(RowBits)

    var isEmpty: Bool {
        switch self {
        case .none: return true
        case .all: return false
        case .some(let s): return s.isEmpty
        }
    }

    func union(_ other: RowSet) -> RowSet {
        switch (self, other) {
        case (.all, _), (_, .all): return .all
        case (.none, let x), (let x, .none): return x
        case (.some(let a), .some(let b)): return .some(a.union(b))
        }
    }

    /// The rows in ascending order; nil means all rows.
    func selection() -> [Int32]? {
        switch self {
        case .none: return []
        case .all: return nil
        case .some(let s): return s.sorted()
        }
    }
}

/// What changed since the values were last consistent.
struct Dirt {
    /// Cells whose value changed, by column (sources and formulas).
    var cells: [ColumnRef: RowSet] = [:]
    var params: Set<Int> = []
    /// Tables whose rows changed identity (added, removed or reordered rows): every cell of
    /// them, and everything that reads them, is recomputed.
    var rebuilt: Set<Int> = []
    /// Event tables that grew by appended rows: the new rows.
    var appended: [Int: Range<Int32>] = [:]
    /// The as-of date was set (or unset): the as-of node is computed again.
    var asOfEdited = false
    /// Sources re-read whose reader found something to read (for the change report).
    var sourcesRead: [String] = []
    /// How to take back what recording the edits changed, newest last: a batch of edits
    /// either applies whole or, when one of them fails, leaves the workspace as it was.
    var undo: [() -> Void] = []

    /// Rows appended to table `t` in this batch (several appends add up).
    mutating func append(_ t: Int, _ rows: Range<Int32>) {
        appended[t] = (appended[t]?.lowerBound ?? rows.lowerBound)..<rows.upperBound
    }

    mutating func mark(_ ref: ColumnRef, _ rows: RowSet) {
        cells[ref] = (cells[ref] ?? .none).union(rows)
    }
}

extension AlignmentIndex {
    /// Context rows that read any of `targetRows`.
    /// For aggregates, `targetKeys` are the target's key columns the grouping is by.
    func readers(of targetRows: RowBits, targetCount: Int, targetKeys: [[Int32]] = []) -> RowBits {
        var out = RowBits()
        if let group {
            // Aggregates: the contexts whose group holds a target row.
            if readerOffsets.isEmpty { buildContextsByCode(codeCount: group.count) }
            var tuple = [Int32](repeating: 0, count: targetKeys.count)
            for t in targetRows where Int(t) < targetCount {
                for k in targetKeys.indices { tuple[k] = targetKeys[k][Int(t)] }
                guard let c = group.code(of: tuple), Int(c) + 1 < readerOffsets.count else { continue }
                for k in Int(readerOffsets[Int(c)])..<Int(readerOffsets[Int(c) + 1]) { out.insert(readerRows[k]) }
            }
            return out
        }
        if readerOffsets.isEmpty { buildLookupReaders(targetCount: targetCount) }
        for t in targetRows where Int(t) < targetCount {
            for k in Int(readerOffsets[Int(t)])..<Int(readerOffsets[Int(t) + 1]) { out.insert(readerRows[k]) }
        }
        return out
    }

    /// Lookups: target row -> context rows, in CSR form.
    func buildLookupReaders(targetCount: Int) {
        (readerOffsets, readerRows) = AlignmentIndex.invert(lookup, into: targetCount)
    }

    /// Aggregates: group code -> context rows, in CSR form.
    func buildContextsByCode(codeCount: Int) {
        (readerOffsets, readerRows) = AlignmentIndex.invert(contextCodes, into: codeCount)
    }

    /// For a map from rows to buckets (-1: none), the rows of each bucket in CSR form.
    static func invert(_ bucketOfRow: [Int32], into buckets: Int) -> ([Int32], [Int32]) {
        var offsets = [Int32](repeating: 0, count: buckets + 1)
        for b in bucketOfRow where b >= 0 && Int(b) < buckets { offsets[Int(b) + 1] += 1 }
        for i in 0..<buckets { offsets[i + 1] += offsets[i] }
        var fill = offsets
        var rows = [Int32](repeating: 0, count: Int(offsets[buckets]))
        for (r, b) in bucketOfRow.enumerated() where b >= 0 && Int(b) < buckets {
            rows[Int(fill[Int(b)])] = Int32(r)
            fill[Int(b)] += 1
        }
        return (offsets, rows)
    }
}

/// Dirty rows per node of the evaluation graph, during one stabilisation.
struct NodeDirt {
    private(set) var rows: [GraphNode: RowSet] = [:]

    subscript(_ node: GraphNode) -> RowSet { rows[node] ?? .none }

    mutating func mark(_ node: GraphNode, _ set: RowSet) {
        guard !set.isEmpty else { return }
        rows[node] = self[node].union(set)
    }

    func isDirty(_ node: GraphNode) -> Bool { !self[node].isEmpty }
}

extension Evaluator {
    /// The rows of the reader of `edge` that may read a dirty row of its input.
    func propagate(_ edge: Edge, _ dirt: NodeDirt) -> RowSet {
        var rows = dirt[edge.input]
        for hop in edge.path.reversed() {
            guard case .some(let set) = rows else { return rows }   // none stays none, all stays all
            switch hop {
            case .scalar, .cell:
                rows = .all
            case .lookup(let a):
                let index = alignmentIndex(a, grouped: false)
                rows = .some(index.readers(of: set, targetCount: tables[a.to.index].rowCount))
            case .group(let a, let window):
                var targetRows = set
                let target = a.to
                // A row outside a window anchored at the (unchanged) as-of date cannot change the
                // window's value, unless the row's date itself moved.
                if let w = window, case .asOf(let ago) = w.anchor, let asOf,
                   let dc = program.table(target).source?.dateColumn, case .date(let dates) = tables[target.index].columns[dc] {
                    let end = asOf - Int32(ago), start = end - Int32(w.length) + 1
                    let moved = dirt[.column(ColumnRef(target, dc))]
                    targetRows = set.filter { r in
                        let d = dates[Int(r)]
                        if d >= start && d <= end { return true }
                        switch moved {
                        case .none: return false
                        case .all: return true
                        case .some(let m): return m.contains(r)
                        }
                    }
                }
                let index = alignmentIndex(a, grouped: true)
                let keys = keyColumns(tables[target.index], a.on, binning: a.binning)
                rows = .some(index.readers(of: targetRows, targetCount: tables[target.index].rowCount, targetKeys: keys))
            case .shift(let t, let step):
                var k: CExpr? = nil
                if step == .anyOffset, case .shift(let s)? = edge.site?.kind, case .by(let by) = s.mode { k = by }
                rows = .some(shiftReaders(of: set, table: t, step: step, offsets: k))
            }
        }
        return rows
    }

    /// The rows of a node that read any dirty row of its inputs.
    func dirtyRows(_ edges: [Edge], _ dirt: NodeDirt) -> RowSet {
        var out = RowSet.none
        for edge in edges where dirt.isDirty(edge.input) {
            out = out.union(propagate(edge, dirt))
            if out == .all { break }
        }
        return out
    }
}
