// The supplier call in the REPL (issue 14): a source column changed for the rows a
// condition picks, as one edit; compare over several columns or a whole table; undo per
// scenario; results written to files without the banner; percentages refused as numbers.

import Foundation
import Testing
@testable import VeloFrontend

@Suite("REPL: the supplier call")
struct REPLSupplierCallTests {
    @Test func leadTimesUpTwentyPercentForOneSupplierIsOneEdit() {
        let (ok, out) = ReplHarness.script([
            "scenario acme_late",
            "set items.lead_time_days = lead_time_days * 1.2 where supplier == \"Acme\"",
            "sum(items.lead_time_days)",
            "undo",
            "sum(items.lead_time_days)",
            "redo",
            "sum(items.lead_time_days)",
        ])
        #expect(ok, "\(out)")
        #expect(out.contains("items.lead_time_days where supplier == \"Acme\": 20 rows set to lead_time_days * 1.2 (20 changed)"), "\(out)")
        #expect(out.contains("undone: set items.lead_time_days = lead_time_days * 1.2 where supplier == \"Acme\""))
        let sums = out.split(separator: "\n").filter { $0.allSatisfy { $0.isNumber || $0 == "," || $0 == "." } }
        #expect(sums.count == 3 && sums[0] == sums[2] && sums[0] != sums[1], "\(sums)")
    }

    @Test func aWholeSourceColumnIsRedefinedAndErrorsSayWhy() {
        let (ok, out) = ReplHarness.script(["set items.moq = moq * 2", "sum(items.moq)"])
        #expect(ok, "\(out)")
        #expect(out.contains("items.moq: 60 rows set to moq * 2"))
        for (line, message) in [
            ("set items.moq = moq * 2 where supplier == \"Nobody\"", "no row of `items` matches"),
            ("set items.moq = supplier where moq > 0", "holds a number"),
            ("set items.moq = moq * 2 where moq", "`where` needs a true/false condition"),
            ("set items.sku = sku where moq > 0", "keys cannot be set"),
            ("set plan.need = 1", "computed by formulas"),
            ("set items.mq = 1", "did you mean"),
        ] {
            let (failed, text) = ReplHarness.script([line])
            #expect(!failed, "\(line)")
            #expect(text.contains(message), "\(line): \(text)")
        }
    }

    @Test func compareSeveralColumnsOrAWholeTable() {
        let (ok, out) = ReplHarness.script([
            "scenario acme_late",
            "set items.lead_time_days = lead_time_days * 1.2 where supplier == \"Acme\"",
            "compare base acme_late on plan",
            "compare base acme_late on plan.need, order_qty",
        ])
        #expect(ok, "\(out)")
        #expect(out.contains("plan: base vs acme_late, 20 of 60 rows differ"))
        #expect(out.contains("  order_qty: 7 rows differ; total 100,913 vs 112,821 (+11,908)"))
        #expect(out.contains("  cadence: 0 rows differ"))
        #expect(out.contains("plan: base vs acme_late, 8 of 60 rows differ\n  need: 8 rows differ"))
        let (bad, text) = ReplHarness.script(["scenario b", "compare base b on plan.need, series.velocity"])
        #expect(!bad)
        #expect(text.contains("columns of one table"))
    }

    @Test func aFreshForkHasNothingToUndo() {
        let (ok, out) = ReplHarness.script(["set service_level = 98%", "scenario fork", "undo"])
        #expect(!ok)
        #expect(out.hasSuffix("error: nothing to undo in scenario fork\n"), "\(out)")
        let (baseOk, baseOut) = ReplHarness.script(["set service_level = 98%", "scenario fork", "use base", "undo"])
        #expect(baseOk, "\(baseOut)")
    }

    @Test func percentageParamRefusesNinetyEight() {
        let (ok, out) = ReplHarness.script(["set service_level = 98"])
        #expect(!ok)
        #expect(out.contains("`98` would be 9800%; did you mean 98%?"), "\(out)")
    }

    @Test func showToFileWritesOnlyTheResult() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let (ok, out) = ReplHarness.script([
            "show plan sku, need where need > 0 sort by need desc limit 3 to \(dir)/out/top.csv",
            "mode json",
            "flags to \(dir)/flags.json",
            "checks to \(dir)/checks.csv",
            "scenario s",
            "compare base s on plan.need to \(dir)/cmp.txt",
        ])
        #expect(ok, "\(out)")
        let top = try String(contentsOfFile: dir + "/out/top.csv", encoding: .utf8)
        #expect(top.hasPrefix("sku,need\nSKU000050,"))
        #expect(top.split(separator: "\n").count == 4)
        let flags = try String(contentsOfFile: dir + "/flags.json", encoding: .utf8)
        #expect(flags.contains("\"sku\": \"SKU000010\", \"channel\": \"store\""), "keys as fields: \(flags)")
        // No failing check: an empty CSV with its header.
        #expect(try String(contentsOfFile: dir + "/checks.csv", encoding: .utf8) == "check,table,sku,detail\n")
        #expect(try String(contentsOfFile: dir + "/cmp.txt", encoding: .utf8).hasPrefix("plan.need: base vs s, 0 of 60 rows differ"))
        #expect(out.contains("wrote \(dir)/out/top.csv (csv, 4 lines)"))
    }

    @Test(.enabled(if: ReplHarness.veloBinary != nil, "the velo binary is not next to the test bundle"))
    func redirectedOutputHoldsNoBannerOrModeLine() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "mode csv\nshow plan sku, order_qty limit 2\n".write(toFile: dir + "/s.txt", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ReplHarness.veloBinary!)
        process.arguments = ["repl", ReplHarness.planRelative]
        process.currentDirectoryURL = URL(fileURLWithPath: ReplHarness.root)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: dir + "/s.txt"))
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: data, as: UTF8.self) == "sku,order_qty\nSKU000001,0\nSKU000002,0\n")
        #expect(String(decoding: errors, as: UTF8.self).contains("mode: csv"))
    }
}

@Suite("README: every REPL session works as printed")
struct READMESessionTests {
    /// Each ```text block that starts with `$ velo repl FILE`: lines after a prompt are typed,
    /// the others are what the REPL prints; a line `…` stands for the rest of a command's output.
    @Test func everySession() throws {
        let readme = try String(contentsOfFile: ReplHarness.root + "/README.md", encoding: .utf8)
        let blocks = readme.components(separatedBy: "```text\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
            .filter { $0.hasPrefix("$ velo repl ") }
        #expect(blocks.count >= 2, "the what-if session and the supplier call")
        for block in blocks {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let file = String(lines[0].dropFirst("$ velo repl ".count))
            let capture = ReplHarness.Capture()
            let session = ReplSession(console: capture.console)
            #expect(session.start(ReplOptions(file: ReplHarness.root + "/" + file)) == .ok)
            var expected: [String] = []      // the printed lines of the current command
            var actualOutput = capture.take() + "Type `help` for commands, Ctrl-D to leave.\n"
            func settle() {
                let got = actualOutput.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
                if let cut = expected.firstIndex(of: "…") {
                    #expect(Array(got.prefix(cut)) == Array(expected.prefix(cut)), "\(file): \(expected.prefix(cut)) vs \(got.prefix(cut + 2))")
                } else {
                    #expect(Array(got) == expected, "\(file): expected \(expected), got \(Array(got))")
                }
                expected = []
            }
            for line in lines.dropFirst() {
                if let prompt = ["velo> ", "velo ("].first(where: { line.hasPrefix($0) }) {
                    settle()
                    let input = prompt == "velo> " ? String(line.dropFirst(6)) : String(line[line.range(of: ")> ")!.upperBound...])
                    #expect(line.hasPrefix(session.prompt), "\(line): the prompt is \(session.prompt)")
                    #expect(session.execute(input), "\(input)")
                    actualOutput = capture.take()
                } else {
                    expected.append(line)
                }
            }
            settle()
        }
    }
}

@Suite("README: every shell command works as printed on a fresh clone")
struct READMECommandTests {
    /// Each ```sh block runs as one bash script (so a `cd` holds for the lines after it) in a
    /// copy of the examples, with `velo` the binary built next to the tests. `bash scripts/…`
    /// lines build and test Velo itself (what CI runs) and are left out.
    @Test(.enabled(if: ReplHarness.veloBinary != nil, "the velo binary is not next to the test bundle"))
    func everyCommand() throws {
        let readme = try String(contentsOfFile: ReplHarness.root + "/README.md", encoding: .utf8)
        let blocks = readme.components(separatedBy: "```sh\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
        #expect(blocks.count >= 3)
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/bin/velo", withDestinationPath: ReplHarness.veloBinary!)
        var ran = 0
        for (n, block) in blocks.enumerated() {
            let lines = block.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("bash scripts/") }
            guard !lines.isEmpty else { continue }
            let clone = dir + "/clone\(n)"
            try FileManager.default.createDirectory(atPath: clone, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: ReplHarness.root + "/Examples", toPath: clone + "/Examples")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-e", "-c", lines.joined(separator: "\n")]
            process.currentDirectoryURL = URL(fileURLWithPath: clone)
            var env = ProcessInfo.processInfo.environment
            env["PATH"] = dir + "/bin:" + (env["PATH"] ?? "/usr/bin:/bin")
            env["NO_COLOR"] = "1"
            process.environment = env
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "README block \(n + 1) failed:\n\(lines.joined(separator: "\n"))\n\(output.suffix(2000))")
            ran += lines.count
        }
        #expect(ran >= 12)
        #expect(FileManager.default.fileExists(atPath: dir + "/clone1/Examples/replenishment/out/review.html"))
        #expect(FileManager.default.fileExists(atPath: dir + "/clone2/out/velo-tests.xml"))
    }
}
