// The evaluation graph: its nodes and edges for a small program, and the wrong answers it
// fixed — each edit below once left cells that a fresh evaluation computes differently.

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine
import VeloFrontend

/// Every cell of every table of `a` equals the same cell of `b` (missing reasons included).
func graphDifferences(_ a: Workspace, _ b: Workspace) -> [String] {
    var out: [String] = []
    for (i, info) in a.program.tables.enumerated() {
        let t = TableRef(i)
        guard a.rowCount(t) == b.rowCount(t) else {
            out.append("\(info.name): \(a.rowCount(t)) rows, fresh \(b.rowCount(t))")
            continue
        }
        for c in info.columns.indices {
            let x = a.column(ColumnRef(t, c)), y = b.column(ColumnRef(t, c))
            func reason(_ ws: Workspace, _ c: ResultColumn, _ r: Int) -> String {
                c.missingReasons[r].map { ResultText.described($0, in: ws.program) } ?? ""
            }
            for r in 0..<a.rowCount(t) where cellValue(x, r) != cellValue(y, r) || reason(a, x, r) != reason(b, y, r) {
                out.append("\(info.name).\(x.name)[\(a.keyText(t, row: r))]: \(cellValue(x, r)) \(reason(a, x, r)), fresh \(cellValue(y, r)) \(reason(b, y, r))")
            }
        }
    }
    if a.flags().map(ResultText.message) != b.flags().map(ResultText.message) { out.append("flags differ") }
    return out
}

@Suite("evaluation graph")
struct EvaluationGraphTests {
    static let sales = "date,sku,channel,units\n2024-06-28,S01,web,5\n2024-06-29,S02,web,3\n2024-06-30,S01,web,4\n"
    static let items = "sku,moq,case_pack,launch\nS01,10,6,2024-05-01\nS02,20,12,2024-06-05\nS03,5,1,2024-06-21\nS04,7,1,2024-07-10\n"

    /// Opens `rules` over the example data, applies `edits`, and opens the same rules afresh
    /// over `freshItems` (the items file as the edits leave it) at `freshAsOf`.
    func incrementalAndFresh(_ rules: String, edits: [Edit], freshItems: String = items,
                             freshAsOf: String? = nil) throws -> (Workspace, Workspace, ChangeReport) {
        let scratch = Scratch(["sales.csv": EvaluationGraphTests.sales, "items.csv": EvaluationGraphTests.items])
        let program = try compile(rules, path: scratch.path("rules.velo"))
        let ws = try Workspace.open(program)
        let report = try ws.apply(edits)
        let freshScratch = Scratch(["sales.csv": EvaluationGraphTests.sales, "items.csv": freshItems])
        let freshProgram = try compile(rules, path: freshScratch.path("rules.velo"))
        let fresh = try Workspace.open(freshProgram, options: WorkspaceOptions(asOf: freshAsOf.map { CivilDate(iso: $0)!.day }))
        #expect(ws.invariantViolations().isEmpty)
        return (ws, fresh, report)
    }

    @Test("set asof recomputes asof(), date arithmetic on it and windows anchored at it")
    func asOfIsANode() throws {
        let rules = """
            table sales = csv("sales.csv")
            table t:
              d = asof()
              n = days_between(2024-06-01, asof())
              w = sum(sales.units, last 3 days)
            """
        let (ws, fresh, report) = try incrementalAndFresh(rules, edits: [.asOf(CivilDate(iso: "2024-06-29")!.day)],
                                                          freshAsOf: "2024-06-29")
        #expect(graphDifferences(ws, fresh) == [])
        #expect(report.recomputed.count == 3)
        let t = ws.program.table(named: "t")!
        #expect(cellValue(ws.column(ColumnRef(t, 0)), 0) == .date("2024-06-29"))
    }

    @Test("a row set drawn from a window follows an edited date cell")
    func rowSetsReadDateCells() throws {
        let rules = """
            table sales = csv("sales.csv")
            table items = csv("items.csv") by sku
            table recent by sku from items in last 30 days:
              moq = items.moq
            """
        let edited = EvaluationGraphTests.items.replacingOccurrences(of: "S01,10,6,2024-05-01", with: "S01,10,6,2024-07-01")
        let (ws, fresh, report) = try incrementalAndFresh(
            rules, edits: [.cell(table: "items", column: "launch", keys: ["S01"], value: .date(CivilDate(iso: "2024-07-01")!.day))],
            freshItems: edited)
        #expect(graphDifferences(ws, fresh) == [])
        #expect(report.rebuiltTables == ["recent"])
        #expect(ws.rowCount(ws.program.table(named: "recent")!) == 3)
    }

    @Test("a window sum after a date cell moves rows out of date order")
    func windowAfterADateEdit() throws {
        let rules = """
            table sales = csv("sales.csv")
            table items = csv("items.csv") by sku
            table totals:
              moq_30d = sum(items.moq, last 30 days)
              n_30d = count(items.moq, last 30 days)
            """
        let edited = EvaluationGraphTests.items.replacingOccurrences(of: "S01,10,6,2024-05-01", with: "S01,10,6,2024-07-08")
        let (ws, fresh, _) = try incrementalAndFresh(
            rules, edits: [.asOf(CivilDate(iso: "2024-07-10")!.day),
                           .cell(table: "items", column: "launch", keys: ["S01"], value: .date(CivilDate(iso: "2024-07-08")!.day))],
            freshItems: edited, freshAsOf: "2024-07-10")
        #expect(graphDifferences(ws, fresh) == [])
        let totals = ws.program.table(named: "totals")!
        #expect(cellValue(ws.column(ColumnRef(totals, 0)), 0) == .number(22))
    }

    @Test("a rule edit that moves the as-of date does not reuse the windows it moved")
    func reuseSeesTheAsOfDate() throws {
        let before = """
            table sales = csv("sales.csv")
            table items = csv("items.csv") by sku
            table plan by sku from items:
              week = sum(sales.units, last 7 days)
            table totals:
              units = sum(sales.units)
            """
        let after = before + "\n  launched = count(items.moq, last 30 days)\n"
        let scratch = Scratch(["sales.csv": EvaluationGraphTests.sales, "items.csv": EvaluationGraphTests.items])
        let ws = try Workspace.open(try compile(before, path: scratch.path("rules.velo")))
        #expect(ws.asOf == CivilDate(iso: "2024-06-30")!.day)
        let program = try compile(after, path: scratch.path("rules.velo"))
        let reopened = try Workspace.reopen(program, previous: ws)
        let fresh = try Workspace.open(program)
        #expect(reopened.asOf == CivilDate(iso: "2024-07-10")!.day)
        #expect(graphDifferences(reopened, fresh) == [])
        // `totals.units` reads no window: it is still reused.
        #expect(reopened.stats.cellsReused == 1)
    }

    @Test("the graph's nodes and edge kinds for each way of reading")
    func edgesOfAProgram() throws {
        let rules = """
            table sales = csv("sales.csv")
            table items = csv("items.csv") by sku
            param factor = 2
            table plan by sku from items:
              week = sum(sales.units, last 7 days)
              cases = roundup(items.moq * factor, items.case_pack)
              first = plan.cases["S01"]
              age = days_between(items.launch, asof())
            """
        let e = try evaluate(rules, files: ["sales.csv": EvaluationGraphTests.sales, "items.csv": EvaluationGraphTests.items])
        let graph = e.ws.graph
        func kinds(_ column: String) -> [String: String] {
            var out: [String: String] = [:]
            for edge in graph.inputs[.column(e.columnRef("plan", column)!)]! { out[graph.name(edge.input), default: ""] += edge.kind + ";" }
            return out
        }
        #expect(kinds("week") == ["the rows of plan": "same row;", "the rows of sales": "group in a window;",
                                  "sales.sku": "scalar;", "the as-of date": "scalar;", "sales.date": "group in a window;",
                                  "sales.units": "group in a window;"])
        #expect(kinds("cases") == ["the rows of plan": "same row;", "items.moq": "lookup;", "the rows of items": "lookup;lookup;",
                                   "param factor": "scalar;", "items.case_pack": "lookup;"])
        #expect(kinds("first") == ["the rows of plan": "same row;fixed cell;", "plan.cases": "fixed cell;"])
        #expect(kinds("age")["the as-of date"] == "scalar;")
        #expect(graph.asOfTables == [e.table("sales")])
        #expect(graph.violations().isEmpty)
        // Heights: an input below every reader.
        let first = graph.height[.column(e.columnRef("plan", "first")!)]!, cases = graph.height[.column(e.columnRef("plan", "cases")!)]!
        #expect(first > cases)
    }

    @Test("an edited join column moves a row between groups")
    func editedJoinColumn() throws {
        let rules = """
            table items = csv("items.csv") by sku
            table po = csv("po.csv") by po
            table plan by sku from items:
              open_po = sum(po.qty)
            """
        let files = ["items.csv": "sku\nA\nB\n", "po.csv": "po,sku,qty\nP1,A,10\nP2,B,5\n"]
        let e = try evaluate(rules, files: files)
        _ = try e.ws.apply([.cell(table: "po", column: "sku", keys: ["P1"], value: .text("B"))])
        let fresh = try evaluate(rules, files: ["items.csv": "sku\nA\nB\n", "po.csv": "po,sku,qty\nP1,B,10\nP2,B,5\n"])
        #expect(graphDifferences(e.ws, fresh.ws) == [])
        #expect(e.ws.invariantViolations().isEmpty)
    }

    @Test("an `if` with a bare `missing` branch over no rows keeps its type (found by the 20,000-sequence run)")
    func bareMissingOverNoRows() throws {
        // Recomputing S03 alone evaluates the `if` over S03's returns: none. Over no rows both
        // branches are "all missing"; the bare one is told by its type, so `max` stays a date
        // maximum with the same reason as a fresh evaluation.
        let rules = """
            table returns = csv("returns.csv")
            table items = csv("items.csv") by sku
            table skus by sku:
              s = max(if items.active then returns.date else missing("too low")) - week_start(items.launch)
              c = max(returns.date ?? missing) - items.launch
            """
        let returns = "date,sku,qty\n2024-03-07,S01,3\n"
        let e = try evaluate(rules, files: ["returns.csv": returns, "items.csv": "sku,active,launch\nS03,false,2024-03-02\n"])
        let edited = ["returns.csv": returns, "items.csv": "sku,active,launch\nS03,false,2024-03-08\n"]
        try edited["items.csv"]!.write(toFile: e.scratch!.path("items.csv"), atomically: true, encoding: .utf8)
        _ = try e.ws.apply([.source("items", path: nil)])
        let fresh = try evaluate(rules, files: edited)
        #expect(graphDifferences(e.ws, fresh.ws) == [])
        let s = e.ws.column(e.columnRef("skus", "s")!)
        let row = try #require(e.ws.row(e.table("skus"), keys: ["S03"]))
        #expect(s.missingReasons[row].map { ResultText.described($0, in: e.ws.program) }?.contains("no rows to take the max of") == true)
    }
}
