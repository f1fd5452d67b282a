// Differential-test findings at the REPL level, each minimal: after every step the REPL's
// table equals a fresh run of the equivalent files.

import Foundation
import Testing
import VeloCheck
import VeloEngine
import VeloSyntax
@testable import VeloFrontend

@Suite("REPL repros")
struct REPLReproTests {
    static let sales = "date,sku,channel,units\n2024-06-28,S01,web,5\n2024-06-29,S02,web,3\n2024-06-30,S01,web,4\n"
    static let items = "sku,moq,case_pack,launch\nS01,10,6,2024-05-01\nS02,20,12,2024-06-05\nS03,5,1,2024-06-21\nS04,7,1,2024-07-10\n"

    /// A folder with the two data files and `plan.velo`.
    static func folder(_ rules: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("velo-repro-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try sales.write(toFile: dir + "/sales.csv", atomically: true, encoding: .utf8)
        try items.write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        try rules.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        return dir
    }

    /// `show TABLE` in the REPL, as text.
    static func show(_ s: ReplSession, _ c: ReplHarness.Capture, _ table: String) -> String {
        _ = c.take()
        #expect(s.execute("show \(table)"))
        return c.take()
    }

    /// Found by the REPL property test after decision tables landed: a column typed in the REPL
    /// went inside a `decide` block that ended its table, and a decision's output redefined in
    /// the REPL replaced only the `decide` line.
    @Test func formulasTypedBesideADecisionTable() throws {
        let dir = try Self.folder("""
            table items = csv("items.csv") by sku
            table plan by sku from items:
              big = items.moq >= 10
              decide unique:
                big => size
                true => "large"
                false => "small"

            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s, c) = ReplHarness.session(file: dir + "/plan.velo")
        #expect(s.execute("plan.twice = items.moq * 2"))
        let shown = Self.show(s, c, "plan")
        #expect(shown.contains("large") && shown.contains("twice"))
        // One output: the formula takes the decision's place.
        #expect(s.execute("plan.size = \"any\""))
        #expect(Self.show(s, c, "plan").contains("any"))
        #expect(s.execute("undo"))
        #expect(Self.show(s, c, "plan").contains("small"))
    }

    @Test func oneOutputOfSeveralIsEditedInTheFile() throws {
        let dir = try Self.folder("""
            table items = csv("items.csv") by sku
            table plan by sku from items:
              big = items.moq >= 10
              decide unique:
                big => size | rank
                true => "large" | 1
                false => "small" | 2

            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s, c) = ReplHarness.session(file: dir + "/plan.velo")
        #expect(!s.execute("plan.rank = 3"))
        #expect(c.take().contains("one of the outputs of the decision at line 4"))
    }

    @Test func undoAfterReloadPutsBackWhatTheFileSaysNow() throws {
        let dir = try Self.folder("""
            table items = csv("items.csv") by sku
            table plan by sku from items:
              cases = roundup(items.moq, items.case_pack)

            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s, c) = ReplHarness.session(file: dir + "/plan.velo")
        #expect(s.execute("set items.moq[\"S01\"] = 99"))
        try Self.items.replacingOccurrences(of: "S01,10,", with: "S01,77,")
            .write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        #expect(s.execute("reload"))
        #expect(s.execute("undo"))
        #expect(Self.show(s, c, "plan").contains("S01     78"))
        // A set undone before the reload, redone and undone after it: the new file value again.
        #expect(s.execute("redo"))
        #expect(Self.show(s, c, "plan").contains("S01    102"))
        #expect(s.execute("undo"))
        #expect(Self.show(s, c, "plan").contains("S01     78"))
    }

    @Test func aParenthesisedFormulaKeepsItsClosingBracket() throws {
        let dir = try Self.folder("""
            table sales = csv("sales.csv")
            table totals:
              a = (sum(sales.units)) * 2
              b = 1
            check totals: a > (b)

            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s, c) = ReplHarness.session(file: dir + "/plan.velo")
        #expect(s.execute("totals.b = 5"), "output:\n\(c.take())")
        #expect(s.execute("totals.a = (b) + 1"), "output:\n\(c.take())")
        #expect(Self.show(s, c, "totals").contains("6  5"))
        // The check is named by its whole condition.
        let file = SourceFile(path: "p.velo", text: "table t:\n  a = 1\n  b = 2\ncheck t: a > (b)\n")
        let program = try #require(RuleCompiler.compile(file).program)
        #expect(program.checks.map(\.name) == ["t: a > (b)"])
    }

    @Test func aOneLineTableGetsAColumnFromTheREPL() throws {
        let dir = try Self.folder("""
            table sales = csv("sales.csv")
            table totals: units = sum(sales.units)

            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s, c) = ReplHarness.session(file: dir + "/plan.velo")
        #expect(s.execute("totals.twice = units * 2"), "output:\n\(c.take())")
        #expect(Self.show(s, c, "totals") == "totals (1 row)\nunits  twice\n─────  ─────\n   12     24\n")
        #expect(s.execute("totals.thrice = units * 3"), "output:\n\(c.take())")
        #expect(Self.show(s, c, "totals").contains("   12     24      36"))
    }

    @Test func aReloadWhoseFileDropsASetRowDropsThatEditAndSaysSo() throws {
        let dir = try Self.folder("""
            table items = csv("items.csv") by sku
            table plan by sku from items:
              cases = roundup(items.moq, items.case_pack)

            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (s, c) = ReplHarness.session(file: dir + "/plan.velo")
        #expect(s.execute("set items.moq[\"S01\"] = 99"))
        #expect(s.execute("set items.moq[\"S02\"] = 50"))
        try Self.items.replacingOccurrences(of: "S01,10,6,2024-05-01\n", with: "")
            .write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        _ = c.take()
        #expect(s.execute("reload"), "output:\n\(c.take())")
        let out = c.take()
        #expect(out.contains("set items.moq[\"S01\"] dropped"), "output:\n\(out)")
        let shown = Self.show(s, c, "plan")
        #expect(!shown.contains("S01") && shown.contains("S02     60"), "\(shown)")
    }
}
