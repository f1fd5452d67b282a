// Aggregates: reduce the rows of a more finely keyed table that match each context row,
// or the days of a time window over an event table.
//
// Windows follow the brief: `last N days` is the N calendar days as-of-(N-1) ... as-of;
// `ending M days ago` shifts it back M days; `N days after D` is D+1 ... D+N and
// `N days before D` is D-N ... D-1. Days without rows count as zero and rows of the same
// day add up, so window statistics (avg, wavg, stdev, min, max) are over daily totals;
// `count` counts rows, `any`/`all` test rows.

import VeloCheck
import VeloData
import VeloStdlib

extension Evaluator {
    func aggregate(_ a: AggregateCall, type: VType, context: TableRef, rows: [Int32]?) -> Vector {
        // The first day of each row's window, computed once (an anchor is an expression).
        let starts = a.window.map { windowStarts($0, n: rowCount(context, rows), context: context, rows: rows) } ?? []
        var v = reduce(a, type: type, context: context, rows: rows, starts: starts)
        guard let w = a.window else { return v }
        for i in 0..<v.count {
            if starts[i] == Values.missingDate {
                // No window at all: every aggregate (count, any and all too) is missing.
                let why: MissingReason.Kind = asOf == nil ? .noAsOfDate : .windowAnchorMissing
                v.setMissing(i, reason(why, context: context, row: rowAt(rows, i)))
            } else if case .asOf = w.anchor {
                continue
            } else if let asOf, Int(starts[i]) + w.length - 1 > Int(asOf) {
                // A window anchored at a date that reaches past the as-of date has days with no
                // data yet: zero-filling them would understate what sold, so the value is missing.
                v.setMissing(i, reason(.windowPastAsOf(asOf: asOf), context: context, row: rowAt(rows, i)))
            }
        }
        return v
    }

    /// `starts`: the first day of each row's window (empty without a window).
    func reduce(_ a: AggregateCall, type: VType, context: TableRef, rows: [Int32]?, starts: [Int32]) -> Vector {
        let n = rowCount(context, rows)
        let index = alignmentIndex(a.alignment, grouped: true)
        let target = a.alignment.to
        // The hot case: a window over a plain number column of a dated table. Its dates and
        // values are read in group order, so each group is one sequential run of memory.
        if let w = a.window, a.function != .count, case .column(let ref) = a.argument.kind, ref.table == target,
           case .number(let column) = tables[target.index].columns[ref.column], let group = index.group,
           let dc = program.table(target).source?.dateColumn, case .date(let dates) = tables[target.index].columns[dc] {
            // Every row's window starts on the same day (`windowStarts`), known with an as-of date.
            if keepsWindowSums, case .asOf(let ago) = w.anchor, let first = starts.first, first != Values.missingDate,
               WindowSums.follows(a.function, weighting: a.weighting, length: w.length), group.isSorted(by: dates) {
                return reduceFollowing(a, sums: group.windowSums(WindowSums.Key(column: ref.column, length: w.length, ago: ago)),
                                       first: first, index: index, group: group,
                                       dates: group.dates(inGroupOrder: dates), values: group.numbers(inGroupOrder: ref.column, column),
                                       reasons: tables[target.index].reasons[ref.column], context: context, rows: rows)
            }
            let window = (starts: starts, length: w.length,
                          dates: group.dates(inGroupOrder: dates))
            let ranges = index.ranges(rows)
            return reduceWindow(a, values: group.numbers(inGroupOrder: ref.column, column),
                                reasons: tables[target.index].reasons[ref.column], ids: group.rows, byId: false, bySlot: true,
                                bounds: { (ranges[$0].lowerBound, ranges[$0].upperBound) },
                                window: window, datesSorted: group.isSorted(by: dates), n: n, context: context, rows: rows)
        }
        // The argument over the target rows this selection reads. For a full evaluation,
        // every target row (a plain column is then not even copied); otherwise only the
        // rows of the selected groups, laid out group after group.
        let argument: Vector
        var groupStart = [Int](repeating: 0, count: n + 1)
        var targetRows: [Int32]? = nil
        if let rows {
            var needed: [Int32] = []
            let grouped = index.rows
            for (i, r) in rows.enumerated() {
                needed.append(contentsOf: grouped[index.range(Int(r))])
                groupStart[i + 1] = needed.count
            }
            argument = evaluate(a.argument, in: target, rows: needed)
            targetRows = needed
        } else {
            argument = evaluate(a.argument, in: target, rows: nil)
        }
        // Target row ids of context position i: positions p in [lo, hi) of `ids`; argument
        // values at `valueIndex(p)`.
        let ids = targetRows ?? index.rows
        let allRanges = rows == nil ? index.ranges(nil) : []
        func bounds(_ i: Int) -> (Int, Int) {
            if rows != nil { return (groupStart[i], groupStart[i + 1]) }
            return (allRanges[i].lowerBound, allRanges[i].upperBound)
        }
        let useIdsForValues = rows == nil
        var window: (starts: [Int32], length: Int, dates: [Int32])? = nil
        var datesSorted = false
        if let w = a.window, let dc = program.table(target).source?.dateColumn, case .date(let dates) = tables[target.index].columns[dc] {
            window = (starts, w.length, dates)
            datesSorted = index.group?.isSorted(by: dates) ?? false
        }
        switch argument.values {
        case .number(let values):
            return reduceNumbers(a, values: values, reasons: argument.reasons, ids: ids, byId: useIdsForValues,
                                 bounds: bounds, window: window, datesSorted: datesSorted, n: n, context: context, rows: rows)
        case .bool(let values):
            if a.function == .count {
                return countRows(a, ids: ids, byId: useIdsForValues, missing: { values[$0] == 2 }, bounds: bounds, window: window, n: n)
            }
            var out = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                let (lo, hi) = bounds(i)
                var anyTrue = false, allTrue = true, count = 0
                for p in lo..<hi {
                    let t = Int(ids[p])
                    if let w = window {
                        let d = Int(w.dates[t]) - Int(w.starts[i])
                        if w.starts[i] == Values.missingDate || d < 0 || d >= w.length { continue }
                    }
                    let v = values[useIdsForValues ? t : p]
                    count += 1
                    if v == 1 { anyTrue = true } else { allTrue = false }
                }
                switch a.function {
                case .any: out[i] = anyTrue ? 1 : 0
                case .all: out[i] = allTrue ? 1 : 0
                default: out[i] = 0
                }
            }
            return Vector(.bool(out))
        case .text(let values):
            return countRows(a, ids: ids, byId: useIdsForValues, missing: { values[$0] < 0 }, bounds: bounds, window: window, n: n)
        case .date(let values):
            if a.function == .count {
                return countRows(a, ids: ids, byId: useIdsForValues, missing: { values[$0] == Values.missingDate }, bounds: bounds, window: window, n: n)
            }
            var out = [Int32](repeating: Values.missingDate, count: n)
            var v = Vector(.date([]))
            for i in 0..<n {
                let (lo, hi) = bounds(i)
                var best: Int32? = nil
                var sawMissing = false
                for p in lo..<hi {
                    let t = Int(ids[p])
                    if let w = window {
                        let d = Int(w.dates[t]) - Int(w.starts[i])
                        if w.starts[i] == Values.missingDate || d < 0 || d >= w.length { continue }
                    }
                    let x = values[useIdsForValues ? t : p]
                    if x == Values.missingDate {
                        sawMissing = true
                        break
                    }
                    best = best.map { a.function == .min ? Swift.min($0, x) : Swift.max($0, x) } ?? x
                }
                if sawMissing {
                    v.reasons[i] = reason(.missingInput(table: program.table(target).name), context: context, row: rowAt(rows, i))
                } else if let best {
                    out[i] = best
                } else {
                    v.reasons[i] = reason(.nothingToTake(a.function), context: context, row: rowAt(rows, i))
                }
            }
            v.values = .date(out)
            return v
        }
    }

    /// First day of each context row's window (Int32.min where the anchor is missing).
    func windowStarts(_ w: CheckedWindow, n: Int, context: TableRef, rows: [Int32]?) -> [Int32] {
        switch w.anchor {
        case .asOf(let ago):
            guard let asOf else { return [Int32](repeating: Values.missingDate, count: n) }
            return [Int32](repeating: asOf - Int32(ago) - Int32(w.length) + 1, count: n)
        case .after(let e):
            return evaluate(e, in: context, rows: rows).ids.map { $0 == Values.missingDate ? $0 : $0 + 1 }
        case .before(let e):
            return evaluate(e, in: context, rows: rows).ids.map { $0 == Values.missingDate ? $0 : $0 - Int32(w.length) }
        }
    }

    func countRows(_ a: AggregateCall, ids: [Int32], byId: Bool, missing: (Int) -> Bool, bounds: (Int) -> (Int, Int),
                   window: (starts: [Int32], length: Int, dates: [Int32])?, n: Int) -> Vector {
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let (lo, hi) = bounds(i)
            var count = 0
            for p in lo..<hi {
                let t = Int(ids[p])
                if let w = window {
                    let d = Int(w.dates[t]) - Int(w.starts[i])
                    if w.starts[i] == Values.missingDate || d < 0 || d >= w.length { continue }
                }
                if !missing(byId ? t : p) { count += 1 }
            }
            out[i] = Double(count)
        }
        return Vector(.number(out))
    }

    func reduceNumbers(_ a: AggregateCall, values: [Double], reasons: [Int: MissingReason], ids: [Int32], byId: Bool,
                       bounds: (Int) -> (Int, Int), window: (starts: [Int32], length: Int, dates: [Int32])?,
                       datesSorted: Bool = false, n: Int, context: TableRef, rows: [Int32]?) -> Vector {
        if a.function == .count {
            return countRows(a, ids: ids, byId: byId, missing: { values[$0].isNaN }, bounds: bounds, window: window, n: n)
        }
        let targetName = program.table(a.alignment.to).name
        if let w = window {
            return reduceWindow(a, values: values, reasons: reasons, ids: ids, byId: byId, bySlot: false, bounds: bounds,
                                window: w, datesSorted: datesSorted, n: n, context: context, rows: rows)
        }
        // Rows of a more finely keyed table: the group's values, in row order.
        let reduce = kernel(a)
        var out = [Double](repeating: .nan, count: n)
        var v = Vector(.number([]))
        var buffer: [Double] = []
        values.withUnsafeBufferPointer { values in
            for i in 0..<n {
                let (lo, hi) = bounds(i)
                buffer.removeAll(keepingCapacity: true)
                var missing: MissingReason? = nil
                var sawMissing = false
                for p in lo..<hi {
                    let at = byId ? Int(ids[p]) : p
                    let x = values[at]
                    if x.isNaN {
                        sawMissing = true
                        if missing == nil { missing = reasons[at] }
                        continue
                    }
                    buffer.append(x)
                }
                if sawMissing {
                    v.reasons[i] = missing ?? reason(.missingInput(table: targetName), context: context, row: rowAt(rows, i))
                    continue
                }
                if let result = buffer.withUnsafeBufferPointer(reduce), result.isFinite {
                    out[i] = result
                } else {
                    let why: MissingReason.Kind
                    switch a.function {
                    case .stdev, .variance: why = buffer.count < 2 ? .tooFewValues(found: buffer.count) : .noValue
                    default: why = .noRows(table: targetName)
                    }
                    v.reasons[i] = reason(why, context: context, row: rowAt(rows, i))
                }
            }
        }
        v.values = .number(out)
        return v
    }
}

extension Evaluator {
    /// The kernel of a reducing aggregate, over a buffer of values.
    func kernel(_ a: AggregateCall) -> (UnsafeBufferPointer<Double>) -> Double? {
        switch a.function {
        case .sum: return { WindowStats.sum($0) }
        case .avg: return { WindowStats.mean($0) }
        case .wavg:
            if case .exponential(let h)? = a.weighting { return { WindowStats.ewmaHalfLife($0, halfLife: h) } }
            return { WindowStats.lwma($0) }
        case .stdev: return { WindowStats.stdevSample($0) }
        case .variance: return { WindowStats.varianceSample($0) }
        case .min: return { WindowStats.min($0) }
        case .max: return { WindowStats.max($0) }
        case .count, .any, .all: return { _ in nil }
        }
    }

    /// A window aggregate over numbers: per context row, the daily totals of its group's
    /// rows inside the window (zero-filled), reduced by the kernel. The hot loop of a plan:
    /// raw buffers only, and groups in date order are scanned from their newest row back to
    /// the window's first day.
    /// With `bySlot`, `values` and the window's dates are in group order (indexed by the
    /// position in `ids`), else by target row (`byId`) or by position.
    func reduceWindow(_ a: AggregateCall, values: [Double], reasons: [Int: MissingReason], ids: [Int32], byId: Bool,
                      bySlot: Bool, bounds: (Int) -> (Int, Int), window w: (starts: [Int32], length: Int, dates: [Int32]),
                      datesSorted: Bool, n: Int, context: TableRef, rows: [Int32]?) -> Vector {
        let reduce = kernel(a)
        let length = w.length
        var out = [Double](repeating: .nan, count: n)
        // Rows whose value is missing: -2 = anchor missing, -3 = kernel undefined, else the
        // position of the first missing input.
        var missingAt: [(row: Int, cause: Int)] = []
        var visitOrder = Array(0..<n)
        if bySlot { visitOrder.sort { bounds($0).0 < bounds($1).0 } }
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, length))
        defer { buffer.deallocate() }
        ids.withUnsafeBufferPointer { ids in
            values.withUnsafeBufferPointer { values in
                w.dates.withUnsafeBufferPointer { dates in
                    w.starts.withUnsafeBufferPointer { starts in
                        out.withUnsafeMutableBufferPointer { out in
                            // Visit context rows in the order their groups lie in memory, so
                            // the reads sweep forward instead of jumping about.
                            for i in visitOrder {
                                let start = starts[i]
                                if start == Values.missingDate {
                                    missingAt.append((i, -2))
                                    continue
                                }
                                let (lo, hi) = bounds(i)
                                for k in 0..<length { buffer[k] = 0 }
                                var firstMissing = -1
                                if bySlot && datesSorted {
                                    firstMissing = Evaluator.addSortedSlots(lo..<hi, first: start, length: length, into: buffer, ids: ids,
                                                                            dates: dates, values: values).firstMissing
                                } else if datesSorted {
                                    var p = hi - 1
                                    while p >= lo {
                                        let t = Int(ids[p])
                                        let d = Int(dates[t]) - Int(start)
                                        if d < 0 { break }
                                        if d < length {
                                            let x = values[byId ? t : p]
                                            if x.isNaN { firstMissing = byId ? t : p } else { buffer[d] += x }
                                        }
                                        p -= 1
                                    }
                                } else {
                                    for p in lo..<hi {
                                        let t = Int(ids[p])
                                        let d = Int(bySlot ? dates[p] : dates[t]) - Int(start)
                                        guard d >= 0, d < length else { continue }
                                        let x = values[bySlot || !byId ? p : t]
                                        if x.isNaN { firstMissing = bySlot || byId ? t : p } else { buffer[d] += x }
                                    }
                                }
                                if firstMissing >= 0 {
                                    missingAt.append((i, firstMissing))
                                    continue
                                }
                                if let r = reduce(UnsafeBufferPointer(buffer)), r.isFinite { out[i] = r } else { missingAt.append((i, -3)) }
                            }
                        }
                    }
                }
            }
        }
        return windowVector(a, out, missingAt: missingAt, reasons: reasons, length: length, context: context, rows: rows)
    }

    /// Adds the rows at grouped positions `range` (dates in order) into the daily `buffer`
    /// of the window of `length` days starting at `first`, newest row first, stopping before the window. The
    /// first missing value's row id (or -1), and whether every row read is one running
    /// window sums take (`WindowSums.takes`).
    @inline(__always)
    static func addSortedSlots(_ range: Range<Int>, first: Int32, length: Int, into buffer: UnsafeMutableBufferPointer<Double>,
                               ids: UnsafeBufferPointer<Int32>, dates: UnsafeBufferPointer<Int32>,
                               values: UnsafeBufferPointer<Double>) -> (firstMissing: Int, clean: Bool) {
        var firstMissing = -1
        var clean = true
        var p = range.upperBound - 1
        while p >= range.lowerBound {
            let d = Int(dates[p]) - Int(first)
            if d < 0 { break }
            if d < length {
                let x = values[p]
                if x.isNaN { firstMissing = Int(ids[p]) } else { buffer[d] += x }
                clean = clean && WindowSums.takes(x)
            }
            p -= 1
        }
        return (firstMissing, clean)
    }

    /// A window aggregate's values with the reasons of those missing: `missingAt` holds
    /// (position, cause): -2 the anchor is missing, -3 the kernel has no value, else the
    /// row id of the first missing input.
    func windowVector(_ a: AggregateCall, _ out: [Double], missingAt: [(row: Int, cause: Int)], reasons: [Int: MissingReason],
                      length: Int, context: TableRef, rows: [Int32]?) -> Vector {
        var v = Vector(.number(out))
        let targetName = program.table(a.alignment.to).name
        for (i, cause) in missingAt {
            switch cause {
            case -2: v.reasons[i] = reason(.windowAnchorMissing, context: context, row: rowAt(rows, i))
            case -3:
                let why: MissingReason.Kind = (a.function == .stdev || a.function == .variance) && length < 2
                    ? .tooFewValues(found: length) : .noValue
                v.reasons[i] = reason(why, context: context, row: rowAt(rows, i))
            default:
                v.reasons[i] = reasons[cause] ?? reason(.missingInput(table: targetName), context: context, row: rowAt(rows, i))
            }
        }
        return v
    }
}

extension Vector {
    mutating func setMissing(_ i: Int, _ reason: MissingReason) {
        switch values {
        case .number(var v): values = .bool([]); v[i] = .nan; values = .number(v)
        case .text(var v): values = .bool([]); v[i] = Values.missingText; values = .text(v)
        case .date(var v): values = .bool([]); v[i] = Values.missingDate; values = .date(v)
        case .bool(var v): values = .number([]); v[i] = Values.missingBool; values = .bool(v)
        }
        reasons[i] = reason
    }
}
