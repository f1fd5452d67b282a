// README transcripts that are not REPL sessions: each ```text block opening with
// `$ velo run …` or `$ velo test …` is run through the binary in a copy of the examples and
// must print what the README shows (a line `…` stands for the rest). A block the prose
// introduces with a changed rule gets that change first.

import Foundation
import Testing
@testable import VeloFrontend

@Suite("README: every velo run / velo test transcript prints as shown")
struct READMETranscriptTests {
    /// The rule change the README asks for before its second `velo test` transcript.
    static let changes: [(from: String, to: String)] = [
        ("roundup(max(need, items.moq), items.case_pack)", "max(roundup(need, items.case_pack), items.moq)"),
    ]

    @Test(.enabled(if: ReplHarness.veloBinary != nil, "the velo binary is not next to the test bundle"))
    func everyTranscript() throws {
        let readme = try String(contentsOfFile: ReplHarness.root + "/README.md", encoding: .utf8)
        let blocks = readme.components(separatedBy: "```text\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
            .filter { $0.hasPrefix("$ velo run ") || $0.hasPrefix("$ velo test ") }
        #expect(blocks.count >= 3, "the report run and the two test runs")
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        var seen: Set<String> = []
        for (n, block) in blocks.enumerated() {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let command = String(lines[0].dropFirst(2))
            let clone = dir + "/clone\(n)"
            try FileManager.default.createDirectory(atPath: clone, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: ReplHarness.root + "/Examples", toPath: clone + "/Examples")
            // The same command shown again: the README changed the rule in between.
            if !seen.insert(command).inserted {
                let plan = clone + "/Examples/replenishment/plan.velo"
                var text = try String(contentsOfFile: plan, encoding: .utf8)
                for c in Self.changes where text.contains(c.from) { text = text.replacingOccurrences(of: c.from, with: c.to) }
                try text.write(toFile: plan, atomically: true, encoding: .utf8)
            }
            let args = command.split(separator: " ").dropFirst().map(String.init)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ReplHarness.veloBinary!)
            process.arguments = args
            process.currentDirectoryURL = URL(fileURLWithPath: clone)
            var env = ProcessInfo.processInfo.environment
            env["NO_COLOR"] = "1"
            env.removeValue(forKey: "COLUMNS")
            process.environment = env
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let got = printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var expected = Array(lines.dropFirst())
            if let cut = expected.firstIndex(of: "…") {
                expected = Array(expected.prefix(cut))
                #expect(Array(got.prefix(expected.count)) == expected, "\(command):\n\(printed.prefix(3000))")
            } else {
                #expect(Array(got.dropLast()) == expected, "\(command):\n\(printed)")
            }
        }
    }
}
