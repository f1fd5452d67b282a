// Integer keys through the commands: `velo run` (table, CSV and JSON print integers, rows in
// numeric order), the REPL (`set targets.target["10"] = …`, explain by typed key) and
// `velo test` (given/expect rows and flag keys are integers). Fixture:
// Tests/Fixtures/velotest/typedkeys (weeks 1, 2, 9, 10).

import Foundation
import Testing
@testable import VeloFrontend

@Suite("Typed keys through the commands")
struct TypedKeyCommandTests {
    static let plan = VeloTestHarness.fixtures + "/typedkeys/weeks.velo"

    @Test("velo run --format csv and json print integer keys as integers, in numeric order")
    func runOutput() {
        let csv = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["weekly"], format: "csv"))
        #expect(csv.status == nil, "\(csv.err)")
        #expect(csv.out == "sku,week,units,target\nA,1,3,100\nA,2,2,200\nA,10,1,1000\nB,9,4,900\n")
        let json = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["weekly"], format: "json"))
        #expect(json.out.contains(#"{"sku": "A", "week": 10, "units": 1, "target": 1000}"#))
    }

    @Test("the REPL sets and explains cells by integer key")
    func replEdits() {
        let (s, c) = ReplHarness.session(file: Self.plan)
        _ = c.take()
        #expect(s.execute("set targets.target[\"10\"] = 5"))
        #expect(c.take().hasPrefix("targets.target[10]: 1,000 → 5\n"))
        #expect(s.execute("explain weekly.target[\"A\", \"10\"]"))
        #expect(c.take().contains("└─ targets.target[10] = 5  (data)"))
        #expect(!s.execute("set targets.target[\"3\"] = 5"))
        #expect(c.take().contains("`targets` has no row [3]"))
    }

    @Test("the REPL records a test of a cell with integer keys: given rows matched by value, the key unquoted")
    func replRecord() {
        let (s, c) = ReplHarness.session(file: Self.plan)
        _ = c.take()
        #expect(s.execute("record \"w10\" weekly.target[\"A\", 10]"))
        let out = c.take()
        #expect(out.contains("  given targets:\n    week, target\n    10,   1000\n"), "\(out)")
        #expect(out.contains("  expect weekly.target[\"A\", 10] == 1000\n"), "\(out)")
    }

    @Test("velo test: given and expected rows with integer keys, flags picked by integer key")
    func veloTest() {
        let r = VeloTestHarness.run(["typedkeys"])
        #expect(r.status == nil, "\(r.out)\(r.err)")
        #expect(r.out.contains("PASS weeks"))
    }

    @Test("the human table prints integer keys without thousands separators, in numeric order")
    func humanTable() throws {
        let dir = FileManager.default.temporaryDirectory.path + "/velo-typed-keys-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "store,units\n1001,5\n20000,3\n-3,1\n".write(toFile: dir + "/stores.csv", atomically: true, encoding: .utf8)
        try "table stores = csv(\"stores.csv\") by store\ntable t by store from stores:\n  u = stores.units * 1000\n"
            .write(toFile: dir + "/s.velo", atomically: true, encoding: .utf8)
        let r = FrontendHarness.run(RunRequest(file: dir + "/s.velo", tables: ["t"]))
        #expect(r.status == nil, "\(r.err)")
        #expect(r.out.contains("-3     1,000\n1001   5,000\n20000  3,000\n"), "\(r.out)")
    }
}
