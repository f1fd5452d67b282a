// Error paths of `velo compile` and `velo run --engine`: each with its exit status and message.

import Foundation
import Testing
@testable import VeloFrontend

struct SQLErrorTests {
    let plan = SQLSupport.root + "/Examples/replenishment/plan.velo"

    @Test("an unknown dialect is a usage error")
    func unknownDialect() {
        let o = SQLSupport.compile(CompileRequest(file: plan, sql: "oracle"))
        #expect(o.status == 2)
        #expect(o.err == "velo: unknown SQL dialect `oracle`; choose duckdb, postgres or spark\n")
    }

    @Test("an unknown engine is a usage error")
    func unknownEngine() {
        var r = RunRequest(file: plan)
        r.engine = "sqlite"
        let o = SQLSupport.run(r)
        #expect(o.status == 2)
        #expect(o.err == "velo: unknown engine `sqlite`; choose duckdb, postgres or spark\n")
    }

    @Test("--source-table names a source table")
    func sourceTableNotASource() {
        let o = SQLSupport.compile(CompileRequest(file: plan, sql: "postgres", sourceTables: ["plan=public.plan"]))
        #expect(o.status == 2)
        #expect(o.err.contains("`plan` is not a source table"))
        let bad = SQLSupport.compile(CompileRequest(file: plan, sql: "postgres", sourceTables: ["sales"]))
        #expect(bad.status == 2)
        #expect(bad.err.contains("--source-table needs NAME=TABLE"))
    }

    @Test("--table naming a source table with --engine is a usage error, not a crash", arguments: ["items", "sales"])
    func sourceTableAsOutput(_ name: String) {
        var request = RunRequest(file: plan, tables: [name])
        request.engine = "duckdb"
        let o = SQLSupport.run(request)
        #expect(o.status == 2, "\(o.err)")
        #expect(o.err.contains("--table \(name): a source table, which the engine reads but does not compute"), "\(o.err)")
    }

    @Test("--table checks works with --engine as natively; --table asof is a usage error")
    func checksAndAsOfOnAnEngine() {
        var request = RunRequest(file: plan, tables: ["checks"], format: "csv")
        let native = SQLSupport.run(request)
        request.engine = "duckdb"
        let engine = SQLSupport.run(request)
        #expect(engine.status == 0, "\(engine.err)")
        #expect(engine.out == native.out && engine.out.hasPrefix("check,table,sku"), "\(engine.out)")
        request.tables = ["asof"]
        let asof = SQLSupport.run(request)
        #expect(asof.status == 2)
        #expect(asof.err.contains("--table asof: the engine finds the as-of date but does not return it"), "\(asof.err)")
    }

    @Test("a construct the dialect cannot express names it, its line and the dialect")
    func unsupportedConstruct() throws {
        let dir = SQLSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/z.velo"
        try """
            table items = csv("\(SQLSupport.root)/Examples/replenishment/data/items.csv") by sku

            table risk by sku from items:
              k = z(items.unit_cost / 100)

            """.write(toFile: file, atomically: true, encoding: .utf8)
        for dialect in ["duckdb", "postgres", "spark"] {
            let o = SQLSupport.compile(CompileRequest(file: file, sql: dialect))
            #expect(o.status == 1)
            let name = dialect == "duckdb" ? "DuckDB" : dialect == "postgres" ? "PostgreSQL" : "Spark SQL"
            #expect(o.err.contains("z.velo:4:7: error: `z` of a value that varies by row cannot be compiled to \(name)"), "\(o.err)")
            #expect(o.err.contains("hint: run it on the native engine"))
        }
    }

    @Test("a construct of an imported file is shown at that file's own line and column, with a note at the import")
    func unsupportedConstructImported() throws {
        let dir = SQLSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            # Risk scores.
            table items = csv("\(SQLSupport.root)/Examples/replenishment/data/items.csv") by sku

            table risk by sku from items:
              k = z(items.unit_cost / 100)

            """.write(toFile: dir + "/risk.velo", atomically: true, encoding: .utf8)
        try """
            import "risk.velo"

            table review by sku from items:
              cost = items.unit_cost

            """.write(toFile: dir + "/main.velo", atomically: true, encoding: .utf8)
        let o = SQLSupport.compile(CompileRequest(file: dir + "/main.velo", sql: "duckdb"))
        #expect(o.status == 1)
        #expect(o.err.replacingOccurrences(of: dir + "/", with: "") == """
            risk.velo:5:7: error: `z` of a value that varies by row cannot be compiled to DuckDB
              5 |   k = z(items.unit_cost / 100)
                |       ^^^^^^^^^^^^^^^^^^^^^^^^
            main.velo:1:1: note: imported here
              1 | import "risk.velo"
                | ------------------
            hint: run it on the native engine (without --engine), or rewrite the formula

            """, "\(o.err)")
    }

    /// A CSV layout an engine's reader cannot be told about: the file, the declaration, the
    /// dialects that refuse it, and the construct named.
    static let unreadableCSV: [(data: String, source: String, dialects: [String], construct: String)] = [
        ("sku,units\n# counted by hand\nA,1\n", ##"csv("s.csv", comment: "#")"##, ["duckdb", "postgres", "spark"],
         "a CSV source with comment lines (`comment:`)"),
        ("Stock report\nsku,units\nA,1\n", #"csv("s.csv", skip: 1)"#, ["duckdb", "postgres", "spark"],
         "a CSV source with lines before its header (`skip:`)"),
        ("sku,units\nA,1\nTotal,1\n", #"csv("s.csv", trailer: 1)"#, ["duckdb", "postgres", "spark"],
         "a CSV source with trailer lines (`trailer:`)"),
        ("sku,units\rA,1\rB,2\r", #"csv("s.csv")"#, ["duckdb", "postgres", "spark"],
         "a CSV file whose lines end in CR alone"),
        ("sku,units\nA,1\n", #"csv("s.csv", encoding: "windows-1252")"#, ["duckdb"],
         "a Windows-1252 CSV file (DuckDB reads UTF-8 and Latin-1)"),
    ]

    @Test("a CSV layout an engine cannot read is refused by name at the source's line, the others compile",
          arguments: unreadableCSV.indices)
    func unreadableCSVLayout(_ i: Int) throws {
        let c = SQLErrorTests.unreadableCSV[i]
        let dir = SQLSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try c.data.write(toFile: dir + "/s.csv", atomically: true, encoding: .utf8)
        try "table s = \(c.source)\n\ntable t by sku from s:\n  u = sum(s.units)\n"
            .write(toFile: dir + "/r.velo", atomically: true, encoding: .utf8)
        for dialect in ["duckdb", "postgres", "spark"] {
            let o = SQLSupport.compile(CompileRequest(file: dir + "/r.velo", sql: dialect))
            guard c.dialects.contains(dialect) else {
                #expect(o.status == 0, "\(dialect): \(o.err)")
                continue
            }
            let name = dialect == "duckdb" ? "DuckDB" : dialect == "postgres" ? "PostgreSQL" : "Spark SQL"
            let line = "table s = \(c.source)"
            #expect(o.status == 1)
            #expect(o.err == """
                \(dir)/r.velo:1:15: error: \(c.construct) cannot be compiled to \(name)
                  1 | \(line)
                    |               \(String(repeating: "^", count: 7))
                hint: run it on the native engine (without --engine), or load the rows into the engine yourself and name them with `--source-table s=SCHEMA.TABLE`

                """, "\(dialect)")
        }
    }

    @Test("a recurrence Spark would unroll past 1,000 periods is refused for Spark only, at the table's line")
    func longRecurrenceOnSpark() throws {
        let dir = SQLSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/long.velo"
        try """
            table items = csv("\(SQLSupport.root)/Examples/replenishment/data/items.csv") by sku

            param days_ahead = 1200

            table stock by sku, n from items over days(days_ahead):
              level = previous(level, first: 0) + items.moq

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let spark = SQLSupport.compile(CompileRequest(file: file, sql: "spark"))
        #expect(spark.status == 1)
        #expect(spark.err.contains("long.velo:5:7: error: a recurrence over more than 1000 periods cannot be compiled to Spark SQL"), "\(spark.err)")
        let small = SQLSupport.compile(CompileRequest(file: file, sql: "spark", sets: ["days_ahead=30"]))
        #expect(small.status == 0, "\(small.err)")
        for dialect in ["duckdb", "postgres"] {
            let o = SQLSupport.compile(CompileRequest(file: file, sql: dialect))
            #expect(o.status == 0, "\(o.err)")
            #expect(o.out.contains("WITH RECURSIVE stock__rec AS ("))
        }
    }

    @Test("PostgreSQL that cannot be reached is a data error (exit 3)")
    func postgresUnreachable() {
        var r = RunRequest(file: plan)
        r.engine = "postgres"
        r.database = "postgresql://velo@127.0.0.1:1/none?connect_timeout=2"
        let o = SQLSupport.run(r)
        #expect(o.status == 3)
        #expect(o.err.hasPrefix("velo: PostgreSQL: cannot connect"), "\(o.err)")
    }
}
