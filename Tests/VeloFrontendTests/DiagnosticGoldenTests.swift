// Golden tests of every static diagnostic a planner can see.
//
// Each Tests/Fixtures/diagnostics/X.velo is parsed and checked; its rendered diagnostics
// (no colour, path relative to the package root) must equal X.err byte for byte.
//
//   swift test --filter DiagnosticGolden                 compare with the goldens
//   VELO_RECORD=1 swift test --filter DiagnosticGolden   rewrite every golden
//
// A missing golden is written and the test fails, so a new fixture is recorded on its
// first run and reviewed before it is committed.

import Testing
import VeloSyntax
@testable import VeloFrontend

@Suite struct DiagnosticGoldenTests {
    @Test("rendered diagnostics match the golden", arguments: Golden.fixtures)
    func golden(_ name: String) throws {
        let result = try Golden.check(name)

        #expect(result.diagnostics.hasErrors, "\(name).velo gives no error")
        let starts = result.diagnostics.map(\.span.start)
        #expect(starts == starts.sorted(), "\(name).velo: diagnostics are not in source order")

        if Golden.recording {
            try Golden.writeGolden(name, result.rendered)
            return
        }
        guard let golden = Golden.readGolden(name) else {
            try Golden.writeGolden(name, result.rendered)
            Issue.record("\(name).err was missing and has been written; review it and run again")
            return
        }
        #expect(result.rendered == golden,
                "\(name).err differs (VELO_RECORD=1 rewrites it) at \(Golden.firstDifference(golden, result.rendered))")
    }

    @Test("the fixtures cover at least 40 kinds of message")
    func coverage() throws {
        #expect(Golden.fixtures.count >= 45, "only \(Golden.fixtures.count) fixtures")
        var templates = Set<String>()
        for name in Golden.fixtures {
            for d in try Golden.check(name).diagnostics { templates.insert(Golden.template(d)) }
        }
        #expect(templates.count >= 40, "only \(templates.count) distinct messages:\n\(templates.sorted().joined(separator: "\n"))")
    }

    @Test("every fixture has a golden and every golden a fixture")
    func noStrayGoldens() throws {
        let files = try Golden.fileNames()
        let goldens = Set(files.filter { $0.hasSuffix(".err") }.map { String($0.dropLast(4)) })
        let stray = goldens.subtracting(Golden.fixtures).sorted()
        #expect(stray.isEmpty, "goldens without a fixture: \(stray)")
    }
}
