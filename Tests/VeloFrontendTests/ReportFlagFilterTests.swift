// `where` on a report over the flags (issue 14): the flags table's columns compared with
// values, severity ordered (info < warning < error), keys by their own type.

import Foundation
import Testing
@testable import VeloFrontend
import VeloSyntax

@Suite("velo run: where on a report over the flags")
struct ReportFlagFilterTests {
    static let plan = FrontendHarness.root + "/Examples/replenishment/plan.velo"

    /// The replenishment example with reports of its own (an imported file's reports are not
    /// the importing file's), in a scratch file.
    static func withReports(_ reports: String, in dir: String) throws -> String {
        let file = dir + "/review.velo"
        try "import \"\(Self.plan)\"\n\n\(reports)\n".write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func filtersBySeverityFlagAndKeys() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let file = try Self.withReports("""
            report all on flags

            report web on flags:
              where severity >= warning and flag != "velocity_shift" and channel == "web"

            report others on flags:
              columns flag, sku, channel
              where not (flag == "new_launch" or sku == "SKU000002")

            report errors on flags:
              where severity == error
            """, in: dir)
        let all = FrontendHarness.records(FrontendHarness.run(RunRequest(file: file, format: "csv", report: "all")).out)
        #expect(all.count == 6, "the example raises five flags: \(all)")
        let web = FrontendHarness.run(RunRequest(file: file, format: "csv", report: "web"))
        #expect(web.status == nil, "\(web.err)")
        #expect(FrontendHarness.records(web.out).dropFirst().map { [$0[0], $0[3], $0[4]] } == [["new_launch", "SKU000010", "web"]])
        let others = FrontendHarness.run(RunRequest(file: file, format: "csv", report: "others"))
        #expect(FrontendHarness.records(others.out) == [["flag", "sku", "channel"], ["velocity_shift", "SKU000028", "wholesale"]])
        // None is an error: an empty CSV with its header.
        let errors = FrontendHarness.run(RunRequest(file: file, format: "csv", report: "errors"))
        #expect(errors.out == "flag,severity,table,sku,channel,message\n")
        let human = FrontendHarness.run(RunRequest(file: file, report: "web"))
        #expect(human.out.hasPrefix("web (1 of 5 rows)\n"), "\(human.out)")
    }

    @Test func severityIsOrderedInWhereAndSort() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "sku,moq\nA,1\nB,4\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        try """
            table items = csv("items.csv") by sku

            table plan by sku from items:
              qty = items.moq * 2

            flag big on plan when qty > 5 severity error
            flag small on plan when qty <= 5 severity info
            flag mid on plan when qty > 3 severity warning

            report sorted on flags:
              columns flag, severity, sku
              sort by severity desc, flag

            report serious on flags:
              columns flag
              where severity >= warning
            """.write(toFile: dir + "/p.velo", atomically: true, encoding: .utf8)
        let sorted = FrontendHarness.run(RunRequest(file: dir + "/p.velo", format: "csv", report: "sorted"))
        #expect(FrontendHarness.records(sorted.out) == [["flag", "severity", "sku"], ["big", "error", "B"], ["mid", "warning", "B"], ["small", "info", "A"]],
                "\(sorted.out) \(sorted.err)")
        let serious = FrontendHarness.run(RunRequest(file: dir + "/p.velo", format: "csv", report: "serious"))
        #expect(FrontendHarness.records(serious.out) == [["flag"], ["big"], ["mid"]], "\(serious.out)")
    }

    @Test func roundTripsThroughFmt() throws {
        let text = """
            table items = csv("items.csv") by sku

            table plan by sku from items:
              qty = items.moq * 2

            flag big on plan when qty > 5 severity error

            report r on flags:
              where severity >= warning and not (table == "plan" or sku == "A")

            """
        let formatted = try #require(RuleFormatter.format(text))
        #expect(formatted == text)
    }
}
