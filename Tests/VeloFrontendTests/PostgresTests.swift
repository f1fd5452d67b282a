// PostgreSQL sources against a real server: each test starts a throwaway PostgreSQL in a
// temporary directory (initdb, then pg_ctl with a bounded wait, listening only on a socket
// there), and stops it when done — also when the test fails. No mock stands in for it.
//
// The server runs as the `postgres` user when the tests run as root (PostgreSQL refuses root).
// `scripts/setup.sh` installs Debian's `postgresql` when it is missing.

import Foundation
import Testing
import VeloCheck
import VeloEngine
import VeloSyntax
@testable import VeloFrontend

/// A throwaway PostgreSQL server with password authentication (user `velo`, password `secret`).
final class PostgresServer: @unchecked Sendable {
    let dir: String
    let port: Int
    var conninfo: String { "host=\(dir) port=\(port) user=velo password=secret dbname=postgres" }

    static func binary(_ name: String) -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for v in versions.sorted(by: >) {
            let p = "/usr/lib/postgresql/\(v)/bin/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    static var isRoot: Bool { getuid() == 0 }

    /// Runs a command (as `postgres` when root), with a bounded wait; its output and status.
    /// The output goes to a file, not a pipe: a server that pg_ctl starts would keep a pipe open.
    @discardableResult
    static func run(_ args: [String], timeout: Double = 60) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: isRoot ? "/usr/sbin/runuser" : args[0])
        p.arguments = isRoot ? ["-u", "postgres", "--"] + args : Array(args.dropFirst())
        let outPath = "/tmp/velo-pg-out-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        let out = FileHandle(forWritingAtPath: outPath)!
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Reaped here with waitpid, within a bounded wait.
        let pid = p.processIdentifier
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var done = false
        var reapedByFoundation = false
        while Date() < deadline {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { done = true; break }
            if r == -1 {
                // Foundation reaped it first: its status is Foundation's to tell.
                if !p.isRunning { reapedByFoundation = true; done = true; break }
            }
            usleep(20_000)
        }
        if !done { kill(pid, SIGKILL); _ = waitpid(pid, &status, 0) }
        try? out.close()
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        if reapedByFoundation { return (p.terminationStatus, text) }
        let code: Int32 = done && (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (code, text)
    }

    init() throws {
        guard let initdb = PostgresServer.binary("initdb"), let pgctl = PostgresServer.binary("pg_ctl") else {
            throw Failure("PostgreSQL is not installed (scripts/setup.sh installs Debian's postgresql)")
        }
        dir = "/tmp/velo-pg-" + String(UUID().uuidString.prefix(8))
        port = 20000 + Int.random(in: 0..<20000)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if PostgresServer.isRoot { _ = try? PostgresServer.runPlain(["/bin/chown", "postgres", dir]) }
        try "secret\n".write(toFile: dir + "/pw", atomically: true, encoding: .utf8)
        if PostgresServer.isRoot { _ = try? PostgresServer.runPlain(["/bin/chown", "postgres", dir + "/pw"]) }
        let made = try PostgresServer.run([initdb, "-D", dir + "/data", "-U", "velo", "--pwfile=" + dir + "/pw",
                                           "-A", "scram-sha-256", "--no-sync"])
        guard made.status == 0 else { throw Failure("initdb failed: \(made.out)") }
        let started = try PostgresServer.run([pgctl, "-D", dir + "/data", "-l", dir + "/log", "-w", "-t", "30",
                                              "-o", "-p \(port) -k \(dir) -c listen_addresses='' -c fsync=off", "start"], timeout: 40)
        guard started.status == 0 else {
            stop()
            throw Failure("the server did not start: \(started.out)")
        }
    }

    static func runPlain(_ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: args[0])
        p.arguments = Array(args.dropFirst())
        try p.run()
        var status: Int32 = 0
        _ = waitpid(p.processIdentifier, &status, 0)
        return (status >> 8) & 0xff
    }

    /// Runs SQL through psql.
    func sql(_ text: String) throws {
        guard let psql = FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") ? "/usr/bin/psql" : PostgresServer.binary("psql") else {
            throw Failure("psql is missing")
        }
        let file = dir + "/script-\(UUID().uuidString).sql"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        if PostgresServer.isRoot { _ = try? PostgresServer.runPlain(["/bin/chown", "postgres", file]) }
        let r = try PostgresServer.run([psql, "-v", "ON_ERROR_STOP=1", "-q", conninfo, "-f", file])
        guard r.status == 0 else { throw Failure("psql failed: \(r.out)") }
    }

    func stop() {
        if let pgctl = PostgresServer.binary("pg_ctl") {
            _ = try? PostgresServer.run([pgctl, "-D", dir + "/data", "-m", "immediate", "-w", "-t", "30", "stop"], timeout: 40)
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Runs `body` with a fresh server, stopping it afterwards whatever happens.
    static func with(_ body: (PostgresServer) throws -> Void) throws {
        let server = try PostgresServer()
        defer { server.stop() }
        try body(server)
    }
}

@Suite(.serialized) struct PostgresTests {
    static let rules = """
        table orders = postgres(table: "orders"):
          sku     = "Item Number"
          channel = "Sales Channel"
          date    = "Order Date"
          units   = "Quantity"
          status  = "Order Status"
          where status != "Cancelled"

        param velocity_threshold = 25%

        table series by sku, channel from orders in last 35 days:
          velocity        = wavg(orders.units, last 21 days, weights: linear)
          sigma           = stdev(orders.units, last 21 days)
          prior_velocity  = wavg(orders.units, last 21 days ending 14 days ago, weights: linear)
          velocity_change = velocity / prior_velocity - 1
          exception       = abs(velocity_change) > velocity_threshold

        """

    static func load(_ server: PostgresServer) throws {
        let orders = FrontendHarness.root + "/Examples/erp_export/data/orders.csv"
        var text = try String(contentsOfFile: orders, encoding: .utf8)
        text = text.replacingOccurrences(of: "\r\n", with: "\n")
        let body = text.split(separator: "\n", omittingEmptySubsequences: true).dropFirst().joined(separator: "\n")
        try server.sql("""
            SET datestyle = 'ISO, DMY';
            CREATE TABLE orders ("Order No" text PRIMARY KEY, "Order Date" date, "Item Number" text, "Sales Channel" text,
                                 "Quantity" integer, "Unit Price" text, "Order Status" text, "Description" text);
            COPY orders FROM STDIN WITH (FORMAT csv, DELIMITER ';');
            \(body)
            \\.
            CREATE TABLE items (sku text, moq integer);
            INSERT INTO items VALUES ('A', 10), ('A', 20), (NULL, 5);
            """)
    }

    func run(_ rules: String, sources: [String], in dir: String) -> FrontendHarness.Result {
        let path = dir + "/rules.velo"
        try! rules.write(toFile: path, atomically: true, encoding: .utf8)
        return FrontendHarness.run(RunRequest(file: path, sources: sources, format: "csv", output: dir + "/out"))
    }

    @Test("a PostgreSQL source computes the ERP example's series, and its errors name the source")
    func againstARealServer() throws {
        try PostgresServer.with { server in
            try Self.load(server)
            let dir = FrontendHarness.scratch()
            defer { FrontendHarness.remove(dir) }
            // The connection from the command line.
            let ok = run(Self.rules, sources: ["orders=" + server.conninfo], in: dir)
            #expect(ok.status == nil, "\(ok.err)")
            let got = try String(contentsOfFile: dir + "/out/series.csv", encoding: .utf8)
            let want = try String(contentsOfFile: FrontendHarness.root + "/Examples/erp_export/expected/erp/series.csv", encoding: .utf8)
            #expect(got == want)

            // From an environment variable the declaration names.
            setenv("VELO_TEST_PG_URL", server.conninfo, 1)
            let viaEnv = run(Self.rules.replacingOccurrences(of: "postgres(table: \"orders\")",
                                                            with: "postgres(table: \"orders\", url_env: \"VELO_TEST_PG_URL\")"),
                             sources: [], in: dir)
            #expect(viaEnv.status == nil, "\(viaEnv.err)")

            // A wrong password, a missing table, a query error, a NULL and a repeated key.
            let wrong = run(Self.rules, sources: ["orders=" + server.conninfo.replacingOccurrences(of: "secret", with: "nope")], in: dir)
            #expect(wrong.status == .dataError)
            #expect(wrong.err.contains("password authentication failed"), "\(wrong.err)")
            #expect(!wrong.err.contains("nope"), "the password is not shown")
            let missing = run(Self.rules.replacingOccurrences(of: "table: \"orders\"", with: "table: \"orderz\""),
                              sources: ["orders=" + server.conninfo], in: dir)
            #expect(missing.err.contains("the database has no table `orderz`"), "\(missing.err)")
            #expect(missing.err.contains("rules.velo:1:"), "\(missing.err)")
            let increasing = run(Self.rules.replacingOccurrences(of: "table: \"orders\"", with: "table: \"orders\", increasing: \"order_nr\""),
                                 sources: ["orders=" + server.conninfo], in: dir)
            #expect(increasing.status == .dataError)
            #expect(increasing.err.contains("`increasing: \"order_nr\"` names no column of the table"), "\(increasing.err)")
            #expect(increasing.err.contains("rules.velo:1:"), "\(increasing.err)")
            let query = run("table items = postgres(query: \"select sku, moq form items\") by sku\n",
                            sources: ["items=" + server.conninfo], in: dir)
            #expect(query.err.contains("the query failed: syntax error"), "\(query.err)")
            let keys = run("table items = postgres(query: \"select sku, moq from items where sku is not null\") by sku\n",
                           sources: ["items=" + server.conninfo], in: dir)
            #expect(keys.status == .dataError)
            #expect(keys.err.contains("appears twice"), "\(keys.err)")
            // The plan written back to PostgreSQL, and read again from there.
            let url = "postgresql://velo:secret@/postgres?host=\(server.dir)&port=\(server.port)"
            try Self.rules.write(toFile: dir + "/rules.velo", atomically: true, encoding: .utf8)
            let write = FrontendHarness.run(RunRequest(file: dir + "/rules.velo", sources: ["orders=" + server.conninfo], output: url))
            #expect(write.status == nil, "\(write.err)")
            #expect(!write.err.contains("secret"))
            let back = run("table series = postgres(table: \"series\")\ntable n:\n  rows = count(series.velocity)\n",
                           sources: ["series=" + server.conninfo], in: dir)
            #expect(back.status == nil, "\(back.err)")
            #expect(try String(contentsOfFile: dir + "/out/n.csv", encoding: .utf8) == "rows\n155\n")
            // A failed write (the table `flags` is a view) keeps the previous plan.
            try server.sql("DROP TABLE flags; CREATE VIEW flags AS SELECT 1 AS x; INSERT INTO series (sku) VALUES ('KEEP-ME');")
            try Self.rules.write(toFile: dir + "/rules.velo", atomically: true, encoding: .utf8)
            let failed = FrontendHarness.run(RunRequest(file: dir + "/rules.velo", sources: ["orders=" + server.conninfo], output: url))
            #expect(failed.status == .dataError)
            #expect(failed.err.contains("cannot write the plan to PostgreSQL"), "\(failed.err)")
            let kept = run("table series = postgres(query: \"select * from series where sku = 'KEEP-ME'\")\ntable n:\n  rows = count(series.sku)\n",
                           sources: ["series=" + server.conninfo], in: dir)
            #expect(try String(contentsOfFile: dir + "/out/n.csv", encoding: .utf8) == "rows\n1\n", "\(kept.err)")

            let nulls = run("table items = postgres(query: \"select sku, moq from items where moq <> 10\") by sku\n",
                            sources: ["items=" + server.conninfo], in: dir)
            #expect(nulls.status == .dataError)
            #expect(nulls.err.contains("empty key"), "\(nulls.err)")
        }
    }

    @Test("a plan written back to PostgreSQL reads back as it was: tabs, backslashes, newlines, `\\N`, missing values, many rows")
    func writeBackRoundTrip() throws {
        try PostgresServer.with { server in
            let dir = FrontendHarness.scratch()
            defer { FrontendHarness.remove(dir) }
            // Awkward texts, then enough rows for several of the writer's buffers.
            var csv = "k,name,qty,day,ok\n"
            csv += "A,\"tab\there\",1.5,2024-01-02,true\nB,\"back\\slash \\N\",,,\nC,\"two\nlines\r\",1e20,2024-02-29,false\n"
            csv += "E,\"ünï 😀\",-0.25,2024-03-02,false\n"
            for i in 0..<30_000 { csv += "R\(i),\"row \(i) with some text to fill the buffer\",\(i),2024-01-01,true\n" }
            try csv.write(toFile: dir + "/t.csv", atomically: true, encoding: .utf8)
            let rules = """
                table t = csv("t.csv") by k

                table out by k from t:
                  name = t.name
                  qty  = t.qty
                  day  = t.day
                  ok   = t.ok

                """
            let local = run(rules, sources: [], in: dir)
            #expect(local.status == nil, "\(local.err)")
            let expected = try String(contentsOfFile: dir + "/out/out.csv", encoding: .utf8)
            let url = "postgresql://velo:secret@/postgres?host=\(server.dir)&port=\(server.port)"
            let write = FrontendHarness.run(RunRequest(file: dir + "/rules.velo", sources: [], output: url))
            #expect(write.status == nil, "\(write.err)")
            try FileManager.default.removeItem(atPath: dir + "/out/out.csv")   // read back, not left over
            let back = run("""
                table written = postgres(table: "out") by k

                table out by k from written:
                  name = written.name
                  qty  = written.qty
                  day  = written.day
                  ok   = written.ok

                """, sources: ["written=" + server.conninfo], in: dir)
            #expect(back.status == nil, "\(back.err)")
            let actual = try String(contentsOfFile: dir + "/out/out.csv", encoding: .utf8)
            #expect(actual == expected, "first difference at \(zip(actual, expected).prefix { $0 == $1 }.count)")
            #expect(actual.contains("tab\there") && actual.contains("back\\slash \\N") && actual.contains("two\nlines"))
        }
    }

    @Test("rows appended by a declared increasing column are read alone; a changed old row reads all again; watch polls")
    func appendedRowsByAnIncreasingColumn() throws {
        try PostgresServer.with { server in
            try server.sql("""
                CREATE TABLE sales (order_no integer, date date, sku text, units integer);
                INSERT INTO sales VALUES (1, '2024-01-01', 'A', 1), (2, '2024-01-05', 'A', 2), (3, '2024-01-05', 'B', 4);
                """)
            setenv("VELO_TEST_PG_SALES", server.conninfo, 1)
            let dir = FrontendHarness.scratch()
            defer { FrontendHarness.remove(dir) }
            let rules = """
                table sales = postgres(table: "sales", url_env: "VELO_TEST_PG_SALES", increasing: "order_no")
                table t by sku from sales:
                  n = sum(sales.units)
                  c = count(sales.units)

                """
            let path = dir + "/plan.velo"
            try rules.write(toFile: path, atomically: true, encoding: .utf8)
            let program = try #require(RuleCompiler.compile(SourceFile(path: path, text: rules)).program)
            let t = try #require(program.table(named: "t"))
            func fresh() throws -> [ResultColumn] {
                let ws = try Workspace.open(program)
                return [ws.column(ColumnRef(t, 1)), ws.column(ColumnRef(t, 2))]
            }
            let ws = try Workspace.open(program)
            func same(_ a: [ResultColumn], _ b: [ResultColumn]) -> Bool { zip(a, b).allSatisfy { "\($0.values)" == "\($1.values)" } }

            // An appended row: only A's cells run.
            try server.sql("INSERT INTO sales VALUES (4, '2024-01-06', 'A', 5)")
            let appended = try ws.apply([.source("sales", path: nil)])
            #expect(appended.sourcesRead == ["sales"])
            #expect(appended.recomputed.values.allSatisfy { $0 == [0] }, "only row A (0) ran: \(appended.recomputed)")
            #expect(appended.cellsEvaluated == 2)
            #expect(same([ws.column(ColumnRef(t, 1)), ws.column(ColumnRef(t, 2))], try fresh()))
            // Nothing new: nothing read.
            #expect(try ws.apply([.source("sales", path: nil)]).sourcesRead.isEmpty)
            // An edited old row, a deleted one, one below the last key: read again, fresh values.
            for sql in ["UPDATE sales SET units = 10 WHERE order_no = 3", "DELETE FROM sales WHERE order_no = 1",
                        "INSERT INTO sales VALUES (0, '2024-01-02', 'B', 7)"] {
                try server.sql(sql)
                _ = try ws.apply([.source("sales", path: nil)])
                #expect(same([ws.column(ColumnRef(t, 1)), ws.column(ColumnRef(t, 2))], try fresh()), "after \(sql)")
            }

            // `velo watch` polls the server: a new row prints its key's cells.
            let captured = CapturedConsole()
            var loop = try WatchFrontend.Loop(path: path, sets: [], console: captured.console)
            loop.poll()
            #expect(captured.output.isEmpty, "nothing new, nothing printed:\n\(captured.output)")
            try server.sql("INSERT INTO sales VALUES (5, '2024-01-07', 'B', 1)")
            loop.poll(servers: false)
            #expect(captured.output.isEmpty, "the server is not asked between its polls")
            loop.poll()
            #expect(captured.output.contains("sales changed:"), "output:\n\(captured.output)")
            #expect(captured.output.contains("t.n[B]  17 → 18"), "output:\n\(captured.output)")
            #expect(!captured.output.contains("t.n[A]"), "output:\n\(captured.output)")
            // A column's type changed between polls, then the table gone: located diagnostics.
            try server.sql("ALTER TABLE sales ALTER COLUMN units TYPE text; INSERT INTO sales VALUES (6, '2024-01-08', 'A', 'many')")
            loop.poll()
            #expect(captured.output.contains("plan.velo:3:11: error: `sum` expects a number, found a text"), "output:\n\(captured.output)")
            #expect(captured.output.contains("(keeping the previous plan)"), "output:\n\(captured.output)")
            try server.sql("DROP TABLE sales")
            loop.poll()
            #expect(captured.output.contains("plan.velo:1:"), "output:\n\(captured.output)")
            #expect(captured.output.contains("the database has no table `sales`"), "output:\n\(captured.output)")
        }
    }

    @Test("an unreachable server is a data error naming the source")
    func unreachable() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let r = run(Self.rules, sources: ["orders=host=/nonexistent-velo port=1 user=velo dbname=x connect_timeout=2"], in: dir)
        #expect(r.status == .dataError)
        #expect(r.err.contains("cannot connect to PostgreSQL"), "\(r.err)")
    }

    @Test("a connection written in the rule file is an error")
    func noPasswordInRules() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let r = run("table orders = postgres(\"postgresql://u:pw@host/db\", table: \"orders\")\n", sources: [], in: dir)
        #expect(r.err.contains("a PostgreSQL connection is not written in the rule file"), "\(r.err)")
    }
}

@Suite struct SQLiteWriteBackTests {
    @Test("--output plan.db writes every table in one transaction; a failed write keeps the old plan")
    func writeBack() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let rules = FrontendHarness.root + "/Examples/erp_export/erp.velo"
        let db = dir + "/plan.db"
        let first = FrontendHarness.run(RunRequest(file: rules, output: db))
        #expect(first.status == nil, "\(first.err)")
        let check = dir + "/back.velo"
        try "table series = sqlite(\"plan.db\", table: \"series\") by sku, channel\ntable n:\n  rows = count(series.velocity)\n"
            .write(toFile: check, atomically: true, encoding: .utf8)
        let back = FrontendHarness.run(RunRequest(file: check, format: "csv", output: dir + "/out"))
        #expect(back.status == nil, "\(back.err)")
        #expect(try String(contentsOfFile: dir + "/out/n.csv", encoding: .utf8) == "rows\n155\n")
        // `flags` made a view: the write fails and `series` keeps its rows.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('drop table flags'); c.execute('create view flags as select 1 as x'); c.execute(\"delete from series where sku <> 'SKU000001'\"); c.commit()", db]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let failed = FrontendHarness.run(RunRequest(file: rules, output: db))
        #expect(failed.status == .dataError)
        #expect(failed.err.contains("cannot write the plan to"), "\(failed.err)")
        _ = FrontendHarness.run(RunRequest(file: check, format: "csv", output: dir + "/out"))
        let rows = try String(contentsOfFile: dir + "/out/n.csv", encoding: .utf8)
        #expect(rows == "rows\n3\n", "the failed write replaced nothing")
    }
}
