// Incremental along time: what an edit of a time-phased plan recomputes, and that the
// result equals a fresh evaluation (issue 10, item 6).
//
// A small world: three SKUs, four weeks; SKU A gets an open order in week 2. Editing it
// recomputes A's weeks from 2 on (the recurrence stops where a week's closing is unchanged),
// the release weeks they feed (a shift by a column reaches only the rows whose k lands on a
// changed row) and those weeks' capacity rows — nothing else; a capacity edit recomputes only
// the capacity column and its flag.

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine
import VeloSyntax

@Suite("Time-phased plans, incrementally")
struct ProductionIncrementalTests {
    static let rules = """
    table items = csv("items.csv") by sku
    table orders = csv("orders.csv") by po
    table sales = csv("sales.csv")
    param horizon = 4
    param cap = 15

    table proj by sku, week from items over weeks(horizon):
      opening = previous(closing, first: items.on_hand)
      receipts = sum(orders.qty, early: first)
      planned = if week > items.lt and opening + receipts - items.demand < 0 then 10 else 0
      closing = opening + receipts - items.demand + planned
      release = shift(planned, items.lt) ?? 0
      total_in = cumulative(receipts)
      first_low = first_period(closing < 4)

    table so by sku from items:
      stockout = first_period(proj.closing < 0)

    table load by week over weeks(horizon):
      start = period_start()
      released = sum(proj.release)
      capacity = cap
      busy = released > capacity

    flag overload on load when busy:
      "over by {released}"
    """

    static func world(_ dir: String) throws -> Workspace {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "sku,on_hand,demand,lt\nA,20,8,1\nB,5,3,2\nC,100,1,1\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        try "po,sku,due_date,qty\nP1,A,2025-01-09,7\nP2,B,2024-12-30,4\nP3,B,2025-03-01,100\n"
            .write(toFile: dir + "/orders.csv", atomically: true, encoding: .utf8)
        try "date,units\n2024-12-31,1\n".write(toFile: dir + "/sales.csv", atomically: true, encoding: .utf8)
        try Self.rules.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        let (program, diagnostics) = RuleCompiler.compile(SourceFile(path: dir + "/plan.velo", text: Self.rules))
        guard let program else { throw CompileFailure(diagnostics: diagnostics) }
        return try Workspace.open(program)
    }

    static func scratch() -> String {
        FileManager.default.temporaryDirectory.path + "/velo-periods-" + UUID().uuidString
    }

    static func ran(_ ws: Workspace, _ report: ChangeReport) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (ref, rows) in report.recomputed where !rows.isEmpty {
            let table = ws.program.table(ref.table)
            out[ws.program.qualifiedName(ref)] = rows.map { table.keys.isEmpty ? table.name : ws.keyText(ref.table, row: $0) }.sorted()
        }
        return out
    }

    func fresh(_ ws: Workspace, params: [String: Literal] = [:], dir: String) throws -> Workspace {
        let (program, _) = RuleCompiler.compile(SourceFile(path: dir + "/plan.velo", text: Self.rules))
        return try Workspace.open(program!, options: WorkspaceOptions(params: params))
    }

    @Test func valuesAlongTime() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.world(dir)
        let run = Evaluated(ws, scratch: nil)
        #expect(run.column("proj", "closing") == [.number(12), .number(11), .number(3), .number(5),
                                                   .number(6), .number(3), .number(0), .number(7),
                                                   .number(99), .number(98), .number(97), .number(96)])
        #expect(run.column("proj", "release")[4...7] == [.number(0), .number(10), .number(0), .number(0)])
        #expect(run.column("proj", "total_in")[0...3] == [.number(0), .number(7), .number(7), .number(7)])
        #expect(run.column("so", "stockout") == [.missing, .missing, .missing])
        // first_period in the period table itself: the same week in every row of a series.
        #expect(run.column("proj", "first_low") == [.number(3), .number(3), .number(3), .number(3),
                                                     .number(2), .number(2), .number(2), .number(2),
                                                     .missing, .missing, .missing, .missing])
        #expect(run.column("load", "start") == [.date("2025-01-01"), .date("2025-01-08"), .date("2025-01-15"), .date("2025-01-22")])
        // explain walks first_period to the period where the condition first holds.
        let e = try ws.explain(table: "proj", column: "first_low", keys: ["B", "4"], depth: 2)
        #expect(e.inputs.first?.note == "the first of periods 1…4 where closing < 4 holds")
        #expect(e.inputs.first?.inputs.map(\.cell) == ["proj.closing[B, 2]"])
        #expect(try ws.explain(table: "proj", column: "first_low", keys: ["C", "1"], depth: 1).inputs.first?.note
                == "closing < 4 holds in no period 1…4")
        #expect(ws.invariantViolations().isEmpty)
    }

    @Test func editingOneOrderRecomputesItsSKUFromItsWeekOn() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.world(dir)
        // P1 (A, week 2): 7 → 1. A's weeks 2..4 move; A's planned run in week 3 feeds the
        // release of week 2.
        let report = try ws.apply([.cell(table: "orders", column: "qty", keys: ["P1"], value: .number(1))])
        let ran = Self.ran(ws, report)
        // Week 3 of A now plans a run (released in week 2): only week 2's load moves.
        #expect(ran == [
            "proj.receipts": ["A, 2"],
            "proj.opening": ["A, 2", "A, 3", "A, 4"],
            "proj.planned": ["A, 2", "A, 3", "A, 4"],
            "proj.closing": ["A, 2", "A, 3", "A, 4"],
            "proj.total_in": ["A, 2", "A, 3", "A, 4"],
            "proj.release": ["A, 2"],   // shift(planned, items.lt): only the week whose k lands on a changed run
            "proj.first_low": ["A, 1", "A, 2", "A, 3", "A, 4"],   // first_period reads the whole series
            "so.stockout": ["A"],
            "load.released": ["2"],
            "load.busy": ["2"],
        ])
        try "po,sku,due_date,qty\nP1,A,2025-01-09,1\nP2,B,2024-12-30,4\nP3,B,2025-03-01,100\n"
            .write(toFile: dir + "/orders.csv", atomically: true, encoding: .utf8)
        #expect(incDifferences(ws, try fresh(ws, dir: dir)).isEmpty)
        #expect(ws.invariantViolations().isEmpty)
    }

    @Test func movingAnOrdersDueDateMovesItsReceipt() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.world(dir)
        let report = try ws.apply([.cell(table: "orders", column: "due_date", keys: ["P1"], value: .date(CivilDate(iso: "2025-01-20")!.day))])
        #expect(Self.ran(ws, report)["proj.receipts"]?.count == 12)   // a date edit re-reads every row's group
        try "po,sku,due_date,qty\nP1,A,2025-01-20,7\nP2,B,2024-12-30,4\nP3,B,2025-03-01,100\n"
            .write(toFile: dir + "/orders.csv", atomically: true, encoding: .utf8)
        #expect(incDifferences(ws, try fresh(ws, dir: dir)).isEmpty)
        let run = Evaluated(ws, scratch: nil)
        #expect(run.column("proj", "receipts")[0...3] == [.number(0), .number(0), .number(7), .number(0)])
        _ = try ws.apply([.cell(table: "orders", column: "qty", keys: ["P1"], value: .number(9))])
        #expect(run.column("proj", "receipts")[0...3] == [.number(0), .number(0), .number(9), .number(0)])
        #expect(ws.invariantViolations().isEmpty)
    }

    @Test func aCutoffStopsTheRecurrence() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.world(dir)
        // C has plenty of stock: its demand edit moves every week, but an order quantity of
        // B's stray order past the horizon changes nothing at all.
        let report = try ws.apply([.cell(table: "orders", column: "qty", keys: ["P3"], value: .number(5))])
        #expect(report.changedCells == 0)
        #expect(Self.ran(ws, report)["proj.opening"] == nil)
    }

    @Test func aCapacityEditRecomputesOnlyTheCapacityRows() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.world(dir)
        let report = try ws.apply([.param("cap", .number(5))])
        #expect(Self.ran(ws, report) == ["load.capacity": ["1", "2", "3", "4"], "load.busy": ["1", "2", "3", "4"]])
        #expect(ws.flags().map(\.keyText) == ["2", "3"])
        #expect(incDifferences(ws, try fresh(ws, params: ["cap": .number(5)], dir: dir)).isEmpty)
    }

    @Test func aLongerHorizonRebuildsThePeriodTables() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.world(dir)
        _ = try ws.apply([.param("horizon", .number(6))])
        #expect(ws.rowCount(ws.program.table(named: "proj")!) == 18)
        #expect(incDifferences(ws, try fresh(ws, params: ["horizon": .number(6)], dir: dir)).isEmpty)
        _ = try ws.apply([.param("horizon", .number(2))])
        #expect(incDifferences(ws, try fresh(ws, params: ["horizon": .number(2)], dir: dir)).isEmpty)
        // No periods at all, a fraction of one, then back: nothing breaks, nothing is left over.
        _ = try ws.apply([.param("horizon", .number(0))])
        #expect(ws.rowCount(ws.program.table(named: "proj")!) == 0)
        _ = try ws.apply([.param("horizon", .number(3.5))])
        #expect(ws.rowCount(ws.program.table(named: "load")!) == 3)
        _ = try ws.apply([.param("horizon", .number(4))])
        #expect(incDifferences(ws, try fresh(ws, dir: dir)).isEmpty)
        #expect(ws.invariantViolations().isEmpty)
    }

    @Test func aLeadTimeEditMovesReleasesAndStockouts() throws {
        let dir = Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.world(dir)
        let report = try ws.apply([.cell(table: "items", column: "lt", keys: ["B"], value: .number(4))])
        // The shift's k moved for B's rows only: B's releases, none of A's or C's.
        #expect(Self.ran(ws, report)["proj.release"] == ["B, 1", "B, 2", "B, 3", "B, 4"])
        #expect(Self.ran(ws, report).values.allSatisfy { rows in rows.allSatisfy { !$0.hasPrefix("A") && !$0.hasPrefix("C") } })
        try "sku,on_hand,demand,lt\nA,20,8,1\nB,5,3,4\nC,100,1,1\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        #expect(incDifferences(ws, try fresh(ws, dir: dir)).isEmpty)
        _ = try ws.apply([.asOf(CivilDate(iso: "2025-01-05")!.day)])
        let (program, _) = RuleCompiler.compile(SourceFile(path: dir + "/plan.velo", text: Self.rules))
        let again = try Workspace.open(program!, options: WorkspaceOptions(asOf: CivilDate(iso: "2025-01-05")!.day))
        #expect(incDifferences(ws, again).isEmpty)
        #expect(ws.invariantViolations().isEmpty)
    }
}
