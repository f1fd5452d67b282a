// `velo report --html` on a time-phased plan: per SKU of the production example's
// `projection`, closing stock (a point per week) against safety stock with the planned runs
// and releases; the factory's load per week against capacity. Marks counted against the
// data; the page rendered in headless Chromium.

import Foundation
import Testing
@testable import VeloFrontend
import VeloCheck
import VeloData
import VeloEngine
import VeloRender

@Suite("velo report --html: period charts")
struct HTMLPeriodChartTests {
    static let production = FrontendHarness.root + "/Examples/production/production.velo"

    static func page(_ file: String, dir: String) throws -> String {
        let capture = FrontendHarness.Capture()
        try ReportFrontend.run(ReportRequest(file: file, html: dir + "/p.html"), console: capture.console)
        return try String(contentsOfFile: dir + "/p.html", encoding: .utf8)
    }

    static func workspace(_ file: String) throws -> Workspace {
        let (_, program) = try Frontend.loadProgram(file, console: FrontendHarness.Capture().console)
        return try Workspace.open(program)
    }

    static func table(_ ws: Workspace, _ name: String) throws -> TableRef {
        guard let t = ws.program.table(named: name) else { throw CommandFailure(.usage) }
        return t
    }

    static func plan(_ ws: Workspace, _ name: String) throws -> PeriodChartPlan {
        guard let p = ws.periodChartPlan(try table(ws, name)) else { throw CommandFailure(.usage) }
        return p
    }

    static func count(_ needle: String, in text: String) -> Int { HTMLReportTests.count(needle, in: text) }

    /// The `<h4>` headings of the series drawn for a table, in page order.
    static func drawnSeries(_ page: String, table: String) -> [String] {
        page.components(separatedBy: "<h4>\(table) [").dropFirst().map { String($0.prefix { $0 != "]" }) }
    }

    @Test func theParts() throws {
        let ws = try Self.workspace(Self.production)
        let plan = try Self.plan(ws, "projection")
        #expect(plan.levels == ["closing"])
        #expect(plan.thresholds.map(\.label) == ["plan.safety_stock"])
        #expect(plan.runs == ["planned_receipt"])
        #expect(plan.releases == ["planned_release"])
        #expect(plan.loads.isEmpty)
        let capacity = try Self.plan(ws, "capacity")
        #expect(capacity.levels.isEmpty && capacity.runs.isEmpty)
        #expect(capacity.loads.map { "\($0.bars) \($0.limit) \($0.over)" } == ["released capacity over_capacity"])
        // Not a period table: no plan.
        #expect(ws.periodChartPlan(try Self.table(ws, "stockouts")) == nil)
    }

    @Test func marksMatchTheProjectionAndCapacity() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let page = try Self.page(Self.production, dir: dir)
        let ws = try Self.workspace(Self.production)
        let projection = try Self.plan(ws, "projection")
        let series = ws.periodSeries(projection)
        #expect(series.count == 60 && series.allSatisfy { $0.periods == Array(1...12) })
        let drawn = Self.drawnSeries(page, table: "projection")
        #expect(drawn.count == HTMLReport.maxSeriesCharts)
        #expect(page.contains("Not drawn (48)"))
        // Expedite SKUs (flagged on stockouts, keyed like the series) come first.
        let expedite = ws.flags().filter { $0.flag == "expedite" }.map { ResultText.keys($0.keys) }
        #expect(!expedite.isEmpty)
        let firsts = Array(drawn.prefix(min(expedite.count, drawn.count)))
        #expect(firsts.allSatisfy(expedite.contains), "\(firsts) \(expedite)")
        // One point per week of closing, a bar per week with a planned run, a marker per release.
        let chosen = drawn.compactMap { name in series.first { ResultText.keys($0.keys) == name } }
        #expect(chosen.count == drawn.count)
        let nonzero = { (column: String) in chosen.map { $0.values[column]!.filter { !$0.isNaN && $0 != 0 }.count }.reduce(0, +) }
        #expect(Self.count("<circle class=\"level\"", in: page) == chosen.map { $0.values["closing"]!.filter { !$0.isNaN }.count }.reduce(0, +))
        #expect(Self.count("<circle class=\"level\"", in: page) == 12 * drawn.count)
        #expect(Self.count("<rect class=\"run\"", in: page) == nonzero("planned_receipt"))
        #expect(Self.count("<path class=\"release\"", in: page) == nonzero("planned_release"))
        #expect(nonzero("planned_receipt") > 0 && nonzero("planned_release") > 0)
        #expect(Self.count("<polyline class=\"threshold\"", in: page) == drawn.count)
        // Capacity: one bar per week, red where over capacity, and the limit line.
        let capacity = try Self.plan(ws, "capacity")
        let weeks = try #require(ws.periodSeries(capacity).first)
        #expect(Self.count("<svg class=\"chart period\"", in: page) == drawn.count + 1)
        #expect(Self.count("<rect class=\"load", in: page) == 12)
        #expect(Self.count("<rect class=\"load over\"", in: page) == weeks.over["over_capacity"]!.filter { $0 }.count)
        #expect(Self.count("<polyline class=\"limit\"", in: page) == 1)
        // Numbers worded as in the terminal.
        let first = weeks.values["released"]![0]
        #expect(page.contains("week 1 (\(CivilDate(day: weeks.starts[0]).iso)): released \(NumberFormat.human(first))"))
        #expect(NumberFormat.human(first).contains(","))
        // The replenishment example has no period table: no period chart.
        let other = try HTMLReportTests.write(dir)
        #expect(!other.contains("chart period") && !other.contains("<h2>By period"))
    }

    @Test func aReportOnThePeriodTableChoosesTheSeries() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let file = dir + "/short.velo"
        try """
            import "\(Self.production)"

            report short on projection:
              where closing < 0
              sort by closing
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let page = try Self.page(file, dir: dir)
        let ws = try Self.workspace(file)
        let index = try #require(ws.program.report(named: "short"))
        let rows = try #require(ws.reportRows(index))
        let t = try Self.table(ws, "projection")
        var expected: [String] = []
        for r in rows {
            let sku = ResultText.keys([ws.keyValues(t, row: r)[0]])
            if !expected.contains(sku) { expected.append(sku) }
        }
        #expect(!expected.isEmpty)
        #expect(Self.drawnSeries(page, table: "projection") == Array(expected.prefix(HTMLReport.maxSeriesCharts)))
        #expect(page.contains("The series of report short"))
    }

    /// `velo report` takes --set, --source and --asof as `velo run` does.
    @Test func reportTakesSetSourceAndAsOf() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let plan = HTMLReportTests.plan
        func page(_ r: ReportRequest) throws -> String {
            try ReportFrontend.run(r, console: FrontendHarness.Capture().console)
            return try String(contentsOfFile: r.html!, encoding: .utf8)
        }
        let base = try page(ReportRequest(file: plan, html: dir + "/a.html"))
        #expect(Self.count("<svg class=\"chart\"", in: base) == 5)
        // No velocity moves more than 90%: only the new launch's three series are charted.
        let calm = try page(ReportRequest(file: plan, html: dir + "/b.html", sets: ["velocity_threshold=90%"]))
        #expect(Self.count("<svg class=\"chart\"", in: calm) == 3)
        #expect(calm.contains("velocity_threshold = 90%"))
        let early = try page(ReportRequest(file: plan, html: dir + "/c.html", asof: "2024-12-01"))
        #expect(early.contains("as of 2024-12-01"))
        try "date,sku,channel,units\n2024-12-31,SKU000001,web,30\n".write(toFile: dir + "/sales.csv", atomically: true, encoding: .utf8)
        let other = try page(ReportRequest(file: plan, html: dir + "/d.html", sources: ["sales=" + dir + "/sales.csv"]))
        #expect(Self.count("<svg class=\"chart\"", in: other) == 1)
        #expect(other.contains("<h3>series [SKU000001, web]</h3>"))
    }

    @Test(.enabled(if: HTMLReportTests.chromium != nil, "chromium is not installed (scripts/setup.sh installs it)"))
    func rendersInHeadlessChromium() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let page = try Self.page(Self.production, dir: dir)
        let url = "file://" + dir + "/p.html"
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                      "--user-data-dir=" + dir + "/profile", "--enable-logging=stderr", "--v=0"]
        let (status, dom, log) = try HTMLReportTests.run(HTMLReportTests.chromium!, common + ["--dump-dom", url])
        #expect(status == 0, "\(log)")
        for mark in ["<svg class=\"chart period\"", "<circle class=\"level\"", "<rect class=\"run\"", "<path class=\"release\"",
                     "<polyline class=\"threshold\"", "<rect class=\"load", "<polyline class=\"limit\""] {
            #expect(Self.count(mark, in: dom) == Self.count(mark, in: page) && Self.count(mark, in: page) > 0, "\(mark)")
        }
        let console = log.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        #expect(console.isEmpty, "\(console)")
        let shot = dir + "/shot.png"
        let (shotStatus, _, shotLog) = try HTMLReportTests.run(HTMLReportTests.chromium!, common + ["--window-size=1200,1600", "--screenshot=" + shot, url])
        #expect(shotStatus == 0, "\(shotLog)")
        let (_, stats, statsErr) = try HTMLReportTests.run("/usr/bin/python3", [FrontendHarness.root + "/Tests/html/png_stats.py", shot])
        let fields = stats.split(separator: " ").map(String.init)
        try #require(fields.count == 4, "\(stats) \(statsErr)")
        #expect(Int(fields[2])! > 20, "a blank screenshot: \(stats)")
        #expect(Double(fields[3].trimmingCharacters(in: .whitespacesAndNewlines))! > 0.02, "a blank screenshot: \(stats)")
        // VELO_SCREENSHOT=1: the README's picture, the first SKU's chart and the capacity's.
        if ProcessInfo.processInfo.environment["VELO_SCREENSHOT"].map({ !$0.isEmpty }) == true,
           let body = page.range(of: "<body>"), let periods = page.range(of: "<h2>By period"),
           let capacity = page.range(of: "<h3>capacity") {
            let firstSeries = page.range(of: "<h4>", range: periods.upperBound..<page.endIndex)
            let secondSeries = firstSeries.flatMap { page.range(of: "<h4>", range: $0.upperBound..<page.endIndex) }
            let cut = String(page[..<body.upperBound]) + String(page[periods.lowerBound..<(secondSeries?.lowerBound ?? capacity.lowerBound)])
                + String(page[capacity.lowerBound...])
            try cut.write(toFile: dir + "/cut.html", atomically: true, encoding: .utf8)
            let png = dir + "/periods.png"
            _ = try HTMLReportTests.run(HTMLReportTests.chromium!, common + ["--window-size=900,880", "--screenshot=" + png, "file://" + dir + "/cut.html"])
            try? FileManager.default.removeItem(atPath: FrontendHarness.root + "/docs/report-periods.png")
            try FileManager.default.copyItem(atPath: png, toPath: FrontendHarness.root + "/docs/report-periods.png")
        }
    }
}
