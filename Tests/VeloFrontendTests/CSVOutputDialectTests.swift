// CSV output for an ERP upload (issue 11): `velo run --csv-delimiter ";" --csv-decimal ","
// --csv-dates dd.mm.yyyy`, printed and written to `--output` files, against goldens in
// Tests/Fixtures/csvout (VELO_RECORD=1 rewrites them). Bad values are usage errors
// (Tests/Fixtures/badinput/cli_csv_*).

import Foundation
import Testing
@testable import VeloFrontend

@Suite struct CSVOutputDialectTests {
    static let directory = Golden.root + "/Tests/Fixtures/csvout"

    /// The name of each golden and the flags that make it.
    static let cases: [(String, [String?])] = [
        ("plain", [nil, nil, nil]),
        ("erp", [";", ",", "dd.mm.yyyy"]),
        ("tab", ["tab", nil, "mm/dd/yyyy"]),
        ("pipe", ["|", ",", "yyyy/mm/dd"]),
        ("dates_only", [nil, nil, "d.m.yy"]),
    ]

    func request(_ flags: [String?], output: String? = nil) -> RunRequest {
        var r = RunRequest(file: Self.directory + "/plan.velo", tables: ["upload"], format: output == nil ? "csv" : nil, output: output)
        r.csvDelimiter = flags[0]
        r.csvDecimal = flags[1]
        r.csvDates = flags[2]
        return r
    }

    func compare(_ text: String, golden name: String) throws {
        let path = Self.directory + "/" + name + ".csv"
        if Golden.recording || !FileManager.default.fileExists(atPath: path) {
            let missing = !FileManager.default.fileExists(atPath: path)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            if missing { Issue.record("\(name).csv was missing and has been written; review it and run again") }
            return
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == golden, "\(name).csv differs at \(Golden.firstDifference(golden, text))")
    }

    @Test("--format csv in a dialect gives the golden", arguments: cases.map(\.0))
    func printed(_ name: String) throws {
        let flags = Self.cases.first { $0.0 == name }!.1
        let r = FrontendHarness.run(request(flags))
        #expect(r.status == nil, "\(r.err)")
        try compare(r.out, golden: name)
    }

    @Test("--output FILE.csv and --output DIR/ write the same dialect")
    func written() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let flags: [String?] = [";", ",", "dd.mm.yyyy"]
        let printed = FrontendHarness.run(request(flags)).out
        let file = FrontendHarness.run(request(flags, output: dir + "/upload.csv"))
        #expect(file.status == nil, "\(file.err)")
        #expect(try String(contentsOfFile: dir + "/upload.csv", encoding: .utf8) == printed)
        let folder = FrontendHarness.run(request(flags, output: dir + "/out/"))
        #expect(folder.status == nil, "\(folder.err)")
        #expect(try String(contentsOfFile: dir + "/out/upload.csv", encoding: .utf8) == printed)
    }

    @Test("the dialect flags with output that is not CSV are a usage error, and nothing is written")
    func notCSV() {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let r = FrontendHarness.run(request([";", nil, nil], output: dir + "/upload.json"))
        #expect(r.status == .usage)
        #expect(r.err.contains("apply to CSV output"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/upload.json"))
    }
}
