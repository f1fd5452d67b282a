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
    case some(Set<Int32>)

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
    /// Context rows that read any of `targetRows` (for lookups or groups, whichever this is).
    func readers(of targetRows: Set<Int32>, targetCount: Int) -> Set<Int32> {
        if readerOffsets.isEmpty { buildReaders(targetCount: targetCount) }
        var out = Set<Int32>()
        for t in targetRows where Int(t) < targetCount {
            for k in Int(readerOffsets[Int(t)])..<Int(readerOffsets[Int(t) + 1]) { out.insert(readerRows[k]) }
        }
        return out
    }

    /// The reverse of the alignment in CSR form: target row -> context rows.
    func buildReaders(targetCount: Int) {
        var counts = [Int32](repeating: 0, count: targetCount + 1)
        var pairs: [(target: Int32, context: Int32)] = []
        if !lookup.isEmpty {
            for (r, t) in lookup.enumerated() where t >= 0 { pairs.append((t, Int32(r))) }
        } else {
            for r in 0..<(offsets.count - 1) {
                for k in Int(offsets[r])..<Int(offsets[r + 1]) { pairs.append((rows[k], Int32(r))) }
            }
        }
        for p in pairs { counts[Int(p.target) + 1] += 1 }
        for i in 0..<targetCount { counts[i + 1] += counts[i] }
        var fill = counts
        var readers = [Int32](repeating: 0, count: pairs.count)
        for p in pairs {
            readers[Int(fill[Int(p.target)])] = p.context
            fill[Int(p.target)] += 1
        }
        readerOffsets = counts
        readerRows = readers
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
            return dirt.cells[ref] ?? .none
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
            if let appended = dirt.appended[target.index] { targetRows = targetRows.union(.some(Set(appended))) }
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
                return result.union(.some(index.readers(of: rows, targetCount: tables[target.index].rowCount)))
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
