// `velo run --engine …` prints the rule file's reports as Velo's own engine does: the report
// rendering applied to the engine's tables and flags (ResultTables+Reports.swift). A report
// whose `where` needs more than comparisons of its table's columns falls back to the tables,
// with a note (and `--report` on it is a usage error).

import Foundation
import Testing
@testable import VeloFrontend

@Suite(.serialized)
struct EngineReportTests {
    @Test("the reports read the same on DuckDB as natively", arguments: SQLSupport.programs)
    func reportsOnDuckDB(_ program: String) {
        let reports = { (r: inout RunRequest) in r.tables = [] }
        let (native, expected) = SQLSupport.outputs(program, engine: nil, extra: reports)
        let (duck, actual) = SQLSupport.outputs(program, engine: "duckdb", extra: reports)
        #expect(native.status == duck.status, "\(duck.err)")
        #expect(native.err == duck.err)
        let problems = SQLSupport.differences(expected, actual, names: ("native", "duckdb"))
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
    }

    @Test("the example's report titles and order, human format")
    func humanReports() {
        var request = RunRequest(file: SQLSupport.root + "/Examples/replenishment/plan.velo")
        let native = SQLSupport.run(request)
        request.engine = "duckdb"
        let duck = SQLSupport.run(request)
        #expect(duck.status == 0, "\(duck.err)")
        #expect(duck.out.hasPrefix("Exceptions: review these first (5 rows)\n"), "\(duck.out.prefix(300))")
        #expect(duck.out.contains("This week's orders, lowest cover first (27 of 60 rows)"))
        #expect(native.out.split(separator: "\n").map { $0.prefix(20) } == duck.out.split(separator: "\n").map { $0.prefix(20) })
        request.report = "weekly_orders"
        #expect(SQLSupport.run(request).out.hasPrefix("This week's orders, lowest cover first (27 of 60 rows)\n"))
    }

    @Test("a filter the engine's tables cannot answer: the tables, with a note")
    func fallsBackToTables() throws {
        let dir = NSTemporaryDirectory() + "velo-engine-report-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/plan.velo"
        try """
            import "\(SQLSupport.root)/Examples/replenishment/plan.velo"

            report big on plan:
              where order_qty * 2 > 1000

            report urgent on flags:
              where severity >= warning and channel == "web"
            """.write(toFile: file, atomically: true, encoding: .utf8)
        var request = RunRequest(file: file, format: "csv")
        request.engine = "duckdb"
        let r = SQLSupport.run(request)
        #expect(r.status == 0)
        #expect(r.err.contains("report big filters with more than comparisons"), "\(r.err)")
        request.report = "big"
        #expect(SQLSupport.run(request).status == 2)
        request.report = "urgent"
        let urgent = SQLSupport.run(request)
        #expect(urgent.status == 0, "\(urgent.err)")
        #expect(urgent.out.split(separator: "\n").count == 2, "\(urgent.out)")
        #expect(urgent.out.contains("new_launch,warning,series,SKU000010,web,"))
    }
}
