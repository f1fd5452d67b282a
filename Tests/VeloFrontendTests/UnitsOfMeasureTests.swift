// Units of measure (issue 13): the examples declare units, and the two classic slips —
// a velocity plus a lead time, a count plus a cost per unit — fail `velo check --static`
// with an error at the operator. The examples as committed check clean.

import Foundation
import Testing
@testable import VeloFrontend
import VeloCheck
import VeloEngine
import VeloSyntax

@Suite("Units of measure") struct UnitsOfMeasureTests {
    static let root = FrontendHarness.root

    /// Copies an example's rule file, rewritten, into a scratch tree next to (a link to) the
    /// replenishment data, runs `velo check --static` on it and returns the output and status.
    static func checkRewritten(_ example: String, _ file: String, replacing old: String, with new: String)
        throws -> (text: String, status: VeloFrontend.ExitStatus?, source: String) {
        let scratch = FrontendHarness.scratch()
        defer { FrontendHarness.remove(scratch) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: scratch + "/replenishment", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: scratch + "/\(example)", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: scratch + "/replenishment/data", withDestinationPath: root + "/Examples/replenishment/data")
        let text = try String(contentsOfFile: root + "/Examples/\(example)/\(file)", encoding: .utf8)
        #expect(text.contains(old), "the example no longer has `\(old)`")
        let rewritten = text.replacingOccurrences(of: old, with: new)
        let path = scratch + "/\(example)/\(file)"
        try rewritten.write(toFile: path, atomically: true, encoding: .utf8)
        let captured = CapturedConsole()
        var status: VeloFrontend.ExitStatus? = nil
        do {
            try CheckFrontend.run(CheckRequest(files: [path], staticOnly: true), console: captured.console)
        } catch {
            status = error.status
        }
        return (captured.output.replacingOccurrences(of: scratch + "/", with: ""), status, rewritten)
    }

    /// Line and column (1-based) of the first occurrence of `needle` in `text`, plus `offset` characters.
    static func position(of needle: String, in text: String, offset: Int) -> (Int, Int) {
        let before = text[..<text.range(of: needle)!.lowerBound]
        let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.count, lines.last!.count + 1 + offset)
    }

    @Test("replenishment: demand + lead time is a located units error")
    func velocityPlusLeadTime() throws {
        let r = try Self.checkRewritten("replenishment", "plan.velo", replacing: "demand * items.lead_time_days",
                                        with: "demand + items.lead_time_days")
        #expect(r.status == .ruleErrors, "\(r.text)")
        let (line, column) = Self.position(of: "demand + items.lead_time_days", in: r.source, offset: 7)
        #expect(r.text.contains("replenishment/plan.velo:\(line):\(column): error: `+` adds days to units/day"), "\(r.text)")
        #expect(r.text.contains("units/day times days is units"), "\(r.text)")
        #expect(r.text.contains("^"), "no caret: \(r.text)")
    }

    @Test("moq_decision: extra units + overage cost is a located units error")
    func unitsPlusMoney() throws {
        let r = try Self.checkRewritten("moq_decision", "moq.velo", replacing: "extra_units * overage_cost",
                                        with: "extra_units + overage_cost")
        #expect(r.status == .ruleErrors, "\(r.text)")
        let (line, column) = Self.position(of: "extra_units + overage_cost", in: r.source, offset: 12)
        #expect(r.text.contains("moq_decision/moq.velo:\(line):\(column): error: `+` adds USD/unit to units"), "\(r.text)")
        #expect(r.text.contains("units times USD/unit is USD"), "\(r.text)")
    }

    @Test("an MOQ in cases against a need in units: the hint names the case pack")
    func casesHint() throws {
        let r = try Self.checkRewritten("replenishment", "plan.velo", replacing: "  moq: units\n", with: "  moq: cases\n")
        #expect(r.status == .ruleErrors, "\(r.text)")
        #expect(r.text.contains("multiply `items.moq` by `items.case_pack` (units/case) to get units"), "\(r.text)")
    }

    @Test("every example checks clean with its units", arguments: [
        "replenishment/plan.velo", "replenishment/plan.test.velo", "moq_decision/moq.velo", "moq_decision/moq.test.velo",
        "production/production.velo", "production/lot_sizing.velo", "retrospective/retro.velo", "erp_export/erp.velo",
    ])
    func examplesClean(_ file: String) throws {
        let captured = CapturedConsole()
        var status: VeloFrontend.ExitStatus? = nil
        do {
            try CheckFrontend.run(CheckRequest(files: [Self.root + "/Examples/" + file], staticOnly: true), console: captured.console)
        } catch {
            status = error.status
        }
        #expect(status == nil, "\(captured.output)")
        #expect(!captured.output.contains("error"), "\(captured.output)")
    }

    @Test("the examples' inferred units")
    func inferred() throws {
        let file = Self.root + "/Examples/replenishment/plan.velo"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let program = try #require(RuleCompiler.compile(SourceFile(path: file, text: text)).program)
        func unit(_ table: String, _ column: String) -> String? {
            guard let t = program.table(named: table), let c = program.table(t).columnIndex(column) else { return nil }
            return program.units.columns[ColumnRef(t, c)]?.description
        }
        #expect(unit("series", "velocity") == "units/day")
        #expect(unit("series", "sigma") == "units/day^0.5")
        #expect(unit("series", "velocity_change") == "dimensionless")
        #expect(unit("plan", "demand") == "units/day")
        #expect(unit("plan", "safety_stock") == "units")
        #expect(unit("plan", "target") == "units")
        #expect(unit("plan", "order_qty") == "units")
        #expect(unit("plan", "cover_days") == "days")
    }
}

@Suite("Units: SQL and output") struct UnitsOutputTests {
    static let program = """
        table items = csv("items.csv") by sku:
          moq: units
          case_pack: units/case
          unit_cost: USD/unit

        param budget = 25_000 USD

        table plan by sku from items:
          minimum = max(items.moq, 5_000 units)
          spend   = roundup(minimum, items.case_pack) * items.unit_cost
          fits    = spend <= budget

        """

    static func scratchProgram() throws -> (dir: String, file: String) {
        let dir = FrontendHarness.scratch()
        try "sku,moq,case_pack,unit_cost\nA,100,6,2.5\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        try program.write(toFile: dir + "/u.velo", atomically: true, encoding: .utf8)
        return (dir, dir + "/u.velo")
    }

    @Test("units change no SQL: a unit literal is its number")
    func sql() throws {
        let (dir, file) = try Self.scratchProgram()
        defer { FrontendHarness.remove(dir) }
        let captured = CapturedConsole()
        try CompileFrontend.run(CompileRequest(file: file, sql: "duckdb"), console: captured.console)
        #expect(captured.output.contains("greatest(items.moq, 5000::DOUBLE)"), "\(captured.output)")
        #expect(captured.output.contains("25000::DOUBLE /* budget */"))
    }

    @Test("human tables name the unit in the header (money in the cell); CSV keeps its header")
    func headers() throws {
        let (dir, file) = try Self.scratchProgram()
        defer { FrontendHarness.remove(dir) }
        let human = FrontendHarness.run(RunRequest(file: file))
        #expect(human.out.contains("minimum (units)") && !human.out.contains("spend (USD)") && human.out.contains("$"), "\(human.out)")
        var request = RunRequest(file: file)
        request.format = "csv"
        let csv = FrontendHarness.run(request)
        #expect(csv.out.contains("sku,minimum,spend,fits"), "\(csv.out)")
        request.units = true
        let withUnits = FrontendHarness.run(request)
        #expect(withUnits.out.contains("sku,minimum (units),spend (USD),fits"), "\(withUnits.out)")
    }
}

@Suite("Units: dimensions") struct DimensionTests {
    @Test("parse and print", arguments: [
        ("units", "units"), ("units/day", "units/day"), ("USD/unit", "USD/unit"), ("units/case", "units/case"),
        ("units^2/day", "units^2/day"), ("days", "days"), ("unit*day", "units*day"), ("EUR", "EUR"), ("cases", "cases"),
    ])
    func roundTrip(_ text: String, _ printed: String) throws {
        let d = try Dimension.parse(text).get()
        #expect(d.label == printed)
        #expect(try Dimension.parse(printed).get() == d)
    }

    @Test("algebra")
    func algebra() throws {
        let rate = Dimension.units / .days
        #expect(rate * .days == .units)
        #expect((rate.power(2) * .days).squareRoot == Dimension(halves: ["unit": 2, "day": -1]))
        #expect(Dimension.units.squareRoot == nil)
        #expect(Dimension.units.power(2).squareRoot == .units)
        #expect((Dimension.units / .units).isDimensionless)
        #expect(Dimension.parse("furlongs") == .failure(.unknownWord("furlongs")))
    }

    @Test("fmt writes units without spaces, and keeps them")
    func format() throws {
        let text = """
        table items = csv("items.csv") by sku:
          case_pack: units / case

        param price = 2.5 USD / unit

        table plan by sku from items:
          x = 45 units / day * items.case_pack

        """
        let formatted = try #require(RuleFormatter.format(text))
        #expect(formatted.contains("case_pack: units/case"))
        #expect(formatted.contains("2.5 USD/unit"))
        #expect(formatted.contains("x = 45 units/day * items.case_pack"))
        #expect(RuleFormatter.format(formatted) == formatted)
    }
}

@Suite("Units: REPL completion") struct UnitCompletionTests {
    let session = ReplHarness.session().0

    @Test("after a number, unit words and the program's currency come first")
    func unitsAfterANumber() {
        #expect(session.completions(before: "plan.need + 5 ", word: "u") == ["units"])
        #expect(session.completions(before: "max(plan.need, 5_000 ", word: "ca").first == "cases")
        #expect(session.completions(before: "plan.need * 2 ", word: "US").first == "USD")
        // not after a name that ends in a digit
        #expect(!session.completions(before: "p2 ", word: "u").contains("units"))
    }
}
