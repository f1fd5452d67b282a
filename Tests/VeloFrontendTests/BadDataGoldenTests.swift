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
