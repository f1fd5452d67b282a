// Time windows over an event table: which days they cover, zero-filled days, rows of the
// same day added up, rows after the as-of date ignored, windows anchored at a date.
//
// The data: as-of T = 2024-01-31 (the latest sale). SKU A's daily totals, by k = T - date:
//   k=0: 1   k=1: 2+3 = 5 (two rows)   k=2: -   k=3: 4   k=4: -   k=5: 10   k=6..8: -   k=9: 100
// SKU B is in items but never sold; C sold only on T-30; D only on T-42.

import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

enum WindowData {
    static let sales = """
        date,sku,units
        2023-12-20,D,3
        2024-01-01,C,7
        2024-01-22,A,100
        2024-01-26,A,10
        2024-01-28,A,4
        2024-01-30,A,2
        2024-01-30,A,3
        2024-01-31,A,1

        """
    static let items = """
        sku,name
        A,alpha
        B,beta
        C,gamma
        D,delta

        """
    /// Production runs landing on a date, for windows anchored at a date.
    static let runs = """
        run_id,sku,date
        R1,A,2024-01-25
        R2,A,2024-01-27
        R3,A,2024-01-30
        R4,A,
        R5,A,2024-01-28

        """
    static var files: [String: String] { ["sales.csv": sales, "items.csv": items, "runs.csv": runs] }

    static let header = """
        table sales = csv("sales.csv")
        table items = csv("items.csv") by sku
        table runs  = csv("runs.csv") by run_id

        """

    /// One formula as column `x` of a table by sku from items.
    static func perSku(_ formula: String) -> String {
        header + "table w by sku from items:\n  x = \(formula)\n"
    }

    /// One formula as column `x` of a table by run from runs.
    static func perRun(_ formula: String) -> String {
        header + "table r by run_id, sku from runs:\n  x = \(formula)\n"
    }
}

struct WindowCase: CustomTestStringConvertible, Sendable {
    var formula: String
    var a: Double?
    var b: Double?
    var testDescription: String { formula }
}

@Suite("Time windows")
struct WindowTests {
    static let cases: [WindowCase] = [
        // last N days = T-(N-1) ... T
        WindowCase(formula: "sum(sales.units, last 1 days)", a: 1, b: 0),
        WindowCase(formula: "sum(sales.units, last 1 day)", a: 1, b: 0),
        WindowCase(formula: "sum(sales.units, last 2 days)", a: 6, b: 0),
        WindowCase(formula: "sum(sales.units, last 3 days)", a: 6, b: 0),
        WindowCase(formula: "sum(sales.units, last 4 days)", a: 10, b: 0),
        WindowCase(formula: "sum(sales.units, last 9 days)", a: 20, b: 0),
        WindowCase(formula: "sum(sales.units, last 10 days)", a: 120, b: 0),
        WindowCase(formula: "sum(sales.units, last 1 week)", a: 20, b: 0),
        WindowCase(formula: "sum(sales.units, last 2 weeks)", a: 120, b: 0),
        // ending M days ago shifts the window back: T-M-(N-1) ... T-M
        WindowCase(formula: "sum(sales.units, last 3 days ending 3 days ago)", a: 14, b: 0),
        WindowCase(formula: "sum(sales.units, last 2 days ending 1 day ago)", a: 5, b: 0),
        WindowCase(formula: "sum(sales.units, last 1 days ending 9 days ago)", a: 100, b: 0),
        WindowCase(formula: "sum(sales.units, last 3 days ending 0 days ago)", a: 6, b: 0),
        WindowCase(formula: "sum(sales.units, last 5 days ending 10 days ago)", a: 0, b: 0),
        // statistics over daily totals, zero-filled
        WindowCase(formula: "avg(sales.units, last 4 days)", a: 2.5, b: 0),
        WindowCase(formula: "avg(sales.units, last 10 days)", a: 12, b: 0),
        WindowCase(formula: "max(sales.units, last 3 days)", a: 5, b: 0),
        WindowCase(formula: "min(sales.units, last 3 days)", a: 0, b: 0),
        WindowCase(formula: "min(sales.units, last 2 days)", a: 1, b: 0),
        WindowCase(formula: "wavg(sales.units, last 3 days, weights: linear)", a: 13.0 / 6, b: 0),
        WindowCase(formula: "wavg(sales.units, last 1 days, weights: linear)", a: 1, b: 0),
        WindowCase(formula: "wavg(sales.units, last 3 days, half_life: 1 day)", a: 2, b: 0),
        WindowCase(formula: "wavg(sales.units, last 3 days ending 1 day ago, half_life: 1 day)", a: (5 + 0 + 0.25 * 4) / 1.75, b: 0),
        WindowCase(formula: "stdev(sales.units, last 3 days)", a: 7.0.squareRoot(), b: 0),
        WindowCase(formula: "variance(sales.units, last 3 days)", a: 7, b: 0),
        WindowCase(formula: "variance(sales.units, last 2 days)", a: 8, b: 0),
        // count counts rows (two rows on T-1), not days
        WindowCase(formula: "count(sales.units, last 3 days)", a: 3, b: 0),
        WindowCase(formula: "count(sales.units, last 10 days)", a: 6, b: 0),
        // single-day statistics that need two values
        WindowCase(formula: "stdev(sales.units, last 1 day)", a: nil, b: nil),
        WindowCase(formula: "variance(sales.units, last 1 day)", a: nil, b: nil),
    ]

    @Test("a window aggregate per SKU", arguments: cases)
    func window(_ c: WindowCase) throws {
        let run = try evaluate(WindowData.perSku(c.formula), files: WindowData.files)
        for (sku, want) in [("A", c.a), ("B", c.b)] {
            let got = run.cell("w", "x", sku)
            if let want {
                expectNumber(got, want, tolerance: 1e-14)
            } else {
                #expect(got == .missing, "\(sku): \(got)")
            }
        }
    }

    @Test("a one-day stdev is missing and says why")
    func stdevOfOneDay() throws {
        let run = try evaluate(WindowData.perSku("stdev(sales.units, last 1 day)"), files: WindowData.files)
        #expect(run.reason("w", "x", "A")?.message == "needs at least 2 values, found 1")
        #expect(run.origin("w", "x", "A") == "w.x[A]")
    }

    @Test("linear weights give the newest day weight N and the oldest 1")
    func linearWeights() throws {
        // Only the oldest day of a 21-day window sells 231 units: 231 * 1 / 231 = 1.
        // Only the newest day sells 231 units: 231 * 21 / 231 = 21.
        let sales = "date,sku,units\n2024-01-11,A,231\n2024-01-31,B,231\n"
        let rules = "table sales = csv(\"sales.csv\")\ntable items = csv(\"items.csv\") by sku\n"
            + "table w by sku from items:\n  x = wavg(sales.units, last 21 days, weights: linear)\n"
        let run = try evaluate(rules, files: ["sales.csv": sales, "items.csv": "sku\nA\nB\n"])
        expectNumber(run.cell("w", "x", "A"), 1)
        expectNumber(run.cell("w", "x", "B"), 21)
    }

    @Test("half-life weights are 0.5^(age/half-life)")
    func halfLifeWeights() throws {
        // 28 days, half-life 7: the day aged 7 weighs exactly half the newest.
        let sales = "date,sku,units\n2024-01-31,A,10\n2024-01-24,A,40\n"
        let rules = "table sales = csv(\"sales.csv\")\ntable items = csv(\"items.csv\") by sku\n"
            + "table w by sku from items:\n  x = wavg(sales.units, last 28 days, half_life: 7 days)\n"
        let run = try evaluate(rules, files: ["sales.csv": sales, "items.csv": "sku\nA\n"])
        var total = 0.0
        for age in 0..<28 { total += libmPowForTests(0.5, Double(age) / 7) }
        expectNumber(run.cell("w", "x", "A"), (10 * 1 + 40 * 0.5) / total, tolerance: 1e-12)
    }

    @Test("rows after the as-of date are ignored", arguments: [
        ("sum(sales.units, last 3 days)", 9.0),
        ("sum(sales.units, last 1 day)", 5.0),
        ("count(sales.units, last 1 day)", 2.0),
        ("sum(sales.units, last 3 days ending 1 day ago)", 4.0),
    ])
    func asOfOption(formula: String, expected: Double) throws {
        let run = try evaluate(WindowData.perSku(formula), files: WindowData.files, asOf: "2024-01-30")
        #expect(run.ws.asOf == CivilDate(iso: "2024-01-30")!.day)
        expectNumber(run.cell("w", "x", "A"), expected)
    }

    @Test("the default as-of date is the latest date of the event data")
    func defaultAsOf() throws {
        let run = try evaluate(WindowData.perSku("asof()"), files: WindowData.files)
        #expect(run.ws.asOf == CivilDate(iso: "2024-01-31")!.day)
        #expect(run.cell("w", "x", "A") == .date("2024-01-31"))
        let earlier = try evaluate(WindowData.perSku("asof()"), files: WindowData.files, asOf: "2023-06-01")
        #expect(earlier.cell("w", "x", "B") == .date("2023-06-01"))
    }

    @Test("the latest date is taken over every event table")
    func asOfOverEveryEventTable() throws {
        let rules = WindowData.header + "table returns = csv(\"returns.csv\")\n"
            + "table w by sku from items:\n  x = sum(sales.units, last 1 day)\n  y = sum(returns.units, last 1 day)\n"
        var files = WindowData.files
        files["returns.csv"] = "date,sku,units\n2024-02-02,A,-1\n"
        let run = try evaluate(rules, files: files)
        #expect(run.ws.asOf == CivilDate(iso: "2024-02-02")!.day)
        expectNumber(run.cell("w", "x", "A"), 0)
        expectNumber(run.cell("w", "y", "A"), -1)
    }

    @Test("a derived table from a windowed event table has the keys seen in the window")
    func rowsFromWindow() throws {
        let rules = WindowData.header + "table s by sku from sales in last 35 days:\n  n = count(sales.units, last 35 days)\n"
        let run = try evaluate(rules, files: WindowData.files)
        #expect(run.keys("s") == [["A"], ["C"]])
        expectNumber(run.cell("s", "n", "C"), 1)
        // Thirty days earlier, only C and D had sold in the 35 days up to the as-of date.
        let earlier = try evaluate(rules, files: WindowData.files, asOf: "2024-01-02")
        #expect(earlier.keys("s") == [["C"], ["D"]])
        let shortWindow = try evaluate(WindowData.header + "table s by sku from sales in last 1 day:\n  n = count(sales.units, last 1 day)\n",
                                       files: WindowData.files)
        #expect(shortWindow.keys("s") == [["A"]])
    }

    @Test("without a window, rows come from every event row")
    func rowsFromWholeTable() throws {
        let rules = WindowData.header + "table s by sku from sales:\n  total = sum(sales.units)\n  n = count(sales.units)\n"
        let run = try evaluate(rules, files: WindowData.files)
        #expect(run.keys("s") == [["A"], ["C"], ["D"]])
        expectNumber(run.cell("s", "total", "A"), 120)
        expectNumber(run.cell("s", "n", "A"), 6)
    }

    struct AnchoredCase: CustomTestStringConvertible, Sendable {
        var formula: String
        /// Per run R1, R2, R3, R5 (R4 has no date and is always missing).
        var expected: [String: Double?]
        var testDescription: String { formula }
    }

    static let anchored: [AnchoredCase] = [
        // R1 lands T-6: after = T-5..T-3 (10 + 0 + 4); before = T-9..T-7 (100)
        // R2 lands T-4: after = T-3..T-1 (4 + 0 + 5); before = T-7..T-5 (10)
        // R3 lands T-1: after reaches T+2 (past the as-of date: missing); before = T-4..T-2 (4)
        // R5 lands T-3: after = T-2..T (0 + 5 + 1), ending exactly on the as-of date
        AnchoredCase(formula: "sum(sales.units, 3 days after runs.date)", expected: ["R1": 14, "R2": 9, "R3": nil, "R5": 6]),
        AnchoredCase(formula: "sum(sales.units, 3 days before runs.date)", expected: ["R1": 100, "R2": 10, "R3": 4, "R5": 10]),
        AnchoredCase(formula: "avg(sales.units, 3 days after runs.date)", expected: ["R1": 14.0 / 3, "R2": 3, "R3": nil, "R5": 2]),
        AnchoredCase(formula: "count(sales.units, 3 days after runs.date)", expected: ["R1": 2, "R2": 3, "R3": nil, "R5": 3]),
        AnchoredCase(formula: "sum(sales.units, 1 day after runs.date)", expected: ["R1": 10, "R2": 4, "R3": 1, "R5": 0]),
        AnchoredCase(formula: "sum(sales.units, 1 day before runs.date)", expected: ["R1": 0, "R2": 10, "R3": 0, "R5": 0]),
        AnchoredCase(formula: "max(sales.units, 1 week before runs.date)", expected: ["R1": 100, "R2": 100, "R3": 10, "R5": 100]),
    ]

    @Test("windows anchored at a date", arguments: anchored)
    func anchoredWindow(_ c: AnchoredCase) throws {
        let run = try evaluate(WindowData.perRun(c.formula), files: WindowData.files)
        for (runID, want) in c.expected.sorted(by: { $0.key < $1.key }) {
            let got = run.cell("r", "x", runID, "A")
            if let want {
                expectNumber(got, want)
            } else {
                #expect(got == .missing, "\(runID): \(got)")
            }
        }
        // Every aggregate, count included, is missing without a window.
        #expect(run.cell("r", "x", "R4", "A") == .missing)
    }

    @Test("anchored windows say why they are missing")
    func anchoredReasons() throws {
        let run = try evaluate(WindowData.perRun("sum(sales.units, 3 days after runs.date)"), files: WindowData.files)
        #expect(run.reason("r", "x", "R3", "A")?.message == "the window ends after the as-of date 2024-01-31")
        #expect(run.reason("r", "x", "R4", "A")?.message == "the window's anchor date is missing")
    }

    @Test("an anchored window only reads the SKU's own rows")
    func anchoredWindowMatchesKeys() throws {
        let runs = "run_id,sku,date\nR1,A,2023-12-31\nR2,C,2023-12-31\nR3,D,2023-12-19\n"
        var files = WindowData.files
        files["runs.csv"] = runs
        let run = try evaluate(WindowData.perRun("sum(sales.units, 30 days after runs.date)"), files: files)
        expectNumber(run.cell("r", "x", "R1", "A"), 119)
        expectNumber(run.cell("r", "x", "R2", "C"), 7)
        expectNumber(run.cell("r", "x", "R3", "D"), 3)
    }
}

#if canImport(Glibc)
import Glibc
func libmPowForTests(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
import Darwin
func libmPowForTests(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
