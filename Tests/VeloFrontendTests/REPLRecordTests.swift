// `record`: a test written from the REPL's current values passes under `velo test`, and a
// change of the rule it pins makes it fail.

import Foundation
import Testing
@testable import VeloFrontend

@Suite("REPL record") struct REPLRecordTests {
    /// A copy of the replenishment example in a scratch folder.
    static func example() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("velo-record-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: ReplHarness.root + "/Examples/replenishment", toPath: dir)
        try? FileManager.default.removeItem(atPath: dir + "/plan.test.velo")
        return dir
    }

    static func runTests(_ path: String) -> (String, VeloFrontend.ExitStatus) {
        let captured = CapturedConsole()
        do {
            try TestFrontend.run(TestRequest(paths: [path]), console: captured.console)
            return (captured.output, .ok)
        } catch {
            return (captured.output, error.status)
        }
    }

    @Test func aRecordedTestPassesAndCatchesAChangedRule() throws {
        let dir = try Self.example()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (session, capture) = ReplHarness.session(file: dir + "/plan.velo")
        #expect(session.execute("set service_level = 98%"))
        _ = capture.take()
        let test = dir + "/plan.test.velo"
        #expect(session.execute("record \"SKU000007 at 98%\" plan.order_qty[\"SKU000007\"], series.velocity[\"SKU000007\", \"web\"] to \(test)"))
        let printed = capture.take()
        #expect(printed.contains("test \"SKU000007 at 98%\":\n  given sales:\n"))
        #expect(printed.contains("  set service_level = 0.98\n"))
        #expect(printed.contains("  set asof = 2024-12-31\n"))
        #expect(printed.contains("  expect plan.order_qty[\"SKU000007\"] == 4422\n"))
        #expect(printed.hasSuffix("recorded in \(test); run `velo test \(test)`\n"))
        let (passing, status) = Self.runTests(dir + "/plan.velo")
        #expect(status == .ok, "\(passing)")
        #expect(passing.hasSuffix("1 passed, 0 failed\n"))
        // A rule change that moves the order: the recorded test fails and says by how much.
        let plan = try String(contentsOfFile: dir + "/plan.velo", encoding: .utf8)
        try plan.replacingOccurrences(of: "roundup(max(need, items.moq), items.case_pack)", with: "roundup(max(need, items.moq), 100)")
            .write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        let (failing, failed) = Self.runTests(dir + "/plan.velo")
        #expect(failed == .ruleErrors)
        #expect(failing.contains("plan.order_qty[\"SKU000007\"]: expected 4422, actual 4500"), "\(failing)")
    }

    @Test func recordUsage() {
        let (session, capture) = ReplHarness.session()
        #expect(!session.execute("record plan.order_qty[\"SKU000007\"]"))
        #expect(capture.take().contains("expected `record \"TEST NAME\" CELL, CELL ... [to FILE]`"))
        #expect(!session.execute("record \"x\" plan.order_qty[\"NOPE\"]"))
        #expect(capture.take().contains("has no row"))
    }
}
