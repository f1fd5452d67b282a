// The cross-engine harness (as PRQL's integration tests): every example and fixture program
// runs on the native engine and on each SQL engine; the CSV outputs (rows sorted by key, as
// both write them) are compared pairwise, numbers within 1e-9 relative, naming the two engines
// that differ. Spark runs every example and the CSV dialects fixture, not the other fixture
// programs: its start-up costs half a minute a program on this machine.

import Foundation
import Testing
@testable import VeloFrontend

@Suite(.serialized)
struct CrossEngineTests {
    @Test("DuckDB gives the native engine's results", arguments: SQLSupport.programs)
    func duckdb(_ program: String) {
        let (native, expected) = SQLSupport.outputs(program, engine: nil)
        let (duck, actual) = SQLSupport.outputs(program, engine: "duckdb")
        #expect(native.status == duck.status, "\(duck.err)")
        #expect(native.err == duck.err)
        #expect(!expected.isEmpty)
        let problems = SQLSupport.differences(expected, actual, names: ("native", "duckdb"))
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
    }

    @Test("PostgreSQL gives the native engine's results (a throwaway server)")
    func postgres() throws {
        let server = try PostgresServer()
        defer { server.stop() }
        for program in SQLSupport.programs {
            let (native, expected) = SQLSupport.outputs(program, engine: nil)
            let (pg, actual) = SQLSupport.outputs(program, engine: "postgres", database: server.connection)
            #expect(native.status == pg.status, "\(program): \(pg.err)")
            let problems = SQLSupport.differences(expected, actual, names: ("native", "postgres"))
            #expect(problems.isEmpty, "\(program):\n\(problems.prefix(20).joined(separator: "\n"))")
        }
        // What-ifs and the as-of date travel the same way.
        let args: (inout RunRequest) -> Void = { r in r.sets = ["service_level=98%"]; r.asof = "2024-12-20" }
        let (_, expected) = SQLSupport.outputs(SQLSupport.programs[0], engine: nil, extra: args)
        let (_, actual) = SQLSupport.outputs(SQLSupport.programs[0], engine: "postgres", database: server.connection, extra: args)
        let problems = SQLSupport.differences(expected, actual, names: ("native", "postgres"))
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
    }

    // The lot-sizing rules and the production projection carry the period tables (a recurrence
    // unrolled per period, LATERAL columns, running sums, shifts). Each step is kept as a local
    // checkpoint (SQLRunner.swift), so a step's plan does not hold every step before it: with
    // cached tables the production script spent more than 20 minutes in Spark's analysis.
    @Test("Spark (local mode) gives the native engine's results on every example (replenishment, retrospective, MOQ, lot sizing, production, ERP export) and the CSV dialects",
          arguments: ["Examples/replenishment/plan.velo", "Examples/retrospective/retro.velo", "Examples/moq_decision/moq.velo",
                      "Examples/production/lot_sizing.velo",
                      "Examples/production/production.velo",
                      "Examples/erp_export/erp.velo", "Tests/Fixtures/sql/dialects.velo"])
    func spark(_ program: String) {
        let (_, expected) = SQLSupport.outputs(program, engine: nil)
        let (spark, actual) = SQLSupport.outputs(program, engine: "spark")
        #expect(spark.status == 0, "\(spark.err)")
        let problems = SQLSupport.differences(expected, actual, names: ("native", "spark"))
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
    }

    @Test("--set, --asof, --table and --format behave as natively (DuckDB)")
    func options() {
        for extra in [{ (r: inout RunRequest) in r.sets = ["service_level=98%"] },
                      { (r: inout RunRequest) in r.asof = "2024-12-01" },
                      { (r: inout RunRequest) in r.tables = ["plan", "flags"] }] {
            let (_, expected) = SQLSupport.outputs(SQLSupport.programs[0], engine: nil, extra: extra)
            let (_, actual) = SQLSupport.outputs(SQLSupport.programs[0], engine: "duckdb", extra: extra)
            let problems = SQLSupport.differences(expected, actual, names: ("native", "duckdb"))
            #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
        }
        // The human table format prints the same text, but for missing values' reasons, which SQL does not carry.
        var request = RunRequest(file: SQLSupport.root + "/" + SQLSupport.programs[0], tables: ["series", "plan", "flags"], format: "table")
        // (The sparkline column of recent daily units is drawn by Velo's own engine only.)
        request.sparkline = false
        let native = SQLSupport.run(request)
        request.engine = "duckdb"
        let duck = SQLSupport.run(request)
        #expect(duck.status == 0)
        #expect(withoutReasons(native.out) == withoutReasons(duck.out))
        #expect(native.out.contains("— (division by zero)"))
    }

    @Test("--write-back keeps the computed tables in the engine's database (a DuckDB file)")
    func writeBack() throws {
        let dir = SQLSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/plans.duckdb"
        var request = RunRequest(file: SQLSupport.root + "/" + SQLSupport.programs[0], tables: ["flags"], format: "csv")
        request.engine = "duckdb"
        request.database = file
        request.writeBack = true
        let o = SQLSupport.run(request)
        #expect(o.status == 0, "\(o.err)")
        #expect(o.out.hasPrefix("flag,severity,table,keys,message\nvelocity_shift,warning,series,"))
        let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        #expect(size > 0)
    }

    /// The text with `— (reason)` as `—` and runs of spaces and rule characters as one space.
    func withoutReasons(_ text: String) -> String {
        var out = "", inReason = false
        var last: Character = " "
        for ch in text {
            if inReason { if ch == ")" { inReason = false }; continue }
            if ch == "(" && last == " " && out.hasSuffix("— ") { inReason = true; continue }
            let c: Character = ch == "─" ? " " : ch
            if c == " " && out.last == " " { continue }
            out.append(c)
            last = ch
        }
        return out
    }
}
