// `velo watch`: appending lines to a data file prints the changed rows within a second, and
// an edit of the rule file that does not check keeps the previous plan.

import Foundation
import Testing
@testable import VeloFrontend

final class CapturedConsole: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    var console: Console {
        Console(out: { [self] s in lock.withLock { text += s } }, err: { [self] s in lock.withLock { text += s } })
    }
    var output: String { lock.withLock { text } }

    /// Waits until the output contains `needle`; returns the seconds it took, or nil.
    func wait(for needle: String, timeout: Double) -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if output.contains(needle) { return Date().timeIntervalSince(start) }
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
        let console = captured.console
        let thread = Thread {
            try? WatchFrontend.run(file: dir + "/plan.velo", sets: [], interval: 50, console: console, maxPolls: 60)
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
}
