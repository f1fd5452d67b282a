// The checker's view of `test` blocks: what a checked test holds (rows, params, as-of date,
// expectations), and which mistakes it reports. Schemas come from memory, not files. The
// wording of every message is pinned by the goldens in Tests/Fixtures/diagnostics/test_*.velo.

import Testing
import VeloCheck
import VeloData
import VeloSyntax

@Suite("checking test blocks")
struct VeloTestBlockCheckerTests {
    static let rules = """
        table items = csv("items.csv") by sku
        table sales = csv("sales.csv")
        param cover = 14 days
        table plan by sku from items:
          units = sum(sales.units)
          order = roundup(max(units, items.moq), items.case_pack)
        flag big on plan when order > 500

        """

    static func check(_ text: String) -> (program: CheckedProgram?, diagnostics: [Diagnostic]) {
        let file = SourceFile(path: "t.velo", text: rules + text)
        let (ast, syntax) = Parser.parse(file)
        #expect(!syntax.hasErrors, "\(syntax.map(\.message))")
        return Checker.check(ast, file: file, baseDirectory: "") { request in
            switch request.table {
            case "items": return .success(SourceSchema(columns: [("sku", .text), ("moq", .number), ("case_pack", .number)]))
            case "sales": return .success(SourceSchema(columns: [("date", .date), ("sku", .text), ("units", .number)]))
            default: return .failure(SchemaError(message: "no such file"))
            }
        }
    }

    @Test("a checked test holds its rows, params, as-of date and expectations")
    func checkedTest() throws {
        let (program, diagnostics) = Self.check("""
            test "rounds up":
              given items:
                moq, sku
                100, "A"
                missing, "B"
              set cover = 21 days
              set asof = 2024-12-31
              expect plan.order["A"] == 120
              expect plan.units["A"] == 7 within 1%
              expect sum(plan.order) > 0 and true
              expect plan:
                sku, order
                "A", 120
                "B", missing
              expect no flag big on plan["A"]
              expect flag big

            """)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        let test = try #require(program?.tests.first)
        #expect(program?.tests.count == 1)
        #expect(test.name == "rounds up")
        #expect(test.params == ["cover": .duration(21)])
        #expect(test.asOf == CivilDate(iso: "2024-12-31")!.day)
        let fixture = try #require(test.fixtures.first)
        #expect(program?.table(fixture.table).name == "items")
        #expect(fixture.columns == [1, 0])   // moq, sku: indices into the source's columns, as written
        #expect(fixture.rows == [[.number(100), .text("A")], [.missing(reason: nil), .text("B")]])
        #expect(test.expectations.count == 6)
        guard case .value(_, let comparison?, nil) = test.expectations[0].kind else {
            Issue.record("expected a comparison")
            return
        }
        #expect(comparison.op == .equal)
        guard case .value(_, _, let tolerance?) = test.expectations[1].kind else {
            Issue.record("expected a tolerance")
            return
        }
        #expect(tolerance.relative && tolerance.amount == 0.01)
        guard case .value(_, nil, nil) = test.expectations[2].kind else {
            Issue.record("`and` is not one comparison")
            return
        }
        guard case .rows(_, let columns, let rows, _, nil) = test.expectations[3].kind else {
            Issue.record("expected rows")
            return
        }
        #expect(columns == [0, 2])
        #expect(rows.count == 2)
        guard case .flag(0, false, let keys?) = test.expectations[4].kind, keys.count == 1,
              case .flag(0, true, nil) = test.expectations[5].kind else {
            Issue.record("expected flags")
            return
        }
    }

    @Test("test blocks check only after the rules: a rule error is reported alone")
    func rulesFirst() {
        let file = SourceFile(path: "t.velo", text: "table plan:\n  x = nope\ntest \"t\":\n  expect plan.y == 1\n")
        let (ast, _) = Parser.parse(file)
        let (program, diagnostics) = Checker.check(ast, file: file, baseDirectory: "") { _ in
            .failure(SchemaError(message: "none"))
        }
        #expect(program == nil)
        #expect(diagnostics.map(\.code) == ["unknown-name"])
    }

    @Test("mistakes in test blocks", arguments: [
        ("given itemz:\n    sku\n    \"A\"", "unknown-table"),
        ("given plan:\n    sku\n    \"A\"", "test-given"),
        ("given items:\n    sku, mqo\n    \"A\", 1", "unknown-column"),
        ("given items:\n    moq\n    1", "test-rows"),
        ("given items:\n    sku, moq\n    \"A\", \"1\"", "type"),
        ("given items:\n    sku, moq\n    \"A\", 1, 2", "test-rows"),
        ("given items:\n    sku\n    \"A\"\n    \"A\"", "test-rows"),
        ("given sales:\n    date, sku\n    2024-02-30, \"A\"", "invalid-date"),
        ("set covr = 1 day", "unknown-name"),
        ("set cover = 1", "type"),
        ("set asof = \"today\"", "type"),
        ("set cover = plan.units[\"A\"]", "param-not-constant"),
        ("expect plan.order[\"A\"]", "type"),
        ("expect plan.ordr[\"A\"] == 1", "unknown-column"),
        ("expect plan.order[\"A\"] >= 1 within 1", "within"),
        ("expect plan.sku[\"A\"] == \"A\" within 1", "within"),
        ("expect sales:\n    sku\n    \"A\"", "test-rows"),
        ("expect plan:\n    order\n    1", "test-rows"),
        ("expect flag bigg", "unknown-name"),
        ("expect flag big on items", "test-flag"),
        ("expect flag big on plan[\"A\", \"B\"]", "bad-index"),
        ("expect flag big on plan[1]", "bad-index"),
    ])
    func mistakes(_ step: String, _ code: String) {
        let (program, diagnostics) = Self.check("test \"t\":\n  " + step + "\n")
        #expect(program == nil)
        #expect(diagnostics.map(\.code).contains(code), "\(diagnostics.map { "\($0.code): \($0.message)" })")
    }

    @Test("a test file holds only test blocks")
    func testFileDefinitions() throws {
        let (program, diagnostics) = Self.check("")
        let rules = try #require(program)
        #expect(diagnostics.isEmpty)
        let file = SourceFile(path: "t.test.velo", text: "param p = 1\ntest \"t\":\n  expect plan.order[\"A\"] > 0\n")
        let (ast, _) = Parser.parse(file)
        let (tests, more) = Checker.checkTestFile(ast, file: file, program: rules, ruleFile: "t.velo")
        #expect(tests.count == 1)
        #expect(more.map(\.code) == ["test-file"])
        #expect(more.first?.hint == "definitions belong in t.velo, the rule file this file tests")
    }
}
