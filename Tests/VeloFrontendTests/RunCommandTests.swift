// `velo run` error paths: each gives its documented exit status (2 usage, 1 rule errors,
// 3 data or output) and a message that says what is wrong. Plus the successful paths the
// error paths border on (--set, --table, --output to one file).

import Foundation
import Testing
@testable import VeloFrontend

@Suite("velo run")
struct RunCommandTests {
    static var plan: String { FrontendHarness.root + "/Examples/replenishment/plan.velo" }

    struct Failing: CustomTestStringConvertible, Sendable {
        var name: String
        var request: RunRequest
        var status: VeloFrontend.ExitStatus
        var message: String
        var testDescription: String { name }
    }

    static var usageErrors: [Failing] {
        let plan = Self.plan
        return [
            Failing(name: "unknown --format", request: RunRequest(file: plan, format: "xml"), status: .usage,
                    message: "velo: unknown format `xml`; choose table, csv, json or markdown\n"),
            Failing(name: "--asof not a date", request: RunRequest(file: plan, asof: "2024-13-01"), status: .usage,
                    message: "velo: --asof needs a date as YYYY-MM-DD, found `2024-13-01`\n"),
            Failing(name: "--asof in another format", request: RunRequest(file: plan, asof: "31/12/2024"), status: .usage,
                    message: "velo: --asof needs a date as YYYY-MM-DD, found `31/12/2024`\n"),
            Failing(name: "--set of an unknown param", request: RunRequest(file: plan, sets: ["service_levle=98%"]), status: .usage,
                    message: "velo: --set: unknown param `service_levle`: did you mean `service_level`?\n"),
            Failing(name: "--set of a param far from any name", request: RunRequest(file: plan, sets: ["budget=5"]), status: .usage,
                    message: "velo: --set: unknown param `budget`\n"),
            Failing(name: "--set with a word for a number", request: RunRequest(file: plan, sets: ["service_level=fast"]), status: .usage,
                    message: "velo: --set service_level: expected a number such as `0.98` or `98%`, found `fast`\n"),
            Failing(name: "--set with a duration for a number", request: RunRequest(file: plan, sets: ["service_level=21 days"]), status: .usage,
                    message: "velo: --set service_level: expected a number such as `0.98` or `98%`, found `21 days`\n"),
            Failing(name: "--set with a date for a number", request: RunRequest(file: plan, sets: ["velocity_threshold=2024-01-01"]), status: .usage,
                    message: "velo: --set velocity_threshold: expected a number such as `0.98` or `98%`, found `2024-01-01`\n"),
            Failing(name: "--set without a value", request: RunRequest(file: plan, sets: ["service_level"]), status: .usage,
                    message: "velo: --set needs NAME=VALUE, found `service_level`\n"),
            Failing(name: "--source for a derived table", request: RunRequest(file: plan, sources: ["plan=x.csv"]), status: .usage,
                    message: "velo: --source: `plan` is not a source table of \(plan)\n"),
            Failing(name: "--source for a misspelt source", request: RunRequest(file: plan, sources: ["salse=x.csv"]), status: .usage,
                    message: "velo: --source: `salse` is not a source table of \(plan): did you mean `sales`?\n"),
            Failing(name: "--source without a path", request: RunRequest(file: plan, sources: ["sales"]), status: .usage,
                    message: "velo: --source needs NAME=PATH, found `sales`\n"),
            Failing(name: "--table unknown", request: RunRequest(file: plan, tables: ["plna"]), status: .usage,
                    message: "velo: --table: no table `plna` in \(plan): did you mean `plan`?\n"),
            Failing(name: "--limit negative", request: RunRequest(file: plan, limit: -1), status: .usage,
                    message: "velo: --limit must be 0 or more\n"),
            Failing(name: "a missing rule file", request: RunRequest(file: "/nonexistent/velo/plan.velo"), status: .usage,
                    message: "velo: cannot read /nonexistent/velo/plan.velo: No such file or directory\n"),
        ]
    }

    @Test("usage errors exit with status 2 and say what is wrong", arguments: usageErrors)
    func usageError(_ c: Failing) {
        let result = FrontendHarness.run(c.request)
        #expect(result.status == c.status)
        #expect(result.err == c.message)
        #expect(result.out.isEmpty)
    }

    @Test("a rule file with errors exits with status 1 and shows the diagnostics")
    func ruleErrors() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "sku,units\nA,1\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        let rules = "table items = csv(\"items.csv\") by sku\ntable plan by sku from items:\n  units = items.units\n  double = unts * 2\n"
        try rules.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        let result = FrontendHarness.run(RunRequest(file: dir + "/plan.velo"))
        #expect(result.status == .ruleErrors)
        #expect(result.err.hasPrefix("\(dir)/plan.velo:4:12: error: unknown name `unts`"))
        #expect(result.err.contains("  4 |   double = unts * 2\n"))
        #expect(result.err.contains("did you mean `units`?"))
        #expect(result.err.hasSuffix("\(dir)/plan.velo: 1 error\n"))
        #expect(result.out.isEmpty)
    }

    /// A small plan over a sales file with 1,200 good rows, then `badLine`.
    static func dataScratch(badLine: String) throws -> String {
        let dir = FrontendHarness.scratch()
        var sales = "date,sku,units\n"
        for i in 0..<1200 { sales += "2024-01-\(String(format: "%02d", i % 28 + 1)),S\(i % 7),\(i % 5)\n" }
        sales += badLine + "\n"
        try sales.write(toFile: dir + "/sales.csv", atomically: true, encoding: .utf8)
        let rules = "table sales = csv(\"sales.csv\")\ntable s by sku from sales:\n  units = sum(sales.units, last 7 days)\n"
        try rules.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        return dir
    }

    @Test("a CSV with a bad row exits with status 3 and names file, line and column")
    func badDataRow() throws {
        let dir = try Self.dataScratch(badLine: "2024-01-30,S1,12x")
        defer { FrontendHarness.remove(dir) }
        let result = FrontendHarness.run(RunRequest(file: dir + "/plan.velo"))
        #expect(result.status == .dataError)
        #expect(result.err == "velo: \(dir)/sales.csv:1202:3: expected a number in column `units`, found \"12x\"\n")
        #expect(result.out.isEmpty)
    }

    @Test("a CSV row with too few fields exits with status 3")
    func shortRow() throws {
        let dir = try Self.dataScratch(badLine: "2024-01-30,S1")
        defer { FrontendHarness.remove(dir) }
        let result = FrontendHarness.run(RunRequest(file: dir + "/plan.velo"))
        #expect(result.status == .dataError)
        #expect(result.err == "velo: \(dir)/sales.csv:1202: row has 2 fields, the header has 3\n")
    }

    @Test("a bad row in a --source file names that file")
    func badSourceRow() throws {
        let dir = try Self.dataScratch(badLine: "2024-01-30,S1,3")
        defer { FrontendHarness.remove(dir) }
        let other = try Self.dataScratch(badLine: "2024-01-30,S1,oops")
        defer { FrontendHarness.remove(other) }
        let result = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", sources: ["sales=\(other)/sales.csv"]))
        #expect(result.status == .dataError)
        #expect(result.err == "velo: \(other)/sales.csv:1202:3: expected a number in column `units`, found \"oops\"\n")
    }

    @Test("--output into a directory that cannot be created exits with status 3")
    func outputDirectoryCannotBeCreated() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "not a directory".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        let target = dir + "/file/out"
        let result = FrontendHarness.run(RunRequest(file: Self.plan, format: "csv", output: target))
        #expect(result.status == .dataError)
        #expect(result.err.hasPrefix("velo: "))
        #expect(result.out.isEmpty)
        // The message says which directory could not be made, and why.
        #expect(result.err == "velo: cannot create the directory \(target): Not a directory\n")
    }

    @Test("--output of one table where its folder cannot be created exits with status 3")
    func outputFileCannotBeWritten() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "not a directory".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        let target = dir + "/file/sub/plan.csv"
        let result = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], format: "csv", output: target))
        #expect(result.status == .dataError)
        #expect(result.err == "velo: cannot create the directory for \(target): Not a directory\n")
    }

    @Test("a --source file that does not exist is reported under its own path")
    func missingSourceFile() {
        let result = FrontendHarness.run(RunRequest(file: Self.plan, sources: ["sales=/nonexistent/sales.csv"]))
        #expect(result.status != nil)
        #expect(result.out.isEmpty)
        #expect(result.err.contains("/nonexistent/sales.csv"))
        #expect(result.status == .dataError)
        #expect(result.err.components(separatedBy: "error:").count == 2, "one error, no cascade: \(result.err)")
    }

    @Test("a failing check exits with status 1 (README: \"1 the rule file has errors (or a check failed)\")")
    func failingCheck() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "sku,q\nA,1\nB,-2\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        try "table items = csv(\"items.csv\") by sku\ntable plan by sku from items:\n  q = items.q\ncheck positive on plan: q >= 0\n"
            .write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        let result = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", format: "csv"))
        #expect(result.status == .ruleErrors)
        #expect(result.err == "check failed: positive on plan [B]: q = -2\n")
    }

    // MARK: - What the error paths border on

    @Test("--table and --format csv print one table")
    func oneTableAsCSV() throws {
        let result = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], format: "csv"))
        #expect(result.status == nil)
        #expect(result.err.isEmpty)
        let expected = try String(contentsOfFile: FrontendHarness.root + "/Examples/replenishment/expected/plan.csv", encoding: .utf8)
        #expect(FrontendHarness.differences(result.out, expected).isEmpty)
    }

    @Test("--set changes a param: a higher service level never orders less")
    func setParam() {
        let base = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], format: "csv"))
        let what = FrontendHarness.run(RunRequest(file: Self.plan, sets: ["service_level=98%"], tables: ["plan"], format: "csv"))
        #expect(base.status == nil && what.status == nil)
        let a = FrontendHarness.records(base.out), b = FrontendHarness.records(what.out)
        #expect(a.count == b.count && a.count > 1)
        guard let ss = a.first?.firstIndex(of: "safety_stock"), let q = a.first?.firstIndex(of: "order_qty") else {
            Issue.record("no safety_stock/order_qty column")
            return
        }
        var higher = 0
        for (x, y) in zip(a.dropFirst(), b.dropFirst()) {
            #expect(x[0] == y[0])
            if let p = Double(x[ss]), let r = Double(y[ss]) { #expect(r >= p); if r > p { higher += 1 } }
            if let p = Double(x[q]), let r = Double(y[q]) { #expect(r >= p) }
        }
        #expect(higher > 0)
    }

    @Test("--output with one table writes that file; with several, a directory")
    func outputPaths() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let one = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["flags"], output: dir + "/flags-only.csv"))
        #expect(one.status == nil)
        let flags = try String(contentsOfFile: dir + "/flags-only.csv", encoding: .utf8)
        #expect(flags.hasPrefix("flag,severity,table,keys,message\n"))
        let several = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["series", "plan"], format: "json", output: dir + "/out"))
        #expect(several.status == nil)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").sorted()
        #expect(names == ["plan.json", "series.json"])
    }

    @Test("--asof moves the plan back in time")
    func asOf() {
        let result = FrontendHarness.run(RunRequest(file: Self.plan, asof: "2024-12-15", tables: ["series"], format: "csv"))
        #expect(result.status == nil)
        let latest = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["series"], format: "csv"))
        #expect(result.out != latest.out)
    }
}

extension RunCommandTests {
    @Suite("against the DuckDB reference")
    struct Reference {
        /// compare.py's rule: same header and keys, numbers within max(1e-9·max(|a|,|b|), 1e-9),
        /// empty where the reference is empty, text and booleans identical.
        static func agree(_ got: String, _ reference: String, keys: Int) -> [String] {
            let a = FrontendHarness.records(got), b = FrontendHarness.records(reference)
            guard a.first == b.first else { return ["header \(a.first ?? []) vs \(b.first ?? [])"] }
            var problems: [String] = []
            if a.count != b.count { problems.append("\(a.count - 1) rows, reference \(b.count - 1)") }
            for (i, (x, y)) in zip(a, b).enumerated().dropFirst() {
                if Array(x.prefix(keys)) != Array(y.prefix(keys)) {
                    problems.append("line \(i + 1): keys \(x.prefix(keys)) vs \(y.prefix(keys))")
                    break
                }
                for (j, (u, v)) in zip(x, y).enumerated() where u != v {
                    if let p = Double(u), let q = Double(v), !u.isEmpty, !v.isEmpty,
                       abs(p - q) <= max(1e-9 * max(abs(p), abs(q)), 1e-9) { continue }
                    problems.append("line \(i + 1) \(b[0][j]): \"\(u)\" vs reference \"\(v)\"")
                }
                if problems.count > 10 { break }
            }
            return problems
        }

        @Test("--source and --set reproduce the reference plan", arguments: [("98%", "expected_098"), ("0.95", "expected_095")])
        func reference(serviceLevel: String, folder: String) throws {
            let fixtures = FrontendHarness.root + "/Tests/Fixtures/engine/reference"
            let out = FrontendHarness.scratch()
            defer { FrontendHarness.remove(out) }
            let data = fixtures + "/data"
            let result = FrontendHarness.run(RunRequest(
                file: FrontendHarness.root + "/Examples/replenishment/plan.velo", sets: ["service_level=\(serviceLevel)"],
                sources: ["sales=\(data)/sales.csv", "items=\(data)/items.csv", "inventory=\(data)/inventory.csv"],
                tables: ["series", "plan"], format: "csv", output: out))
            #expect(result.status == nil, "\(result.err)")
            for (mine, theirs, keys) in [("series.csv", "exceptions.csv", 2), ("plan.csv", "plan.csv", 1)] {
                let got = try String(contentsOfFile: out + "/" + mine, encoding: .utf8)
                let reference = try String(contentsOfFile: fixtures + "/" + folder + "/" + theirs, encoding: .utf8)
                let problems = Self.agree(got, reference, keys: keys)
                #expect(problems.isEmpty, "\(mine):\n\(problems.joined(separator: "\n"))")
            }
        }
    }
}
