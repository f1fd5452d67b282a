// The REPL core on the replenishment example: what-if edits and what they print, undo and
// redo, scenarios, formulas defined on the fly, reload, output modes, Ctrl-C, scripts.

import Foundation
import Testing
@testable import VeloFrontend

@Suite("REPL session")
struct REPLSessionTests {
    @Test func setParamPrintsWhatMovedAndUndoRedoTakeItBack() {
        let (s, c) = ReplHarness.session()
        #expect(s.execute("sum(plan.order_qty)"))
        #expect(c.take() == "100,913\n")
        #expect(s.execute("set service_level = 98%"))
        let out = c.take()
        #expect(out.hasPrefix("service_level: 95% → 98%\nplan.safety_stock: 59 of 60 cells changed, total 77,341.35 → 96,567.69 (+19,226.34)\n"))
        #expect(out.contains("plan.order_qty: 20 of 60 cells changed, total 100,913 → 112,512 (+11,599)\n  SKU000050  20,178 → 22,380  (+2,202)\n"))
        #expect(out.contains("  … 15 more (`changes` lists them all)\n"))
        #expect(out.hasSuffix("184 cells changed; 224 recomputed, 40 of them unchanged\n"))
        #expect(s.execute("changes"))
        #expect(!c.take().contains("more (`changes`"))
        #expect(s.execute("undo"))
        let undone = c.take()
        #expect(undone.hasPrefix("undone: set service_level = 98%\n"))
        #expect(undone.contains("plan.order_qty: 20 of 60 cells changed, total 112,512 → 100,913 (-11,599)\n"))
        #expect(s.execute("params"))
        #expect(c.take() == "service_level      = 95%\nvelocity_threshold = 25%\n")
        #expect(s.execute("redo"))
        #expect(c.take().hasPrefix("redone: set service_level = 98%\n"))
        #expect(s.execute("params"))
        #expect(c.take() == "service_level      = 98%   (rule file: 95%)\nvelocity_threshold = 25%\n")
        #expect(!s.execute("redo"))
        #expect(c.take() == "error: nothing to redo in scenario base\n")
    }

    @Test func setCellAndUndoRestoresTheData() {
        let (s, c) = ReplHarness.session()
        #expect(s.execute("set items.moq[\"SKU000014\"] = 600"))
        #expect(c.take() == """
            items.moq[SKU000014]: 1,200 → 600
            plan.order_qty: 1 of 60 cells changed, total 100,913 → 100,313 (-600)
              SKU000014  1,200 → 600  (-600)
            plan.overproduction: 1 of 60 cells changed, total 2,483.50 → 1,883.50 (-600)
              SKU000014  652.28 → 52.28  (-600.00)
            2 cells changed; 2 recomputed

            """)
        #expect(s.execute("undo"))
        _ = c.take()
        #expect(s.execute("items.moq[\"SKU000014\"]"))
        #expect(c.take() == "1,200\n")
    }

    @Test func editErrorsChangeNothing() {
        let (s, c) = ReplHarness.session()
        let cases: [(String, String)] = [
            ("set service_levle = 98%", "error: unknown param `service_levle`: did you mean `service_level`? (`params` lists them; a data cell is set as `set items.moq[\"SKU00012\"] = 500`)\n"),
            ("set service_level = fast", "error: service_level: expected a number such as `0.98` or `98%`, found `fast`\n"),
            ("set items.moq[\"SKU999\"] = 5", "error: `items` has no row [SKU999]\n"),
            ("set items.moq = moq where supplier == \"Nobody\"", "error: no row of `items` matches `supplier == \"Nobody\"`: nothing set\n"),
            ("set items.sku[\"SKU000014\"] = \"X\"", "error: `sku` is a key of `items`; keys cannot be set\n"),
            ("set items.moq[\"SKU000014\"] = \"many\"", "error: items.moq: expected a number such as `500` or `98%`, found `\"many\"`\n"),
            ("set plan.order_qty[\"SKU000014\"] = 5", "error: only cells of keyed source tables can be set; `plan` is computed by formulas (redefine its formula instead: `plan.order_qty = ...`)\n"),
            ("set sales.units[\"x\"] = 5", "error: only cells of keyed source tables can be set; `sales` is an event table without keys\n"),
            ("undo", "error: nothing to undo in scenario base\n"),
        ]
        for (line, message) in cases {
            #expect(!s.execute(line), "\(line)")
            #expect(c.take() == message, "\(line)")
        }
        #expect(s.execute("sum(plan.order_qty)"))
        #expect(c.take() == "100,913\n")
    }

    @Test func scenariosAreIndependentAndCompareSideBySide() {
        let (s, c) = ReplHarness.session()
        #expect(s.execute("scenario high_service"))
        #expect(c.take() == "scenario high_service: a copy of base; edits now apply to high_service (`use base` goes back)\n")
        #expect(s.prompt == "velo (high_service)> ")
        #expect(s.execute("set service_level = 98%"))
        _ = c.take()
        #expect(s.execute("use base"))
        #expect(s.prompt == "velo (base)> ")
        #expect(s.execute("sum(plan.order_qty)"))
        #expect(c.take() == "using scenario base\n100,913\n")
        #expect(s.execute("compare base high_service on plan.order_qty"))
        let out = c.take()
        #expect(out.hasPrefix("plan.order_qty: base vs high_service, 20 of 60 rows differ; total 100,913 vs 112,512 (+11,599)\nsku          base  high_service  delta\n"))
        #expect(out.contains("SKU000060       0         1,500  1,500\n"))
        #expect(s.execute("compare base base on plan.order_qty"))
        #expect(c.take() == "plan.order_qty: base vs base, 0 of 60 rows differ; total 100,913 vs 100,913 (0)\n")
        #expect(s.execute("scenarios"))
        #expect(c.take() == "* base\n  high_service: service_level = 98%\n")
        #expect(!s.execute("use hihg_service"))
        #expect(c.take() == "error: no scenario hihg_service: did you mean `high_service`? (scenarios: base, high_service)\n")
        #expect(!s.execute("scenario base"))
        #expect(c.take() == "error: scenario base exists; `use base` switches to it\n")
        #expect(!s.execute("compare base high_service on plan.nothing"))
        #expect(c.take() == "error: `plan` has no column `nothing` in scenario base\n")
    }

    @Test func formulasDefinedOnTheFly() {
        let (s, c) = ReplHarness.session()
        #expect(s.execute("plan.extra = order_qty * 1.1"))
        #expect(c.take() == "plan.extra: new column\n60 cells computed\n")
        #expect(s.execute("sum(plan.extra)"))
        #expect(c.take() == "111,004.30\n")
        // A redefinition reports what moved.
        #expect(s.execute("plan.order_qty = if need == 0 then 0 else roundup(need, items.case_pack)"))
        let out = c.take()
        #expect(out.hasPrefix("plan.order_qty: redefined\nplan.order_qty: 3 of 60 cells changed"))
        #expect(out.contains("plan.extra: 3 of 60 cells changed"))
        // A formula that does not check changes nothing; the error points into what was typed.
        #expect(!s.execute("plan.extra = ordr_qty * 2"))
        #expect(c.take() == """
            <query>:1:1: error: unknown name `ordr_qty` in table `plan`
              1 | ordr_qty * 2
                | ^^^^^^^^
            hint: did you mean `order_qty`?

            """)
        #expect(!s.execute("items.extra = moq * 2"))
        #expect(c.take().hasPrefix("error: `items` is a source table (its columns come from data/items.csv); define formulas in a computed table\n"))
        #expect(!s.execute("plann.extra = 1"))
        #expect(c.take() == "error: no table `plann`: did you mean `plan`?; a formula is defined in an existing table, e.g. `plan.extra = order_qty * 1.1`\n")
        #expect(s.execute("undo"))
        _ = c.take()
        #expect(s.execute("undo"))
        #expect(c.take() == "undone: plan.extra = order_qty * 1.1\nplan.extra: removed\n0 cells computed\n")
        #expect(!s.execute("plan.extra"))
        #expect(c.take().contains("no column `extra`"))
    }

    @Test func reloadThatFailsKeepsThePreviousState() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let rules = try String(contentsOfFile: ReplHarness.plan, encoding: .utf8)
            .replacingOccurrences(of: "\"data/", with: "\"\(ReplHarness.root)/Examples/replenishment/data/")
        let path = dir + "/plan.velo"
        try rules.write(toFile: path, atomically: true, encoding: .utf8)
        let (s, c) = ReplHarness.session(file: path)
        #expect(s.execute("set items.moq[\"SKU000014\"] = 600"))
        _ = c.take()
        try (rules + "\ntable broken by sku from items:\n  x = nosuch + 1\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(!s.execute("reload"))
        let failed = c.take()
        #expect(failed.contains("error: unknown name `nosuch` in table `broken`"))
        #expect(failed.hasSuffix("reload failed, nothing changed\n"))
        #expect(s.execute("sum(plan.order_qty)"))
        #expect(c.take() == "100,313\n")
        // Fixed on disk: the reload keeps the edit and says what moved.
        try rules.replacingOccurrences(of: "param service_level      = 95%", with: "param service_level      = 98%")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(s.execute("reload"))
        let out = c.take()
        #expect(out.hasPrefix("reloaded \(path): 3 sources, 2 computed tables, 2 params, 3 flags, 1 check; as of 2024-12-31\n"))
        #expect(out.contains("plan.order_qty: 21 of 60 cells changed, total 100,313 → 112,056 (+11,743)"))
        #expect(s.execute("items.moq[\"SKU000014\"]"))
        #expect(c.take() == "600\n")
    }

    @Test func outputModes() {
        let (s, c) = ReplHarness.session()
        #expect(s.execute("plan.safety_stock[\"SKU000014\"]"))
        #expect(c.take() == "749.38\n")
        #expect(s.execute("mode csv"))
        #expect(s.execute("plan.safety_stock[\"SKU000014\"]"))
        #expect(s.execute("show plan need, order_qty where order_qty > 0 sort by order_qty desc limit 2"))
        #expect(c.take() == """
            mode: csv
            749.3756915219441
            sku,need,order_qty
            SKU000050,20175.516289420477,20178
            SKU000048,16127.245658166914,16128

            """)
        #expect(s.execute("mode json"))
        #expect(s.execute("plan.cadence[\"SKU000014\"]"))
        #expect(s.execute("series.velocity_change[\"SKU000010\", \"web\"]"))
        #expect(c.take() == "mode: json\n\"weekly\"\nnull\n")
        #expect(s.execute("mode table"))
        #expect(s.execute("series.velocity_change[\"SKU000010\", \"web\"]"))
        #expect(c.take() == "mode: table\n— (division by zero)\n")
    }

    /// `mode csv units` heads the columns with their units, `mode json units` gives each table
    /// a units object; `mode csv` goes back to bare headers.
    @Test func outputModesWithUnits() {
        let (s, c) = ReplHarness.session()
        #expect(s.execute("mode csv units"))
        #expect(s.execute("show plan need, demand, cadence sort by need desc limit 1"))
        #expect(s.execute("mode json units"))
        #expect(s.execute("show plan need limit 1"))
        #expect(s.execute("mode csv"))
        #expect(s.execute("show plan need limit 1"))
        #expect(c.take() == """
            mode: csv, with units
            sku,need (units),demand (units/day),cadence
            SKU000050,20175.516289420477,460.74891774891773,weekly
            mode: json, with units
            {
              "units": {"need": "units"},
              "rows": [
                {"sku": "SKU000001", "need": 0}
              ]
            }
            mode: csv
            sku,need
            SKU000001,0

            """)
    }

    @Test func wideTablesFitTheTerminal() {
        let capture = ReplHarness.Capture()
        let console = capture.console
        console.outputIsTerminal = true
        console.width = 60
        let s = ReplSession(console: console)
        #expect(s.start(ReplOptions(file: ReplHarness.plan)) == .ok)
        _ = capture.take()
        #expect(s.execute("show plan limit 3"))
        let lines = capture.take().split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 60 })
        #expect(lines.last?.contains(" more columns: ") == true)
    }

    @Test func explainShowsFormulaInputsAndWindowDays() {
        let (s, c) = ReplHarness.session()
        #expect(s.execute("explain series.velocity[\"SKU000010\", \"web\"]"))
        #expect(c.take() == """
            series.velocity[SKU000010, web] = 9.97 units/day
            │  = wavg(sales.units, last 21 days, weights: linear)
            └─ wavg(sales.units, last 21 days, weights: linear) = 9.97
                  11 rows of sales on 11 of 21 days
                  2024-12-11 … 2024-12-31 (21 days)  ··········▂▄▃▂▅▅▆▆█▇▇
                  weights 1 (oldest) … 21 (newest)
                  daily totals: · · · · · · · · · · 4 8 7 4 12 11 16 15 21 17 18
                  · = no rows that day, counted as 0 (10 days)

            """)
        #expect(s.execute("explain series.velocity_change[\"SKU000010\", \"web\"] depth 0"))
        #expect(c.take() == "series.velocity_change[SKU000010, web] = — (division by zero)\n   = velocity / prior_velocity - 1\n")
        #expect(!s.execute("explain plan.order_qty[\"SKU9\"]"))
        #expect(c.take().hasPrefix("error: `plan` has no row [SKU9]"))
        #expect(ExplainText.sparkline([0, 1, 2, 3, 4, 5, 6, 7], zeroFilled: [true] + Array(repeating: false, count: 7)) == "·▂▃▄▅▆▇█")
    }

    @Test func ctrlCDuringAnEditChangesNothing() {
        let (s, c) = ReplHarness.session()
        s.interruptRequested = { true }
        #expect(!s.execute("set service_level = 98%"))
        #expect(c.take() == "interrupted: nothing changed\n")
        #expect(!s.execute("plan.extra = 1"))
        #expect(c.take() == "interrupted: nothing changed\n")
        s.interruptRequested = { false }
        #expect(s.execute("params"))
        #expect(c.take() == "service_level      = 95%\nvelocity_threshold = 25%\n")
        #expect(!s.execute("plan.extra"))
        _ = c.take()
        #expect(!s.execute("undo"))
    }

    @Test func scriptsKeepGoingAfterAnErrorAndReportIt() {
        let (ok, out) = ReplHarness.script(["sum(plan.ordr_qty)", "# a comment", "", "sum(plan.order_qty", "  * 2)", "quit", "undo"])
        #expect(!ok)
        #expect(out.hasSuffix("201,826\n"))
        let (allOk, _) = ReplHarness.script(["timer on", "z(98%)", "params"])
        #expect(allOk)
    }

    @Test func timerPrintsTimeAndCells() {
        let (s, c) = ReplHarness.session()
        #expect(s.execute("timer on"))
        #expect(s.execute("set service_level = 98%"))
        let last = c.take().split(separator: "\n").last ?? ""
        #expect(last.hasPrefix("time: ") && last.hasSuffix(" ms, 224 cells computed"))
    }

    @Test func startupFailuresHaveTheirExitStatus() {
        let capture = ReplHarness.Capture()
        #expect(ReplSession(console: capture.console).start(ReplOptions(file: "/nonexistent/plan.velo")) == .usage)
        #expect(capture.take().hasPrefix("error: cannot read /nonexistent/plan.velo"))
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try? "table t by k from u:\n  x = 1\n".write(toFile: dir + "/bad.velo", atomically: true, encoding: .utf8)
        #expect(ReplSession(console: capture.console).start(ReplOptions(file: dir + "/bad.velo")) == .ruleErrors)
        // Without a rule file, constant expressions still work.
        let (s, c) = ReplHarness.session(file: nil)
        #expect(s.execute("z(98%) * 2"))
        #expect(c.take() == "4.11\n")
    }
}
