// Evaluating along the time axis of period tables.
//
// A period table's rows are laid out series after series, each series its H periods in
// order (Workspace.computeRows), so row r is period `r % H + 1` of series `r / H`: the row
// of the previous period is r - 1, the row k periods later r + k, all found by arithmetic.
// Event rows summed into a period table are grouped by the period of their date
// (`periodCodes`), as if the event table had a column holding it.

import VeloCheck
import VeloData

extension Evaluator {
    /// The number of periods of a calendar: its horizon, read from the param when it is one.
    func horizon(_ axis: PeriodAxis) -> Int {
        let value: Literal
        switch axis.horizon {
        case .fixed(let n): return n
        case .param(let p): value = params[p]
        }
        let per: Double = axis.unit == .days ? 1 : 7
        switch value {
        case .number(let x) where x.isFinite && x >= 0: return Int(min(x, 100_000).rounded(.down))
        case .duration(let d) where d.isFinite && d >= 0 && axis.unit != .months: return Int(min(d / per, 100_000).rounded(.down))
        default: return 0
        }
    }

    /// The codes of `names` in a table, where the last name is the period of each row's date
    /// when the rows are binned into periods.
    func keyColumns(_ t: RuntimeTable, _ names: [String], binning: PeriodBinning?, from first: Int = 0) -> [[Int32]] {
        guard let b = binning, !names.isEmpty else { return keyColumns(t, names, from: first) }
        return keyColumns(t, Array(names.dropLast()), from: first) + [periodCodes(t, b, from: first)]
    }

    func rangedKeys(_ t: RuntimeTable, _ names: [String], binning: PeriodBinning?) -> [Bool] {
        guard binning != nil, !names.isEmpty else { return rangedKeys(t, names) }
        return rangedKeys(t, Array(names.dropLast())) + [true]
    }

    /// Per event row, the code of the period its date falls in (-1: outside the horizon).
    func periodCodes(_ t: RuntimeTable, _ b: PeriodBinning, from first: Int = 0) -> [Int32] {
        let n = t.rowCount - first
        guard let asOf, case .date(let dates) = t.columns[b.dateColumn] else { return [Int32](repeating: -1, count: max(n, 0)) }
        let h = horizon(b.axis)
        var out = [Int32](repeating: -1, count: max(n, 0))
        for i in 0..<max(n, 0) {
            let d = dates[first + i]
            if d == Values.missingDate { continue }
            var p = b.axis.period(of: d, asOf: asOf, horizon: h)
            if p == 0, b.early == .first { p = 1 }
            if p >= 1 && p <= h { out[i] = KeyValue.encode(integer: Double(p)) }
        }
        return out
    }

    /// A column of the context table read along time.
    func evaluateShift(_ s: TimeShift, type: VType, context: TableRef, rows: [Int32]?) -> Vector {
        let n = rowCount(context, rows)
        let h = horizon(s.axis)
        let t = tables[context.index]
        let column = t.columns[s.column.column], stored = t.reasons[s.column.column]
        guard h > 0 else { return Vector(Values.missing(type, count: n)) }
        switch s.mode {
        case .previous(let first):
            var mapped = [Int32](repeating: -1, count: n)
            var firstAt: [Int32] = [], firstRows: [Int32] = []
            for i in 0..<n {
                let r = rowAt(rows, i)
                if r % h == 0 {
                    firstAt.append(Int32(i))
                    firstRows.append(Int32(r))
                } else {
                    mapped[i] = Int32(r - 1)
                }
            }
            var v = Vector(column.gather(mapped: mapped))
            if !stored.isEmpty {
                for (i, m) in mapped.enumerated() where m >= 0 { if let why = stored[Int(m)] { v.reasons[i] = why } }
            }
            if !firstRows.isEmpty {
                let f = evaluate(first, in: context, rows: firstRows)
                v.values.scatter(f.values, at: firstAt)
                for (j, why) in f.reasons { v.reasons[Int(firstAt[j])] = why }
            }
            return v
        case .by(let k):
            let offsets = evaluate(k, in: context, rows: rows)
            let ks = offsets.numbers
            var mapped = [Int32](repeating: -1, count: n)
            var why: [Int: MissingReason] = [:]
            let past = MissingReason(.missingByDefinition("past the horizon"))
            let fraction = MissingReason(.missingByDefinition("a shift by a fraction of a period"))
            for i in 0..<n {
                let r = rowAt(rows, i), x = ks[i]
                if x.isNaN { if let m = offsets.reasons[i] { why[i] = m }; continue }
                guard x == x.rounded(), abs(x) < Double(h) * 2 + 2 else {
                    why[i] = x == x.rounded() ? past : fraction
                    continue
                }
                let p = r % h + Int(x)
                if p < 0 || p >= h { why[i] = past; continue }
                mapped[i] = Int32(r + Int(x))
            }
            var v = Vector(column.gather(mapped: mapped))
            for (i, m) in mapped.enumerated() where m >= 0 { if let w = stored[Int(m)] { v.reasons[i] = w } }
            for (i, w) in why { v.reasons[i] = w }
            return v
        case .cumulative:
            guard case .number(let xs) = column else { return Vector(Values.missing(type, count: n)) }
            var out = [Double](repeating: .nan, count: n)
            var reasons: [Int: MissingReason] = [:]
            var lastRow = -2, running = 0.0
            for i in 0..<n {
                let r = rowAt(rows, i)
                if r == lastRow + 1 && r % h != 0 {
                    running += xs[r]       // consecutive rows of one series: a running sum
                } else {
                    running = 0
                    for q in (r - r % h)...r { running += xs[q] }
                }
                lastRow = r
                if running.isNaN {
                    let q = ((r - r % h)...r).first { xs[$0].isNaN } ?? r
                    if let w = stored[q] { reasons[i] = w }
                } else {
                    out[i] = running
                }
            }
            return Vector(.number(out), reasons: reasons)
        case .firstWhere(let c):
            // The condition over every period of each series asked for, in one vector; a
            // missing condition does not hold (as `if`).
            let count = t.rowCount
            var bases: [Int] = []
            var seen = Set<Int>()
            for i in 0..<n {
                let b = rowAt(rows, i) / h * h
                if seen.insert(b).inserted { bases.append(b) }
            }
            var seriesRows: [Int32] = []
            seriesRows.reserveCapacity(bases.count * h)
            for b in bases { for q in b..<min(b + h, count) { seriesRows.append(Int32(q)) } }
            let holds = evaluate(c, in: context, rows: seriesRows).bools
            var first: [Int: Double] = [:]
            var at = 0
            for b in bases {
                let end = min(b + h, count)
                var found = Double.nan
                for q in b..<end where holds[at + q - b] == 1 {
                    if case .number(let keys) = column { found = keys[q] }
                    break
                }
                at += end - b
                first[b] = found
            }
            var out = [Double](repeating: .nan, count: n)
            var reasons: [Int: MissingReason] = [:]
            let none = MissingReason(.missingByDefinition("no period where the condition holds"))
            for i in 0..<n {
                let x = first[rowAt(rows, i) / h * h] ?? .nan
                if x.isNaN { reasons[i] = none } else { out[i] = x }
            }
            return Vector(.number(out), reasons: reasons)
        }
    }

    /// The first or last day of each row's period.
    func evaluatePeriodDate(_ axis: PeriodAxis, key: ColumnRef, end: Bool, context: TableRef, rows: [Int32]?) -> Vector {
        let n = rowCount(context, rows)
        guard let asOf else {
            var v = Vector(.date([Int32](repeating: Values.missingDate, count: n)))
            for i in 0..<n { v.reasons[i] = reason(.noAsOfDate, context: context, row: rowAt(rows, i)) }
            return v
        }
        guard case .number(let periods) = tables[context.index].columns[key.column] else {
            return Vector(.date([Int32](repeating: Values.missingDate, count: n)))
        }
        var out = [Int32](repeating: Values.missingDate, count: n)
        for i in 0..<n {
            let p = periods[rowAt(rows, i)]
            guard p.isFinite else { continue }
            let b = axis.bounds(of: Int(p), asOf: asOf)
            out[i] = end ? b.end : b.start
        }
        return Vector(.date(out))
    }

    /// The rows of period table `table` that read `dirty` rows through a shift hop. A shift
    /// by a column (`offsets`, the shift's k, evaluated now over the series that hold dirty
    /// rows) reaches exactly the rows whose k lands on a dirty row: a row whose k itself
    /// changed is reached through k's own reads.
    func shiftReaders(of dirty: RowBits, table: TableRef, step: TimeStep, offsets: CExpr? = nil) -> RowBits {
        guard let axis = program.table(table).periods else { return dirty }
        let h = horizon(axis)
        let count = tables[table.index].rowCount
        var out = RowBits()
        guard h > 0 else { return out }
        if step == .anyOffset, let k = offsets {
            var bases: [Int] = []
            var seen = Set<Int>()
            for r32 in dirty where Int(r32) < count {
                let b = Int(r32) / h * h
                if seen.insert(b).inserted { bases.append(b) }
            }
            var seriesRows: [Int32] = []
            seriesRows.reserveCapacity(bases.count * h)
            for b in bases { for q in b..<min(b + h, count) { seriesRows.append(Int32(q)) } }
            let ks = evaluate(k, in: table, rows: seriesRows).numbers
            for (i, q32) in seriesRows.enumerated() {
                let x = ks[i], q = Int(q32)
                guard x.isFinite, x == x.rounded(), abs(x) < Double(h) * 2 + 2 else { continue }
                let target = q + Int(x)
                if target >= q - q % h, target < min(q - q % h + h, count), dirty.contains(Int32(target)) { out.insert(q32) }
            }
            return out
        }
        for r32 in dirty {
            let r = Int(r32)
            guard r < count else { continue }
            let base = r - r % h, last = min(base + h, count) - 1
            switch step {
            case .previous:
                if r + 1 <= last { out.insert(Int32(r + 1)) }
            case .offset(let k):
                let q = r - k
                if q >= base && q <= last { out.insert(Int32(q)) }
            case .anyOffset:
                for q in base...last { out.insert(Int32(q)) }
            case .upTo:
                for q in r...last { out.insert(Int32(q)) }
            case .series:
                for q in base...last { out.insert(Int32(q)) }
            }
        }
        return out
    }
}
