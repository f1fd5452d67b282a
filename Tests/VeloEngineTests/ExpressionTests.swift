// Scalar semantics, one formula at a time: missing values and their reasons, the comparison
// tolerance, rounding to case packs, dates and durations, text comparisons, operators.

import Testing
import VeloCheck
import VeloData
import VeloFrontend
@testable import VeloEngine

enum ScalarData {
    static let items = """
        sku,name,price,qty,landed
        A,alpha,2.5,4,2024-01-31
        B,beta,0,0,2024-02-29

        """
    static var files: [String: String] { ["items.csv": items] }

    /// Formulas as columns of a table by sku from items (first name `x`).
    static func rules(_ formulas: [(String, String)]) -> String {
        "table items = csv(\"items.csv\") by sku\ntable t by sku from items:\n"
            + formulas.map { "  \($0.0) = \($0.1)\n" }.joined()
    }

    static func value(_ formula: String, sku: String = "A") throws -> (CellValue, MissingReason?) {
        let (value, reason, _) = try valueAndOrigin(formula, sku: sku)
        return (value, reason)
    }

    /// The cell `t.x[sku]`, why it is missing, and where it went missing ("t.x[A]").
    static func valueAndOrigin(_ formula: String, sku: String = "A") throws -> (CellValue, MissingReason?, String?) {
        let run = try evaluate(rules([("x", formula)]), files: files)
        return (run.cell("t", "x", sku), run.reason("t", "x", sku), run.origin("t", "x", sku))
    }
}

struct ScalarCase: CustomTestStringConvertible, Sendable {
    var formula: String
    var expected: CellValue
    /// An engine bug this case shows (the case is then a known issue).
    var knownBug: String?
    var testDescription: String { "\(formula) → \(expected)" }
    init(_ formula: String, _ expected: CellValue, knownBug: String? = nil) {
        self.formula = formula
        self.expected = expected
        self.knownBug = knownBug
    }
    init(_ formula: String, _ expected: Double) { self.init(formula, .number(expected)) }
    init(_ formula: String, _ expected: Bool, knownBug: String? = nil) { self.init(formula, .bool(expected), knownBug: knownBug) }
}

func checkScalar(_ c: ScalarCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (got, _) = try ScalarData.value(c.formula)
    func check() {
        if case .number(let w) = c.expected {
            expectNumber(got, w, tolerance: 1e-15, sourceLocation: sourceLocation)
        } else {
            #expect(got == c.expected, "\(c.formula): got \(got)", sourceLocation: sourceLocation)
        }
    }
    if let bug = c.knownBug {
        withKnownIssue(Comment(rawValue: bug)) { check() }
    } else {
        check()
    }
}

@Suite("Missing values")
struct MissingValueTests {
    struct ReasonCase: CustomTestStringConvertible, Sendable {
        var formula: String
        var reason: String
        var knownBug: String? = nil
        var testDescription: String { "\(formula) is missing: \(reason)" }
    }

    static let reasons: [ReasonCase] = [
        ReasonCase(formula: "1 / 0", reason: "division by zero"),
        ReasonCase(formula: "0 / 0", reason: "division by zero"),
        ReasonCase(formula: "items.price / (items.qty - 4) - 1", reason: "division by zero"),
        ReasonCase(formula: "missing(\"no demand\")", reason: "no demand"),
        ReasonCase(formula: "missing", reason: "missing by definition"),
        ReasonCase(formula: "missing(\"no demand\") + 1", reason: "no demand"),
        ReasonCase(formula: "-missing(\"no demand\")", reason: "no demand"),
        ReasonCase(formula: "abs(missing(\"r\")) * 2", reason: "r"),
        ReasonCase(formula: "max(0, missing(\"r\"))", reason: "r"),
        ReasonCase(formula: "(1 / 0) ?? (2 / 0)", reason: "division by zero"),
        ReasonCase(formula: "missing(\"first\") ?? missing(\"second\")", reason: "second"),
        ReasonCase(formula: "if true then missing(\"then\") else 1", reason: "then"),
        ReasonCase(formula: "if items.qty > 100 then 1 else missing(\"else\")", reason: "else"),
        ReasonCase(formula: "sqrt(-1)", reason: "square root of a negative number"),
        ReasonCase(formula: "ln(0)", reason: "logarithm of a number that is not positive"),
        ReasonCase(formula: "log10(-5)", reason: "logarithm of a number that is not positive"),
        ReasonCase(formula: "z(1.5)", reason: "z needs a probability strictly between 0 and 1 (a service level such as 95%)"),
        ReasonCase(formula: "z(0)", reason: "z needs a probability strictly between 0 and 1 (a service level such as 95%)"),
        ReasonCase(formula: "roundup(5, 0)", reason: "the multiple must be positive"),
        ReasonCase(formula: "rounddown(5, -1)", reason: "the multiple must be positive"),
        ReasonCase(formula: "exp(1000)", reason: "the result is too large"),
        ReasonCase(formula: "10 ^ 400", reason: "the result is not a finite number"),
        ReasonCase(formula: "if true then missing(\"no label\") else \"a\"", reason: "no label"),
        ReasonCase(formula: "if true then missing(\"no date\") else 2024-01-01", reason: "no date"),
        ReasonCase(formula: "if false then \"a\" else missing(\"no label\")", reason: "no label"),
        ReasonCase(formula: "if false then 2024-01-01 else missing(\"no date\")", reason: "no date"),
        ReasonCase(formula: "if false then true else missing(\"no answer\")", reason: "no answer"),
    ]

    @Test("a missing value and its reason", arguments: reasons)
    func reason(_ c: ReasonCase) throws {
        let (value, reason, origin) = try ScalarData.valueAndOrigin(c.formula)
        func check() {
            #expect(value == .missing)
            #expect(reason?.message == c.reason)
            #expect(origin == "t.x[A]")
        }
        if let bug = c.knownBug { withKnownIssue(Comment(rawValue: bug)) { check() } } else { check() }
    }

    static let handled: [ScalarCase] = [
        ScalarCase("(1 / 0) ?? 5", 5),
        ScalarCase("missing ?? 0", 0),
        ScalarCase("3 ?? 5", 3),
        ScalarCase("missing(\"a\") ?? missing(\"b\") ?? 7", 7),
        ScalarCase("(1 / 0) is missing", true),
        ScalarCase("(1 / 0) is not missing", false),
        ScalarCase("1 is missing", false),
        ScalarCase("1 is not missing", true),
        ScalarCase("missing(\"no label\") is missing", true),
        ScalarCase("(if false then \"a\" else missing) is missing", true),
        ScalarCase("(if false then \"a\" else missing) ?? \"none\"", .text("none")),
        ScalarCase("(if true then missing else \"a\") is missing", true),
        ScalarCase("(if true then \"a\" else missing) ?? \"none\"", .text("a")),
        ScalarCase("(if false then 1 else missing) is missing", true),
        // a comparison with a missing value is false, and `if` takes its else branch
        ScalarCase("(1 / 0) > 0", false),
        ScalarCase("(1 / 0) <= 0", false),
        ScalarCase("(1 / 0) == (1 / 0)", false),
        ScalarCase("(1 / 0) != 0", false),
        ScalarCase("missing == missing", false),
        ScalarCase("if (1 / 0) > 0 then 1 else 2", 2),
        ScalarCase("if (1 / 0) <= 0 then 1 else 2", 2),
        ScalarCase("if missing(\"x\") == 1 then \"yes\" else \"no\"", .text("no")),
        ScalarCase("not ((1 / 0) > 0)", true),
        // three-valued and/or over a missing condition
        ScalarCase("(if false then true else missing) or true", true),
        ScalarCase("(if false then true else missing) and false", false),
        ScalarCase("((if false then true else missing) and true) is missing", true),
        ScalarCase("((if false then true else missing) or false) is missing", true),
        ScalarCase("(not (if false then true else missing)) is missing", true),
        ScalarCase("((if true then missing else true) and true) is missing", true),
        ScalarCase("((if true then missing else true) or false) is missing", true),
        ScalarCase("(not (if true then missing else true)) is missing", true),
    ]

    @Test("handling missing values", arguments: handled)
    func handling(_ c: ScalarCase) throws { try checkScalar(c) }

    @Test("a missing value propagates through other columns and tables with its origin")
    func propagationAcrossColumns() throws {
        let rules = ScalarData.rules([
            ("ratio", "items.price / items.qty"),
            ("doubled", "ratio * 2"),
            ("later", "doubled + 1"),
            ("safe", "later ?? 0"),
            ("is_gap", "later is missing"),
        ]) + "table totals:\n  total = sum(t.later)\n  b = t.later[\"B\"]\n"
        let run = try evaluate(rules, files: ScalarData.files)
        expectNumber(run.cell("t", "later", "A"), 2.5 / 4 * 2 + 1)
        #expect(run.cell("t", "later", "B") == .missing)
        for column in ["ratio", "doubled", "later"] {
            #expect(run.reason("t", column, "B")?.message == "division by zero", "\(column)")
            #expect(run.origin("t", column, "B") == "t.ratio[B]", "\(column)")
        }
        #expect(run.reason("t", "later", "B").map { ResultText.described($0, in: run.ws.program) } == "division by zero (at t.ratio[B])")
        expectNumber(run.cell("t", "safe", "B"), 0)
        #expect(run.cell("t", "is_gap", "B") == .bool(true))
        #expect(run.cell("t", "is_gap", "A") == .bool(false))
        #expect(run.cell("totals", "total") == .missing)
        #expect(run.origin("totals", "total") == "t.ratio[B]")
        #expect(run.origin("totals", "b") == "t.ratio[B]")
    }

    @Test("`text ?? missing(\"why\")` gives the missing cells that reason")
    func coalesceWithReasonOfAnotherType() throws {
        let rules = "table items = csv(\"items.csv\") by sku\ntable t by sku from items:\n"
            + "  label = items.label ?? missing(\"no label\")\n  n = items.n ?? missing(\"no n\")\n"
        let run = try evaluate(rules, files: ["items.csv": "sku,label,n\nA,x,1\nB,,\n"])
        #expect(run.cell("t", "label", "B") == .missing)
        #expect(run.reason("t", "n", "B")?.message == "no n")
        #expect(run.reason("t", "label", "B")?.message == "no label")
    }

    @Test("reasons reach the result columns")
    func reasonsInResultColumns() throws {
        let run = try evaluate(ScalarData.rules([("x", "items.price / items.qty")]), files: ScalarData.files)
        let column = run.ws.column(run.columnRef("t", "x")!)
        #expect(column.missingReasons.mapValues(\.message) == [1: "division by zero"])
        #expect(column.isKey == false)
        #expect(run.ws.column(run.columnRef("t", "sku")!).isKey)
    }
}

@Suite("Comparing numbers")
struct ComparisonTests {
    static let tie = "(8140 / 231) / (6512 / 231) - 1"

    static let cases: [ScalarCase] = [
        // 1.25 computed as 1.2500000000000002 is a tie, not "more than 25%"
        ScalarCase("\(tie) > 25%", false),
        ScalarCase("\(tie) >= 25%", true),
        ScalarCase("\(tie) == 25%", true),
        ScalarCase("\(tie) != 25%", false),
        ScalarCase("\(tie) <= 25%", true),
        ScalarCase("\(tie) < 25%", false),
        ScalarCase("abs(\(tie)) > 25%", false),
        ScalarCase("(21 / 231) / (28 / 231) - 1 < -25%", false),
        ScalarCase("(21 / 231) / (28 / 231) - 1 == -25%", true),
        ScalarCase("0.1 + 0.2 == 0.3", true),
        ScalarCase("0.1 + 0.2 > 0.3", false),
        ScalarCase("0.1 + 0.2 <= 0.3", true),
        ScalarCase("1 + 1e-13 == 1", true),
        ScalarCase("1 + 1e-13 > 1", false),
        // a real difference (beyond 12 significant digits) still counts
        ScalarCase("1 + 1e-11 > 1", true),
        ScalarCase("1 + 1e-11 == 1", false),
        ScalarCase("1.25 * 1.000000001 > 1.25", true),
        ScalarCase("1e11 + 1 > 1e11", true),
        // ... and 12 significant digits means what it says
        ScalarCase("1e15 + 1 > 1e15", false),
        ScalarCase("1e15 + 1 == 1e15", true),
        ScalarCase("1e20 + 1 == 1e20", true),
        // zero equals only zero
        ScalarCase("1e-300 == 0", false),
        ScalarCase("1e-300 > 0", true),
        ScalarCase("-1e-300 < 0", true),
        ScalarCase("0 - 0 == 0", true),
        ScalarCase("-0 == 0", true),
        ScalarCase("-0 < 0", false),
        ScalarCase("0.1 + 0.2 - 0.3 == 0", false),
        ScalarCase("0.1 + 0.2 - 0.3 > 0", true),
        // ordinary comparisons
        ScalarCase("2 > 1", true),
        ScalarCase("1 > 2", false),
        ScalarCase("-2 < -1", true),
        ScalarCase("3 <= 3", true),
        ScalarCase("3 >= 4", false),
        ScalarCase("2 != 3", true),
        ScalarCase("true == true", true),
        ScalarCase("true != false", true),
        ScalarCase("items.price == 2.5", true),
        ScalarCase("items.qty * 0.1 * 3 == 1.2", true),
    ]

    @Test("comparisons use 12 significant digits", arguments: cases)
    func comparison(_ c: ScalarCase) throws { try checkScalar(c) }

    @Test("the tie is stored with its floating-point noise")
    func tieValueIsNotRounded() throws {
        let (value, _) = try ScalarData.value(Self.tie)
        #expect(value == .number(0.2500000000000002))
    }

    @Test("NumberComparison", arguments: [
        (1.2500000000000002, 1.25, true),
        (0.0, -0.0, true),
        (0.0, 1e-300, false),
        (1.0, 1.0 + 5e-13, true),
        (1.0, 1.0 + 3e-12, false),
        (-5.0, 5.0, false),
    ])
    func numberComparison(a: Double, b: Double, equal: Bool) {
        #expect(NumberComparison.equal(a, b) == equal)
        #expect(NumberComparison.equal(b, a) == equal)
        if equal {
            #expect(!NumberComparison.less(a, b) && !NumberComparison.less(b, a))
        } else {
            #expect(NumberComparison.less(a, b) != NumberComparison.less(b, a))
        }
    }
}

@Suite("Arithmetic and rounding")
struct ArithmeticTests {
    static let cases: [ScalarCase] = [
        // roundup ignores floating-point noise, but not a real fraction of a case
        ScalarCase("roundup((0.1 + 0.2) * 120, 12)", 36),
        ScalarCase("roundup(36.0000001, 12)", 48),
        ScalarCase("roundup(25, 12)", 36),
        ScalarCase("roundup(24, 12)", 24),
        ScalarCase("roundup(max(100, 90), 24)", 120),
        ScalarCase("roundup(-5, 12)", 0),
        ScalarCase("roundup(0, 12)", 0),
        ScalarCase("roundup(0.3, 0.1)", 0.30000000000000004),
        ScalarCase("rounddown(0.7 * 60, 6)", 42),
        ScalarCase("rounddown(41.99999999999999, 6)", 42),
        ScalarCase("rounddown(47, 6)", 42),
        ScalarCase("round(2.675, 2)", 2.68),
        ScalarCase("round(2.5)", 3),
        ScalarCase("round(-2.5)", -3),
        ScalarCase("round(1234, -2)", 1200),
        ScalarCase("ceil(1.2)", 2),
        ScalarCase("ceil(-1.2)", -1),
        ScalarCase("floor(-1.2)", -2),
        ScalarCase("abs(-3)", 3),
        ScalarCase("sqrt(16)", 4),
        ScalarCase("min(3, 1, 2)", 1),
        ScalarCase("max(3, 1, 2)", 3),
        ScalarCase("exp(0)", 1),
        ScalarCase("ln(1)", 0),
        ScalarCase("log10(1000)", 3),
        // operators and precedence
        ScalarCase("1 + 2 * 3", 7),
        ScalarCase("(1 + 2) * 3", 9),
        ScalarCase("10 - 4 - 3", 3),
        ScalarCase("12 / 3 / 2", 2),
        ScalarCase("-2 ^ 2", -4),
        ScalarCase("(-2) ^ 2", 4),
        ScalarCase("2 ^ 3 ^ 2", 512),
        ScalarCase("2 ^ -1", 0.5),
        ScalarCase("9 ^ 0.5", 3),
        ScalarCase("95%", 0.95),
        ScalarCase("1_000 + 2.5", 1002.5),
        ScalarCase("2.5e-3 * 1000", 2.5),
        ScalarCase("items.price * items.qty", 10),
        ScalarCase("if items.qty > 3 then 1 else 0", 1),
        ScalarCase("if false then 1 else if true then 2 else 3", 2),
        // statistics
        ScalarCase("z(0.95)", 1.6448536269514722),
        ScalarCase("z(0.98)", 2.053748910631823),
        ScalarCase("z(50%)", 0),
        ScalarCase("normcdf(0)", 0.5),
        ScalarCase("eoq(1000, 50, 2.5)", 200),
        // logic
        ScalarCase("true and false", false),
        ScalarCase("true or false", true),
        ScalarCase("not true", false),
        ScalarCase("not 1 > 2", true),
        ScalarCase("1 < 2 and 2 < 3", true),
    ]

    @Test("a formula's value", arguments: cases)
    func value(_ c: ScalarCase) throws { try checkScalar(c) }

    @Test("order quantities round up to MOQ and case pack without buying noise")
    func orderQuantity() throws {
        // 0.1 * 3 * 120 = 36.00000000000001; a plain ceiling would buy a fourth case of 12.
        let items = "sku,need,moq,pack\nA,0.3,0,12\nB,25,50,12\nC,0,100,6\nD,100,100,24\n"
        let rules = """
            table items = csv("items.csv") by sku
            table plan by sku from items:
              qty = if items.need == 0 then 0 else roundup(max(items.need * 120, items.moq), items.pack)

            """
        let run = try evaluate(rules, files: ["items.csv": items])
        #expect(run.column("plan", "qty") == [36, 3000, 0, 12000].map { CellValue.number($0) })
    }
}

@Suite("Dates and durations")
struct DateTests {
    static let cases: [ScalarCase] = [
        ScalarCase("2024-01-31 + 1 day", .date("2024-02-01")),
        ScalarCase("2024-02-28 + 2 days", .date("2024-03-01")),
        ScalarCase("2023-02-28 + 1 day", .date("2023-03-01")),
        ScalarCase("2024-01-01 - 1 week", .date("2023-12-25")),
        ScalarCase("3 weeks + 2024-01-01", .date("2024-01-22")),
        ScalarCase("2024-01-01 + days(31)", .date("2024-02-01")),
        ScalarCase("items.landed + 30 days", .date("2024-03-01")),
        ScalarCase("2024-03-01 - 2024-02-01", 29),
        ScalarCase("2023-03-01 - 2023-02-01", 28),
        ScalarCase("2024-01-01 - 2024-01-31", -30),
        ScalarCase("(2024-03-01 - 2024-02-01) / 1 day", 29),
        ScalarCase("(2024-03-01 - 2024-02-01) / 1 week", 29.0 / 7),
        ScalarCase("2 weeks / 2", 7),
        ScalarCase("days_between(2024-01-01, 2024-03-01)", 60),
        ScalarCase("days_between(2024-03-01, 2024-01-01)", -60),
        ScalarCase("weekday(2024-01-01)", 1),
        ScalarCase("weekday(2024-01-07)", 7),
        ScalarCase("weekday(2024-02-29)", 4),
        ScalarCase("week_start(2024-01-03)", .date("2024-01-01")),
        ScalarCase("week_start(2024-01-01)", .date("2024-01-01")),
        ScalarCase("week_start(2024-01-07)", .date("2024-01-01")),
        ScalarCase("week_start(2024-01-08)", .date("2024-01-08")),
        ScalarCase("week_start(2023-01-01)", .date("2022-12-26")),
        ScalarCase("month_start(2024-02-29)", .date("2024-02-01")),
        ScalarCase("year(2024-02-29)", 2024),
        ScalarCase("month(2024-02-29)", 2),
        ScalarCase("day(2024-02-29)", 29),
        ScalarCase("iso_week(2024-12-30)", 1),
        ScalarCase("iso_week(2021-01-03)", 53),
        ScalarCase("iso_week(2024-01-01)", 1),
        ScalarCase("2024-03-01 > 2024-02-29", true),
        ScalarCase("2024-03-01 == 2024-02-29 + 1 day", true),
        ScalarCase("items.landed < 2024-02-01", true),
        ScalarCase("max(2024-01-05, 2024-03-01, 2024-02-01)", .date("2024-03-01")),
        ScalarCase("min(2024-01-05, 2024-03-01)", .date("2024-01-05")),
        ScalarCase("asof()", .missing),
    ]

    @Test("date arithmetic and calendar functions", arguments: cases)
    func date(_ c: ScalarCase) throws { try checkScalar(c) }

    @Test("without dated events there is no as-of date")
    func noAsOf() throws {
        let (value, reason) = try ScalarData.value("asof()")
        #expect(value == .missing)
        #expect(reason?.message == "there is no as-of date: no dated data")
    }

    @Test("asof() follows the as-of date")
    func asOfArithmetic() throws {
        let rules = "table sales = csv(\"sales.csv\")\ntable items = csv(\"items.csv\") by sku\n"
            + "table t by sku from items:\n  age = asof() - items.landed\n  next = week_start(asof()) + 1 week\n"
        let files = ["sales.csv": "date,sku,units\n2024-03-06,A,1\n", "items.csv": ScalarData.items]
        let run = try evaluate(rules, files: files)
        expectNumber(run.cell("t", "age", "A"), 35)
        expectNumber(run.cell("t", "age", "B"), 6)
        #expect(run.cell("t", "next", "A") == .date("2024-03-11"))
        let earlier = try evaluate(rules, files: files, asOf: "2024-02-29")
        expectNumber(earlier.cell("t", "age", "B"), 0)
    }

    @Test("a missing date stays missing through date functions")
    func missingDates() throws {
        let items = "sku,landed\nA,2024-01-31\nB,\n"
        let rules = "table items = csv(\"items.csv\") by sku\ntable t by sku from items:\n"
            + "  a = items.landed + 1 day\n  b = weekday(items.landed)\n  c = week_start(items.landed)\n"
            + "  d = items.landed - 2024-01-01\n  e = items.landed > 2024-01-01\n"
        let run = try evaluate(rules, files: ["items.csv": items])
        #expect(run.cell("t", "a", "A") == .date("2024-02-01"))
        for column in ["a", "b", "c", "d"] { #expect(run.cell("t", column, "B") == .missing, "\(column)") }
        #expect(run.cell("t", "e", "B") == .bool(false))
    }
}

@Suite("Text")
struct TextTests {
    static let cases: [ScalarCase] = [
        ScalarCase("\"apple\" < \"banana\"", true),
        ScalarCase("\"banana\" < \"apple\"", false),
        ScalarCase("\"B\" > \"A\"", true),
        ScalarCase("\"Z\" < \"a\"", true),
        ScalarCase("\"abc\" >= \"abc\"", true),
        ScalarCase("\"abc\" <= \"abd\"", true),
        ScalarCase("\"ab\" < \"abc\"", true),
        ScalarCase("\"a\" == \"a\"", true),
        ScalarCase("\"a\" != \"b\"", true),
        ScalarCase("\"a\" == \"A\"", false),
        ScalarCase("items.name == \"alpha\"", true),
        ScalarCase("items.name != \"beta\"", true),
        ScalarCase("sku == \"A\"", true),
        ScalarCase("sku < \"B\"", true),
        ScalarCase("if sku == \"A\" then \"first\" else \"other\"", .text("first")),
        ScalarCase("items.name", .text("alpha")),
        ScalarCase("\"say \\\"hi\\\"\"", .text("say \"hi\"")),
    ]

    @Test("text values and comparisons", arguments: cases)
    func text(_ c: ScalarCase) throws { try checkScalar(c) }
}
