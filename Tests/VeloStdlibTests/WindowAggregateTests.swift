// "Last N days as of A" windows over dated sales rows (window_aggregates.json): the zero-filled
// daily vector is built with WindowStats.dailyValues from the raw rows (same-day rows summed, rows
// outside the window ignored, returns kept), then every aggregate and the cover / sell-through
// helpers are checked at relative 1e-12. Also forward_cover_cases.
import Testing
import VeloStdlib

@Suite("Window aggregates")
struct WindowAggregateTests {
    static let rows = Oracle.load("window_aggregates.json")["sales_rows"].array
    static let dates = rows.map { $0["date"].day }
    static let units = rows.map { $0["units"].double }

    @Test("as-of windows", arguments: Oracle.cases("window_aggregates.json"))
    func window(_ c: JSON) {
        let i = c["inputs"], e = c["expected"], id = c.testDescription
        let asOf = i["as_of"].day, n = i["window_days"].int, onHand = i["on_hand_at_as_of"].double
        let first = asOf - Int32(n - 1)
        #expect(first == e["window_first_day"].day)
        #expect(asOf == e["window_last_day"].day)
        let v = WindowStats.dailyValues(dates: Self.dates, units: Self.units, firstDay: first, days: n)
        #expect(v == e["daily_values_zero_filled"].doubles, "\(id) daily values")
        let tol = 1e-12
        let sum = WindowStats.sum(v)
        expectClose(sum, e["sum"].double, rel: tol, "\(id) sum")
        let mean = WindowStats.mean(v)
        expectClose(mean, e["mean_per_day"].double, rel: tol, "\(id) mean")
        #expect(WindowStats.countNonZero(v) == e["days_with_nonzero_sales"].int)
        expectClose(WindowStats.stdevSample(v), e["stddev_sample_daily"].optionalDouble, rel: tol, "\(id) sd.s")
        expectClose(WindowStats.stdevPopulation(v), e["stddev_population_daily"].optionalDouble, rel: tol, "\(id) sd.p")
        expectClose(WindowStats.lwma(v), e["lwma"].double, rel: tol, "\(id) lwma")
        expectClose(WindowStats.ewmaHalfLife(v, halfLife: 7), e["ewma_halflife_7"].double, rel: tol, "\(id) ewma hl 7")
        expectClose(Inventory.daysOfCover(onHand: onHand, meanDailyDemand: mean!), e["days_of_cover"].optionalDouble, rel: tol, "\(id) days of cover")
        expectClose(Inventory.weeksOfCover(onHand: onHand, meanDailyDemand: mean!), e["weeks_of_cover"].optionalDouble, rel: tol, "\(id) weeks of cover")
        expectClose(Inventory.sellThrough(unitsSold: sum, endingOnHand: onHand), e["sell_through"].optionalDouble, rel: tol, "\(id) sell-through")
    }

    @Test("forward days of cover", arguments: Oracle.cases("window_aggregates.json", "forward_cover_cases"))
    func forwardCover(_ c: JSON) {
        let got = Inventory.forwardDaysOfCover(onHand: c["on_hand"].double, forecastPerDay: c["forecast_per_day"].doubles)
        expectClose(got, c["forward_days_of_cover"].optionalDouble, rel: 1e-12, "forward cover \(c.testDescription)")
    }

    @Test func dailyValuesEdges() {
        #expect(WindowStats.dailyValues(dates: [0, 1], units: [1, 2], firstDay: 0, days: 0).isEmpty)
        #expect(WindowStats.dailyValues(dates: [5, 5, 7, 3], units: [1, 2, 4, 8], firstDay: 4, days: 3) == [0, 3, 0])
        #expect(WindowStats.dailyValues(dates: [-2, -1], units: [1, 2], firstDay: -2, days: 2) == [1, 2])
        #expect(Inventory.sellThrough(unitsSold: 0, endingOnHand: 0) == nil)
        #expect(Inventory.daysOfCover(onHand: 10, meanDailyDemand: -1) == nil)
        #expect(Inventory.forwardDaysOfCover(onHand: 3, forecastPerDay: [3, 0]) == nil)
        #expect(Inventory.forwardDaysOfCover(onHand: 3, forecastPerDay: [3, 0, 1]) == 1)
        #expect(Inventory.forwardDaysOfCover(onHand: -4, forecastPerDay: [3]) == 0)
        #expect(Inventory.forwardDaysOfCover(onHand: 1, forecastPerDay: []) == nil)
    }
}
