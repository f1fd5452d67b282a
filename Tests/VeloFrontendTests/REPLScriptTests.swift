// Scripted REPL sessions with golden output: `velo repl plan.velo < whatif.txt` (set the
// service level to 98% in a scenario, print the plan, compare the scenarios, explain an
// order) run in-process and through the real binary, and the README's what-if session,
// which must work exactly as printed. VELO_RECORD=1 rewrites the golden.

import Foundation
import Testing
@testable import VeloFrontend

@Suite("REPL scripts")
struct REPLScriptTests {
    static let script = ReplHarness.fixtures + "/whatif.txt"
    static let golden = ReplHarness.fixtures + "/whatif.out"

    static func compare(_ actual: String, toGolden path: String) throws {
        let full = ReplHarness.root + "/" + path
        if ReplHarness.recording {
            try actual.write(toFile: full, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOfFile: full, encoding: .utf8) else {
            try actual.write(toFile: full, atomically: true, encoding: .utf8)
            Issue.record("wrote the missing golden \(path); read it, then commit it")
            return
        }
        #expect(actual == expected, "\(Golden.firstDifference(expected, actual))")
    }

    @Test func whatIfSessionInProcess() throws {
        let text = try String(contentsOfFile: ReplHarness.root + "/" + Self.script, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).makeIterator()
        let capture = ReplHarness.Capture()
        let session = ReplSession(console: capture.console)
        #expect(session.start(ReplOptions(file: ReplHarness.plan)) == .ok)
        #expect(ReplFrontend.runScript(session) { lines.next() })
        try Self.compare(capture.take(), toGolden: Self.golden)
    }

    @Test(.enabled(if: ReplHarness.veloBinary != nil, "the velo binary is not next to the test bundle"))
    func whatIfSessionThroughTheBinary() throws {
        let (status, output) = try ReplHarness.runVelo(["repl", ReplHarness.planRelative], stdin: Self.script)
        #expect(status == 0)
        #expect(!output.contains("\u{1B}"), "escape codes in piped output")
        #expect(!output.contains("velo> "), "a prompt in piped output")
        if !ReplHarness.recording {
            let expected = try String(contentsOfFile: ReplHarness.root + "/" + Self.golden, encoding: .utf8)
            #expect(output == expected, "\(Golden.firstDifference(expected, output))")
        }
    }

    @Test(.enabled(if: ReplHarness.veloBinary != nil, "the velo binary is not next to the test bundle"))
    func exitStatusSaysWhetherACommandFailed() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "sum(plan.order_qty)\nset nosuch = 1\nsum(plan.order_qty)\n".write(toFile: dir + "/s.txt", atomically: true, encoding: .utf8)
        let empty = try ReplHarness.runVelo(["repl", ReplHarness.planRelative], stdin: nil)
        #expect(empty.status == 0, "\(empty.output)")
        let failing = try ReplHarness.runVelo(["repl", ReplHarness.planRelative], stdin: dir + "/s.txt")
        #expect(failing.status == 1)
        #expect(failing.output.hasSuffix("100,913\nerror: unknown param `nosuch` (`params` lists them; a data cell is set as `set items.moq[\"SKU00012\"] = 500`)\n100,913\n"))
        let missing = try ReplHarness.runVelo(["repl", "nosuch.velo"], stdin: nil)
        #expect(missing.status == 2)
    }

    /// The README's session: lines after a prompt are typed, the others are what the REPL prints.
    @Test func readmeSessionWorksAsPrinted() throws {
        let readme = try String(contentsOfFile: ReplHarness.root + "/README.md", encoding: .utf8)
        guard let section = readme.range(of: "## What-if sessions in the REPL") else {
            Issue.record("README.md has no section \"What-if sessions in the REPL\"")
            return
        }
        let rest = readme[section.upperBound...]
        guard let open = rest.range(of: "```text\n"), let close = rest[open.upperBound...].range(of: "```") else {
            Issue.record("the REPL section has no ```text session")
            return
        }
        let lines = rest[open.upperBound..<close.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard let first = lines.first, first.hasPrefix("$ velo repl ") else {
            Issue.record("the session starts with `$ velo repl FILE`")
            return
        }
        let file = String(first.dropFirst("$ velo repl ".count))
        let capture = ReplHarness.Capture()
        let session = ReplSession(console: capture.console)
        #expect(session.start(ReplOptions(file: ReplHarness.root + "/" + file)) == .ok)
        var actual = "$ velo repl \(file)\n" + capture.take() + "Type `help` for commands, Ctrl-D to leave.\n"
        for line in lines.dropFirst() {
            guard let prompt = ["velo> ", "velo (" ].first(where: { line.hasPrefix($0) }) else { continue }
            let input = prompt == "velo> " ? String(line.dropFirst(6)) : String(line[line.range(of: ")> ")!.upperBound...])
            actual += session.prompt + input + "\n"
            #expect(session.execute(input), "\(input)")
            actual += capture.take()
        }
        let expected = lines.joined(separator: "\n") + "\n"
        #expect(actual == expected, "\(Golden.firstDifference(expected, actual))")
    }
}
