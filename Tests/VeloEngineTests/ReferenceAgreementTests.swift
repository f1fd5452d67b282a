// The replenishment example against the DuckDB reference plan (shared/bench/ref_duckdb.py),
// on a small generated data set (gen_data.py --skus 300 --channels 3 --days 90 --seed 3)
// committed in Tests/Fixtures/engine/reference, and on the hand-made edge-case set of
// gen_edge_cases.py in Tests/Fixtures/engine/edge.
//
// The comparison is the reference comparer's (bench/compare.py): the same header, the same
// keys in the same order, numbers within max(1e-9·max(|a|,|b|), 1e-9), empty cells where the
// reference has NULL, identical text and booleans. The reference's exceptions.csv is Velo's
// `series` table.

import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

/// Compares one Velo table with a reference CSV; returns readable mismatches (at most `limit`).
func compareWithReference(_ run: Evaluated, table: String, reference path: String, keyCount: Int,
                          limit: Int = 10) throws -> [String] {
    let expected = try PlainCSV(path: path)
    let t = run.table(table)
    let info = run.program.table(t)
    let header = info.columns.map(\.name)
    guard header == expected.header else { return ["header: \(header) vs reference \(expected.header)"] }
    let columns = info.columns.indices.map { run.ws.column(ColumnRef(t, $0)) }
    let rows = run.ws.rowCount(t)
    var problems: [String] = []
    if rows != expected.rows.count { problems.append("\(table): \(rows) rows, reference \(expected.rows.count)") }
    for r in 0..<min(rows, expected.rows.count) {
        let want = expected.rows[r]
        guard want.count == header.count else {
            problems.append("reference line \(r + 2) has \(want.count) fields")
            continue
        }
        let got = columns.map { cellValue($0, r) }
        let gotKeys = got.prefix(keyCount).map { v -> String in
            switch v {
            case .text(let s): return s
            case .number(let x) where x == x.rounded() && abs(x) < 1e15: return String(Int(x))   // integer keys (weeks)
            default: return "\(v)"
            }
        }
        if Array(gotKeys) != Array(want.prefix(keyCount)) {
            problems.append("line \(r + 2): keys \(gotKeys) vs reference \(want.prefix(keyCount))")
            break
        }
        for (c, (value, field)) in zip(got, want).enumerated() {
            var ok: Bool
            switch value {
            case .missing: ok = field.isEmpty
            case .number(let x): ok = Double(field).map { close(x, $0) } ?? false
            case .bool(let b): ok = field == (b ? "true" : "false")
            case .text(let s): ok = s == field
            case .date(let d): ok = d == field
            }
            if !ok {
                problems.append("line \(r + 2) \(want.prefix(keyCount)) \(header[c]): velo \(value) vs reference \"\(field)\"")
            }
        }
        if problems.count >= limit { break }
    }
    return problems
}

@Suite("Replenishment plan against the DuckDB reference")
struct ReferenceAgreementTests {
    static let data = Paths.fixture("reference/data")

    static var sources: [String: String] {
        ["sales": data + "/sales.csv", "items": data + "/items.csv", "inventory": data + "/inventory.csv"]
    }

    @Test("series and plan agree with the reference", arguments: [
        (0.95, "expected_095"),
        (0.98, "expected_098"),
    ])
    func agreesWithReference(serviceLevel: Double, folder: String) throws {
        let run = try evaluateFile(Paths.example("replenishment/plan.velo"),
                                   params: ["service_level": .number(serviceLevel)], sources: Self.sources)
        let dir = Paths.fixture("reference/\(folder)")
        let series = try compareWithReference(run, table: "series", reference: dir + "/exceptions.csv", keyCount: 2)
        #expect(series.isEmpty, "series:\n\(series.joined(separator: "\n"))")
        let plan = try compareWithReference(run, table: "plan", reference: dir + "/plan.csv", keyCount: 1)
        #expect(plan.isEmpty, "plan:\n\(plan.joined(separator: "\n"))")
    }

    @Test("the as-of date is the latest sales date")
    func asOfIsLatestSale() throws {
        let run = try evaluateFile(Paths.example("replenishment/plan.velo"), sources: Self.sources)
        #expect(run.ws.asOf.map { CivilDate(day: $0).iso } == "2024-12-31")
    }

    @Test("flags are exactly the series with an exception")
    func flagsMatchExceptions() throws {
        let run = try evaluateFile(Paths.example("replenishment/plan.velo"), sources: Self.sources)
        let reference = try PlainCSV(path: Paths.fixture("reference/expected_095/exceptions.csv"))
        let flagged = reference.rows.filter { $0[6] == "true" }.map { "\($0[0]), \($0[1])" }
        // The new-launch and gone-quiet flags are the example's own; the reference knows velocity shifts.
        let all = run.ws.flags()
        #expect(all.allSatisfy { ["velocity_shift", "new_launch", "gone_quiet"].contains($0.flag) })
        let hits = all.filter { $0.flag == "velocity_shift" }
        #expect(hits.map(\.keyText) == flagged)
        #expect(hits.allSatisfy { $0.flag == "velocity_shift" && $0.table == "series" && $0.severity == .warning })
        #expect(!flagged.isEmpty)
        #expect(run.ws.checkFailures().isEmpty)
    }
}

@Suite("Replenishment plan on the edge cases")
struct EdgeCaseTests {
    static let data = Paths.fixture("edge")

    static var sources: [String: String] {
        ["sales": data + "/sales.csv", "items": data + "/items.csv", "inventory": data + "/inventory.csv"]
    }

    static func run() throws -> Evaluated {
        try evaluateFile(Paths.example("replenishment/plan.velo"), sources: sources)
    }

    struct Expectation: CustomTestStringConvertible, Sendable {
        var file: String, key: String, column: String, expected: String
        var testDescription: String { "\(file) \(key) \(column) = \(expected.isEmpty ? "(empty)" : expected)" }
    }

    /// Every line of edge/expected.csv (file,key,column,expected).
    static let expectations: [Expectation] = {
        guard let csv = try? PlainCSV(path: Paths.fixture("edge/expected.csv")) else { return [] }
        return csv.rows.map { Expectation(file: $0[0], key: $0[1], column: $0[2], expected: $0[3]) }
    }()

    @Test("expected.csv is read") func expectationsRead() {
        #expect(Self.expectations.count == 39)
    }

    @Test("each expectation of gen_edge_cases.py holds", arguments: expectations)
    func expectation(_ e: Expectation) throws {
        let run = try Self.run()
        let table = e.file == "plan.csv" ? "plan" : "series"
        let keys = e.key.split(separator: "/").map(String.init)
        let row = run.ws.row(run.table(table), keys: keys)
        if e.expected == "ABSENT" {
            #expect(row == nil, "\(table) has a row \(keys)")
            return
        }
        guard let row else {
            Issue.record("\(table) has no row \(keys)")
            return
        }
        guard let ref = run.columnRef(table, e.column) else {
            Issue.record("\(table) has no column \(e.column)")
            return
        }
        let got = cellValue(run.ws.column(ref), row)
        if e.expected.isEmpty {
            #expect(got == .missing)
        } else if let x = Double(e.expected) {
            // gen_edge_cases.py --check: |got - want| <= 1e-9 * max(1, |want|)
            guard case .number(let v) = got else {
                Issue.record("expected \(x), got \(got)")
                return
            }
            #expect(abs(v - x) <= 1e-9 * max(1, abs(x)), "expected \(x), got \(v)")
        } else if e.expected == "true" || e.expected == "false" {
            #expect(got == .bool(e.expected == "true"))
        } else {
            #expect(got == .text(e.expected))
        }
    }

    @Test("the whole output agrees with the DuckDB reference on the edge cases")
    func agreesWithReference() throws {
        let run = try Self.run()
        let dir = Paths.fixture("edge/reference")
        let series = try compareWithReference(run, table: "series", reference: dir + "/exceptions.csv", keyCount: 2)
        #expect(series.isEmpty, "series:\n\(series.joined(separator: "\n"))")
        let plan = try compareWithReference(run, table: "plan", reference: dir + "/plan.csv", keyCount: 1)
        #expect(plan.isEmpty, "plan:\n\(plan.joined(separator: "\n"))")
    }

    @Test("missing cells carry their reasons")
    func reasons() throws {
        let run = try Self.run()
        // SKU_E03 is new: nothing sold in the prior window.
        #expect(run.reason("series", "velocity_change", "SKU_E03", "web")?.message == "division by zero")
        #expect(run.origin("series", "velocity_change", "SKU_E03", "web") == "series.velocity_change[SKU_E03, web]")
        // SKU_E01 sells only returns: no demand.
        #expect(run.reason("plan", "cover_days", "SKU_E01")?.message == "no demand")
        // SKU_E10 has no inventory row: the plan still computes with ?? 0.
        expectNumber(run.cell("plan", "order_qty", "SKU_E10"), 0)
    }
}
