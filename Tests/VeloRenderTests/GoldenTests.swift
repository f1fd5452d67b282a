// Golden-file tests: each fixture in each format, compared byte for byte with a committed
// file under Golden/. A missing golden file is written and the test fails (look at it, then
// rerun); VELO_RECORD=1 rewrites every golden file after an intended change.

import Foundation
import Testing
import VeloRender

struct GoldenCase: Sendable, CustomTestStringConvertible {
    var file: String
    var render: @Sendable () -> String
    var testDescription: String { file }
}

let goldenCases: [GoldenCase] = {
    var cases: [GoldenCase] = []
    for table in [Fixtures.plan, Fixtures.magnitudes, Fixtures.empty, Fixtures.wide, Fixtures.priced] {
        for format in OutputFormat.allCases {
            let ext = ["table": "txt", "csv": "csv", "json": "json", "markdown": "md"][format.rawValue]!
            cases.append(GoldenCase(file: "\(table.name).\(ext)") { table.rendered(as: format) })
        }
    }
    cases.append(GoldenCase(file: "plan.width40.txt") { Fixtures.plan.rendered(as: .table, width: 40) })
    cases.append(GoldenCase(file: "plan.color.txt") { Fixtures.plan.rendered(as: .table, color: true) })
    cases.append(GoldenCase(file: "plan.rows2.txt") { Fixtures.plan.rendered(as: .table, maxRows: 2) })
    cases.append(GoldenCase(file: "wide.width80.txt") { Fixtures.wide.rendered(as: .table, width: 80) })
    cases.append(GoldenCase(file: "wide.width50.txt") { Fixtures.wide.rendered(as: .table, width: 50) })
    cases.append(GoldenCase(file: "plan+magnitudes.json") {
        JSONRenderer().render(tables: [Fixtures.plan, Fixtures.magnitudes])
    })
    // `--units`: CSV headers with the unit, JSON tables with a units object; the rows unchanged.
    cases.append(GoldenCase(file: "priced.units.csv") { Fixtures.priced.rendered(as: .csv, units: true) })
    cases.append(GoldenCase(file: "priced.units.json") { Fixtures.priced.rendered(as: .json, units: true) })
    cases.append(GoldenCase(file: "plan+priced.units.json") {
        JSONRenderer(units: true).render(tables: [Fixtures.plan, Fixtures.priced])
    })
    cases.append(GoldenCase(file: "empty.units.json") { Fixtures.empty.rendered(as: .json, units: true) })
    // The review page's tables word cells as the terminal does.
    cases.append(GoldenCase(file: "priced.html") { HTMLTableRenderer().render(Fixtures.priced) })
    return cases
}()

@Test(arguments: goldenCases)
func golden(_ golden: GoldenCase) throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let url = directory.appendingPathComponent(golden.file)
    let actual = golden.render()
    let record = ProcessInfo.processInfo.environment["VELO_RECORD"] == "1"
    guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try AtomicFile.write(actual, to: url.path)
        if !record { Issue.record("wrote missing golden file \(url.path); check it and rerun") }
        return
    }
    #expect(actual == expected, "output differs from \(golden.file); rerun with VELO_RECORD=1 if intended")
}
