// Row filters (`where`) and CSV dialects through the engine: windows, aggregates and the
// as-of date read the filtered rows; an appended row the filter drops changes nothing; a row
// edited into or out of the filter changes what it should; after each edit the incremental
// workspace equals a fresh one. And the ERP export example against the reference, on the
// reference's generated sales rewritten into the export's format.

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

@Suite struct SourceFilterTests {
    static let rules = """
        table orders = csv("orders.csv", delimiter: ";", decimal: ",", dates: "dd.mm.yyyy"):
          sku    = "Item Number"
          date   = "Order Date": date
          units  = "Quantity": number
          status = "Order Status"
          where status != "Cancelled"

        table t by sku from orders:
          n = sum(orders.units)
          c = count(orders.units)
          w = sum(orders.units, last 3 days)

        """

    static let header = "Order No;Order Date;Item Number;Quantity;Order Status\r\n"

    static func fresh(_ scratch: Scratch) throws -> Evaluated {
        let program = try compile(rules, path: scratch.path("rules.velo"))
        return Evaluated(try Workspace.open(program), scratch: nil)
    }

    static func expectFresh(_ w: Evaluated, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fresh = try Self.fresh(w.scratch!)
        #expect(w.keys("t") == fresh.keys("t"), sourceLocation: sourceLocation)
        for column in ["n", "c", "w"] {
            #expect(w.column("t", column) == fresh.column("t", column), "t.\(column)", sourceLocation: sourceLocation)
        }
        #expect(w.ws.asOf == fresh.ws.asOf, sourceLocation: sourceLocation)
        #expect(w.ws.invariantViolations().isEmpty, sourceLocation: sourceLocation)
    }

    @Test func cancelledRowsDoNotCountAndDoNotMoveTheAsOfDate() throws {
        let w = try evaluate(Self.rules, files: ["orders.csv": Self.header
            + "1;01.01.2024;A;2;Shipped\r\n2;01.01.2024;A;3;Shipped\r\n3;02.01.2024;A;100;Cancelled\r\n4;09.01.2024;B;100;Cancelled\r\n"])
        #expect(w.cell("t", "n", "A") == .number(5))
        #expect(w.cell("t", "c", "A") == .number(2))
        #expect(w.rowCount("t") == 1, "B has only cancelled orders")
        #expect(w.ws.asOf.map { CivilDate(day: $0).iso } == "2024-01-01")
    }

    @Test func anAppendedCancelledRowChangesNothing() throws {
        let w = try evaluate(Self.rules, files: ["orders.csv": Self.header + "1;01.01.2024;A;2;Shipped\r\n"])
        PartialLineTests.append("2;05.01.2024;A;50;Cancelled\r\n", to: w.scratch!.path("orders.csv"))
        let report = try w.ws.apply([.source("orders", path: nil)])
        #expect(report.changes.isEmpty)
        #expect(report.cellsEvaluated == 0)
        #expect(w.cell("t", "n", "A") == .number(2))
        PartialLineTests.append("3;05.01.2024;A;7;Shipped\r\n", to: w.scratch!.path("orders.csv"))
        let counted = try w.ws.apply([.source("orders", path: nil)])
        #expect(!counted.changes.isEmpty)
        #expect(w.cell("t", "n", "A") == .number(9))
        try Self.expectFresh(w)
    }

    @Test func aRowEditedIntoAndOutOfTheFilter() throws {
        let w = try evaluate(Self.rules, files: ["orders.csv": Self.header
            + "1;01.01.2024;A;2;Shipped\r\n2;02.01.2024;A;3;Cancelled\r\n3;02.01.2024;B;4;Shipped\r\n"])
        #expect(w.cell("t", "n", "A") == .number(2))
        w.scratch!.write("orders.csv", Self.header + "1;01.01.2024;A;2;Shipped\r\n2;02.01.2024;A;3;Shipped\r\n3;02.01.2024;B;4;Shipped\r\n")
        _ = try w.ws.apply([.source("orders", path: nil)])
        #expect(w.cell("t", "n", "A") == .number(5))
        try Self.expectFresh(w)
        w.scratch!.write("orders.csv", Self.header + "1;01.01.2024;A;2;Shipped\r\n2;02.01.2024;A;3;Shipped\r\n3;02.01.2024;B;4;Cancelled\r\n")
        _ = try w.ws.apply([.source("orders", path: nil)])
        #expect(w.rowCount("t") == 1, "B's only order was cancelled")
        try Self.expectFresh(w)
    }

    @Test func aKeyedSourceFilteredBeforeItsKeysAreChecked() throws {
        let w = try evaluate("""
            table items = csv("items.csv") by sku:
              where status == "active"
            table plan by sku from items:
              moq = items.moq

            """, files: ["items.csv": "sku,moq,status\nA,1,active\nA,2,retired\nB,3,active\n"])
        #expect(w.keys("plan") == [["A"], ["B"]])
        #expect(w.cell("plan", "moq", "A") == .number(1))
        w.scratch!.write("items.csv", "sku,moq,status\nA,1,retired\nA,2,active\nB,3,active\n")
        _ = try w.ws.apply([.source("items", path: nil)])
        #expect(w.cell("plan", "moq", "A") == .number(2))
        #expect(w.ws.invariantViolations().isEmpty)
    }

    @Test("dialects: a tab, CR-only line ends, Windows-1252, a headerless file, comments and a trailer")
    func dialects() throws {
        let cp1252: [UInt8] = Array("sku\tname\tqty\r".utf8) + Array("A\tCaf".utf8) + [0xE9] + Array("\t1.234,5\r".utf8)
            + Array("B\t".utf8) + [0x80] + Array(" 5\t2\r".utf8)
        let scratch = Scratch([:])
        _ = FileManager.default.createFile(atPath: scratch.path("stock.csv"), contents: Data(cp1252))
        scratch.write("plain.csv", "# exported 2024-01-01\nA,10\n# a comment\nB,20\nTOTAL,30\n")
        let text = """
            table stock = csv("stock.csv", delimiter: "\\t", encoding: "windows-1252", decimal: ",", thousands: ".") by sku
            table plain = csv("plain.csv", header: false, comment: "#", trailer: 1) by sku:
              sku: text
              on_hand: number
            table plan by sku from plain:
              qty  = stock.qty
              name = stock.name
              on_hand = plain.on_hand

            """
        let program = try compile(text, path: scratch.path("rules.velo"))
        let w = Evaluated(try Workspace.open(program), scratch: nil)
        #expect(w.keys("plan") == [["A"], ["B"]])
        #expect(w.cell("plan", "qty", "A") == .number(1234.5))
        #expect(w.cell("plan", "name", "A") == .text("Café"))
        #expect(w.cell("plan", "name", "B") == .text("€ 5"))
        #expect(w.cell("plan", "on_hand", "B") == .number(20))
    }

    @Test("erp.velo equals the reference on its generated sales rewritten as an ERP export")
    func erpExportAgreesWithTheReference() throws {
        let sales = try PlainCSV(path: Paths.fixture("reference/data/sales.csv"))
        var out = "Order No;Order Date;Item Number;Sales Channel;Quantity;Unit Price;Order Status;Description\r\n"
        var n = 0
        func line(_ date: String, _ sku: String, _ channel: String, _ qty: Int, _ status: String) {
            n += 1
            let p = date.split(separator: "-")
            out += "SO-\(n);\(p[2]).\(p[1]).\(p[0]);\(sku);\(channel);\(qty);12,\(n % 100);\(status);\"\(sku); \(channel), line \(n)\"\r\n"
        }
        for (i, r) in sales.rows.enumerated() {
            let units = Int(Double(r[3])!)
            // Several order lines for the same item, channel and day, and now and then a
            // cancelled one that must not count.
            if units >= 2 && i % 3 == 0 {
                line(r[0], r[1], r[2], units / 2, "Shipped")
                line(r[0], r[1], r[2], units - units / 2, "Delivered")
            } else {
                line(r[0], r[1], r[2], units, "Shipped")
            }
            if i % 11 == 0 { line(r[0], r[1], r[2], 1000 + i % 50, "Cancelled") }
        }
        line("2025-01-31", sales.rows[0][1], sales.rows[0][2], 999, "Cancelled")
        let scratch = Scratch(["orders.csv": out])
        let run = try evaluateFile(Paths.example("erp_export/erp.velo"), sources: ["orders": scratch.path("orders.csv")])
        let problems = try compareWithReference(run, table: "series", reference: Paths.fixture("reference/expected_095/exceptions.csv"),
                                                keyCount: 2)
        #expect(problems.isEmpty, "series:\n\(problems.joined(separator: "\n"))")
        #expect(run.ws.asOf.map { CivilDate(day: $0).iso } == "2024-12-31")
    }
}
