// Money and percentages in people-facing cells, and the units CSV and JSON carry on request.

import Testing
@testable import VeloRender

@Suite("Units in cells and headers")
struct UnitCellsTests {
    @Test(arguments: [
        (1234.5, "USD", "$1,234.50"), (-20, "USD", "-$20.00"), (0.004, "USD", "$0.00"), (-0.001, "USD", "$0.00"),
        (980, "EUR", "€980.00"), (3.1, "GBP", "£3.10"), (12, "CHF", "12.00 CHF"), (-7.5, "CHF", "-7.50 CHF"),
        (1_000_000, "USD", "$1,000,000.00"), (Double.nan, "USD", "—"),
    ])
    func money(_ x: Double, _ currency: String, _ expected: String) {
        #expect(NumberFormat.money(x, currency: currency) == expected)
    }

    @Test(arguments: [
        (0.29, "29%"), (-0.045, "-4.5%"), (1, "100%"), (0.125, "12.5%"), (0.005, "0.5%"), (0.0025, "0.25%"),
        (0, "0%"), (-0.0001, "-0.01%"), (Double.nan, "—"),
    ])
    func percent(_ x: Double, _ expected: String) {
        #expect(NumberFormat.percent(x) == expected)
    }

    @Test func aColumnOfPercentagesSharesItsDecimals() {
        #expect(NumberFormat.percentDecimals([0.29, 0.3]) == 0)
        #expect(NumberFormat.percentDecimals([0.29, -0.045]) == 1)
        #expect(NumberFormat.percentDecimals([0.25, 0.0025]) == 2)
    }

    @Test(arguments: [
        ("units", UnitCells.plain), ("units/day", .plain), ("USD/unit", .plain), ("USD", .money("USD")),
        ("EUR", .money("EUR")), ("percent", .percent), ("", .plain),
    ])
    func whereTheUnitGoes(_ unit: String, _ expected: UnitCells) {
        #expect(UnitCells(unit) == expected)
    }

    @Test func headersShowAUnitOnceAndMachineFormatsOnlyOnRequest() {
        let spend = OutputColumn(name: "spend", values: .number([1]), unit: "USD")
        let need = OutputColumn(name: "need", values: .number([1]), unit: "units")
        #expect(spend.humanHeader == "spend" && need.humanHeader == "need (units)")
        let table = OutputTable(name: "plan", columns: [need, spend])
        #expect(table.rendered(as: .csv) == "need,spend\n1,1\n")
        #expect(table.rendered(as: .csv, units: true) == "need (units),spend (USD)\n1,1\n")
        #expect(table.rendered(as: .json) == "[\n  {\"need\": 1, \"spend\": 1}\n]\n")
        #expect(table.rendered(as: .json, units: true)
            == "{\n  \"units\": {\"need\": \"units\", \"spend\": \"USD\"},\n  \"rows\": [\n    {\"need\": 1, \"spend\": 1}\n  ]\n}\n")
    }
}
