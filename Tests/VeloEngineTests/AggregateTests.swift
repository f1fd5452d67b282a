// Aggregates over a more finely keyed table (every function, empty groups, missing values in
// a group), lookups into coarser tables, broadcasts from a keyless totals table and single
// cells picked by key.

import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

enum GroupData {
    /// Per SKU: A has three rows, B two (one without a value), C one, E none.
    static let lines = """
        sku,channel,v,ok,label,day
        A,store,1,true,x,2024-01-03
        A,web,2,false,,2024-01-01
        A,app,6,true,z,2024-01-02
        B,store,4,true,y,2024-02-01
        B,web,,false,y,
        C,web,5,false,w,2024-03-01

        """
    static let items = """
        sku,price
        A,10
        B,20
        C,30
        E,40

        """
    static let inventory = """
        sku,on_hand,active
        A,100,true
        B,0,false
        C,7,true

        """
    static var files: [String: String] { ["lines.csv": lines, "items.csv": items, "inventory.csv": inventory] }
    static let header = """
        table lines = csv("lines.csv") by sku, channel
        table items = csv("items.csv") by sku
        table inventory = csv("inventory.csv") by sku

        """

    static func perSku(_ formula: String) -> String {
        header + "table p by sku from items:\n  x = \(formula)\n"
    }
}

struct GroupCase: CustomTestStringConvertible, Sendable {
    var formula: String
    /// Expected per SKU A, B, C, E (nil: not pinned down).
    var expected: [CellValue?]
    var testDescription: String { formula }
}

extension CellValue: @unchecked Sendable {}

@Suite("Aggregates, lookups, broadcasts and cells")
struct AggregateTests {
    static let m = CellValue.missing
    static func n(_ x: Double) -> CellValue { .number(x) }

    static let cases: [GroupCase] = [
        GroupCase(formula: "sum(lines.v)", expected: [n(9), m, n(5), n(0)]),
        GroupCase(formula: "avg(lines.v)", expected: [n(3), m, n(5), m]),
        GroupCase(formula: "min(lines.v)", expected: [n(1), m, n(5), m]),
        GroupCase(formula: "max(lines.v)", expected: [n(6), m, n(5), m]),
        GroupCase(formula: "stdev(lines.v)", expected: [n(7.0.squareRoot()), m, m, m]),
        GroupCase(formula: "variance(lines.v)", expected: [n(7), m, m, m]),
        // count counts rows with a value
        GroupCase(formula: "count(lines.v)", expected: [n(3), n(1), n(1), n(0)]),
        GroupCase(formula: "count(lines.label)", expected: [n(2), n(2), n(1), n(0)]),
        GroupCase(formula: "count(lines.ok)", expected: [n(3), n(2), n(1), n(0)]),
        GroupCase(formula: "count(lines.day)", expected: [n(3), n(1), n(1), n(0)]),
        GroupCase(formula: "any(lines.ok)", expected: [.bool(true), .bool(true), .bool(false), .bool(false)]),
        GroupCase(formula: "all(lines.ok)", expected: [.bool(false), .bool(false), .bool(false), .bool(true)]),
        GroupCase(formula: "any(lines.v > 5)", expected: [.bool(true), .bool(false), .bool(false), .bool(false)]),
        GroupCase(formula: "all(lines.v >= 1)", expected: [.bool(true), .bool(false), .bool(true), .bool(true)]),
        // B has a row without a date: unlike numbers, min/max of dates currently skip it (see
        // the report); not pinned down here.
        GroupCase(formula: "min(lines.day)", expected: [.date("2024-01-01"), nil, .date("2024-03-01"), m]),
        GroupCase(formula: "max(lines.day)", expected: [.date("2024-01-03"), nil, .date("2024-03-01"), m]),
        // the argument is any expression over the finer table's rows
        GroupCase(formula: "sum(lines.v * 2)", expected: [n(18), m, n(10), n(0)]),
        GroupCase(formula: "sum(lines.v ?? 100)", expected: [n(9), n(104), n(5), n(0)]),
        GroupCase(formula: "sum(if lines.ok then 1 else 0)", expected: [n(2), n(1), n(0), n(0)]),
        GroupCase(formula: "sum(lines.v * items.price)", expected: [n(90), m, n(150), n(0)]),
        GroupCase(formula: "sum(lines.v) / count(lines.v)", expected: [n(3), m, n(5), m]),
        GroupCase(formula: "count(lines.v) + items.price", expected: [n(13), n(21), n(31), n(40)]),
    ]

    @Test("an aggregate per SKU, empty groups included", arguments: cases)
    func aggregate(_ c: GroupCase) throws {
        let run = try evaluate(GroupData.perSku(c.formula), files: GroupData.files)
        for (sku, want) in zip(["A", "B", "C", "E"], c.expected) {
            guard let want else { continue }
            let got = run.cell("p", "x", sku)
            if case .number(let w) = want {
                expectNumber(got, w, tolerance: 1e-14)
            } else {
                #expect(got == want, "\(sku): \(got), expected \(want)")
            }
        }
    }

    @Test("why an aggregate is missing", arguments: [
        ("avg(lines.v)", "E", "no rows in `lines`"),
        ("min(lines.v)", "E", "no rows in `lines`"),
        ("stdev(lines.v)", "C", "needs at least 2 values, found 1"),
        ("stdev(lines.v)", "E", "needs at least 2 values, found 0"),
        ("sum(lines.v)", "B", "a value in `lines` is missing"),
        ("min(lines.day)", "E", "no rows to take the min of"),
    ])
    func missingAggregateReasons(formula: String, sku: String, message: String) throws {
        let run = try evaluate(GroupData.perSku(formula), files: GroupData.files)
        #expect(run.reason("p", "x", sku)?.message == message)
        #expect(run.origin("p", "x", sku) == "p.x[\(sku)]")
    }

    @Test("a missing value in a group carries the reason it started with")
    func groupMissingReasonPropagates() throws {
        let rules = GroupData.header + """
            table s by sku, channel from lines:
              r = 1 / (lines.v - 4)
            table p by sku from items:
              x = sum(s.r)

            """
        let run = try evaluate(rules, files: GroupData.files)
        #expect(run.cell("p", "x", "B") == .missing)
        #expect(run.reason("p", "x", "B")?.message == "division by zero")
        #expect(run.origin("p", "x", "B") == "s.r[B, store]")
        expectNumber(run.cell("p", "x", "A"), 1.0 / -3 + 1.0 / -2 + 1.0 / 2)
    }

    @Test("a lookup with no matching row is missing with a reason naming the table")
    func lookupWithoutRow() throws {
        let rules = GroupData.perSku("inventory.on_hand") + "  y = inventory.active\n  z = (inventory.on_hand ?? 0) + 1\n  w = x * 2\n"
        let run = try evaluate(rules, files: GroupData.files)
        expectNumber(run.cell("p", "x", "A"), 100)
        expectNumber(run.cell("p", "x", "B"), 0)
        #expect(run.cell("p", "x", "E") == .missing)
        let reason = run.reason("p", "x", "E")
        #expect(reason?.message == "no row in `inventory` for E")
        #expect(run.origin("p", "x", "E") == "p.x[E]")
        #expect(run.cell("p", "y", "E") == .missing)
        #expect(run.reason("p", "y", "E")?.message == "no row in `inventory` for E")
        #expect(run.cell("p", "y", "A") == .bool(true))
        expectNumber(run.cell("p", "z", "E"), 1)
        // Further down, the value stays missing with the same reason and origin.
        #expect(run.reason("p", "w", "E")?.message == "no row in `inventory` for E")
        #expect(run.origin("p", "w", "E") == "p.x[E]")
    }

    @Test("a lookup from a finer table broadcasts the coarser value to every row")
    func lookupBroadcastsToFinerRows() throws {
        let rules = GroupData.header + "table s by sku, channel from lines:\n  price = items.price\n  hand = inventory.on_hand\n"
        let run = try evaluate(rules, files: GroupData.files)
        #expect(run.keys("s") == [["A", "app"], ["A", "store"], ["A", "web"], ["B", "store"], ["B", "web"], ["C", "web"]])
        #expect(run.column("s", "price") == [10, 10, 10, 20, 20, 30].map { CellValue.number($0) })
        #expect(run.column("s", "hand") == [100, 100, 100, 0, 0, 7].map { CellValue.number($0) })
    }

    @Test("a keyless table has one row and broadcasts to every table")
    func keylessTotals() throws {
        let rules = GroupData.header + """
            table p by sku from items:
              x = sum(lines.v ?? 0)
              share = x / totals.total
              rank_gap = totals.biggest - x
            table totals:
              total = sum(p.x)
              n = count(p.x)
              biggest = max(p.x)
              skus = count(items.price)
              flagged = any(p.x > 8)

            """
        let run = try evaluate(rules, files: GroupData.files)
        #expect(run.rowCount("totals") == 1)
        expectNumber(run.cell("totals", "total"), 18)
        expectNumber(run.cell("totals", "n"), 4)
        expectNumber(run.cell("totals", "biggest"), 9)
        expectNumber(run.cell("totals", "skus"), 4)
        #expect(run.cell("totals", "flagged") == .bool(true))
        expectNumber(run.cell("p", "share", "A"), 0.5)
        expectNumber(run.cell("p", "share", "E"), 0)
        expectNumber(run.cell("p", "rank_gap", "C"), 4)
        #expect(run.ws.keyText(run.table("totals"), row: 0) == "")
    }

    @Test("a keyless table over an event table aggregates every row")
    func keylessOverEvents() throws {
        let rules = """
            table sales = csv("sales.csv")
            table totals:
              units = sum(sales.units)
              last_week = sum(sales.units, last 7 days)
              rows = count(sales.units)

            """
        let sales = "date,sku,units\n2024-01-01,A,5\n2024-01-10,B,7\n2024-01-10,A,1\n"
        let run = try evaluate(rules, files: ["sales.csv": sales])
        expectNumber(run.cell("totals", "units"), 13)
        expectNumber(run.cell("totals", "last_week"), 8)
        expectNumber(run.cell("totals", "rows"), 3)
    }

    @Test("`table[\"KEY\"]` picks one cell")
    func cellReferences() throws {
        let rules = GroupData.header + """
            table p by sku from items:
              x = sum(lines.v ?? 0)
              vs_a = x - p.x["A"]
              own = p.x[sku]
            table totals:
              a = p.x["A"]
              c = p.x["C"]
              nothing = p.x["Z"]
              pair = lines.v["A", "app"]
              nopair = lines.v["A", "fax"]
              price = items.price["B"]

            """
        let run = try evaluate(rules, files: GroupData.files)
        expectNumber(run.cell("totals", "a"), 9)
        expectNumber(run.cell("totals", "c"), 5)
        expectNumber(run.cell("totals", "pair"), 6)
        expectNumber(run.cell("totals", "price"), 20)
        #expect(run.cell("totals", "nothing") == .missing)
        #expect(run.reason("totals", "nothing")?.message == "no row [Z] in `p`")
        #expect(run.origin("totals", "nothing") == "totals.nothing")
        #expect(run.reason("totals", "nopair")?.message == "no row [A, fax] in `lines`")
        expectNumber(run.cell("p", "vs_a", "C"), -4)
        expectNumber(run.cell("p", "own", "B"), 4)
    }

    @Test("a cell of a missing value keeps that value's reason")
    func cellOfMissing() throws {
        let rules = GroupData.header + """
            table p by sku from items:
              x = sum(lines.v)
            table totals:
              b = p.x["B"]

            """
        let run = try evaluate(rules, files: GroupData.files)
        #expect(run.reason("totals", "b")?.message == "a value in `lines` is missing")
        #expect(run.origin("totals", "b") == "p.x[B]")
    }

    @Test("rows of a table without `from` are the keys of the sources it reads")
    func defaultRows() throws {
        let rules = GroupData.header + "table p by sku:\n  hand = inventory.on_hand\n  price = items.price\n"
        let run = try evaluate(rules, files: GroupData.files)
        #expect(run.keys("p") == [["A"], ["B"], ["C"], ["E"]])
        #expect(run.cell("p", "hand", "E") == .missing)
    }

    @Test("aggregates over part of the keys, and tables drawing rows from derived tables")
    func partialKeys() throws {
        let rules = GroupData.header + """
            table s by sku, channel from lines:
              v = lines.v ?? 0
            table by_channel by channel from s:
              total = sum(s.v)
              skus = count(s.v)
            table per_sku by sku from s:
              total = sum(s.v)
              share_of_web = total / by_channel.total["web"]

            """
        let run = try evaluate(rules, files: GroupData.files)
        #expect(run.keys("by_channel") == [["app"], ["store"], ["web"]])
        #expect(run.column("by_channel", "total") == [6, 5, 7].map { CellValue.number($0) })
        #expect(run.column("by_channel", "skus") == [1, 2, 3].map { CellValue.number($0) })
        #expect(run.keys("per_sku") == [["A"], ["B"], ["C"]])
        #expect(run.column("per_sku", "total") == [9, 4, 5].map { CellValue.number($0) })
        expectNumber(run.cell("per_sku", "share_of_web", "C"), 5.0 / 7)
    }

    @Test("many distinct key pairs (the hashed key-code path) still align row by row")
    func manyDistinctKeyPairs() throws {
        // 5,000 distinct skus times 5,000 distinct channels: more combinations than the
        // dense key-code table holds, so the encoder hashes them.
        var lines = "sku,channel,v\n"
        for i in 0..<5000 { lines += "S\(i),C\(4999 - i),\(i)\n" }
        let rules = """
            table lines = csv("lines.csv") by sku, channel
            table s by sku, channel from lines:
              v = lines.v
            table p by sku from lines:
              total = sum(s.v)
              n = count(s.v)
            table totals:
              total = sum(p.total)
              one = lines.v["S17", "C4982"]

            """
        let run = try evaluate(rules, files: ["lines.csv": lines])
        #expect(run.rowCount("s") == 5000)
        expectNumber(run.cell("s", "v", "S123", "C4876"), 123)
        expectNumber(run.cell("p", "total", "S4999"), 4999)
        expectNumber(run.cell("p", "n", "S0"), 1)
        expectNumber(run.cell("totals", "total"), 4999.0 * 5000 / 2)
        expectNumber(run.cell("totals", "one"), 17)
    }

    @Test("rows are sorted by key text, column by column")
    func rowOrder() throws {
        let lines = "sku,channel,v\nb,x,1\nB,y,1\nA10,z,1\nA2,z,1\nA10,a,1\na,z,1\n"
        let rules = "table lines = csv(\"lines.csv\") by sku, channel\ntable s by sku, channel from lines:\n  v = lines.v\n"
        let run = try evaluate(rules, files: ["lines.csv": lines])
        #expect(run.keys("s") == [["A10", "a"], ["A10", "z"], ["A2", "z"], ["B", "y"], ["a", "z"], ["b", "x"]])
    }

    @Test("keys are text even when they look like numbers")
    func numericLookingKeys() throws {
        let items = "sku,price\n007,1\n7,2\n10,3\n"
        let rules = "table items = csv(\"items.csv\") by sku\ntable p by sku from items:\n  price = items.price\n"
        let run = try evaluate(rules, files: ["items.csv": items])
        #expect(run.keys("p") == [["007"], ["10"], ["7"]])
        expectNumber(run.cell("p", "price", "007"), 1)
        expectNumber(run.cell("p", "price", "7"), 2)
    }
}
