// Typed, ordered keys: key columns hold text, integers or dates; rows sort by their typed
// values; lookups, aggregates, cells by key, edits by key and explain read them typed.

import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

enum WeekData {
    static let sales = """
        sku,week,units
        A,10,1
        A,2,2
        A,1,3
        B,9,4
        A,10,5
        B,1,6

        """
    static let targets = "week,target\n1,100\n2,200\n9,900\n10,1000\n"
    static let days = "day,sku,units\n2024-03-01,A,1\n2023-12-31,A,2\n2024-01-15,B,3\n2024-03-01,B,4\n"
    static let files = ["sales.csv": sales, "targets.csv": targets, "days.csv": days]
    static let header = """
        table sales = csv("sales.csv")
        table targets = csv("targets.csv") by week

        """
}

@Suite("Typed keys")
struct TypedKeyTests {
    @Test("integer-valued key columns become integer keys, ISO dates date keys, other values text")
    func inferredKeyTypes() throws {
        let e = try evaluate(WeekData.header + """
            table days = csv("days.csv")
            table weekly by sku, week:
              units = sum(sales.units)
            table daily by day:
              units = sum(days.units)

            """, files: WeekData.files)
        let weekly = e.program.table(e.table("weekly"))
        #expect(weekly.columns[weekly.columnIndex("week")!].type == .number)
        #expect(weekly.columns[weekly.columnIndex("sku")!].type == .text)
        let daily = e.program.table(e.table("daily"))
        #expect(daily.columns[daily.columnIndex("day")!].type == .date)
        let targets = e.program.table(e.table("targets"))
        #expect(targets.columns[targets.columnIndex("week")!].type == .number)
    }

    @Test("rows sort by typed values: weeks 1, 2, 9, 10, not by text; dates chronologically")
    func typedOrder() throws {
        let e = try evaluate(WeekData.header + """
            table days = csv("days.csv")
            table weekly by sku, week:
              units = sum(sales.units)
            table daily by day:
              units = sum(days.units)

            """, files: WeekData.files)
        #expect(e.column("weekly", "sku") == [.text("A"), .text("A"), .text("A"), .text("B"), .text("B")])
        #expect(e.column("weekly", "week") == [.number(1), .number(2), .number(10), .number(1), .number(9)])
        #expect(e.column("weekly", "units") == [.number(3), .number(2), .number(6), .number(6), .number(4)])
        #expect(e.column("daily", "day") == [.date("2023-12-31"), .date("2024-01-15"), .date("2024-03-01")])
        #expect(e.column("daily", "units") == [.number(2), .number(3), .number(5)])
    }

    @Test("lookups and aggregates align integer keys; a key is a number in formulas")
    func alignOnIntegers() throws {
        let e = try evaluate(WeekData.header + """
            table weekly by week from targets:
              units = sum(sales.units)
              gap = targets.target - units
              next = week + 1
              target_of_next = targets.target[10] - targets.target[9]

            """, files: WeekData.files)
        #expect(e.column("weekly", "units") == [.number(9), .number(2), .number(4), .number(6)])
        #expect(e.column("weekly", "gap") == [.number(91), .number(198), .number(896), .number(994)])
        #expect(e.column("weekly", "next") == [.number(2), .number(3), .number(10), .number(11)])
        expectNumber(e.cell("weekly", "target_of_next", "1"), 100)
    }

    @Test("cells by date key, and a key absent from the table is missing with its key in the reason")
    func cellsByDate() throws {
        let e = try evaluate("""
            table days = csv("days.csv")
            table daily by day:
              units = sum(days.units)
            table totals:
              first = daily.units[2023-12-31]
              none = daily.units[2020-01-01]

            """, files: WeekData.files)
        expectNumber(e.cell("totals", "first"), 2)
        #expect(e.cell("totals", "none") == .missing)
        #expect(e.reason("totals", "none")?.message.contains("2020-01-01") == true)
    }

    @Test("Workspace.row reads key literals per the key's type; edits and explain find typed rows")
    func rowsByTypedKeys() throws {
        let e = try evaluate(WeekData.header + "table weekly by week from targets:\n  gap = targets.target - sum(sales.units)\n",
                             files: WeekData.files)
        let targets = e.table("targets")
        #expect(e.ws.row(targets, keys: ["10"]) == 3)
        #expect(e.ws.row(targets, keys: ["10.0"]) == 3)
        #expect(e.ws.row(targets, keys: ["3"]) == nil)
        #expect(e.ws.row(targets, keys: ["ten"]) == nil)
        #expect(e.ws.keyText(targets, row: 3) == "10")
        _ = try e.ws.apply([.cell(table: "targets", column: "target", keys: ["10"], value: .number(7))])
        expectNumber(e.cell("weekly", "gap", "10"), 1)
        let explanation = try e.ws.explain(table: "weekly", column: "gap", keys: ["10"])
        #expect(explanation.cell == "weekly.gap[10]")
        #expect(explanation.inputs.map(\.cell).contains("targets.target[10]"))
    }

    @Test("a repeated integer key is a data error that shows the integer")
    func duplicateIntegerKey() throws {
        #expect {
            _ = try evaluate("table targets = csv(\"t.csv\") by week\n", files: ["t.csv": "week,target\n1,10\n2,5\n1,20\n"])
        } throws: { error in
            (error as? WorkspaceError)?.message.contains("week = 1 appears twice") == true
        }
    }

    @Test("leading zeros, decimals, booleans and integers beyond the key range keep a key column text")
    func keysThatStayText() throws {
        for values in ["007\n8", "1.5\n2", "true\nfalse", "2000000000\n1"] {
            let e = try evaluate("table t = csv(\"t.csv\") by k\n", files: ["t.csv": "k,v\n" + values.replacingOccurrences(of: "\n", with: ",1\n") + ",2\n"])
            let t = e.program.table(e.table("t"))
            #expect(t.columns[t.columnIndex("k")!].type == .text, "\(values)")
        }
    }

    @Test("a key declared a number must hold integers: anything else is a data error")
    func declaredIntegerKey() throws {
        #expect {
            _ = try evaluate("table t = csv(\"t.csv\") by k:\n  k: number\n", files: ["t.csv": "k,v\n1,1\n2.5,2\n"])
        } throws: { error in
            (error as? WorkspaceError)?.message.contains("`k` = 2.5 is not an integer key") == true
        }
    }

    @Test("a key declared text stays text everywhere, even where another file holds integers")
    func declaredTextWins() throws {
        let e = try evaluate("""
            table targets = csv("targets.csv") by week:
              week: text
            table sales = csv("sales.csv")
            table weekly by week from targets:
              units = sum(sales.units)

            """, files: WeekData.files)
        #expect(e.column("weekly", "week") == [.text("1"), .text("10"), .text("2"), .text("9")])
        #expect(e.column("weekly", "units") == [.number(9), .number(6), .number(2), .number(4)])
    }

    @Test("a key name that holds text in one file is text in every file, and the rows still match")
    func textInOneFileMakesTextEverywhere() throws {
        let e = try evaluate("""
            table items = csv("items.csv") by sku
            table sales = csv("sales.csv")
            table plan by sku from items:
              units = sum(sales.units)

            """, files: ["items.csv": "sku\n1001\n1002\n", "sales.csv": "sku,units\n1001,3\nX9,4\n1001,1\n"])
        let items = e.program.table(e.table("items"))
        #expect(items.columns[items.columnIndex("sku")!].type == .text)
        #expect(e.column("plan", "units") == [.number(4), .number(0)])
    }

    @Test("a date key name made text by another file leaves the event table without a window date")
    func dateColumnFollowsTheKeyType() throws {
        #expect {
            _ = try evaluate("""
                table sales = csv("sales.csv")
                table periods = csv("periods.csv") by date
                table t by date from periods:
                  u = sum(sales.units, last 7 days)

                """, files: ["sales.csv": "date,units\n2024-01-01,3\n", "periods.csv": "date\n2024-Q1\n"])
        } throws: { error in
            (error as? CompileFailure)?.diagnostics.contains { $0.message.contains("time window") } == true
        }
    }

    @Test("re-reading and appending to integer-keyed data gives what a fresh evaluation gives")
    func incrementalEqualsFresh() throws {
        let rules = WeekData.header + """
            table weekly by sku, week:
              units = sum(sales.units)
              target = targets.target
              gap = target - units

            """
        let e = try evaluate(rules, files: WeekData.files)
        let scratch = e.scratch!
        scratch.write("targets.csv", "week,target\n1,100\n2,250\n9,900\n10,1000\n11,5\n")
        scratch.write("sales.csv", WeekData.sales + "B,11,7\nA,2,1\n")
        _ = try e.ws.apply([.source("targets", path: nil), .source("sales", path: nil)])
        let fresh = Evaluated(try Workspace.open(e.program), scratch: nil)
        for column in ["sku", "week", "units", "target", "gap"] {
            #expect(e.column("weekly", column) == fresh.column("weekly", column), "\(column)")
        }
        #expect(e.column("weekly", "week") == [.number(1), .number(2), .number(10), .number(1), .number(9), .number(11)])
        #expect(e.ws.invariantViolations().isEmpty)
    }
}
