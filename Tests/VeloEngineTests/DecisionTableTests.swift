// Decision tables in the engine: every hit policy, missing inputs, `explain`, and edits that
// reach a decision's inputs (incremental == fresh).

import Testing
import VeloCheck
@testable import VeloEngine

@Suite struct DecisionTableTests {
    static let files = ["items.csv": "sku,on_hand,demand,abc\nA,10,1,A\nB,45,1,B\nC,90,1,C\nD,10,0,C\nE,45,1,A\n"]

    static let rules = """
        table items = csv("items.csv") by sku

        param ceiling = 60

        table plan by sku from items:
          cover = if items.demand > 0 then items.on_hand / items.demand else missing("no demand")
          decide unique:
            class = items.abc in "A", "B", "C"
            cover    | class    => cadence    | weight
            < 30     | -        => "weekly"   | 1
            [30, 60) | "A", "B" => "weekly"   | 2
            [30, 60) | "C"      => "biweekly" | 3
            >= 60    | -        => "monthly"  | 4
          decide first:
            class = items.abc
            cover  | class => review
            < 20   | "C"   => "urgent"
            < 50   | -     => "soon"
            otherwise      => "later"
          decide priority:
            class = items.abc
            level in "high", "mid", "low"
            cover | class => level
            -     | -     => "low"
            < 50  | -     => "mid"
            -     | "A"   => "high"
          decide collect sum:
            class = items.abc
            cover | class => points
            < 50  | -     => 10
            -     | "A"   => 1
            -     | "C"   => 100
          decide collect count:
            class = items.abc
            cover | class => hits
            < 50  | -     => -
            -     | "A"   => -
          decide collect max:
            cover  => top
            > 5    => 5
            > 40   => 40
            otherwise => 0
          over_limit = cover > ceiling
        """

    @Test func everyHitPolicyComputesItsRule() throws {
        let e = try evaluate(Self.rules, files: Self.files)
        #expect(e.cell("plan", "cadence", "A") == .text("weekly"))
        #expect(e.cell("plan", "weight", "B") == .number(2))
        #expect(e.cell("plan", "cadence", "C") == .text("monthly"))
        #expect(e.cell("plan", "review", "A") == .text("soon"))
        #expect(e.cell("plan", "review", "C") == .text("later"))
        #expect(e.cell("plan", "level", "A") == .text("high"))   // "high" beats "mid" and "low"
        #expect(e.cell("plan", "level", "B") == .text("mid"))
        #expect(e.cell("plan", "level", "C") == .text("low"))
        #expect(e.cell("plan", "points", "A") == .number(11))
        #expect(e.cell("plan", "points", "C") == .number(100))
        #expect(e.cell("plan", "hits", "A") == .number(2))
        #expect(e.cell("plan", "hits", "C") == .number(0))
        #expect(e.cell("plan", "top", "B") == .number(40))
        #expect(e.cell("plan", "top", "A") == .number(5))
    }

    @Test func aMissingInputGivesAMissingOutputThatSaysWhich() throws {
        let e = try evaluate(Self.rules, files: Self.files)
        #expect(e.cell("plan", "cadence", "D") == .missing)
        guard case .missingByDefinition(let why)? = e.reason("plan", "cadence", "D")?.kind else {
            Issue.record("expected the decision's reason")
            return
        }
        #expect(why?.hasPrefix("`cover` is missing (the decision at line 7)") == true)
        // `otherwise` takes what no rule matched, a missing input included.
        #expect(e.cell("plan", "review", "D") == .text("later"))
        // collect: the rules on a present input still count, the missing one is reported.
        #expect(e.cell("plan", "points", "D") == .missing)
    }

    @Test func explainSaysWhichRuleFiredAndTheInputs() throws {
        let e = try evaluate(Self.rules, files: Self.files)
        let x = try e.ws.explain(table: "plan", column: "cadence", keys: ["B"])
        #expect(x.note == "the rule at line 11 fired")
        #expect(x.formula == "[30, 60) | \"A\", \"B\" => \"weekly\"   | 2")
        #expect(x.inputs.prefix(2).map(\.cell) == ["input cover", "input class"])
        #expect(x.inputs.first?.value == .number(45))
        let y = try e.ws.explain(table: "plan", column: "points", keys: ["A"])
        #expect(y.note == "collect sum: the rules at lines 30, 31 fired")
        let z = try e.ws.explain(table: "plan", column: "review", keys: ["C"])
        #expect(z.note?.hasPrefix("no rule matched: `otherwise`") == true)
    }

    @Test func anEditReachingAnInputRecomputesTheDecisionAsAFreshRunWould() throws {
        let e = try evaluate(Self.rules, files: Self.files)
        _ = try e.ws.apply([.cell(table: "items", column: "on_hand", keys: ["C"], value: .number(20))])
        #expect(e.cell("plan", "cadence", "C") == .text("weekly"))
        #expect(e.cell("plan", "review", "C") == .text("soon"))
        _ = try e.ws.apply([.cell(table: "items", column: "abc", keys: ["C"], value: .text("A"))])
        let fresh = try evaluate(Self.rules, files: ["items.csv": "sku,on_hand,demand,abc\nA,10,1,A\nB,45,1,B\nC,20,1,A\nD,10,0,C\nE,45,1,A\n"])
        for column in ["cadence", "weight", "review", "level", "points", "hits", "top"] {
            #expect(e.column("plan", column) == fresh.column("plan", column), "plan.\(column)")
        }
    }
}
