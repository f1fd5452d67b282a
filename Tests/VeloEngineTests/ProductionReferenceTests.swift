// The production example (Examples/production/production.velo) against the reference weekly
// projection (Benchmarks/reference_projection.py), on the generated data of
// Tests/Fixtures/engine/reference/data with open orders from gen_orders.py for three seeds
// (7, 11, 13), horizons 8, 12 and 16 weeks, service levels 0.9, 0.95 and 0.99, and a
// weekly capacity at the median of the week's releases (some weeks over, some under).
// Fixtures/engine/production/cases.csv lists the cases; each folder holds the reference's
// projection.csv, stockouts.csv and capacity.csv. Compared as bench/compare.py does.

import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

@Suite("Production projection against the reference")
struct ProductionReferenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var seed: Int, horizon: Int, serviceLevel: Double, capacity: Double, folder: String
        var testDescription: String { "seed \(seed), \(horizon) weeks, service level \(serviceLevel), capacity \(Int(capacity))" }
    }

    static let cases: [Case] = {
        guard let csv = try? PlainCSV(path: Paths.fixture("production/cases.csv")) else { return [] }
        return csv.rows.map { Case(seed: Int($0[0])!, horizon: Int($0[1])!, serviceLevel: Double($0[2])!,
                                   capacity: Double($0[3])!, folder: $0[4]) }
    }()

    static func run(_ c: Case) throws -> Evaluated {
        let data = Paths.fixture("reference/data")
        return try evaluateFile(Paths.example("production/production.velo"),
                                params: ["service_level": .number(c.serviceLevel), "horizon_weeks": .number(Double(c.horizon)),
                                         "weekly_capacity": .number(c.capacity)],
                                sources: ["sales": data + "/sales.csv", "items": data + "/items.csv",
                                          "inventory": data + "/inventory.csv",
                                          "purchase_orders": Paths.fixture("production/purchase_orders_seed\(c.seed).csv")])
    }

    @Test("cases.csv is read") func casesRead() {
        #expect(Self.cases.count == 9)
    }

    @Test("projection, stockouts and capacity equal the reference", arguments: cases)
    func agrees(_ c: Case) throws {
        let run = try Self.run(c)
        let dir = Paths.fixture("production/\(c.folder)")
        for (table, keys) in [("projection", 2), ("stockouts", 1), ("capacity", 1)] {
            let problems = try compareWithReference(run, table: table, reference: "\(dir)/\(table).csv", keyCount: keys)
            #expect(problems.isEmpty, "\(table):\n\(problems.joined(separator: "\n"))")
        }
        // The capacity leaves some weeks over and some under; the flags are those weeks.
        let over = run.ws.flags().filter { $0.flag == "over_capacity" }.count
        let reference = try PlainCSV(path: "\(dir)/capacity.csv").rows.filter { $0[4] == "true" }.count
        #expect(over == reference && over > 0 && over < c.horizon)
        let expedites = try PlainCSV(path: "\(dir)/stockouts.csv").rows.filter { $0[3] == "true" }.count
        #expect(run.ws.flags().filter { $0.flag == "expedite" }.count == expedites)
    }
}
