// Period tables in the checked program: the calendar a table's last key numbers, how event
// rows fall into its periods, and the reads along time (previous, shift, cumulative,
// first_period).
//
// A period table `by k1, …, week over weeks(H)` has one row per key tuple of its rows clause
// (or one) and period 1…H, laid out series after series: the rows of one series (the same
// other keys) are consecutive and in period order, so period p of a series is `H·s + p - 1`.

import VeloData

/// The calendar of a period table.
public struct PeriodAxis: Hashable, Sendable {
    public enum Unit: String, Hashable, Sendable, CaseIterable {
        /// 7-day buckets after the as-of date T: week w is T+7(w-1)+1 … T+7w.
        case weeks
        /// Calendar weeks, Monday to Sunday: period 1 is the week holding T+1.
        case iso_weeks
        /// Calendar months: period 1 is the month holding T+1.
        case months
        /// Days: period d is T+d.
        case days
    }
    public enum Horizon: Hashable, Sendable {
        case fixed(Int)
        /// A param holding a whole number of periods.
        case param(Int)
    }
    public var unit: Unit
    public var horizon: Horizon
    /// The key that numbers the periods: the table's last key (an integer).
    public var key: String

    public init(unit: Unit, horizon: Horizon, key: String) {
        self.unit = unit
        self.horizon = horizon
        self.key = key
    }

    /// The first and last day of period `p` (1-based) for the as-of date `asOf` (days).
    public func bounds(of p: Int, asOf: Int32) -> (start: Int32, end: Int32) {
        let t = Int(asOf)
        switch unit {
        case .days:
            return (Int32(t + p), Int32(t + p))
        case .weeks:
            return (Int32(t + 7 * (p - 1) + 1), Int32(t + 7 * p))
        case .iso_weeks:
            let next = t + 1
            let monday = next - (CivilDate(day: Int32(next)).isoWeekday - 1)
            return (Int32(monday + 7 * (p - 1)), Int32(monday + 7 * p - 1))
        case .months:
            let c = CivilDate(day: Int32(t + 1)).components
            let m0 = c.year * 12 + (c.month - 1) + (p - 1)
            let start = CivilDate(year: m0 / 12, month: m0 % 12 + 1, day: 1)!.day
            let m1 = m0 + 1
            let next = CivilDate(year: m1 / 12, month: m1 % 12 + 1, day: 1)!.day
            return (start, next - 1)
        }
    }

    /// The period holding `day`: 0 when it is before period 1, `horizon + 1` past the last.
    public func period(of day: Int32, asOf: Int32, horizon: Int) -> Int {
        let t = Int(asOf), d = Int(day)
        switch unit {
        case .days:
            return d <= t ? 0 : min(d - t, horizon + 1)
        case .weeks:
            return d <= t ? 0 : min((d - t - 1) / 7 + 1, horizon + 1)
        case .iso_weeks:
            let start = Int(bounds(of: 1, asOf: asOf).start)
            return d < start ? 0 : min((d - start) / 7 + 1, horizon + 1)
        case .months:
            let first = CivilDate(day: Int32(t + 1)).components, c = CivilDate(day: day).components
            let start = Int(bounds(of: 1, asOf: asOf).start)
            if d < start { return 0 }
            return min((c.year * 12 + c.month) - (first.year * 12 + first.month) + 1, horizon + 1)
        }
    }
}

/// How rows of an event table fall into the periods of the table that sums them: by the
/// period holding their date. Rows dated after the last period are left out; rows dated
/// before the first are left out too, or (`early: first`) counted in the first period.
public struct PeriodBinning: Hashable, Sendable {
    public enum Early: String, Hashable, Sendable, CaseIterable {
        case drop, first
    }
    public var axis: PeriodAxis
    /// The event table's date column.
    public var dateColumn: Int
    public var early: Early

    public init(axis: PeriodAxis, dateColumn: Int, early: Early) {
        self.axis = axis
        self.dateColumn = dateColumn
        self.early = early
    }
}

/// A read along the time axis of a period table, of a column of the same table.
public struct TimeShift: Sendable {
    public indirect enum Mode: Sendable {
        /// `previous(x, first: f)`: x in the period before; f in the first period.
        case previous(first: CExpr)
        /// `shift(x, k)`: x k periods later (earlier for negative k); missing past the horizon.
        case by(CExpr)
        /// `cumulative(x)`: the sum of x over periods 1 … this one.
        case cumulative
        /// `first_period(cond)` in the period table itself: the first period of the row's
        /// series where `cond` (read in every period of it) holds; missing when none, or when
        /// the condition is missing in a period of the series (as `min` over the periods).
        /// `column` is then the period key.
        case firstWhere(CExpr)
    }
    /// The column read (of the context table).
    public var column: ColumnRef
    public var mode: Mode
    public var axis: PeriodAxis

    public init(column: ColumnRef, mode: Mode, axis: PeriodAxis) {
        self.column = column
        self.mode = mode
        self.axis = axis
    }

    /// The constant offset, when there is one: -1 for previous, k for a literal shift.
    public var constantOffset: Int? {
        switch mode {
        case .previous: return -1
        case .by(let k):
            if case .literal(.number(let x)) = k.kind, x == x.rounded() { return Int(x) }
            return nil
        case .cumulative, .firstWhere: return nil
        }
    }
}
