// Parser: precedence (trees rendered fully parenthesised), statements, syntax errors,
// error recovery and robustness against hostile input.

import Foundation
import Testing
import VeloSyntax

// MARK: - Rendering trees

/// An expression fully parenthesised: every operator application in `( )`. `^` is written
/// without spaces (`(2^2)`), other binary operators with (`(a + b)`).
func render(_ e: Expr) -> String {
    switch e.kind {
    case .number(let v): return number(v)
    case .percent(let v): return number((v * 100 * 1e6).rounded() / 1e6) + "%"
    case .duration(let d): return number(d) + " days"
    case .text(let t): return render(t)
    case .date(let d): return d
    case .bool(let b): return b ? "true" : "false"
    case .missing(let reason): return reason.map { "missing(\"\($0)\")" } ?? "missing"
    case .name(let n): return n.text
    case .member(let table, let column): return "\(table.text).\(column.text)"
    case .call(let callee, let arguments):
        return callee.text + "(" + arguments.map(render).joined(separator: ", ") + ")"
    case .index(let base, let keys): return render(base) + "[" + keys.map(render).joined(separator: ", ") + "]"
    case .unary(.negate, let x): return "(-\(render(x)))"
    case .unary(.not, let x): return "(not \(render(x)))"
    case .binary(.power, let a, let b): return "(\(render(a))^\(render(b)))"
    case .binary(let op, let a, let b): return "(\(render(a)) \(op.rawValue) \(render(b)))"
    case .isMissing(let x, let negated): return "(\(render(x)) is \(negated ? "not " : "")missing)"
    case .conditional(let c, let a, let b): return "(if \(render(c)) then \(render(a)) else \(render(b)))"
    }
}

func render(_ a: Argument) -> String {
    let label = a.label.map { $0.text + ": " } ?? ""
    switch a.value {
    case .expr(let e): return label + render(e)
    case .window(let w): return label + render(w)
    }
}

func render(_ w: Window) -> String {
    switch w.kind {
    case .last(let days, let ago): return "last \(number(days)) days" + (ago == 0 ? "" : " ending \(number(ago)) days ago")
    case .after(let days, let anchor): return "\(number(days)) days after \(render(anchor))"
    case .before(let days, let anchor): return "\(number(days)) days before \(render(anchor))"
    }
}

func render(_ t: TextLiteral) -> String {
    "\"" + t.parts.map { part -> String in
        switch part {
        case .text(let s): return s
        case .interpolation(let e, let format): return "{" + render(e) + (format.map { ":" + $0 } ?? "") + "}"
        }
    }.joined() + "\""
}

/// Parses one expression; nil (and the diagnostic codes) when it has errors.
func parseExpr(_ source: String) -> (tree: String?, codes: [String]) {
    let (expr, diagnostics) = Parser.parseExpression(SourceFile(path: "expr", text: source))
    return (diagnostics.isEmpty ? expr.map(render) : nil, diagnostics.map(\.code))
}

func parseFile(_ source: String) -> (program: Program, file: SourceFile, diagnostics: [Diagnostic]) {
    let file = SourceFile(path: "test.velo", text: source)
    let (program, diagnostics) = Parser.parse(file)
    return (program, file, diagnostics)
}

struct ParserTests {
    // MARK: - Precedence and associativity

    @Test(arguments: [
        // ^ binds tighter than unary minus, and is right-associative
        ("-2^2", "(-(2^2))"),
        ("(-2)^2", "((-2)^2)"),
        ("2^-2", "(2^(-2))"),
        ("-2^-2", "(-(2^(-2)))"),
        ("2^3^2", "(2^(3^2))"),
        ("2 * -3^2", "(2 * (-(3^2)))"),
        ("- -x", "(-(-x))"),
        ("--x", "(-(-x))"),
        ("1 - -1", "(1 - (-1))"),
        ("-a * -b", "((-a) * (-b))"),
        // postfix [keys] binds tightest
        ("-a[1]", "(-a[1])"),
        ("a[1]^2", "(a[1]^2)"),
        ("x^y[1]", "(x^y[1])"),
        ("t.c[\"k\", 2][3]", "t.c[\"k\", 2][3]"),
        ("f(x)[1]", "f(x)[1]"),
        // * / over + -, both left-associative
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 - 2 - 3", "((1 - 2) - 3)"),
        ("8 / 4 / 2", "((8 / 4) / 2)"),
        ("a / b * c", "((a / b) * c)"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        // ?? is looser than + and right-associative
        ("a ?? b + 1", "(a ?? (b + 1))"),
        ("a ?? b ?? c", "(a ?? (b ?? c))"),
        ("a * b ?? c", "((a * b) ?? c)"),
        // comparisons and `is missing` are looser than ??
        ("a ?? b == c", "((a ?? b) == c)"),
        ("a + 1 is missing", "((a + 1) is missing)"),
        ("a ?? b is not missing", "((a ?? b) is not missing)"),
        ("a != b", "(a != b)"),
        ("a <= b", "(a <= b)"),
        // not is looser than comparisons, tighter than and
        ("not a and b", "((not a) and b)"),
        ("not a == b", "(not (a == b))"),
        ("not x is missing", "(not (x is missing))"),
        ("not not a", "(not (not a))"),
        // and over or, both left-associative
        ("a or b and c", "(a or (b and c))"),
        ("a and b or c", "((a and b) or c)"),
        ("a or b or c", "((a or b) or c)"),
        ("a < b and b < c", "((a < b) and (b < c))"),
        // if-then-else is loosest; each branch is a whole expression
        ("if a then b else c or d", "(if a then b else (c or d))"),
        ("if a or b then 1 else 2", "(if (a or b) then 1 else 2)"),
        ("if a then if b then 1 else 2 else 3", "(if a then (if b then 1 else 2) else 3)"),
        ("if a then 1 else if b then 2 else 3", "(if a then 1 else (if b then 2 else 3))"),
        ("f(if a then 1 else 2)", "f((if a then 1 else 2))"),
        // literals
        ("95% + 21 days + 3 weeks", "((95% + 21 days) + 21 days)"),
        ("2024-12-31 - 2024-01-01", "(2024-12-31 - 2024-01-01)"),
        ("2024 - 12 - 31", "((2024 - 12) - 31)"),
        ("missing(\"no data\") ?? missing", "(missing(\"no data\") ?? missing)"),
        ("\"a {b} \\\"c\\\"\"", "\"a {b} \"c\"\""),
        ("true and false", "(true and false)"),
        // calls, windows and named arguments
        ("sum(s.u, last 21 days)", "sum(s.u, last 21 days)"),
        ("sum(s.u, last 21 days ending 14 days ago)", "sum(s.u, last 21 days ending 14 days ago)"),
        ("sum(s.u, 30 days after runs.date)", "sum(s.u, 30 days after runs.date)"),
        ("sum(s.u, 7 days before x - 1 day)", "sum(s.u, 7 days before (x - 1 days))"),
        ("forecast(s.u, last 8 weeks, weights: linear)", "forecast(s.u, last 56 days, weights: linear)"),
        ("f(w: last 7 days)", "f(w: last 7 days)"),
        ("f(7 days)", "f(7 days)"),
        ("today()", "today()"),
        ("plan.order[\"SKU1\", \"web\"]", "plan.order[\"SKU1\", \"web\"]"),
    ])
    func precedence(_ source: String, _ expected: String) {
        let (tree, codes) = parseExpr(source)
        #expect(codes == [])
        #expect(tree == expected)
    }

    // MARK: - Syntax errors in expressions

    @Test(arguments: [
        ("if a then b", "missing-else"),
        ("if a: b else c", "syntax"),
        ("0 < x < 10", "chained-comparison"),
        ("a == b == c", "chained-comparison"),
        ("a = b", "assign-in-expression"),
        ("last 21 days", "window-outside-call"),
        ("sum(x, ending 2 days ago)", "window-outside-call"),
        ("1 + if a then 1 else 2", "reserved-word"),
        ("a == not b", "reserved-word"),
        ("x is 3", "syntax"),
        ("x is notmissing", "syntax"),
        ("missing(reason)", "syntax"),
        ("missing()", "syntax"),
        ("+1", "syntax"),
        ("f(a,)", "syntax"),
        ("a[]", "syntax"),
        ("a.b.c", "syntax"),
        ("a.b(1)", "syntax"),
        ("(1", "unclosed-bracket"),
        ("sum(x, last 7)", "syntax"),
        ("sum(x, last 7 days ending 2 days)", "syntax"),
        ("1 2", "syntax"),
        ("", "syntax"),
    ])
    func expressionErrors(_ source: String, _ code: String) {
        let (tree, codes) = parseExpr(source)
        #expect(tree == nil)
        #expect(codes.contains(code), "\(codes)")
    }

    // MARK: - Statements

    @Test func sourceTable() throws {
        let (program, _, diagnostics) = parseFile("""
            table sales = csv("data/sales.csv") by sku, date:
                units: number
                date: date
            table items = csv("items.csv")
            """)
        #expect(diagnostics == [])
        guard case .source(let s) = program.statements.first, case .source(let items) = program.statements.last else {
            Issue.record("expected two source tables")
            return
        }
        #expect(s.name.text == "sales" && s.reader.text == "csv" && s.path.plainText == "data/sales.csv")
        #expect(s.keys.map(\.text) == ["sku", "date"])
        #expect(s.columnTypes.map { "\($0.column.text): \($0.type?.text ?? "")" } == ["units: number", "date: date"])
        #expect(items.keys.isEmpty && items.columnTypes.isEmpty)
    }

    @Test func derivedTables() {
        let (program, _, diagnostics) = parseFile("""
            table plan by sku from sales in last 35 days:
                a = 1
                b = a
                    + 1
            table one: x = 2
            table runs_after from runs in 30 days after runs.date: n = 1
            """)
        #expect(diagnostics == [])
        let tables = program.statements.compactMap { s -> TableDecl? in
            if case .table(let t) = s { return t } else { return nil }
        }
        #expect(tables.map(\.name.text) == ["plan", "one", "runs_after"])
        #expect(tables[0].keys.map(\.text) == ["sku"])
        #expect(tables[0].rows?.table.text == "sales")
        #expect(tables[0].rows?.window.map(render) == "last 35 days")
        #expect(tables[0].columns.map { "\($0.name.text) = \(render($0.formula))" } == ["a = 1", "b = (a + 1)"])
        #expect(tables[1].rows == nil && tables[1].columns.count == 1)
        #expect(tables[2].rows?.window.map(render) == "30 days after runs.date")
    }

    @Test func paramsFlagsAndChecks() {
        let (program, _, diagnostics) = parseFile("""
            param service = 95%
            flag jump on plan when change > 50% severity warning: "changed by {change:%} ({a ?? 0})"
            flag late on plan when eta > 0:
                "late \\{not {eta}\\}"
            flag quiet on plan when x
            check plan: x >= 0
            check positive on plan:
                x > 0
            """)
        #expect(diagnostics == [])
        let rendered = program.statements.map { s -> String in
            switch s {
            case .param(let p): return "param \(p.name.text) = \(render(p.value))"
            case .flag(let f):
                return "flag \(f.name.text) on \(f.table.text) when \(render(f.condition))"
                    + (f.severity.map { " severity \($0.text)" } ?? "") + (f.message.map { ": " + render($0) } ?? "")
            case .check(let c): return "check \(c.name.map { $0.text + " on " } ?? "")\(c.table.text): \(render(c.condition))"
            default: return "?"
            }
        }
        #expect(rendered == [
            "param service = 95%",
            "flag jump on plan when (change > 50%) severity warning: \"changed by {change:%} ({(a ?? 0)})\"",
            "flag late on plan when (eta > 0): \"late {not {eta}}\"",
            "flag quiet on plan when x",
            "check plan: (x >= 0)",
            "check positive on plan: (x > 0)",
        ])
    }

    @Test(arguments: [
        ("table t:\n    x == 1", "double-equals"),
        ("table t:\n    missing = 1", "reserved-word"),
        ("table check:\n    x = 1", "reserved-word"),
        ("table t by sku\n    x = 1", "syntax"),
        ("table t:\nx = 1", "expected-block"),
        ("table t:", "expected-block"),
        ("table t by k = csv(\"a\")", "table-syntax"),
        ("table s = csv(data)", "syntax"),
        ("table s = csv(\"a\"): x: number", "syntax"),
        ("x = 1", "definition-outside-table"),
        ("  param p = 1", "unexpected-indent"),
        ("test t:\n    x = 1", "syntax"),
        ("expect x == 1", "outside-test"),
        ("test \"t\":\n    expect x within 1%", "syntax"),
        ("test \"t\":\n    expect (x == 1) within 1%", "syntax"),
        ("test \"t\":\n    given items:\n        sku\n        A", "syntax"),
        ("test \"t\":\n    asof 2024-12-31", "syntax"),
        ("flag f on t when x: \"a {x\"", "unclosed-interpolation"),
        ("flag f on t when x: \"a {}\"", "syntax"),
        ("flag f on t when x: \"a {x +}\"", "syntax"),
        ("flag f on t when x: \"a {last 7 days}\"", "window-outside-call"),
        ("flag f on t when x:\n    \"a\"\n    \"b\"", "syntax"),
        ("flag f on t when x: y", "syntax"),
        ("flag f t when x", "syntax"),
        ("flag f on t when x severity: \"m\"", "syntax"),
        ("check t:\n    a\n    b", "syntax"),
        ("table t from s by k:\n    x = 1", "syntax"),
        ("param p = 1; param q = 2", "unexpected-character"),
    ])
    func statementErrors(_ source: String, _ code: String) {
        let codes = parseFile(source).diagnostics.map(\.code)
        #expect(codes.contains(code), "\(codes)")
    }

    @Test func messageInterpolationsAreOnlyInFlagMessages() {
        // Elsewhere braces are plain text: no interpolation, no error.
        let (program, _, diagnostics) = parseFile("param p = \"{x\"\ntable s = csv(\"{a}.csv\")")
        #expect(diagnostics == [])
        guard case .param(let p) = program.statements.first, case .text(let t) = p.value.kind else {
            Issue.record("expected a text param")
            return
        }
        #expect(t.plainText == "{x")
    }

    // MARK: - Error recovery

    @Test func oneDiagnosticPerBrokenColumnInSourceOrder() {
        let (program, file, diagnostics) = parseFile("""
            table a:
                x = 1 +
                y = 2
            table b by k:
                z = * 3
                w = 4
            param p = 1
            table c:
                u = 5 5
                v = 6
            """)
        #expect(diagnostics.count == 3, "\(diagnostics.map(\.message))")
        #expect(diagnostics.map { file.location(of: $0.span.start).line } == [2, 5, 9])
        #expect(diagnostics.allSatisfy { $0.severity == .error })
        // The good columns around the broken ones survive.
        let columns = program.statements.compactMap { s -> [String]? in
            if case .table(let t) = s { return t.columns.map(\.name.text) } else { return nil }
        }
        #expect(columns == [["y"], ["w"], ["v"]])
        #expect(program.statements.count == 4)
    }

    @Test func oneDiagnosticPerBrokenStatement() {
        let (_, file, diagnostics) = parseFile("""
            param a = (1
            param b = 2
            flag f on t when: "x"
            check t: a <
            param c = 3
            """)
        #expect(Set(diagnostics.map { file.location(of: $0.span.start).line }) == [1, 3, 4])
    }

    // MARK: - Robustness

    @Test func tenThousandNestedParenthesesGiveADiagnostic() {
        // (How long it takes is measured by Benchmarks/pathological.py, not asserted here.)
        let source = "param p = " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + "\n"
        let diagnostics = parseFile(source).diagnostics
        #expect(diagnostics.map(\.code) == ["too-deep"])
    }

    @Test func tenThousandUnclosedParenthesesGiveDiagnostics() {
        let source = "param p = " + String(repeating: "(", count: 10_000) + "\nparam q = 1\n"
        let diagnostics = parseFile(source).diagnostics
        #expect(diagnostics.hasErrors)
        // A few errors, not one per bracket: rendering stays linear in the input.
        #expect(diagnostics.filter { $0.code == "unclosed-bracket" }.count == 4)
    }

    @Test func aOneMegabyteLineOfAdditionsGivesADiagnostic() {
        let source = "param p = 1" + String(repeating: "+1", count: 500_000) + "\n"
        #expect(source.utf8.count > 1_000_000)
        let diagnostics = parseFile(source).diagnostics
        #expect(diagnostics.map(\.code) == ["too-deep"])
    }

    @Test func deepButReasonableNestingIsFine() {
        let source = "param p = " + String(repeating: "(", count: 90) + "1" + String(repeating: ")", count: 90)
            + "\nparam q = 1" + String(repeating: " + 1", count: 150)
        #expect(parseFile(source).diagnostics == [])
    }

    @Test func garbageNeverCrashes() {
        var generator = SplitMix(seed: 42)
        let alphabet = Array("table param flag check by from in on when if then else and or not is missing last ending ago after before x 1 2.5 95% 21 days 2024-01-01 \"t{x}\" ( ) [ ] , . : = == < ?? + - * / ^ # \n \n    \t \r\n \\ { } ' & 12abc")
        for _ in 0..<300 {
            let length = Int(generator.next() % 200)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            _ = Parser.parse(SourceFile(path: "fuzz.velo", text: text))
        }
    }

    // MARK: - Regressions

    @Test func rowsWindowMustSayAfterOrBefore() {
        // `in 7 days x y` once parsed as `in 7 days before y`.
        #expect(parseFile("table t from s in 7 days x y:\n    a = 1").diagnostics.hasErrors)
    }

    @Test func whitespaceLineWithAStrayCarriageReturnIsBlank() {
        // A line of spaces holding a lone "\r" is blank.
        #expect(parseFile("table t:\n    a = 1\n \r \n    b = 2\n").diagnostics == [])
    }

    @Test func tooDeepErrorsDoNotLowerTheLimitForLaterStatements() {
        // A `too-deep` error must not lower the limit for the statements after it.
        let deep = "param p = " + String(repeating: "(", count: 150) + "1" + String(repeating: ")", count: 150) + "\n"
        let fine = "param q = " + String(repeating: "(", count: 99) + "1" + String(repeating: ")", count: 99) + "\n"
        #expect(parseFile(fine).diagnostics == [])
        #expect(parseFile(deep + deep + deep + fine).diagnostics.count == 3)
    }
}

/// A tiny deterministic random number generator, so a failing fuzz case can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
