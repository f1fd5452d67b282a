// Period tables read across: the REPL's `show … pivot COLUMN` and `velo run --pivot COLUMN`
// on the production example, and the sparkline.

import Testing
@testable import VeloFrontend

@Suite("Period tables shown across")
struct PeriodPivotTests {
    static let production = ReplHarness.root + "/Examples/production/production.velo"

    @Test func showPivotsOneMeasureBySKUAndWeek() {
        let (ok, output) = ReplHarness.script(["show projection pivot closing where sku == \"SKU000004\""], file: Self.production)
        #expect(ok)
        #expect(output.contains("projection.closing by week where sku == \"SKU000004\" (1 row)"))
        #expect(output.contains("week 1") && output.contains("week 12") && output.contains("closing over weeks"))
        // Week 4 is the stock-out (-17.45); a run lands in week 5.
        #expect(output.contains("SKU000004  1,660.64  1,101.27  541.91  -17.45  215.18"))
        #expect(output.contains("█▆▃▁▂▂▂▂▂▂▂▂"))
    }

    @Test func aTableWithoutPeriodsOrAnUnknownColumnIsAnError() {
        let (_, a) = ReplHarness.script(["show plan pivot demand"], file: Self.production)
        #expect(a.contains("`plan` has no periods to pivot on"))
        let (_, b) = ReplHarness.script(["show projection pivot closin"], file: Self.production)
        #expect(b.contains("`projection` has no column `closin` to show by week: did you mean `closing`?"))
        let (_, c) = ReplHarness.script(["show projection pivot"], file: Self.production)
        #expect(c.contains("`pivot` needs a column"))
    }

    @Test func parseShowReadsThePivotClause() throws {
        guard case .show(let spec) = try ReplCommand.parse("show projection pivot closing where sku == \"A\" limit 3") else {
            Issue.record("not a show")
            return
        }
        #expect(spec.pivot == "closing" && spec.filter == "sku == \"A\"" && spec.limit == 3)
    }

    @Test func runPivotsPeriodTables() throws {
        let (status, output) = try ReplHarness.runVelo(["run", Self.production, "--table", "capacity", "--pivot", "released",
                                                         "--format", "csv"], stdin: nil)
        #expect(status == 0)
        #expect(output.hasPrefix("week 1,week 2,week 3"))
        #expect(output.contains("99483,18597,16248"))
        let (bad, message) = try ReplHarness.runVelo(["run", Self.production, "--table", "plan", "--pivot", "demand"], stdin: nil)
        #expect(bad == 2 && message.contains("no period table among the tables output"))
    }

    @Test func sparklines() {
        #expect(PeriodPivot.sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(PeriodPivot.sparkline([5, 5]) == "▄▄")
        #expect(PeriodPivot.sparkline([1, .nan, 3]) == "▁ █")
        #expect(PeriodPivot.sparkline([]) == "")
    }
}
