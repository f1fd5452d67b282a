// `velo watch` over a SQLite source: an appended row prints the cells of its key alone, an
// edited old row the fresh values, and a table that vanishes (or a column whose type changed)
// the rule file's diagnostics, located, keeping the previous plan. The messages are goldens
// under Tests/Fixtures/watch (clock times, timings and the scratch folder written as `hh:mm:ss`, `t ms`, `DIR`).
//
//   VELO_RECORD=1 swift test --filter DatabaseWatchTests   rewrites them

import CSQLite
import Foundation
import Testing
@testable import VeloFrontend

enum WatchGolden {
    static var directory: String { Golden.root + "/Tests/Fixtures/watch" }

    /// `text` with the scratch folder and the clock times made stable.
    static func stable(_ text: String, dir: String) -> String {
        let masked = text.replacingOccurrences(of: dir + "/", with: "DIR/").replacingOccurrences(of: dir, with: "DIR")
        let clocked = masked.replacingOccurrences(of: #"(?m)^\d\d:\d\d:\d\d  "#, with: "hh:mm:ss  ", options: .regularExpression)
        return clocked.replacingOccurrences(of: #"\([0-9.,]+ ms\)"#, with: "(t ms)", options: .regularExpression)
    }

    static func expect(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = directory + "/" + name + ".out"
        if Golden.recording || !FileManager.default.fileExists(atPath: path) {
            let missing = !FileManager.default.fileExists(atPath: path)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            if missing { Issue.record("\(name).out was missing and has been written; review it and run again", sourceLocation: sourceLocation) }
            return
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == golden, "\(name).out differs (VELO_RECORD=1 rewrites it) at \(Golden.firstDifference(golden, text))",
                sourceLocation: sourceLocation)
    }
}

/// Runs SQL on a SQLite database file.
func sqliteExec(_ path: String, _ sql: String) {
    var db: OpaquePointer?
    guard sqlite3_open(path, &db) == SQLITE_OK else { Issue.record("cannot open \(path)"); return }
    defer { sqlite3_close(db) }
    var error: UnsafeMutablePointer<CChar>?
    if sqlite3_exec(db, sql, nil, nil, &error) != SQLITE_OK {
        Issue.record("SQL failed: \(error.map { String(cString: $0) } ?? "?")")
        sqlite3_free(error)
    }
}

@Suite(.serialized) struct DatabaseWatchTests {
    static let rules = """
        table sales = sqlite("sales.db", table: "sales", increasing: "order_no")
        table t by sku from sales:
          n = sum(sales.units)
          c = count(sales.units)

        """

    /// A scratch folder with the rule file and the database; the watch loop over them.
    static func start() throws -> (dir: String, loop: WatchFrontend.Loop, captured: CapturedConsole) {
        let dir = FrontendHarness.scratch()
        try rules.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        sqliteExec(dir + "/sales.db", """
            CREATE TABLE sales (order_no INTEGER PRIMARY KEY, date DATE, sku TEXT, units INTEGER);
            INSERT INTO sales VALUES (1, '2024-01-01', 'A', 1), (2, '2024-01-05', 'A', 2), (3, '2024-01-05', 'B', 4);
            """)
        let captured = CapturedConsole()
        let loop = try WatchFrontend.Loop(path: dir + "/plan.velo", sets: [], console: captured.console)
        return (dir, loop, captured)
    }

    @Test func anAppendedRowShowsItsKeyAloneAndAnEditedRowTheFreshValues() throws {
        var (dir, loop, captured) = try Self.start()
        defer { FrontendHarness.remove(dir) }
        loop.poll()
        #expect(captured.output.isEmpty, "nothing changed, nothing printed:\n\(captured.output)")
        sqliteExec(dir + "/sales.db", "INSERT INTO sales VALUES (4, '2024-01-06', 'A', 5)")
        loop.poll()
        #expect(captured.output.contains("t.n[A]  3 → 8"), "output:\n\(captured.output)")
        #expect(!captured.output.contains("[B]"), "B's rows are not recomputed:\n\(captured.output)")
        sqliteExec(dir + "/sales.db", "UPDATE sales SET units = 10 WHERE order_no = 3")
        loop.poll()
        #expect(captured.output.contains("t.n[B]  4 → 10"), "output:\n\(captured.output)")
        try WatchGolden.expect(WatchGolden.stable(captured.output, dir: dir), named: "sqlite_append_and_edit")
    }

    @Test func aVanishedTableKeepsThePreviousPlanWithLocatedDiagnostics() throws {
        var (dir, loop, captured) = try Self.start()
        defer { FrontendHarness.remove(dir) }
        sqliteExec(dir + "/sales.db", "DROP TABLE sales")
        loop.poll()
        try WatchGolden.expect(WatchGolden.stable(captured.output, dir: dir), named: "sqlite_table_vanished")
        // The table back with another type for `units`: the rule file's `sum` no longer checks.
        sqliteExec(dir + "/sales.db", """
            CREATE TABLE sales (order_no INTEGER PRIMARY KEY, date DATE, sku TEXT, units TEXT);
            INSERT INTO sales VALUES (1, '2024-01-01', 'A', 'one');
            """)
        let before = captured.output.count
        loop.poll()
        try WatchGolden.expect(WatchGolden.stable(String(captured.output.dropFirst(before)), dir: dir), named: "sqlite_column_type_changed")
    }

    @Test func theWatchCommandSaysWhatItWatches() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try Self.rules.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        sqliteExec(dir + "/sales.db", "CREATE TABLE sales (order_no INTEGER PRIMARY KEY, date DATE, sku TEXT, units INTEGER);"
                   + "INSERT INTO sales VALUES (1, '2024-01-01', 'A', 1)")
        let captured = CapturedConsole()
        try WatchFrontend.run(file: dir + "/plan.velo", sets: [], interval: 10, console: captured.console, maxPolls: 1)
        #expect(captured.output.hasPrefix("watching \(dir)/plan.velo and 1 data file; 0 flags"), "output:\n\(captured.output)")
    }
}
