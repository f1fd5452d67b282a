// Window aggregates followed by running sums (WindowSums.swift): after an append, each
// group's window moves by the days entering and leaving it; groups the sums cannot follow
// are scanned as in a full evaluation, which also takes their sums again.

import VeloCheck
import VeloStdlib

extension Evaluator {
    /// A window anchored at the as-of date, starting at `first`, over a number column in
    /// group order (`dates`, `values` by grouped position), for the selected context rows.
    func reduceFollowing(_ a: AggregateCall, sums: WindowSums, first: Int32, index: AlignmentIndex, group: GroupIndex,
                         dates: [Int32], values: [Double], reasons: [Int: MissingReason],
                         context: TableRef, rows: [Int32]?) -> Vector {
        let length = sums.length
        let n = rowCount(context, rows)
        let reduce = kernel(a)
        let rowCount = group.rowCount
        var out = [Double](repeating: .nan, count: n)
        var missingAt: [(row: Int, cause: Int)] = []
        var followed = 0
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: length)
        defer { buffer.deallocate() }
        let codes = index.contextCodes, starts = group.start, sizes = group.size
        sums.withGroups(count: group.count) { sums in
            group.rows.withUnsafeBufferPointer { ids in
                dates.withUnsafeBufferPointer { dates in
                    values.withUnsafeBufferPointer { values in
                        for i in 0..<n {
                            let g = Int(codes[rowAt(rows, i)])
                            var range = 0..<0
                            if g >= 0 {
                                range = Int(starts[g])..<Int(starts[g] + sizes[g])
                                if sums.advance(g, to: first, lo: range.lowerBound, hi: range.upperBound, ids: ids, dates: dates,
                                                values: values, rowCount: rowCount), let v = sums.value(g, a.function) {
                                    out[i] = v
                                    followed += 1
                                    continue
                                }
                            }
                            buffer.initialize(repeating: 0)
                            let (firstMissing, clean) = Evaluator.addSortedSlots(range, first: first, length: length, into: buffer,
                                                                                 ids: ids, dates: dates, values: values)
                            if g >= 0 { sums.store(g, first: first, daily: buffer, clean: clean && firstMissing < 0, rowCount: rowCount) }
                            if firstMissing >= 0 {
                                missingAt.append((i, firstMissing))
                            } else if let r = reduce(UnsafeBufferPointer(buffer)), r.isFinite {
                                out[i] = r
                            } else {
                                missingAt.append((i, -3))
                            }
                        }
                    }
                }
            }
        }
        groupsFollowed += followed
        return windowVector(a, out, missingAt: missingAt, reasons: reasons, length: length, context: context, rows: rows)
    }
}
