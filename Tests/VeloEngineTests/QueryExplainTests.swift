// Queries and explanations, as the REPL uses them.

import Testing
import VeloCheck
@testable import VeloEngine

@Suite struct QueryExplainTests {
    @Test func aSingleValueQuery() throws {
        let (_, ws) = try WhatRanTests.world()
        let total = try ws.query("sum(plan.order)").get()
        #expect(total.rowCount == 1)
        #expect(total.table == nil)
        let units = try ws.query("totals.units").get()
        guard case .number(let a) = total.value.values, case .number(let b) = units.value.values else {
            Issue.record("expected numbers")
            return
        }
        #expect(a == b)
        let cell = try ws.query("plan.order[\"B\"]").get()
        #expect(cell.rowCount == 1)
    }

    @Test func aQueryOverATable() throws {
        let (_, ws) = try WhatRanTests.world()
        let q = try ws.query("order * 2 > demand", table: "plan").get()
        #expect(q.rowCount == 3)
        #expect(q.keys.count == 1)
        #expect(q.value.type == .bool)
    }

    @Test func aBadQuerySaysWhy() throws {
        let (_, ws) = try WhatRanTests.world()
        guard case .failure(let f) = ws.query("sum(plan.ordr)") else {
            Issue.record("expected a failure")
            return
        }
        #expect(f.diagnostics.first?.hint == "did you mean `order`?")
        guard case .failure(let g) = ws.query("1 +") else {
            Issue.record("expected a failure")
            return
        }
        #expect(g.diagnostics.hasErrors)
        guard case .failure(let h) = ws.query("1", table: "plans") else {
            Issue.record("expected a failure")
            return
        }
        #expect(h.message == "no table `plans`: did you mean `plan`?")
    }

    @Test func explainShowsTheFormulaInputsAndWindowDays() throws {
        let (_, ws) = try WhatRanTests.world()
        let e = try ws.explain(table: "plan", column: "order", keys: ["B"], depth: 3)
        #expect(e.cell == "plan.order[B]")
        #expect(e.formula == "roundup(max(demand * items.lead + safety, items.moq), items.case_pack)")
        #expect(e.inputs.map(\.cell) == ["plan.demand[B]", "items.lead[B]", "plan.safety[B]", "items.moq[B]", "items.case_pack[B]"])
        let demand = e.inputs[0]
        #expect(demand.inputs.first?.cell == "sum(series.velocity)")
        #expect(demand.inputs.first?.note == "2 rows of series")
        let velocity = demand.inputs.first?.inputs.first
        #expect(velocity?.cell == "series.velocity[B, store]")
        let window = velocity?.inputs.first?.window
        #expect(window?.daily.count == 21)
        #expect(window?.weights?.last == 21)
        #expect(window?.zeroFilled.contains(true) == false)
    }

    @Test func explainAParam() throws {
        let (_, ws) = try WhatRanTests.world()
        let e = try ws.explain(table: "plan", column: "safety", keys: ["A"], depth: 1)
        #expect(e.inputs.contains { $0.cell == "param service_level" && $0.value == .number(0.95) })
        #expect(throws: WorkspaceError.self) { try ws.explain(table: "plan", column: "safety", keys: ["Z"]) }
    }
}
