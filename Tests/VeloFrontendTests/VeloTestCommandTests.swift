// `velo test`: golden outputs (text, JSON, JUnit) over the fixtures in Tests/Fixtures/velotest,
// and every exit status.
//
//   Tests/Fixtures/velotest/pass    shop.velo (one test block) + shop.test.velo: all pass
//   Tests/Fixtures/velotest/fail    shop.velo with its rule changed: every kind of failure
//   Tests/Fixtures/velotest/errors  a test file with mistakes the checker finds
//   Tests/Fixtures/velotest/nodata  a rule file whose CSV file is missing
//
// Goldens are in Tests/Fixtures/velotest/golden; VELO_RECORD=1 rewrites them, and a missing
// one is written (and the test fails) so that it is reviewed before it is committed.

import Foundation
import Testing
@testable import VeloFrontend

enum VeloTestHarness {
    static let fixtures = FrontendHarness.root + "/Tests/Fixtures/velotest"

    struct Result {
        var status: VeloFrontend.ExitStatus?
        var out: String
        var err: String
    }

    /// Runs `velo test` with paths relative to the fixture folder; output paths are shown
    /// relative to the package root.
    static func run(_ paths: [String], junit: String? = nil, format: String? = nil) -> Result {
        let capture = FrontendHarness.Capture()
        let request = TestRequest(paths: paths.map { $0.hasPrefix("/") ? $0 : fixtures + "/" + $0 }, junit: junit, format: format)
        var status: VeloFrontend.ExitStatus? = nil
        do {
            try TestFrontend.run(request, console: capture.console)
        } catch {
            status = error.status
        }
        return Result(status: status, out: relative(capture.out), err: relative(capture.err))
    }

    static func relative(_ s: String) -> String {
        s.replacingOccurrences(of: FrontendHarness.root + "/", with: "")
    }

    /// Compares `actual` with the golden `name` (or records it).
    static func expectGolden(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = fixtures + "/golden/" + name
        if Golden.recording {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        guard let golden = try? String(contentsOfFile: path, encoding: .utf8) else {
            try FileManager.default.createDirectory(atPath: fixtures + "/golden", withIntermediateDirectories: true)
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("\(name) was missing and has been written; review it and run again", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == golden, "\(name) differs (VELO_RECORD=1 rewrites it) at \(Golden.firstDifference(golden, actual))",
                sourceLocation: sourceLocation)
    }
}

@Suite("velo test")
struct VeloTestCommandTests {
    @Test("passing tests: PASS per test, the summary last, exit 0")
    func passing() throws {
        let r = VeloTestHarness.run(["pass"])
        #expect(r.status == nil, "\(r.err)")
        #expect(r.err.isEmpty)
        try VeloTestHarness.expectGolden("pass.out", r.out)
        #expect(r.out.hasSuffix("\n5 passed, 0 failed\n"))
    }

    @Test("failing tests: a diff of expected and actual per expectation, exit 1")
    func failing() throws {
        let r = VeloTestHarness.run(["fail"])
        #expect(r.status == .ruleErrors)
        #expect(r.err.isEmpty)
        try VeloTestHarness.expectGolden("fail.out", r.out)
        #expect(r.out.hasSuffix("\n1 passed, 4 failed\n"))
        // The diff names the table, the row's keys and both values.
        #expect(r.out.contains("    plan.order_qty[\"X\"]: expected 120, actual 100 (off by 20)\n"))
        #expect(r.out.contains("    plan[\"D\"]: expected, but `plan` has no such row\n"))
    }

    @Test("--format json prints one JSON document")
    func json() throws {
        let r = VeloTestHarness.run(["fail"], format: "json")
        #expect(r.status == .ruleErrors)
        try VeloTestHarness.expectGolden("fail.json", r.out)
        let parsed = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        #expect(parsed?["passed"] as? Int == 1)
        #expect(parsed?["failed"] as? Int == 4)
        #expect((parsed?["tests"] as? [Any])?.count == 5)
    }

    @Test("--junit writes JUnit XML next to the usual output")
    func junit() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let path = dir + "/results.xml"
        let r = VeloTestHarness.run(["fail", "pass"], junit: path)
        #expect(r.status == .ruleErrors)
        #expect(r.out.hasSuffix("\n6 passed, 4 failed\n"))
        let xml = VeloTestHarness.relative(try String(contentsOfFile: path, encoding: .utf8))
        try VeloTestHarness.expectGolden("junit.xml", xml)
        // The counts CI reads, and one <testcase> per test.
        #expect(xml.contains("<testsuites name=\"velo test\" tests=\"10\" failures=\"4\" errors=\"0\">"))
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 10)
        #expect(xml.components(separatedBy: "<failure ").count - 1 == 12)
    }

    @Test("checker errors in a test file: shown with the file's lines, the tests not run, exit 1")
    func checkerErrors() throws {
        let r = VeloTestHarness.run(["errors"])
        #expect(r.status == .ruleErrors)
        try VeloTestHarness.expectGolden("errors.out", r.out)
        try VeloTestHarness.expectGolden("errors.err", r.err)
    }

    @Test("a rule file whose data cannot be read: exit 3")
    func unreadableData() throws {
        let r = VeloTestHarness.run(["nodata"])
        #expect(r.status == .dataError)
        try VeloTestHarness.expectGolden("nodata.out", r.out)
        #expect(r.err.contains("cannot read `missing.csv`"))
    }

    @Test("a rule file given by name: its own test blocks and its X.test.velo")
    func ruleFileAndCompanion() {
        let r = VeloTestHarness.run(["pass/shop.velo"])
        #expect(r.status == nil)
        #expect(r.out.contains("Tests/Fixtures/velotest/pass/shop.test.velo (tests shop.velo)\n"))
        #expect(r.out.contains("Tests/Fixtures/velotest/pass/shop.velo\nPASS a test block in the rule file\n"))
        #expect(r.out.hasSuffix("\n5 passed, 0 failed\n"))
        // A test file alone, and the same file named twice, run once.
        let alone = VeloTestHarness.run(["pass/shop.test.velo", "pass/shop.test.velo"])
        #expect(alone.out.hasSuffix("\n4 passed, 0 failed\n"))
    }

    struct UsageCase: CustomTestStringConvertible, Sendable {
        var name: String
        var paths: [String]
        var junit: String?
        var format: String?
        var message: String
        var testDescription: String { name }
    }

    static let usageCases: [UsageCase] = [
        UsageCase(name: "unknown --format", paths: ["pass"], format: "xml",
                  message: "velo: unknown format `xml`; choose text or json\n"),
        UsageCase(name: "a path that does not exist", paths: ["/nonexistent/velo/tests"],
                  message: "velo: cannot read /nonexistent/velo/tests: No such file or directory\n"),
        UsageCase(name: "a file that is not a rule file", paths: ["data/items.csv"],
                  message: "velo: Tests/Fixtures/velotest/data/items.csv is not a rule file (.velo), a test file (.test.velo) or a folder\n"),
        UsageCase(name: "--junit without a path", paths: ["pass"], junit: "",
                  message: "velo: --junit needs a file path\n"),
    ]

    @Test("usage errors: exit 2 and say what is wrong", arguments: usageCases)
    func usage(_ c: UsageCase) {
        let r = VeloTestHarness.run(c.paths, junit: c.junit, format: c.format)
        #expect(r.status == .usage)
        #expect(r.err == c.message)
        #expect(r.out.isEmpty)
    }

    @Test("a --junit file that cannot be written: exit 3, after the results")
    func junitUnwritable() throws {
        // Its folder is created when missing; under a plain file it cannot be.
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "a file".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        let r = VeloTestHarness.run(["pass"], junit: dir + "/file/velo/results.xml")
        #expect(r.status == .dataError)
        #expect(r.out.hasSuffix("\n5 passed, 0 failed\n"))
        #expect(r.err == "velo: cannot create the directory for \(dir)/file/velo/results.xml: Not a directory\n")
    }

    @Test("a test file whose rule file is missing fails, and the others still run")
    func missingRuleFile() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "test \"t\":\n  expect 1 == 1\n".write(toFile: dir + "/orphan.test.velo", atomically: true, encoding: .utf8)
        try "test \"arithmetic\":\n  expect 1 + 1 == 2\n".write(toFile: dir + "/sums.velo", atomically: true, encoding: .utf8)
        let r = VeloTestHarness.run([dir])
        #expect(r.status == .ruleErrors)
        #expect(r.out == "\(dir)/orphan.test.velo (tests orphan.velo)\nFAIL t\n  not run: cannot read \(dir)/orphan.velo\n\n"
                + "\(dir)/sums.velo\nPASS arithmetic\n\n1 passed, 1 failed\n")
        #expect(r.err == "velo: \(dir)/orphan.test.velo tests \(dir)/orphan.velo, which cannot be read: No such file or directory\n")
    }

    @Test("a folder without tests: 0 passed, 0 failed, exit 0, and a note")
    func noTests() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "param p = 1\n".write(toFile: dir + "/rules.velo", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/.hidden", withIntermediateDirectories: true)
        try "test \"hidden\":\n  expect 1 == 2\n".write(toFile: dir + "/.hidden/x.velo", atomically: true, encoding: .utf8)
        let r = VeloTestHarness.run([dir])
        #expect(r.status == nil)
        #expect(r.out == "0 passed, 0 failed\n")
        #expect(r.err.contains("no tests found"))
    }

    @Test("folders are searched recursively, files in path order, hidden folders skipped")
    func discovery() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/b/c", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/.git", withIntermediateDirectories: true)
        for (path, name) in [("b/c/z.velo", "z"), ("a.velo", "a"), ("b/y.velo", "y"), (".git/x.velo", "x")] {
            try "test \"\(name)\":\n  expect true\n".write(toFile: dir + "/" + path, atomically: true, encoding: .utf8)
        }
        #expect(TestFrontend.veloFiles(in: dir) == [dir + "/a.velo", dir + "/b/c/z.velo", dir + "/b/y.velo"])
        let r = VeloTestHarness.run([dir])
        #expect(r.out.hasSuffix("\n3 passed, 0 failed\n"))
    }
}

@Suite("velo check of test blocks and test files")
struct VeloTestCheckTests {
    @Test("velo check X.test.velo checks the tests against X.velo")
    func checkTestFile() throws {
        let capture = FrontendHarness.Capture()
        let ok = VeloTestHarness.fixtures + "/pass/shop.test.velo"
        try CheckFrontend.run(files: [ok], console: capture.console)
        #expect(capture.out == "\(ok): ok\n")
        #expect(capture.err.isEmpty)

        let broken = FrontendHarness.Capture()
        let path = VeloTestHarness.fixtures + "/errors/shop.test.velo"
        #expect(throws: CommandFailure.self) { try CheckFrontend.run(files: [path], console: broken.console) }
        let err = VeloTestHarness.relative(broken.err)
        #expect(err.hasPrefix("Tests/Fixtures/velotest/errors/shop.test.velo:"))
        #expect(err.contains("error: unknown table `itmes`"))
        #expect(err.hasSuffix("Tests/Fixtures/velotest/errors/shop.test.velo: 4 errors\n"))
    }

    @Test("a test file of a rule file with errors says so in one diagnostic")
    func ruleFileWithErrors() throws {
        let capture = FrontendHarness.Capture()
        let path = VeloTestHarness.fixtures + "/nodata/shop.test.velo"
        do {
            try CheckFrontend.run(files: [path], console: capture.console)
            Issue.record("velo check passed")
        } catch {
            #expect(error.status == .dataError)
        }
        #expect(VeloTestHarness.relative(capture.err).hasPrefix(
            "Tests/Fixtures/velotest/nodata/shop.test.velo:1:1: error: shop.velo, the rule file this file tests, has 1 error\n"))
    }

    @Test("a rule file with test blocks runs as before; its tests are checked with it")
    func runIgnoresTests() {
        let result = FrontendHarness.run(RunRequest(file: VeloTestHarness.fixtures + "/pass/shop.velo", tables: ["plan"], format: "csv"))
        #expect(result.status == nil, "\(result.err)")
        #expect(result.out == "sku,velocity,need,order_qty,cadence\nA,10,140,144,weekly\nB,2,28,30,monthly\nC,0.5,7,50,monthly\n")
    }
}
