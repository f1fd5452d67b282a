// The calendars of period tables: 7-day weeks after the as-of date, ISO weeks, months and
// days; their start and end dates; dated rows summed into the period holding their date
// (rows before the first period dropped or, with `early: first`, counted in it); and the
// reads along time at the edges of the horizon.

import Testing
import VeloCheck
@testable import VeloEngine

@Suite("Period calendars")
struct PeriodCalendarTests {
    // The as-of date is a Wednesday, 2025-01-15.
    static let files = [
        "events.csv": "date,sku,qty\n2025-01-10,A,1\n2025-01-15,A,2\n2025-01-16,A,4\n2025-01-19,A,8\n2025-01-20,A,16\n2025-01-31,A,32\n2025-02-01,A,64\n2025-03-20,A,128\n",
        "items.csv": "sku\nA\n",
    ]

    static func run(_ unit: String, _ horizon: Int, early: Bool = false) throws -> Evaluated {
        try evaluate("""
        table events = csv("events.csv")
        table items = csv("items.csv") by sku

        table t by sku, p from items over \(unit)(\(horizon)):
          start = period_start()
          end = period_end()
          qty = sum(events.qty\(early ? ", early: first" : ""))
          running = cumulative(qty)
          prior = previous(qty, first: -1)
          next = shift(qty, 1)
        """, files: files, asOf: "2025-01-15")
    }

    static func dates(_ run: Evaluated, _ column: String) -> [String] {
        run.column("t", column).map { if case .date(let d) = $0 { return d } else { return "\($0)" } }
    }

    @Test func weeksAreSevenDayBucketsAfterTheAsOfDate() throws {
        let r = try Self.run("weeks", 3)
        #expect(Self.dates(r, "start") == ["2025-01-16", "2025-01-23", "2025-01-30"])
        #expect(Self.dates(r, "end") == ["2025-01-22", "2025-01-29", "2025-02-05"])
        // 2025-01-10 and -15 are on or before the as-of date: dropped without `early: first`.
        #expect(r.column("t", "qty") == [.number(28), .number(0), .number(96)])
        #expect(r.column("t", "running") == [.number(28), .number(28), .number(124)])
        #expect(r.column("t", "prior") == [.number(-1), .number(28), .number(0)])
        #expect(r.column("t", "next") == [.number(0), .number(96), .missing])
        let early = try Self.run("weeks", 3, early: true)
        #expect(early.column("t", "qty") == [.number(31), .number(0), .number(96)])
    }

    @Test func isoWeeksStartOnMonday() throws {
        let r = try Self.run("iso_weeks", 3)
        // The week holding 2025-01-16 (a Thursday) starts on Monday 2025-01-13.
        #expect(Self.dates(r, "start") == ["2025-01-13", "2025-01-20", "2025-01-27"])
        #expect(Self.dates(r, "end") == ["2025-01-19", "2025-01-26", "2025-02-02"])
        // 2025-01-15 falls in week 1 (it is in the calendar week), 2025-01-10 before it.
        #expect(r.column("t", "qty") == [.number(14), .number(16), .number(96)])
    }

    @Test func monthsAreCalendarMonths() throws {
        let r = try Self.run("months", 3)
        #expect(Self.dates(r, "start") == ["2025-01-01", "2025-02-01", "2025-03-01"])
        #expect(Self.dates(r, "end") == ["2025-01-31", "2025-02-28", "2025-03-31"])
        #expect(r.column("t", "qty") == [.number(63), .number(64), .number(128)])
    }

    @Test func daysAreTheDaysAfterTheAsOfDate() throws {
        let r = try Self.run("days", 5)
        #expect(Self.dates(r, "start") == ["2025-01-16", "2025-01-17", "2025-01-18", "2025-01-19", "2025-01-20"])
        #expect(r.column("t", "qty") == [.number(4), .number(0), .number(0), .number(8), .number(16)])
    }

    @Test func theRecurrenceIsOneGroupOfTheGraph() throws {
        let r = try evaluate("""
        table items = csv("items.csv") by sku
        table t by sku, week from items over weeks(4):
          opening = previous(closing, first: 10)
          closing = opening - 3
          low = closing < 0
        """, files: Self.files)
        #expect(r.column("t", "closing") == [.number(7), .number(4), .number(1), .number(-2)])
        let g = r.ws.graph
        #expect(g.recurrences.count == 1 && g.recurrences[0].map { r.program.qualifiedName($0) } == ["t.opening", "t.closing"])
        let opening = r.columnRef("t", "opening")!
        let edge = g.inputs[.column(opening)]!.first { if case .column(let c) = $0.input { return r.program.qualifiedName(c) == "t.closing" } else { return false } }
        #expect(edge?.kind == "shift: previous period")
        #expect(r.ws.invariantViolations().isEmpty)
    }
}
