// Completion of units on a source table's column line, table-driven on the line before the word.

import Testing
@testable import VeloFrontend

@Suite struct LSPUnitCompletionTests {
    func labels(_ v: JSONValue?) -> [String] { (v?["items"]?.array ?? []).compactMap { $0["label"]?.string } }

    static let typePositions = ["  moq: ", "  moq:", "\tlead_time_days: ", "  units = \"Quantity\": ", "  price = \"Unit: Price\": "]
    static let unitPositions = ["  unit_cost: USD/", "  variance: units^2/", "  spend: USD*"]
    static let elsewhere = ["moq: ", "table items = csv(\"items.csv\") by sku:", "  velocity = ", "  decide unique:",
                            "  need = max(0, x) ", "  units = \"Quantity\" ", "  moq: units ", "  1x: ", ""]

    @Test(arguments: typePositions)
    func typesAndUnitsAfterTheColon(_ line: String) {
        let got = labels(LSPServer.unitCompletions(linePrefix: line))
        #expect(Array(got.prefix(4)) == ["number", "text", "date", "bool"])
        #expect(got.contains("units") && got.contains("units") && got.contains("days") && got.contains("percent") && got.contains("USD"))
    }

    @Test(arguments: unitPositions)
    func unitsAfterAnOperator(_ line: String) {
        let got = labels(LSPServer.unitCompletions(linePrefix: line))
        #expect(got.first == "units" && !got.contains("number"))
    }

    @Test(arguments: elsewhere)
    func nothingElsewhere(_ line: String) {
        #expect(LSPServer.unitCompletions(linePrefix: line) == nil)
    }
}
