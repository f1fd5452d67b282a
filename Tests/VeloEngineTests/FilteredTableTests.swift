// Filtered event tables (`table web_orders = orders where channel == "web"`): several tables
// filter the same source differently; windows, aggregates, `from` clauses and the as-of date
// read their rows; an appended row that fails a filter changes nothing downstream of it; a
// row edited into or out of a filter changes what it should (what ran is counted); after each
// edit the incremental workspace equals a fresh one.

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

@Suite struct FilteredTableTests {
    static let rules = """
        table orders = csv("orders.csv")

        table web_orders = orders where channel == "web" and status != "Cancelled"
        table store_orders = orders where channel == "store"
        table big_store = store_orders where units >= 10

        table web by sku from web_orders in last 7 days:
          n = sum(web_orders.units)
          w = sum(web_orders.units, last 3 days)

        table store by sku from store_orders:
          n = sum(store_orders.units)
          big = count(big_store.units) ?? 0

        """

    static let header = "date,sku,channel,units,status\n"
    static let data = header + """
        2024-01-01,A,web,2,Shipped
        2024-01-02,A,web,3,Cancelled
        2024-01-02,A,store,12,Shipped
        2024-01-03,B,store,4,Shipped
        2024-01-03,B,web,5,Shipped

        """

    static func expectFresh(_ w: Evaluated, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let program = try compile(rules, path: w.scratch!.path("rules.velo"))
        let fresh = Evaluated(try Workspace.open(program), scratch: nil)
        for (table, columns) in [("web", ["n", "w"]), ("store", ["n", "big"])] {
            #expect(w.keys(table) == fresh.keys(table), sourceLocation: sourceLocation)
            for c in columns {
                #expect(w.column(table, c) == fresh.column(table, c), "\(table).\(c)", sourceLocation: sourceLocation)
            }
        }
        #expect(w.ws.asOf == fresh.ws.asOf, sourceLocation: sourceLocation)
        #expect(w.ws.invariantViolations().isEmpty, sourceLocation: sourceLocation)
    }

    @Test func twoTablesFilterOneSourceDifferently() throws {
        let w = try evaluate(Self.rules, files: ["orders.csv": Self.data])
        #expect(w.rowCount("web_orders") == 2)
        #expect(w.rowCount("store_orders") == 2)
        #expect(w.rowCount("big_store") == 1)
        #expect(w.cell("web", "n", "A") == .number(2), "the cancelled web order does not count")
        #expect(w.cell("web", "n", "B") == .number(5))
        #expect(w.cell("store", "n", "A") == .number(12))
        #expect(w.cell("store", "big", "A") == .number(1))
        #expect(w.cell("store", "big", "B") == .number(0))
        #expect(w.ws.asOf.map { CivilDate(day: $0).iso } == "2024-01-03")
    }

    @Test func theAsOfDateFollowsTheFilteredRows() throws {
        // Only web_orders is read through a window: its latest date is the as-of date, and a
        // later cancelled web order does not move it.
        let w = try evaluate("""
            table orders = csv("orders.csv")
            table web_orders = orders where status != "Cancelled"
            table web by sku from web_orders in last 7 days:
              w = sum(web_orders.units, last 1 days)

            """, files: ["orders.csv": Self.header + "2024-01-01,A,web,2,Shipped\n2024-01-05,A,web,3,Cancelled\n"])
        #expect(w.ws.asOf.map { CivilDate(day: $0).iso } == "2024-01-01")
        #expect(w.cell("web", "w", "A") == .number(2))
    }

    @Test func anAppendedRowThatFailsEveryFilterChangesNothing() throws {
        let w = try evaluate(Self.rules, files: ["orders.csv": Self.data])
        PartialLineTests.append("2024-01-03,A,web,50,Cancelled\n", to: w.scratch!.path("orders.csv"))
        let report = try w.ws.apply([.source("orders", path: nil)])
        #expect(report.changes.isEmpty)
        #expect(report.cellsEvaluated == 0)
        #expect(w.rowCount("orders") == 6)
        #expect(w.rowCount("web_orders") == 2)
        try Self.expectFresh(w)
    }

    @Test func anAppendedRowReachesOnlyTheTablesWhoseFilterItPasses() throws {
        let w = try evaluate(Self.rules, files: ["orders.csv": Self.data])
        PartialLineTests.append("2024-01-03,A,web,7,Shipped\n", to: w.scratch!.path("orders.csv"))
        let report = try w.ws.apply([.source("orders", path: nil)])
        #expect(w.cell("web", "n", "A") == .number(9))
        #expect(w.rowCount("store_orders") == 2)
        let changed = Set(report.changes.map { w.ws.program.table($0.column.table).name })
        #expect(changed == ["web"], "changed: \(changed)")
        #expect(report.cellsEvaluated > 0 && report.cellsEvaluated <= 4, "evaluated \(report.cellsEvaluated)")
        PartialLineTests.append("2024-01-03,B,store,30,Shipped\n", to: w.scratch!.path("orders.csv"))
        let store = try w.ws.apply([.source("orders", path: nil)])
        #expect(Set(store.changes.map { w.ws.program.table($0.column.table).name }) == ["store"])
        #expect(w.cell("store", "n", "B") == .number(34))
        #expect(w.cell("store", "big", "B") == .number(1), "through two filters")
        try Self.expectFresh(w)
    }

    @Test func aRowEditedIntoAndOutOfAFilter() throws {
        let w = try evaluate(Self.rules, files: ["orders.csv": Self.data])
        // The cancelled web order is shipped after all: it enters web_orders.
        w.scratch!.write("orders.csv", Self.data.replacingOccurrences(of: "A,web,3,Cancelled", with: "A,web,3,Shipped"))
        _ = try w.ws.apply([.source("orders", path: nil)])
        #expect(w.cell("web", "n", "A") == .number(5))
        try Self.expectFresh(w)
        // A's store order drops below 10: it leaves big_store, not store_orders.
        w.scratch!.write("orders.csv", Self.data.replacingOccurrences(of: "A,store,12", with: "A,store,8"))
        _ = try w.ws.apply([.source("orders", path: nil)])
        #expect(w.cell("store", "n", "A") == .number(8))
        #expect(w.cell("store", "big", "A") == .number(0))
        #expect(w.cell("web", "n", "A") == .number(2))
        try Self.expectFresh(w)
    }

    @Test func aRuleEditKeepsTheDataAndRefiltersAChangedCondition() throws {
        let w = try evaluate(Self.rules, files: ["orders.csv": Self.data])
        let edited = Self.rules.replacingOccurrences(of: "where units >= 10", with: "where units >= 4")
        let program = try compile(edited, path: w.scratch!.path("rules.velo"))
        let next = Evaluated(try Workspace.reopen(program, previous: w.ws), scratch: nil)
        #expect(next.cell("store", "big", "B") == .number(1))
        #expect(next.cell("store", "n", "B") == .number(4))
        #expect(next.ws.invariantViolations().isEmpty)
    }

    @Test func explainNamesTheRowsAFilteredTableKeeps() throws {
        let w = try evaluate(Self.rules, files: ["orders.csv": Self.data])
        func notes(_ e: Explanation) -> [String] { (e.note.map { [$0] } ?? []) + e.inputs.flatMap(notes) }
        let text = notes(try w.ws.explain(table: "web", column: "w", keys: ["A"])).joined(separator: "\n")
        #expect(text.contains("web_orders (the rows of orders where channel == \"web\" and status != \"Cancelled\")"), "\(text)")
    }
}
