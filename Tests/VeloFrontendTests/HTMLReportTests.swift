// `velo report --html`: a self-contained page whose chart marks match the data, rendered in
// headless Chromium (Debian `chromium`; scripts/setup.sh installs it) without console
// errors, into a screenshot that is not blank.

import Foundation
import Testing
@testable import VeloFrontend
import VeloEngine

@Suite("velo report --html")
struct HTMLReportTests {
    static let plan = FrontendHarness.root + "/Examples/replenishment/plan.velo"

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    static func write(_ dir: String, compare: [String] = []) throws -> String {
        let capture = FrontendHarness.Capture()
        try ReportFrontend.run(ReportRequest(file: plan, html: dir + "/out/r.html", compare: compare), console: capture.console)
        return try String(contentsOfFile: dir + "/out/r.html", encoding: .utf8)
    }

    /// The example's workspace, to count what the charts must show.
    static func workspace() throws -> Workspace {
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        let program = try #require(Frontend.check(.init(path: plan, text: text)).program)
        return try Workspace.open(program)
    }

    @Test func selfContainedWithAChartPerFlaggedSeriesWhoseMarksMatchTheData() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let page = try Self.write(dir)
        for forbidden in ["<script", "<link", "src=", "url(", "https://", "@import"] {
            #expect(!page.contains(forbidden), "the page must not load anything: \(forbidden)")
        }
        #expect(!page.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        let ws = try Self.workspace()
        let flagged = Set(ws.flags().map { "\($0.table)#\($0.row)" })
        var days = 0, zero = 0, windows = 0
        for key in flagged {
            let parts = key.split(separator: "#")
            for s in ws.dailySeries(ws.program.table(named: String(parts[0]))!, row: Int(parts[1])!) {
                days += s.hadRows.filter { $0 }.count
                zero += s.hadRows.filter { !$0 }.count
                windows += s.windows.count
            }
        }
        #expect(flagged.count == 5)
        #expect(Self.count("<svg class=\"chart\"", in: page) == flagged.count)
        #expect(Self.count("<rect class=\"day\"", in: page) == days)
        #expect(Self.count("<circle class=\"zero-day\"", in: page) == zero)
        #expect(zero > 0, "the new launch has days without sales before it")
        #expect(Self.count("<rect class=\"window", in: page) == windows)
        // velocity and prior_velocity: one level line per window of each flagged series.
        #expect(Self.count("<line class=\"level", in: page) == 2 * flagged.count)
        // Numbers read as in the terminal.
        #expect(page.contains("<td class=\"num\">16,128</td>"))
        #expect(page.contains("This week&#39;s orders, lowest cover first (27 of 60 rows)"))
    }

    @Test func compareShowsTheDeltas() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let page = try Self.write(dir, compare: ["service_level=98%"])
        #expect(page.contains("<h2>What if service_level=98%</h2>"))
        let bars = Self.count("<rect class=\"delta", in: page)
        #expect(bars > 0 && bars <= 20 * 2)
        // A percentage given as a plain number is refused here too.
        let capture = FrontendHarness.Capture()
        #expect(throws: CommandFailure.self) {
            try ReportFrontend.run(ReportRequest(file: Self.plan, html: dir + "/x.html", compare: ["service_level=98"]), console: capture.console)
        }
        #expect(capture.err.contains("did you mean 98%?"))
        #expect(throws: CommandFailure.self) { try ReportFrontend.run(ReportRequest(file: Self.plan), console: capture.console) }
    }

    static var chromium: String? {
        for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        return nil
    }

    /// Runs a program with a bounded wait (killed after `seconds`); its status and output.
    static func run(_ tool: String, _ arguments: [String], seconds: Int = 90) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["--kill-after=5", String(seconds), tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test(.enabled(if: HTMLReportTests.chromium != nil, "chromium is not installed (scripts/setup.sh installs it)"))
    func rendersInHeadlessChromium() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let page = try Self.write(dir, compare: ["service_level=98%"])
        let url = "file://" + dir + "/out/r.html"
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                      "--user-data-dir=" + dir + "/profile", "--enable-logging=stderr", "--v=0"]
        // The DOM Chromium built has every mark of the file, and no console message.
        let (status, dom, log) = try Self.run(Self.chromium!, common + ["--dump-dom", url])
        #expect(status == 0, "\(log)")
        for mark in ["<rect class=\"day\"", "<circle class=\"zero-day\"", "<rect class=\"window", "<svg class=\"chart\"", "<rect class=\"delta"] {
            #expect(Self.count(mark, in: dom) == Self.count(mark, in: page), "\(mark)")
        }
        let console = log.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
        #expect(console.isEmpty, "\(console)")
        // A screenshot with something on it.
        let shot = dir + "/shot.png"
        let (shotStatus, _, shotLog) = try Self.run(Self.chromium!, common + ["--window-size=1200,1600", "--screenshot=" + shot, url])
        #expect(shotStatus == 0, "\(shotLog)")
        let (_, stats, statsErr) = try Self.run("/usr/bin/python3", [FrontendHarness.root + "/Tests/html/png_stats.py", shot])
        let fields = stats.split(separator: " ").map(String.init)
        try #require(fields.count == 4, "\(stats) \(statsErr)")
        #expect(fields[0] == "1200" && fields[1] == "1600")
        #expect(Int(fields[2])! > 20, "a blank screenshot: \(stats)")
        #expect(Double(fields[3].trimmingCharacters(in: .whitespacesAndNewlines))! > 0.02, "a blank screenshot: \(stats)")
        if ProcessInfo.processInfo.environment["VELO_SCREENSHOT"].map({ !$0.isEmpty }) == true {
            try? FileManager.default.removeItem(atPath: FrontendHarness.root + "/docs/report.png")
            try FileManager.default.copyItem(atPath: shot, toPath: FrontendHarness.root + "/docs/report.png")
        }
    }
}
