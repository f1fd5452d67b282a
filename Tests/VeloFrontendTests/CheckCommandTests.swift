// `velo check`: every output format and every exit status, against golden files in
// Tests/Fixtures/check (VELO_RECORD=1 rewrites them).

import Foundation
import Testing
@testable import VeloFrontend

@Suite struct CheckCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/check")

    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var format: String
        var strict = false
        var staticOnly = false
        var status: VeloFrontend.ExitStatus
        var testDescription: String { "\(file) --format \(format)\(strict ? " --strict" : "")\(staticOnly ? " --static" : "")" }
        var golden: String { "\(file).\(format)\(strict ? ".strict" : "")\(staticOnly ? ".static" : "").out" }
    }

    static let cases: [Case] = {
        var out: [Case] = []
        let statuses: [(String, VeloFrontend.ExitStatus)] = [
            ("ok", .ok), ("failing_check", .ruleErrors), ("error_flag", .ruleErrors), ("warnings_only", .ok),
            ("bad_data", .dataError), ("static_error", .ruleErrors), ("strict_missing", .ok),
        ]
        for (file, status) in statuses {
            for format in ["human", "github", "json"] { out.append(Case(file: file, format: format, status: status)) }
        }
        out.append(Case(file: "strict_missing", format: "human", strict: true, status: .ruleErrors))
        out.append(Case(file: "bad_data", format: "human", staticOnly: true, status: .dataError))
        return out
    }()

    /// Runs `velo check`; paths in the output are made relative to the repository root.
    static func run(_ c: Case) -> (text: String, status: VeloFrontend.ExitStatus) {
        let captured = CapturedConsole()
        let path = root.path + "/Tests/Fixtures/check/\(c.file).velo"
        var status = VeloFrontend.ExitStatus.ok
        do {
            try CheckFrontend.run(CheckRequest(files: [path], staticOnly: c.staticOnly, strict: c.strict, format: c.format),
                                  console: captured.console)
        } catch {
            status = error.status
        }
        return (captured.output.replacingOccurrences(of: root.path + "/", with: ""), status)
    }

    @Test(arguments: cases)
    func golden(_ c: Case) throws {
        let (text, status) = Self.run(c)
        #expect(status == c.status, "\(text)")
        let url = Self.fixtures.appendingPathComponent(c.golden)
        let actual = text + "exit status: \(status.rawValue)\n"
        if ProcessInfo.processInfo.environment["VELO_RECORD"] != nil || !FileManager.default.fileExists(atPath: url.path) {
            let existed = FileManager.default.fileExists(atPath: url.path)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            if !existed && ProcessInfo.processInfo.environment["VELO_RECORD"] == nil {
                Issue.record("wrote missing golden \(c.golden)")
            }
            return
        }
        #expect(actual == (try String(contentsOf: url, encoding: .utf8)), "golden \(c.golden)")
    }

    @Test func usageErrorsExitWithStatus2() {
        let captured = CapturedConsole()
        for request in [CheckRequest(files: ["x.velo"], format: "xml"), CheckRequest(files: []),
                        CheckRequest(files: ["/nonexistent/plan.velo"]), CheckRequest(files: ["x.velo"], sources: ["nope"])] {
            #expect(throws: CommandFailure.self) {
                do { try CheckFrontend.run(request, console: captured.console) } catch let failure as CommandFailure {
                    #expect(failure.status == .usage)
                    throw failure
                }
            }
        }
    }
}

@Suite struct CheckDataErrorTests {
    @Test func aRepeatedKeyPointsAtTheTableDeclaration() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("velo-check-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "sku,moq\nA,1\nA,2\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        try "param x = 1\ntable items = csv(\"items.csv\") by sku\n".write(toFile: dir + "/p.velo", atomically: true, encoding: .utf8)
        let captured = CapturedConsole()
        #expect(throws: CommandFailure.self) {
            try CheckFrontend.run(CheckRequest(files: [dir + "/p.velo"], staticOnly: false, strict: false, format: "human"),
                                  console: captured.console)
        }
        #expect(captured.output.hasPrefix("\(dir)/p.velo:2:7: error: cannot evaluate the plan: \(dir)/items.csv: the key sku = A "
                                          + "appears twice, on data rows 1 and 2; `items` needs one row per key"),
                "\(captured.output)")
    }
}
