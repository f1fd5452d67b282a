// The window push-down: which rows of a dated source a program can read (read off the
// evaluation graph), and that a run reading only those rows computes what a run reading
// every row computes — also after the as-of date is edited to an earlier day.

import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

@Suite struct WindowPushDownTests {
    static let header = """
        table sales = csv("sales.csv")
        table items = csv("items.csv") by sku

        """

    /// The reach of `sales` for a rule file (nil: every row is read).
    static func reach(_ body: String, asOfGiven: Bool = false, also: (CheckedProgram) -> WindowPushDown = { _ in WindowPushDown() })
        throws -> SourceReach? {
        let scratch = Scratch(WindowData.files)
        let program = try compile(header + body, path: scratch.path("rules.velo"))
        let reaches = EvaluationGraph(program).sourceReaches(asOfGiven: asOfGiven, also: also(program))
        return reaches[program.table(named: "sales")!.index]
    }

    @Test(arguments: [
        // The replenishment example's windows: 21 days, and 21 days ending 14 days ago.
        ("table s by sku from sales in last 35 days:\n  v = wavg(sales.units, last 21 days, weights: linear)\n  p = avg(sales.units, last 21 days ending 14 days ago)\n", SourceReach?.some(.days(35))),
        ("table s by sku from items:\n  v = sum(sales.units, last 7 days)\n", .days(7)),
        ("table s by sku from items:\n  v = sum(sales.units, last 7 days)\n  w = count(sales.units, last 3 days ending 30 days ago)\n", .days(33)),
        ("table s by sku from sales in last 10 days:\n  n = 1\n", .days(10)),
        // Every row: no window, a window anchored at a computed date, rows drawn without a window.
        ("table s by sku from items:\n  v = sum(sales.units)\n", nil),
        ("table s by sku from items:\n  v = sum(sales.units, last 7 days)\n  t = sum(sales.units)\n", nil),
        ("table s by sku from items:\n  d = asof() - days(10)\n  v = sum(sales.units, 7 days after d)\n", nil),
        ("table s by sku from sales:\n  v = sum(sales.units, last 7 days)\n", nil),
        // A flag or check on the event table reports every row.
        ("table s by sku from items:\n  v = sum(sales.units, last 7 days)\nflag big on sales when units > 50:\n  \"big\"\n", nil),
        ("table s by sku from items:\n  v = sum(sales.units, last 7 days)\ncheck sales: units >= 0\n", nil),
    ] as [(String, SourceReach?)])
    func reachOfTheGraph(body: String, expected: SourceReach?) throws {
        #expect(try Self.reach(body) == expected, "\(body)")
    }

    @Test func aFilteredSourceIsReadWholeUnlessTheAsOfDateIsGiven() throws {
        let rules = """
            table sales = csv("sales.csv"):
              where units > 1
            table items = csv("items.csv") by sku
            table s by sku from items:
              v = sum(sales.units, last 7 days)

            """
        let scratch = Scratch(WindowData.files)
        let program = try compile(rules, path: scratch.path("rules.velo"))
        let sales = program.table(named: "sales")!.index
        #expect(EvaluationGraph(program).sourceReaches(asOfGiven: false)[sales] == nil)
        #expect(EvaluationGraph(program).sourceReaches(asOfGiven: true)[sales] == .days(7))
    }

    @Test func tablesShownOrReadByAReportConditionAreReadWhole() throws {
        let body = "table s by sku from items:\n  v = sum(sales.units, last 7 days)\n"
        #expect(try Self.reach(body, also: { WindowPushDown(shown: [$0.table(named: "sales")!]) }) == nil)
        #expect(try Self.reach(body, also: { WindowPushDown(shown: [$0.table(named: "s")!]) }) == .days(7))
        // The sparkline of a printed table reads its 28 recent days.
        #expect(try Self.reach(body, also: { _ in WindowPushDown(minimumDays: 28) }) == .days(28))
        #expect(try Self.reach("table s by sku from items:\n  v = sum(sales.units, last 40 days)\n",
                               also: { _ in WindowPushDown(minimumDays: 28) }) == .days(40))
    }

    /// Every table but `sales` (which a windowed run holds only part of), as text.
    static func results(_ ws: Workspace) -> [String] {
        ws.program.tables.indices.filter { ws.program.tables[$0].name != "sales" }.map { t in
            let ref = TableRef(t)
            let columns = ws.program.tables[t].columns.indices.map { ws.column(ColumnRef(ref, $0)) }
            return ws.program.tables[t].name + ": " + (0..<ws.rowCount(ref)).map { r in
                columns.map { "\(cellValue($0, r))" }.joined(separator: ",")
            }.joined(separator: " | ")
        }
    }

    static let plan = """
        table sales = csv("sales.csv")
        table items = csv("items.csv") by sku
        table recent by sku from sales in last 10 days:
          week = sum(sales.units, last 7 days)
          earlier = sum(sales.units, last 3 days ending 5 days ago)
          busiest = max(sales.units, last 10 days)
        table plan by sku from items:
          recent_week = recent.week ?? 0

        """

    @Test func aRunOfTheWindowEqualsARunOfEveryRow() throws {
        let scratch = Scratch(WindowData.files)
        let program = try compile(Self.plan, path: scratch.path("rules.velo"))
        for asOf in [nil, "2024-01-30", "2024-01-25", "2024-02-10"] as [String?] {
            var options = WorkspaceOptions(asOf: asOf.map { CivilDate(iso: $0)!.day })
            let whole = try Workspace.open(program, options: options)
            options.windowPushDown = WindowPushDown()
            let windowed = try Workspace.open(program, options: options)
            #expect(windowed.readWindows.map(\.table) == ["sales"])
            #expect(windowed.rowCount(program.table(named: "sales")!) < whole.rowCount(program.table(named: "sales")!))
            #expect(Self.results(windowed) == Self.results(whole), "as of \(asOf ?? "the latest date")")
        }
    }

    @Test func anEarlierAsOfDateReadsTheSourceWholeAgain() throws {
        let scratch = Scratch(WindowData.files)
        let program = try compile(Self.plan, path: scratch.path("rules.velo"))
        var options = WorkspaceOptions()
        options.windowPushDown = WindowPushDown()
        let ws = try Workspace.open(program, options: options)
        let earlier = CivilDate(iso: "2024-01-05")!.day
        _ = try ws.apply([.asOf(earlier)])
        #expect(ws.readWindows.isEmpty)
        let fresh = try Workspace.open(program, options: WorkspaceOptions(asOf: earlier))
        #expect(Self.results(ws) == Self.results(fresh))
        #expect(ws.invariantViolations().isEmpty)
    }
}
