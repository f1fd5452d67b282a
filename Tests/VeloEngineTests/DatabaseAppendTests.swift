// SQLite sources read again: rows appended after those read (by rowid, or by a declared
// increasing column) are taken as appended rows, so only what they touch recomputes; a row
// edited, deleted or inserted below the last key makes the source be read again whole, and
// the result is always that of a fresh run. What ran is asserted exactly, as WhatRanTests does
// for appended CSV lines.

import CSQLite
import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine
import VeloSyntax

/// A SQLite database a test writes to, through the C library.
struct SQLiteScratch {
    let path: String

    func exec(_ sql: String) {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { fatalError("cannot open \(path)") }
        defer { sqlite3_close(db) }
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "?"
            sqlite3_free(error)
            Issue.record("SQL failed: \(message)\n\(sql)")
        }
    }
}

/// The WhatRanTests world with its sales in a SQLite table instead of a CSV file.
final class SQLiteSalesWorld: @unchecked Sendable {
    let world = IncWorld(seed: 4242)
    var db: SQLiteScratch { SQLiteScratch(path: world.dir + "/sales.db") }

    /// `source` is the sales declaration's arguments after the path.
    init(source: String = "table: \"sales\"") {
        var rows: [String] = []
        var id = 0
        for day in 0..<40 {
            for (i, s) in ["A", "B", "C"].enumerated() {
                for c in ["web", "store"] {
                    id += 1
                    rows.append("(\(id * 10), '\(world.date(day))', '\(s)', '\(c)', \(3 + (day * (i + 1)) % 7))")
                }
            }
        }
        db.exec("""
            CREATE TABLE sales (order_no INTEGER, date DATE, sku TEXT, channel TEXT, units INTEGER);
            INSERT INTO sales VALUES \(rows.joined(separator: ", "));
            """)
        world.items = [("A", 100, 6, 10), ("B", 200, 12, 20), ("C", 50, 1, 5)]
        world.writeItems()
        world.rules = """
        table sales = sqlite("sales.db", \(source))
        table items = csv("items.csv") by sku
        param service_level = 95%
        param threshold = 25%

        table series by sku, channel from sales in last 35 days:
          velocity = wavg(sales.units, last 21 days, weights: linear)
          sigma = stdev(sales.units, last 21 days)
          prior = wavg(sales.units, last 21 days ending 14 days ago, weights: linear)
          change = velocity / prior - 1
          exception = abs(change) > threshold

        table plan by sku from items:
          demand = sum(series.velocity)
          safety = z(service_level) * sqrt(items.lead * sum(series.sigma ^ 2))
          order = roundup(max(demand * items.lead + safety, items.moq), items.case_pack)

        table totals:
          units = sum(plan.order)
        """
    }

    func open() throws -> Workspace { try Workspace.open(world.compile()) }

    /// The incremental workspace against a fresh one of the same database.
    func differences(_ ws: Workspace) throws -> [String] { incDifferences(ws, try open()) }
}

@Suite(.serialized) struct SQLiteAppendTests {
    static let declarations = [
        "table: \"sales\"",                                 // by rowid
        "table: \"sales\", increasing: \"order_no\"",       // by a declared column
        "query: \"select order_no, date, sku, channel, units from sales where units >= 0\", increasing: \"order_no\"",
    ]

    @Test("an appended row for one SKU on an existing date recomputes only its cells", arguments: declarations)
    func appendedRowRecomputesOnlyItsKey(_ declaration: String) throws {
        let w = SQLiteSalesWorld(source: declaration)
        let ws = try w.open()
        w.db.exec("INSERT INTO sales VALUES (100000, '\(w.world.date(39))', 'B', 'web', 50)")
        let report = try ws.apply([.source("sales", path: nil)])
        let ran = WhatRanTests.ran(ws, report)
        #expect(ran["series.velocity"] == ["B, web"])
        #expect(ran["series.sigma"] == ["B, web"])
        #expect(ran["series.prior"] == nil)   // day 39 is outside the prior window
        #expect(ran["series.change"] == ["B, web"])
        #expect(ran["plan.demand"] == ["B"])
        #expect(ran["plan.order"] == ["B"])
        #expect(ran["totals.units"] == ["totals"])
        #expect(report.sourcesRead == ["sales"])
        #expect(try w.differences(ws).isEmpty)
        // Nothing more: nothing read, nothing run.
        let again = try ws.apply([.source("sales", path: nil)])
        #expect(again.cellsEvaluated == 0 && again.sourcesRead.isEmpty)
    }

    @Test("an edited, deleted or out-of-order row reads the table again: the fresh result", arguments: declarations)
    func changedOldRowsFallBackToAFullRead(_ declaration: String) throws {
        let w = SQLiteSalesWorld(source: declaration)
        let ws = try w.open()
        let edits = [
            "UPDATE sales SET units = 40 WHERE order_no = 2000",                          // an old row edited
            "DELETE FROM sales WHERE order_no = 1500",                                    // an old row deleted
            "INSERT INTO sales VALUES (15, '\(w.world.date(38))', 'C', 'store', 9)",      // below the last key
            "INSERT INTO sales VALUES (2400, '\(w.world.date(39))', 'A', 'web', 7)",     // the last key again
            "UPDATE sales SET date = '\(w.world.date(10))' WHERE order_no = 2390",        // an old row's date
        ]
        for sql in edits {
            w.db.exec(sql)
            let report = try ws.apply([.source("sales", path: nil)])
            #expect(report.sourcesRead == ["sales"], "\(sql)")
            let diff = try w.differences(ws)
            #expect(diff.isEmpty, "after \(sql):\n\(diff.joined(separator: "\n"))")
        }
    }

    @Test("property: random appends, edits and deletes, incremental equals fresh after each", arguments: declarations)
    func randomChangesEqualAFreshRun(_ declaration: String) throws {
        let w = SQLiteSalesWorld(source: declaration)
        let ws = try w.open()
        var r = IncRandom(state: 11)
        var next = 300_000
        for step in 0..<24 {
            var statements: [String] = []
            for _ in 0..<(1 + r.int(3)) {
                switch r.int(6) {
                case 0: statements.append("UPDATE sales SET units = \(r.int(30)) WHERE order_no = \(10 * (1 + r.int(240)))")
                case 1: statements.append("DELETE FROM sales WHERE order_no = \(10 * (1 + r.int(240)))")
                default:
                    next += 1 + r.int(5)
                    statements.append("INSERT INTO sales VALUES (\(next), '\(w.world.date(30 + r.int(12)))', '\(r.pick(["A", "B", "C", "D"]))', "
                                      + "'\(r.pick(["web", "store"]))', \(r.int(20)))")
                }
            }
            w.db.exec(statements.joined(separator: ";\n"))
            _ = try ws.apply([.source("sales", path: nil)])
            let diff = try w.differences(ws)
            #expect(diff.isEmpty, "step \(step) after \(statements):\n\(diff.joined(separator: "\n"))")
            #expect(ws.invariantViolations().isEmpty)
            if !diff.isEmpty { break }
        }
    }

    @Test("a vanished table and a value of another type are errors naming the source")
    func errorsBetweenReads() throws {
        let w = SQLiteSalesWorld(source: "table: \"sales\", increasing: \"order_no\"")
        let ws = try w.open()
        let label = w.world.dir + "/sales.db (table sales)"
        w.db.exec("INSERT INTO sales VALUES (100000, '\(w.world.date(39))', 'B', 'web', 'many')")
        do {
            _ = try ws.apply([.source("sales", path: nil)])
            Issue.record("no error")
        } catch {
            #expect(error.code == .badValue)
            #expect(error.description == "\(label):241:5: expected a number in column `units`, found \"many\"")
        }
        w.db.exec("DROP TABLE sales")
        do {
            _ = try ws.apply([.source("sales", path: nil)])
            Issue.record("no error")
        } catch {
            #expect(error.description == "\(label): the database has no table `sales`")
        }
        // The failed reads changed nothing: once the table is back, the values are fresh.
        #expect(try incDifferences(ws, SQLiteSalesWorld(source: "table: \"sales\", increasing: \"order_no\"").open()).isEmpty)
    }
}
