// Alignment that cannot guess: an aggregate or lookup matches a table on the columns the two
// share (a keyed source's non-key column named like a key counts), and a reference to a
// table with nothing to match on is a compile error, never a silent grand total.

import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

enum JoinData {
    static let files = [
        "items.csv": "sku\nA\nB\n",
        "po.csv": "po,sku,qty\nP1,A,10\nP2,B,5\nP3,A,1\n",
        "lines.csv": "po,qty\nP1,10\nP2,5\n",
        "price.csv": "sku,price\nA,2\nB,3\n",
    ]
    static let header = """
        table items = csv("items.csv") by sku
        table po    = csv("po.csv") by po
        table price = csv("price.csv") by sku

        """
}

@Suite("Alignment on shared columns")
struct AlignmentTests {
    @Test("an aggregate over a keyed source matches its non-key column named like the context's key")
    func aggregateOnNonKeyColumn() throws {
        let e = try evaluate(JoinData.header + "table plan by sku from items:\n  open_po = sum(po.qty)\n  n = count(po.qty)\n",
                             files: JoinData.files)
        expectNumber(e.cell("plan", "open_po", "A"), 11)
        expectNumber(e.cell("plan", "open_po", "B"), 5)
        expectNumber(e.cell("plan", "n", "A"), 2)
    }

    @Test("the issue's repro: A 10, B 5, not a grand total")
    func issueRepro() throws {
        let files = ["items.csv": "sku\nA\nB\n", "po.csv": "po,sku,qty\nP1,A,10\nP2,B,5\n"]
        let e = try evaluate("""
            table items = csv("items.csv") by sku
            table po    = csv("po.csv") by po
            table plan by sku from items:
              open_po = sum(po.qty)

            """, files: files)
        #expect(e.column("plan", "open_po") == [.number(10), .number(5)])
    }

    @Test("inside an aggregate over a keyed source, a lookup goes through its join column")
    func lookupFromKeyedSourceRows() throws {
        let e = try evaluate(JoinData.header + "table plan by sku from items:\n  value = sum(po.qty * price.price)\n",
                             files: JoinData.files)
        expectNumber(e.cell("plan", "value", "A"), 22)
        expectNumber(e.cell("plan", "value", "B"), 15)
    }

    @Test("a keyless table totals every row, and other tables read it as a scalar")
    func explicitGrandTotal() throws {
        let e = try evaluate(JoinData.header + """
            table totals:
              open_po = sum(po.qty)
            table plan by sku from items:
              share = sum(po.qty) / totals.open_po

            """, files: JoinData.files)
        expectNumber(e.cell("totals", "open_po"), 16)
        expectNumber(e.cell("plan", "share", "A"), 11.0 / 16)
    }

    @Test("an aggregate over a table that shares no column is a compile error at the reference")
    func noSharedKeyAggregate() throws {
        let rules = JoinData.header + """
            table lines = csv("lines.csv") by po
            table plan by sku from items:
              open_po = sum(lines.qty)

            """
        let scratch = Scratch(JoinData.files)
        #expect {
            _ = try compile(rules, path: scratch.path("rules.velo"))
        } throws: { error in
            guard let f = error as? CompileFailure, let d = f.diagnostics.first(where: { $0.code == "no-shared-key" }) else { return false }
            let text = rules.utf8.dropFirst(d.span.start).prefix(d.span.length)
            return String(decoding: text, as: UTF8.self) == "lines.qty" && d.hint?.contains("table totals: open_po = sum(lines.qty)") == true
        }
    }

    @Test("a plain reference to a table that shares no column is the same error")
    func noSharedKeyLookup() throws {
        let rules = JoinData.header + """
            table lines = csv("lines.csv") by po
            table plan by sku from items:
              q = lines.qty

            """
        let scratch = Scratch(JoinData.files)
        #expect {
            _ = try compile(rules, path: scratch.path("rules.velo"))
        } throws: { error in
            (error as? CompileFailure)?.diagnostics.contains { $0.code == "no-shared-key" } == true
        }
    }
}
