// DateMath against dates.json: every `cases`, `pair_cases` and `add_cases` entry, exactly.
import Testing
import VeloData
import VeloStdlib

@Suite("Calendar")
struct CalendarTests {
    @Test("weekday, ISO week, week starts, day of year", arguments: Oracle.cases("dates.json"))
    func dateCase(_ c: JSON) {
        let d = c["date"].day
        #expect(DateMath.isoWeekday(d) == c["iso_weekday"].int)
        #expect(DateMath.isoYear(d) == c["iso_year"].int)
        #expect(DateMath.isoWeek(d) == c["iso_week"].int)
        #expect(DateMath.weekStartMonday(d) == c["week_start_monday"].day)
        #expect(DateMath.weekStartSunday(d) == c["week_start_sunday"].day)
        #expect(DateMath.dayOfYear(d) == c["day_of_year"].int)
        // Consistency with VeloData's own weekday.
        #expect(DateMath.isoWeekday(d) == CivilDate(day: d).isoWeekday)
    }

    @Test("days and weeks between", arguments: Oracle.cases("dates.json", "pair_cases"))
    func pairCase(_ c: JSON) {
        let from = c["from"].day, to = c["to"].day
        #expect(DateMath.daysBetween(from, to) == c["days_between"].int)
        #expect(DateMath.weeksBetween(from, to) == c["weeks_between"].int)
        #expect(DateMath.weeksBetween(to, from) == -c["weeks_between"].int)
        #expect(abs(DateMath.daysBetween(from, to)) + 1 == c["days_inclusive"].int)
    }

    @Test("adding days", arguments: Oracle.cases("dates.json", "add_cases"))
    func addCase(_ c: JSON) {
        #expect(DateMath.addDays(c["date"].day, c["add_days"].int) == c["result"].day)
    }

    @Test func componentsAndMonths() {
        let d = CivilDate(year: 2024, month: 2, day: 29)!.day
        #expect(DateMath.year(d) == 2024)
        #expect(DateMath.month(d) == 2)
        #expect(DateMath.day(d) == 29)
        #expect(DateMath.monthStart(d) == CivilDate(year: 2024, month: 2, day: 1)!.day)
        #expect(DateMath.monthEnd(CivilDate(year: 2023, month: 2, day: 3)!.day) == CivilDate(year: 2023, month: 2, day: 28)!.day)
        #expect(DateMath.monthEnd(CivilDate(year: 2024, month: 12, day: 31)!.day) == CivilDate(year: 2024, month: 12, day: 31)!.day)
        // Before 1970 (negative day numbers).
        let old = CivilDate(year: 1969, month: 12, day: 28)!.day // a Sunday
        #expect(DateMath.isoWeekday(old) == 7)
        #expect(DateMath.weekStartMonday(old) == old - 6)
        #expect(DateMath.weekStartSunday(old) == old)
        #expect(DateMath.dayOfYear(old) == 362)
        #expect(DateMath.isoWeek(old) == 52)
        #expect(DateMath.addDays(Int32.max, 1) == nil)
        #expect(DateMath.addDays(0, -1) == -1)
    }

    /// ISO week invariants over 40 years: weeks run 1…52/53, advance by one every Monday, and the
    /// ISO year changes exactly at week 1.
    @Test func isoWeekSweep() {
        let start = CivilDate(year: 1995, month: 1, day: 2)!.day // a Monday, ISO 1995-W01
        var previousWeek = 1, previousYear = 1995
        #expect(DateMath.isoWeek(start) == 1 && DateMath.isoYear(start) == 1995)
        for d in (start + 7)...(start + 7 * 52 * 40) where DateMath.isoWeekday(d) == 1 {
            let w = DateMath.isoWeek(d), y = DateMath.isoYear(d)
            if w == 1 {
                #expect(y == previousYear + 1 && (previousWeek == 52 || previousWeek == 53))
            } else {
                #expect(y == previousYear && w == previousWeek + 1)
            }
            // Week 1 holds January 4.
            if w == 1 { #expect(DateMath.isoWeek(CivilDate(year: y, month: 1, day: 4)!.day) == 1) }
            previousWeek = w
            previousYear = y
        }
    }
}
