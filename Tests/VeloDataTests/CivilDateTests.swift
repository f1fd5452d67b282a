// Calendar dates: day numbers, ISO text both ways, leap years and weekdays.

import Testing
@testable import VeloData

@Suite struct CivilDateTests {
    @Test func epochIsDayZero() {
        #expect(CivilDate(year: 1970, month: 1, day: 1)?.day == 0)
        #expect(CivilDate(iso: "1970-01-02")?.day == 1)
        #expect(CivilDate(iso: "1969-12-31")?.day == -1)
        #expect(CivilDate(iso: "2000-03-01")?.day == 11017)
        #expect(CivilDate(day: 19_723).iso == "2024-01-01")
    }

    @Test func everyDayFrom1900To2100RoundTrips() throws {
        let first = try #require(CivilDate(year: 1900, month: 1, day: 1)).day
        let last = try #require(CivilDate(year: 2100, month: 12, day: 31)).day
        var expected = (year: 1900, month: 1, day: 1)
        for day in first...last {
            let date = CivilDate(day: day)
            let c = date.components
            #expect(c.year == expected.year && c.month == expected.month && c.day == expected.day)
            let iso = date.iso
            #expect(CivilDate(iso: iso) == date)
            #expect(CivilDate(year: c.year, month: c.month, day: c.day) == date)
            // Advance the expected calendar day by hand.
            expected.day += 1
            if expected.day > CivilDate.daysInMonth(year: expected.year, month: expected.month) {
                expected.day = 1
                expected.month += 1
                if expected.month == 13 {
                    expected.month = 1
                    expected.year += 1
                }
            }
        }
        #expect(last - first + 1 == 73_414)
    }

    @Test func leapYears() {
        #expect(CivilDate.isLeapYear(2024))
        #expect(CivilDate.isLeapYear(2000))
        #expect(!CivilDate.isLeapYear(1900))
        #expect(!CivilDate.isLeapYear(2100))
        #expect(!CivilDate.isLeapYear(2023))
        #expect(CivilDate(iso: "2024-02-29") != nil)
        #expect(CivilDate(iso: "2000-02-29") != nil)
        #expect(CivilDate(iso: "1900-02-29") == nil)
        #expect(CivilDate(iso: "2023-02-29") == nil)
        #expect(CivilDate.daysInMonth(year: 2024, month: 2) == 29)
        #expect(CivilDate.daysInMonth(year: 2023, month: 4) == 30)
    }

    @Test func isoWeekday() {
        #expect(CivilDate(iso: "1970-01-01")?.isoWeekday == 4)   // Thursday
        #expect(CivilDate(iso: "2024-01-01")?.isoWeekday == 1)   // Monday
        #expect(CivilDate(iso: "2024-12-29")?.isoWeekday == 7)   // Sunday
        #expect(CivilDate(iso: "1969-12-28")?.isoWeekday == 7)   // Sunday, before the epoch
        #expect(CivilDate(iso: "1900-01-01")?.isoWeekday == 1)   // Monday
        for day: Int32 in -1000...1000 {
            let a = CivilDate(day: day).isoWeekday, b = CivilDate(day: day + 1).isoWeekday
            #expect(b == a % 7 + 1)
        }
    }

    @Test(arguments: ["2024-1-01", "2024-01-1", "24-01-01", "2024/01/01", "2024-01-01 ", " 2024-01-01",
                      "2024-00-10", "2024-13-01", "2024-04-31", "2024-01-00", "2024-01-32", "abcd-ef-gh", "", "2024-01-0a"])
    func rejectsBadISOText(_ text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test func readISODistinguishesImpossibleDaysFromOtherText() {
        func reading(_ s: String) -> String {
            Array(s.utf8).withUnsafeBufferPointer { b in
                switch CivilDate.readISO(b.baseAddress!, b.count) {
                case .day(let d): return "day \(d)"
                case .impossible: return "impossible"
                case .notADate: return "not a date"
                }
            }
        }
        #expect(reading("2024-01-01") == "day 19723")
        #expect(reading("2024-02-30") == "impossible")
        #expect(reading("2024-13-01") == "impossible")
        #expect(reading("2024-1-011") == "not a date")
        #expect(reading("2024-01-01x") == "not a date")
    }

    @Test func isoOfUnusualYears() {
        #expect(CivilDate(year: 999, month: 3, day: 4)?.iso == "0999-03-04")
        #expect(CivilDate(year: 0, month: 1, day: 1)?.iso == "0000-01-01")
        #expect(CivilDate(year: -44, month: 3, day: 15)?.iso == "-0044-03-15")
        #expect(CivilDate(year: 9999, month: 12, day: 31)?.iso == "9999-12-31")
        #expect(CivilDate(day: .max).iso.isEmpty == false)
        #expect(CivilDate(day: .min).iso.isEmpty == false)
    }

    @Test func orderingAndDescription() {
        let a = CivilDate(iso: "2024-01-01")!, b = CivilDate(iso: "2024-01-02")!
        #expect(a < b)
        #expect("\(a)" == "2024-01-01")
    }
}
