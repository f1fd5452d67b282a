// Which cells a change reaches: the key-level dependencies of the evaluation graph.
//
// A formula column's row depends on rows below it through the references of its formula:
// the same row of its own table (`.column`), the one row a lookup finds, the rows an
// aggregate reduces (and, for a window anchored at the as-of date, on the as-of date), every
// row of a params' readers. `affected` maps a set of changed cells to the rows of one
// formula that must be recomputed, using the alignments in reverse (`readers`).

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
    var asOfChanged = false
    /// Tables whose rows changed identity (added, removed or reordered rows): every cell of
    /// them, and everything that reads them, is recomputed.
    var rebuilt: Set<Int> = []
    /// Event tables that grew by appended rows: the new rows.
    var appended: [Int: Range<Int32>] = [:]

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

extension Evaluator {
    /// The rows of `context` whose value of `e` may differ after `dirt`.
    func affected(_ e: CExpr, _ context: TableRef, _ dirt: Dirt) -> RowSet {
        if dirt.rebuilt.contains(context.index) { return .all }
        switch e.kind {
        case .literal:
            return .none
        case .param(let p):
            return dirt.params.contains(p) ? .all : .none
        case .column(let ref):
            let cells = dirt.cells[ref] ?? .none
            if let appended = dirt.appended[ref.table.index] { return cells.union(.some(RowBits(appended))) }
            return cells
        case .lookup(let ref, let alignment):
            if dirt.rebuilt.contains(ref.table.index) { return .all }
            switch dirt.cells[ref] ?? .none {
            case .none: return .none
            case .all: return .all
            case .some(let rows):
                let index = alignmentIndex(alignment, grouped: false)
                return .some(index.readers(of: rows, targetCount: tables[ref.table.index].rowCount))
            }
        case .cell(let ref, let keys):
            if dirt.rebuilt.contains(ref.table.index) || !(dirt.cells[ref] ?? .none).isEmpty { return .all }
            return keys.reduce(RowSet.none) { $0.union(affected($1, context, dirt)) }
        case .aggregate(let a):
            let target = a.alignment.to
            if dirt.rebuilt.contains(target.index) { return .all }
            var result = RowSet.none
            if let w = a.window {
                switch w.anchor {
                case .asOf:
                    if dirt.asOfChanged { return .all }
                case .after(let anchor), .before(let anchor):
                    if dirt.asOfChanged { return .all }   // completeness depends on the as-of date
                    result = result.union(affected(anchor, context, dirt))
                }
            }
            var targetRows = affected(a.argument, target, dirt)
            if let appended = dirt.appended[target.index] { targetRows = targetRows.union(.some(RowBits(appended))) }
            let dateColumn = program.table(target).source?.dateColumn
            // A row outside a window anchored at the (unchanged) as-of date cannot change the
            // window's value, unless the row's date itself changed.
            if let w = a.window, case .asOf(let ago) = w.anchor, let asOf, let dc = dateColumn,
               case .some(let rows) = targetRows, case .date(let dates) = tables[target.index].columns[dc] {
                let end = asOf - Int32(ago), start = end - Int32(w.length) + 1
                let movedDates = dirt.cells[ColumnRef(target, dc)]
                targetRows = .some(rows.filter { r in
                    let d = dates[Int(r)]
                    if d >= start && d <= end { return true }
                    // Appended rows are new, not moved: their date is all there is to know.
                    if let appended = dirt.appended[target.index], appended.contains(r) { return false }
                    if case .some(let moved)? = movedDates { return moved.contains(r) }
                    return movedDates == .all
                })
            }
            if let dc = dateColumn, dirt.appended[target.index] == nil, let dates = dirt.cells[ColumnRef(target, dc)] {
                targetRows = targetRows.union(dates)
            }
            switch targetRows {
            case .none: return result
            case .all: return .all
            case .some(let rows):
                let index = alignmentIndex(a.alignment, grouped: true)
                let keys = keyColumns(tables[target.index], a.alignment.on)
                return result.union(.some(index.readers(of: rows, targetCount: tables[target.index].rowCount, targetKeys: keys)))
            }
        default:
            var result = RowSet.none
            e.forEachChild { child in
                if result != .all { result = result.union(affected(child, context, dirt)) }
            }
            return result
        }
    }
}
