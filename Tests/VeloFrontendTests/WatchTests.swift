// `velo watch`: appending lines to a data file prints the changed rows within a second, a
// line appended in two writes is read once it is complete, and an edit of the rule file that
// does not check keeps the previous plan.

import Foundation
import Testing
import VeloCheck
import VeloEngine
import VeloSyntax
@testable import VeloFrontend

final class CapturedConsole: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    var console: Console {
        Console(out: { [self] s in lock.withLock { text += s } }, err: { [self] s in lock.withLock { text += s } })
    }
    var output: String { lock.withLock { text } }

    /// Waits until the output contains `needle` (`times` times); returns the seconds it took, or nil.
    func wait(for needle: String, times: Int = 1, timeout: Double) -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if output.components(separatedBy: needle).count > times { return Date().timeIntervalSince(start) }
            usleep(10_000)
        }
        return nil
    }
}

@Suite(.serialized) struct WatchTests {
    static func example() throws -> String {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("velo-watch-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repo.appendingPathComponent("Examples/replenishment"), to: dir)
        return dir.path
    }

    static func append(_ line: String, to path: String) {
        let h = FileHandle(forWritingAtPath: path)!
        h.seekToEndOfFile()
        h.write(line.data(using: .utf8)!)
        h.closeFile()
    }

    @Test func appendedSalesShowTheChangedRowsWithinASecond() throws {
        let dir = try Self.example()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let captured = CapturedConsole()
        // The console is made on the watching thread (a Console is not Sendable); what it
        // writes goes to the lock-protected capture.
        let thread = Thread {
            try? WatchFrontend.run(file: dir + "/plan.velo", sets: [], interval: 50, console: captured.console, maxPolls: 60)
        }
        thread.start()
        #expect(captured.wait(for: "watching", timeout: 5) != nil)
        Self.append("2024-12-31,SKU000001,web,400\n", to: dir + "/data/sales.csv")
        let latency = captured.wait(for: "series.velocity[SKU000001, web]", timeout: 2)
        #expect(latency != nil && latency! < 1, "output:\n\(captured.output)")
        #expect(captured.output.contains("flag raised: velocity_shift [SKU000001, web]"))
        // A broken rule file keeps the previous plan.
        try "table broken = \n".write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        #expect(captured.wait(for: "keeping the previous plan", timeout: 2) != nil, "output:\n\(captured.output)")
        #expect(captured.wait(for: "stopped watching", timeout: 5) != nil)
    }

    @Test func aLineAppendedInTwoWritesIsReadWhenComplete() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("velo-watch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rules = "table sales = csv(\"sales.csv\")\ntable t by sku from sales:\n  n = sum(sales.units)\n  c = count(sales.units)\n"
        try rules.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        try "date,sku,units\n2024-01-01,A,1\n2024-01-05,A,2\n".write(toFile: dir + "/sales.csv", atomically: true, encoding: .utf8)
        let captured = CapturedConsole()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? WatchFrontend.run(file: dir + "/plan.velo", sets: [], interval: 20, console: captured.console, maxPolls: 3000)
            finished.signal()
        }
        thread.start()
        #expect(captured.wait(for: "watching", timeout: 10) != nil)
        // The writer stops in the middle of a line: nothing is read yet, nothing is refused.
        Self.append("2024-01-06,A,", to: dir + "/sales.csv")
        #expect(captured.wait(for: "sales changed", times: 1, timeout: 10) != nil, "output:\n\(captured.output)")
        Self.append("5\n", to: dir + "/sales.csv")
        #expect(captured.wait(for: "sales changed", times: 2, timeout: 10) != nil, "output:\n\(captured.output)")
        Self.append("2024-01-07,A,3\n", to: dir + "/sales.csv")
        #expect(captured.wait(for: "sales changed", times: 3, timeout: 10) != nil, "output:\n\(captured.output)")
        interruptWatch()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        let output = captured.output
        #expect(!output.contains("velo:"), "output:\n\(output)")
        #expect(output.contains("t.n[A]  3 → 8"), "output:\n\(output)")
        #expect(output.contains("t.n[A]  8 → 11"), "output:\n\(output)")
        // The same values as a fresh run of the files.
        let file = SourceFile(path: dir + "/plan.velo", text: rules)
        let program = try #require(RuleCompiler.compile(file).program)
        let fresh = try Workspace.open(program)
        let t = try #require(program.table(named: "t"))
        guard case .number(let n) = fresh.column(ColumnRef(t, 1)).values,
              case .number(let c) = fresh.column(ColumnRef(t, 2)).values else {
            Issue.record("t.n and t.c are not numbers")
            return
        }
        #expect(n == [11] && c == [4])
        #expect(output.contains("t.c[A]  3 → 4"), "output:\n\(output)")
    }
}
