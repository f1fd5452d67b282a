// Sources through their readers in a workspace: a half-written line appended to an event file
// is left until it is complete (then the values are those of a fresh run), and what goes wrong
// while loading or editing is a typed error: a code, the source and row, a rule-file span.

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine
import VeloFrontend
import VeloSyntax

@Suite struct PartialLineTests {
    static let rules = """
        table sales = csv("sales.csv")
        table t by sku from sales:
          n = sum(sales.units)
          c = count(sales.units)
          w = sum(sales.units, last 3 days)

        """

    static func append(_ text: String, to path: String) {
        let h = FileHandle(forWritingAtPath: path)!
        h.seekToEndOfFile()
        h.write(text.data(using: .utf8)!)
        h.closeFile()
    }

    static func fresh(_ scratch: Scratch) throws -> Evaluated {
        let program = try compile(rules, path: scratch.path("rules.velo"))
        return Evaluated(try Workspace.open(program), scratch: nil)
    }

    @Test func aPartialLineThenItsCompletionGivesTheFreshValues() throws {
        let w = try evaluate(Self.rules, files: ["sales.csv": "date,sku,units\n2024-01-01,A,1\n2024-01-05,A,2\n"])
        let path = w.scratch!.path("sales.csv")
        Self.append("2024-01-06,B,", to: path)
        let partial = try w.ws.apply([.source("sales", path: nil)])
        #expect(partial.changes.isEmpty)
        #expect(w.rowCount("t") == 1, "the half line is not a row yet")
        Self.append("5\n", to: path)
        _ = try w.ws.apply([.source("sales", path: nil)])
        Self.append("2024-01-07,A,3\n", to: path)
        _ = try w.ws.apply([.source("sales", path: nil)])
        let fresh = try Self.fresh(w.scratch!)
        #expect(w.keys("t") == fresh.keys("t"))
        for column in ["n", "c", "w"] {
            #expect(w.column("t", column) == fresh.column("t", column), "t.\(column)")
        }
        #expect(w.cell("t", "n", "B") == .number(5))
        #expect(w.ws.invariantViolations().isEmpty)
    }

    @Test func aFileThatEndsMidLineIsReReadWhenTheLineIsCompleted() throws {
        let w = try evaluate(Self.rules, files: ["sales.csv": "date,sku,units\n2024-01-01,A,1\n2024-01-05,A,"])
        #expect(w.cell("t", "c", "A") == .number(1))
        Self.append("2\n", to: w.scratch!.path("sales.csv"))
        _ = try w.ws.apply([.source("sales", path: nil)])
        let fresh = try Self.fresh(w.scratch!)
        for column in ["n", "c", "w"] {
            #expect(w.column("t", column) == fresh.column("t", column), "t.\(column)")
        }
        #expect(w.cell("t", "n", "A") == .number(3))
    }
}

@Suite struct WorkspaceErrorTests {
    static let items = """
        table items = csv("items.csv") by sku
        table sales = csv("sales.csv")
        param service = 0.95
        table plan by sku from items:
          need = items.moq * 2

        """
    static let files = ["items.csv": "sku,moq\nA,10\nB,20\n", "sales.csv": "date,sku,units\n2024-01-01,A,1\n"]

    static func opened() throws -> Evaluated { try evaluate(items, files: files) }

    /// The error `body` throws.
    static func error(_ body: () throws -> Void) -> WorkspaceError? {
        do {
            try body()
            Issue.record("no error")
            return nil
        } catch let error as WorkspaceError {
            return error
        } catch {
            Issue.record("another error: \(error)")
            return nil
        }
    }

    @Test func aRepeatedKeyNamesTheSourceTheRowsAndTheDeclaration() throws {
        let w = try Self.opened()
        let path = w.scratch!.path("items.csv")
        w.scratch!.write("items.csv", "sku,moq\nA,10\nB,20\nA,30\n")
        let e = Self.error { _ = try w.ws.apply([.source("items", path: nil)]) }
        #expect(e?.code == .duplicateKey)
        #expect(e?.source == path)
        #expect(e?.row == 3)
        let declaration = w.program.table(w.table("items")).span
        #expect(e?.span == declaration)
        #expect(e?.description == "\(path): the key sku = A appears twice, on data rows 1 and 3; `items` needs one row per key")
    }

    @Test func anEmptyKeyNamesItsRow() throws {
        let w = try Self.opened()
        let path = w.scratch!.path("items.csv")
        w.scratch!.write("items.csv", "sku,moq\nA,10\n,20\n")
        let e = Self.error { _ = try w.ws.apply([.source("items", path: nil)]) }
        #expect(e?.code == .emptyKey)
        #expect(e?.source == path)
        #expect(e?.row == 2)
        #expect(e?.description == "\(path): data row 2 has an empty key (sku)")
    }

    @Test func aBadValueNamesTheLineAndColumn() throws {
        let w = try Self.opened()
        let path = w.scratch!.path("sales.csv")
        PartialLineTests.append("2024-01-02,B,x\n", to: path)
        let e = Self.error { _ = try w.ws.apply([.source("sales", path: nil)]) }
        #expect(e?.code == .badValue)
        #expect(e?.source == path)
        #expect(e?.line == 3)
        #expect(e?.column == 3)
        #expect(e?.span == nil, "the data is to blame, not the rule file")
        #expect(e?.description == "\(path):3:3: expected a number in column `units`, found \"x\"")
    }

    @Test func aMissingColumnPointsAtTheSourceDeclaration() throws {
        let w = try Self.opened()
        let path = w.scratch!.path("items.csv")
        w.scratch!.write("items.csv", "sku,cost\nA,10\nB,20\n")
        let e = Self.error { _ = try w.ws.apply([.source("items", path: nil)]) }
        #expect(e?.code == .missingColumn)
        #expect(e?.source == path)
        #expect(e?.span == w.program.table(w.table("items")).source?.pathSpan)
        #expect(e?.description == "\(path): has no column `moq` (the rule file was checked against a file that had it)")
    }

    @Test func aVanishedFileIsUnreadable() throws {
        for table in ["items", "sales"] {
            let w = try Self.opened()
            let path = w.scratch!.path("\(table).csv")
            try FileManager.default.removeItem(atPath: path)
            let e = Self.error { _ = try w.ws.apply([.source(table, path: nil)]) }
            #expect(e?.code == .unreadableSource)
            #expect(e?.source == path)
            #expect(e?.description == "cannot read \(path): No such file or directory")
        }
    }

    @Test func namesAndEditsHaveTheirOwnCodes() throws {
        let w = try Self.opened()
        let cases: [(Edit, WorkspaceError.Code, String)] = [
            (.param("nope", .number(1)), .unknownParam, "unknown param `nope`"),
            (.param("servce", .number(1)), .unknownParam, "unknown param `servce`: did you mean `service`?"),
            (.param("service", .text("x")), .badEditValue, "`service` is a number, not a text"),
            (.cell(table: "itms", column: "moq", keys: ["A"], value: .number(1)), .unknownTable,
             "no table `itms`: did you mean `items`?"),
            (.cell(table: "sales", column: "units", keys: ["A"], value: .number(1)), .notEditable,
             "only cells of keyed source tables can be set; `sales` is an event table without keys"),
            (.cell(table: "plan", column: "need", keys: ["A"], value: .number(1)), .notEditable,
             "only cells of keyed source tables can be set; `plan` is computed by formulas"),
            (.cell(table: "items", column: "mq", keys: ["A"], value: .number(1)), .unknownColumn,
             "`items` has no column `mq`: did you mean `moq`?"),
            (.cell(table: "items", column: "sku", keys: ["A"], value: .text("Z")), .keyNotEditable,
             "`sku` is a key of `items`; keys cannot be set"),
            (.cell(table: "items", column: "moq", keys: [], value: .number(1)), .keyCount,
             "`items` is keyed by sku: give 1 key value(s)"),
            (.cell(table: "items", column: "moq", keys: ["Z"], value: .number(1)), .unknownRow, "`items` has no row [Z]"),
            (.cell(table: "items", column: "moq", keys: ["A"], value: .text("x")), .badEditValue,
             "`items.moq` holds a number, not a text"),
            (.source("item", path: nil), .unknownSource, "no source table `item`: did you mean `items`?"),
        ]
        for (edit, code, text) in cases {
            let e = Self.error { _ = try w.ws.apply([edit]) }
            #expect(e?.code == code, "\(edit)")
            #expect(e?.description == text)
            #expect(e?.source == nil && e?.span == nil)
        }
    }

    @Test func anUnknownParamOption() throws {
        let scratch = Scratch(Self.files)
        let program = try compile(Self.items, path: scratch.path("rules.velo"))
        let e = Self.error { _ = try Workspace.open(program, options: WorkspaceOptions(params: ["srvice": .number(1)])) }
        #expect(e?.code == .unknownParam)
        #expect(e?.description == "unknown param `srvice`: did you mean `service`?")
    }
}

@Suite struct GivenRowsTests {
    /// Runs the test blocks of `text` (rules and tests in one file, data in `files`).
    static func run(_ text: String, files: [String: String]) throws -> [TestResult] {
        let scratch = Scratch(files)
        let path = scratch.path("rules.velo")
        let program = try compile(text, path: path)
        let file = SourceFile(path: path, text: text)
        let decls: [TestDecl] = Parser.parse(file).program.statements.compactMap {
            if case .test(let t) = $0 { return t }
            return nil
        }
        let (tests, diagnostics) = Checker.checkTests(decls, file: file, program: program)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        return tests.map { TestRunner.run($0, program: program, file: file, wording: ResultText.testWording) }
    }

    @Test func givenRowsAreTypedColumnsWithTheirValuesExactly() throws {
        let results = try Self.run("""
            table items = csv("items.csv") by sku
            table plan by sku from items:
              label = items.note
              big = items.moq > 10
              launched = items.launch > 2024-01-01
              half = items.moq / 2
            test "rows with every type":
              given items:
                sku,   note,           moq,  launch
                "A,1", "say \\"hi\\"",  12.5, 2024-02-01
                "B",   "",             3,    2023-12-31
              expect plan.label["A,1"] == "say \\"hi\\""
              expect plan.big["A,1"]
              expect plan.launched["A,1"]
              expect plan.half["A,1"] == 6.25
              expect not plan.big["B"]
              expect not plan.launched["B"]

            """, files: ["items.csv": "sku,note,moq,launch\nZ,x,1,2024-01-01\n"])
        #expect(results.count == 1)
        for r in results {
            #expect(r.error == nil, "\(r.error ?? "")")
            #expect(r.failures.isEmpty, "\(r.failures.flatMap(\.lines))")
        }
    }
}
