// Golden tests of bad data: each Tests/Fixtures/baddata/X.velo reads a source that is wrong in
// one way — a CSV dialect value, a mapping, a row filter, a SQLite table or query — and
// `velo check X.velo` must give exactly the message and exit status in X.err.
//
//   swift test --filter BadDataGolden                 compare with the goldens
//   VELO_RECORD=1 swift test --filter BadDataGolden   rewrite every golden

import Foundation
import Testing
@testable import VeloFrontend

enum BadDataGolden {
    static let relativeDirectory = "Tests/Fixtures/baddata"
    static var directory: String { Golden.root + "/" + relativeDirectory }

    static let fixtures: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".velo") }.map { String($0.dropLast(5)) }.sorted()
    }()

    /// `exit N`, then what `velo check` printed, paths relative to the package root.
    static func run(_ name: String) -> (status: Int32, text: String) {
        let capture = FrontendHarness.Capture()
        var status: Int32 = 0
        do {
            try CheckFrontend.run(CheckRequest(files: [directory + "/" + name + ".velo"]), console: capture.console)
        } catch {
            status = error.status.rawValue
        }
        let text = ("exit \(status)\n" + capture.out + capture.err).replacingOccurrences(of: Golden.root + "/", with: "")
        return (status, text)
    }
}

@Suite struct BadDataGoldenTests {
    @Test("bad data gives the golden message and exit status", arguments: BadDataGolden.fixtures)
    func golden(_ name: String) throws {
        let (status, text) = BadDataGolden.run(name)
        #expect(status != 0, "\(name).velo passes")
        let path = BadDataGolden.directory + "/" + name + ".err"
        if Golden.recording || !FileManager.default.fileExists(atPath: path) {
            let missing = !FileManager.default.fileExists(atPath: path)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            if missing { Issue.record("\(name).err was missing and has been written; review it and run again") }
            return
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == golden, "\(name).err differs (VELO_RECORD=1 rewrites it) at \(Golden.firstDifference(golden, text))")
    }

    @Test("at least 30 cases: dialects, mappings, filters and SQLite")
    func coverage() {
        #expect(BadDataGolden.fixtures.count >= 30)
        for prefix in ["dialect_", "mapping_", "filter_", "sqlite_"] {
            #expect(BadDataGolden.fixtures.contains { $0.hasPrefix(prefix) }, "no \(prefix) case")
        }
    }
}

// The same mechanism for whole command lines: each Tests/Fixtures/badinput/CASE/ holds `cmd`
// (the arguments after `velo`, one a line), the input files, optionally `stdin` (REPL
// lines), and `expected`: the exit status, standard output and standard error of the built
// `velo` run in that folder. Rule files, data, command-line flags and REPL lines, each wrong
// in one way: the golden says what Velo answers, and that it neither crashes, hangs, nor
// prints part of an output before failing.
//
//   swift test --filter BadInputGolden                 compare with the goldens
//   VELO_RECORD=1 swift test --filter BadInputGolden   rewrite every golden
enum BadInputGolden {
    static var directory: String { Golden.root + "/Tests/Fixtures/badinput" }

    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: directory + "/" + $0 + "/cmd") }.sorted()
    }()

    /// `exit N`, `--- stdout`, what it printed, `--- stderr`, what it printed. A run that
    /// does not end within a minute is killed and reported as a hang (a safety net, not a
    /// measurement: the cases finish in milliseconds).
    static func run(_ name: String) throws -> String {
        guard let velo = ReplHarness.veloBinary else { throw ReplHarness.HarnessError("the velo binary was not built next to the tests") }
        let dir = directory + "/" + name
        let arguments = try String(contentsOfFile: dir + "/cmd", encoding: .utf8).split(separator: "\n").map(String.init)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: velo)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["COLUMNS"] = "100"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = dir + "/stdin"
        process.standardInput = FileManager.default.fileExists(atPath: stdin) ? try FileHandle(forReadingFrom: URL(fileURLWithPath: stdin))
                                                                              : FileHandle.nullDevice
        try process.run()
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        nonisolated(unsafe) var outData = Data(), errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        if finished.wait(timeout: .now() + 60) == .timedOut {
            process.terminate()
            return "hang: still running after a minute\n"
        }
        group.wait()
        let status = process.terminationReason == .uncaughtSignal ? "crash (signal \(process.terminationStatus))" : "exit \(process.terminationStatus)"
        return (status + "\n--- stdout\n" + String(decoding: outData, as: UTF8.self) + "--- stderr\n" + String(decoding: errData, as: UTF8.self))
            .replacingOccurrences(of: dir + "/", with: "")
    }
}

@Suite struct BadInputGoldenTests {
    @Test("a bad command line, rule file, data file or REPL line gives the golden answer", arguments: BadInputGolden.cases)
    func golden(_ name: String) throws {
        let text = try BadInputGolden.run(name)
        #expect(!text.hasPrefix("crash") && !text.hasPrefix("hang"), "\(name): \(text)")
        let path = BadInputGolden.directory + "/" + name + "/expected"
        if Golden.recording || !FileManager.default.fileExists(atPath: path) {
            let missing = !FileManager.default.fileExists(atPath: path)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            if missing { Issue.record("\(name)/expected was missing and has been written; review it and run again") }
            return
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == golden, "\(name)/expected differs (VELO_RECORD=1 rewrites it) at \(Golden.firstDifference(golden, text))")
    }

    @Test("the catalogue: at least 80 bad inputs across rule files, data, flags and REPL lines")
    func coverage() {
        let all = BadDataGolden.fixtures.map { "baddata/" + $0 } + BadInputGolden.cases
        #expect(all.count >= 80, "\(all.count) cases")
        for prefix in ["rule_", "data_", "cli_", "repl_"] {
            #expect(BadInputGolden.cases.filter { $0.hasPrefix(prefix) }.count >= 10, "fewer than 10 \(prefix) cases")
        }
    }
}
