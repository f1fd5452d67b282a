// Running sums of a window anchored at the as-of date, per group of an event table, so that
// an appended day updates a window aggregate by the days entering and leaving the window
// instead of reading every row of it again.
//
// A group's sums are kept only while every row in its window is a whole number of at most
// 2^26 units: then every daily total, Σx, Σ i·x, Σx² and Σ|x| is an exact integer (Int64
// cannot overflow for windows of up to `maxLength` days), and the kernels' whole-unit paths
// (WindowKernels.swift) give the same bits from these sums as from the days themselves. Any
// other value — a fraction, a missing value, a larger quantity — and the group is scanned
// afresh, as a full evaluation would; so are windows that moved back or by a whole length.
//
// The sums belong to a `GroupIndex` and go with its grouped copies of the table's values:
// appended rows are taken in from the group's end (rows are in table order, so those at or
// after `covered` were appended since the sums were taken); an edited value drops them.

import VeloCheck
import VeloData
import VeloStdlib

final class WindowSums {
    /// One window over one number column of the grouped table.
    struct Key: Hashable {
        var column: Int
        var length: Int
        /// Days between the window's last day and the as-of date.
        var ago: Int
    }

    /// The longest window kept: 2047 days of 2^26 units keep Σx² below 2^63.
    static let maxLength = 2047
    /// The largest |units| of a row or a day that the sums take.
    static let unitLimit = 67_108_864.0

    /// One group's sums.
    struct Group {
        /// The first day of the window the sums are of (`Values.missingDate`: none).
        var start = Values.missingDate
        /// The table rows the sums include (ids below this).
        var covered: Int32 = 0
        var s0: Int64 = 0, s1: Int64 = 0, s2: Int64 = 0, a1: Int64 = 0

        /// Takes in (or, with `sign` -1, takes out) a day's total `x` of weight `weight`.
        @inline(__always) mutating func add(_ x: Int64, weight: Int64, sign: Int64 = 1) {
            s0 += sign * x
            s1 += sign * weight * x
            s2 += sign * x * x
            a1 += sign * abs(x)
        }
    }

    let length: Int
    private var groups: [Group] = []
    /// Daily totals, group g's day d at `g * length + d mod length`.
    private var days: [Int64] = []

    init(length: Int) { self.length = length }

    /// Whether a window aggregate can be followed by running sums.
    static func follows(_ function: AggregateFunction, weighting: Weighting?, length: Int) -> Bool {
        guard length >= 1, length <= maxLength else { return false }
        switch function {
        case .sum, .avg: return true
        case .stdev, .variance: return length >= 2
        case .wavg:
            if case .exponential? = weighting { return false }
            return true
        case .min, .max, .count, .any, .all: return false
        }
    }

    @inline(__always) static func takes(_ x: Double) -> Bool { abs(x) <= unitLimit && Double(Int64(x)) == x }

    /// Runs `body` over the sums of `count` groups (new ones have none yet), held in place:
    /// the per-group loop then reads plain memory.
    func withGroups<R>(count: Int, _ body: (Cursor) -> R) -> R {
        if count > groups.count {
            // Room for the groups a few appended days add, so they do not copy every day.
            if groups.capacity < count {
                groups.reserveCapacity(GroupIndex.spareCapacity(count))
                days.reserveCapacity(GroupIndex.spareCapacity(count) * length)
            }
            days.append(contentsOf: repeatElement(0, count: (count - groups.count) * length))
            groups.append(contentsOf: repeatElement(Group(), count: count - groups.count))
        }
        let length = self.length
        return groups.withUnsafeMutableBufferPointer { groups in
            days.withUnsafeMutableBufferPointer { days in body(Cursor(length: length, groups: groups, days: days)) }
        }
    }

    /// The sums of every group, for reading them in place.
    struct Cursor {
        let length: Int
        let groups: UnsafeMutableBufferPointer<Group>
        let days: UnsafeMutableBufferPointer<Int64>

        @inline(__always) private func slot(_ g: Int, _ day: Int32) -> Int {
            let m = Int(day) % length
            return g * length + (m < 0 ? m + length : m)
        }

        /// Group g has no sums (they are taken again by the next scan).
        func forget(_ g: Int) { groups[g].start = Values.missingDate }

        /// Takes group g's sums from the daily totals of a scan of all its rows, the window
        /// starting at `first`; `clean`: every row read was one the sums take.
        func store(_ g: Int, first: Int32, daily: UnsafeMutableBufferPointer<Double>, clean: Bool, rowCount: Int) {
            guard clean else { return forget(g) }
            var sums = Group(start: first, covered: Int32(rowCount))
            for j in 0..<length {
                let v = daily[j]
                guard abs(v) <= WindowSums.unitLimit else { return forget(g) }
                let x = Int64(v)
                days[slot(g, first + Int32(j))] = x
                sums.add(x, weight: Int64(j + 1))
            }
            groups[g] = sums
        }

        /// Moves group g's sums to the window starting at `first`: the days before it leave,
        /// the days after the old window enter (their rows found by binary search, the
        /// group's dates being in order), and rows appended since join their day. The group's
        /// rows are positions `lo..<hi` of the grouped `ids`, `dates` and `values`. False when
        /// the sums cannot follow (the caller scans the group and stores them again).
        func advance(_ g: Int, to first: Int32, lo: Int, hi: Int, ids: UnsafeBufferPointer<Int32>,
                     dates: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Double>, rowCount: Int) -> Bool {
            var sums = groups[g]
            let old = sums.start
            guard old != Values.missingDate, first >= old, Int(first) - Int(old) < length else { return false }
            let shift = Int(first - old)
            let end = first + Int32(length)
            // Rows appended since the sums were taken are the group's last ones.
            var oldEnd = hi
            while oldEnd > lo, ids[oldEnd - 1] >= sums.covered { oldEnd -= 1 }
            if shift > 0 {
                for j in 0..<shift {
                    let k = slot(g, old + Int32(j))
                    sums.add(days[k], weight: Int64(j + 1), sign: -1)
                    days[k] = 0
                }
                // Every day left is `shift` days older: its weight drops by that much.
                sums.s1 -= Int64(shift) * sums.s0
                // Earlier rows dated on the days that enter (a window ending some days ago).
                var l = lo, h = oldEnd
                let enterFrom = old + Int32(length)
                while l < h {
                    let m = (l + h) / 2
                    if dates[m] < enterFrom { l = m + 1 } else { h = m }
                }
                while l < oldEnd, dates[l] < end {
                    guard add(&sums, g, day: dates[l], first: first, values[l]) else { forget(g); return false }
                    l += 1
                }
            }
            for p in oldEnd..<hi where dates[p] >= first && dates[p] < end {
                guard add(&sums, g, day: dates[p], first: first, values[p]) else { forget(g); return false }
            }
            sums.start = first
            sums.covered = Int32(rowCount)
            groups[g] = sums
            return true
        }

        @inline(__always) private func add(_ sums: inout Group, _ g: Int, day: Int32, first: Int32, _ x: Double) -> Bool {
            guard WindowSums.takes(x) else { return false }
            let k = slot(g, day)
            let v = days[k], units = Int64(x), w = v + units
            guard Double(abs(w)) <= WindowSums.unitLimit else { return false }
            sums.s0 += units
            sums.s1 += Int64(day - first + 1) * units
            sums.s2 += w * w - v * v
            sums.a1 += abs(w) - abs(v)
            days[k] = w
            return true
        }

        /// The aggregate of group g's window from its sums: the kernel's whole-unit result,
        /// or nil when that is not exact (the caller scans). Only after `store` or `advance`.
        func value(_ g: Int, _ function: AggregateFunction) -> Double? {
            let sums = groups[g]
            switch function {
            case .sum: return Double(sums.s0)
            case .avg: return Double(sums.s0) / Double(length)
            case .wavg: return WindowStats.lwma(weightedSum: Double(sums.s1), count: length)
            case .variance, .stdev:
                guard let numerator = WindowStats.exactDeviationNumerator(
                    count: Double(length), sum: Double(sums.s0), absoluteSum: Double(sums.a1),
                    sumOfSquares: Double(sums.s2)) else { return nil }
                let v = WindowStats.varianceSample(exactNumerator: numerator, count: length)
                return function == .stdev ? v.squareRoot() : v
            case .min, .max, .count, .any, .all: return nil
            }
        }

        /// Whether group g's sums (if any) are those of its rows: the window's days recounted
        /// from the group's rows at positions `lo..<hi` of `ids`, `dates` and `values`.
        func agrees(_ g: Int, lo: Int, hi: Int, ids: [Int32], dates: [Int32], values: [Double]) -> Bool {
            let sums = groups[g]
            guard sums.start != Values.missingDate else { return true }
            var daily = [Int64](repeating: 0, count: length)
            for p in lo..<hi where ids[p] < sums.covered {
                let d = Int(dates[p]) - Int(sums.start)
                guard d >= 0, d < length else { continue }
                guard WindowSums.takes(values[p]) else { return false }
                daily[d] += Int64(values[p])
            }
            var fresh = Group(start: sums.start, covered: sums.covered)
            for (j, x) in daily.enumerated() {
                guard days[slot(g, sums.start + Int32(j))] == x else { return false }
                fresh.add(x, weight: Int64(j + 1))
            }
            return (fresh.s0, fresh.s1, fresh.s2, fresh.a1) == (sums.s0, sums.s1, sums.s2, sums.a1)
        }
    }
}
