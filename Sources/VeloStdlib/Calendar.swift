// Calendar arithmetic on day numbers (days since 1970-01-01, proleptic Gregorian, no time zone).
//
// Velo stores every date as one `Int32` day number (see `CivilDate` in VeloData), so these functions
// take and return day numbers: a date column is a plain `[Int32]` and no `CivilDate` needs building.
// Weeks follow ISO 8601 (Monday = 1 … Sunday = 7; week 1 is the week holding the year's first
// Thursday), with a Sunday-start week available for US-style reporting. Differences are signed
// (`to − from`), and whole weeks between two dates truncate toward zero so that swapping the dates
// only flips the sign. Conversions to year/month/day use Howard Hinnant's algorithms, valid for every
// Int32 day number (about ±5.8 million years), so none of these functions can fail except `addDays`,
// whose result may leave the Int32 range.
import VeloData

/// Calendar functions on day numbers (`Int32` days since 1970-01-01).
public enum DateMath {
    /// Year, month (1–12) and day of month (1–31) of a day number.
    @inline(__always)
    static func civil(_ day: Int32) -> (year: Int, month: Int, day: Int) {
        CivilDate(day: day).components
    }

    /// Day number of `year`-`month`-`day` (Hinnant's days_from_civil), for any year; month 1–12.
    @inline(__always)
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        CivilDate.daysFromCivil(year: year, month: month, day: day)
    }

    /// ISO 8601 weekday: Monday = 1 … Sunday = 7.
    public static func isoWeekday(_ day: Int32) -> Int {
        let r = (Int(day) + 3) % 7 // 1970-01-01 was a Thursday (ISO 4)
        return (r < 0 ? r + 7 : r) + 1
    }

    /// Calendar year of a date.
    public static func year(_ day: Int32) -> Int { civil(day).year }

    /// Month of a date, 1 (January) … 12 (December).
    public static func month(_ day: Int32) -> Int { civil(day).month }

    /// Day of the month, 1 … 31.
    public static func day(_ day: Int32) -> Int { civil(day).day }

    /// Day of the year: 1 for January 1, up to 365 (366 in leap years) for December 31.
    public static func dayOfYear(_ day: Int32) -> Int {
        let year = civil(day).year
        return Int(day) - dayNumber(year: year, month: 1, day: 1) + 1
    }

    /// ISO 8601 week-numbering year: the year of the Thursday of the date's Monday-start week.
    /// It differs from the calendar year around New Year (2024-12-30 is in ISO year 2025,
    /// 2021-01-03 in ISO year 2020).
    public static func isoYear(_ day: Int32) -> Int {
        civil(isoThursday(day)).year
    }

    /// ISO 8601 week number, 1 … 53: week 1 is the Monday-start week containing the year's first
    /// Thursday (equivalently, January 4). Pair it with `isoYear`, not `year`.
    public static func isoWeek(_ day: Int32) -> Int {
        let thursday = isoThursday(day)
        return (dayOfYear(thursday) - 1) / 7 + 1
    }

    /// The Thursday of the Monday-start week containing `day`.
    @inline(__always)
    static func isoThursday(_ day: Int32) -> Int32 {
        // Stays inside Int32 except within 3 days of its ends; clamp there (dates that far out are
        // ±5.8 million years away and never occur in data).
        let t = Int(day) - (isoWeekday(day) - 1) + 3
        return Int32(clamping: t)
    }

    /// The Monday on or before the date (start of its ISO week).
    public static func weekStartMonday(_ day: Int32) -> Int32 {
        Int32(clamping: Int(day) - (isoWeekday(day) - 1))
    }

    /// The Sunday on or before the date (start of a US-style Sunday–Saturday week).
    public static func weekStartSunday(_ day: Int32) -> Int32 {
        Int32(clamping: Int(day) - isoWeekday(day) % 7)
    }

    /// The first day of the date's month.
    public static func monthStart(_ day: Int32) -> Int32 {
        Int32(clamping: Int(day) - civil(day).day + 1)
    }

    /// The last day of the date's month.
    public static func monthEnd(_ day: Int32) -> Int32 {
        let c = civil(day)
        return Int32(clamping: Int(day) - c.day + CivilDate.daysInMonth(year: c.year, month: c.month))
    }

    /// Signed number of days from `from` to `to`: `to − from` (positive when `to` is later).
    /// The inclusive count of days in the range is |daysBetween| + 1.
    public static func daysBetween(_ from: Int32, _ to: Int32) -> Int {
        Int(to) - Int(from)
    }

    /// Whole weeks from `from` to `to`: `daysBetween / 7` truncated toward zero, so
    /// `weeksBetween(a, b) == -weeksBetween(b, a)` (13 days back is −1 week, not −2).
    public static func weeksBetween(_ from: Int32, _ to: Int32) -> Int {
        daysBetween(from, to) / 7
    }

    /// The date `days` days after `day` (before it when `days` is negative).
    /// - Returns: `nil` when the result is outside the Int32 day-number range.
    public static func addDays(_ day: Int32, _ days: Int) -> Int32? {
        let (sum, overflow) = Int(day).addingReportingOverflow(days)
        guard !overflow else { return nil }
        return Int32(exactly: sum)
    }
}
