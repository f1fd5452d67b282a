// Every rule file under Examples/ is run as `velo run FILE --format csv --output DIR` would
// run it, and the CSV of every derived table and of the flags is compared with the committed
// expectation in Examples/<example>/expected/<table>.csv.
//
// A missing expectation is written and the test fails (commit it once you have read it);
// `VELO_RECORD=1 swift test --filter ExampleTests` rewrites every expectation. Text must match
// exactly; numbers that differ are accepted within 1e-9 relative (another platform's libm may
// round a last digit differently).

import Foundation
import Testing
@testable import VeloFrontend
import VeloSyntax

/// Runs the frontend in-process with captured output.
enum FrontendHarness {
    final class Capture: @unchecked Sendable {
        var out = ""
        var err = ""
        var console: Console {
            Console(out: { [self] in out += $0 }, err: { [self] in err += $0 })
        }
    }

    struct Result {
        /// nil when the command succeeded.
        var status: VeloFrontend.ExitStatus?
        var out: String
        var err: String
    }

    static func run(_ request: RunRequest) -> Result {
        let capture = Capture()
        do {
            try RunFrontend.run(request, console: capture.console)
            return Result(status: nil, out: capture.out, err: capture.err)
        } catch {
            return Result(status: error.status, out: capture.out, err: capture.err)
        }
    }

    /// The package root, from this file's path (Tests/VeloFrontendTests/ExampleTests.swift).
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// A fresh scratch directory.
    static func scratch() -> String {
        let dir = FileManager.default.temporaryDirectory.path + "/velo-frontend-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func remove(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }

    /// RFC 4180 records of a CSV text.
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field)
                field = ""
            } else if c == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else if c != "\r" {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }

    /// Differences between two CSV texts: text exactly, numbers within 1e-9 relative.
    static func differences(_ got: String, _ expected: String, limit: Int = 10) -> [String] {
        if got == expected { return [] }
        let a = records(got), b = records(expected)
        var problems: [String] = []
        if a.count != b.count { problems.append("\(a.count) lines, expected \(b.count)") }
        for (i, (x, y)) in zip(a, b).enumerated() {
            if x.count != y.count {
                problems.append("line \(i + 1): \(x.count) fields, expected \(y.count)")
                continue
            }
            for (j, (u, v)) in zip(x, y).enumerated() where u != v {
                if let p = Double(u), let q = Double(v), !u.isEmpty, !v.isEmpty,
                   abs(p - q) <= 1e-9 * max(abs(p), abs(q)) {
                    continue
                }
                let column = b.first.flatMap { j < $0.count ? $0[j] : nil } ?? "#\(j + 1)"
                problems.append("line \(i + 1) \(column): \"\(u)\", expected \"\(v)\"")
            }
            if problems.count >= limit { break }
        }
        return problems
    }
}

@Suite("Examples")
struct ExampleTests {
    /// Every rule file under Examples/, relative to it, sorted.
    static let ruleFiles: [String] = {
        let base = FrontendHarness.root + "/Examples"
        let all = FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []
        // X.test.velo files hold tests of X.velo (VeloTest*Tests run them), not plans.
        return all.filter { $0.hasSuffix(".velo") && !$0.hasSuffix(".test.velo") && !$0.contains("/expected/") }.sorted()
    }()

    static var recording: Bool { ProcessInfo.processInfo.environment["VELO_RECORD"] == "1" }

    /// Examples/<name>/expected, or expected/<stem> when the folder has several rule files.
    static func expectedDirectory(_ ruleFile: String) -> String {
        let path = FrontendHarness.root + "/Examples/" + ruleFile
        let dir = (path as NSString).deletingLastPathComponent
        let siblings = ruleFiles.filter { ($0 as NSString).deletingLastPathComponent == (ruleFile as NSString).deletingLastPathComponent }
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return siblings.count > 1 ? dir + "/expected/" + stem : dir + "/expected"
    }

    @Test("there are examples") func examplesFound() {
        #expect(Self.ruleFiles.count >= 3, "\(Self.ruleFiles)")
    }

    @Test("an example's tables and flags match its expected CSVs", arguments: ruleFiles)
    func example(_ ruleFile: String) throws {
        let out = FrontendHarness.scratch()
        defer { FrontendHarness.remove(out) }
        // Every derived table and the flags (--table), then the file's reports (the default) beside them.
        let path = FrontendHarness.root + "/Examples/" + ruleFile
        let file = try String(contentsOfFile: path, encoding: .utf8)
        let program = Frontend.check(SourceFile(path: path, text: file)).program
        let tables = (program?.tables.filter { !$0.isSource }.map(\.name) ?? []) + ["flags"]
        let result = FrontendHarness.run(RunRequest(file: path, tables: tables, format: "csv", output: out + "/"))
        #expect(result.status == nil, "velo run failed: \(result.err)")
        #expect(result.out.isEmpty)
        #expect(result.err.isEmpty, "\(result.err)")
        guard result.status == nil else { return }
        if program?.reports.isEmpty == false {
            let reports = FrontendHarness.run(RunRequest(file: path, format: "csv", output: out + "/"))
            #expect(reports.status == nil && reports.err.isEmpty, "velo run (reports) failed: \(reports.err)")
        }

        let fm = FileManager.default
        let written = try fm.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".csv") }.sorted()
        #expect(written.contains("flags.csv"))
        let expectedDir = Self.expectedDirectory(ruleFile)
        try fm.createDirectory(atPath: expectedDir, withIntermediateDirectories: true)
        let committed = try fm.contentsOfDirectory(atPath: expectedDir).filter { $0.hasSuffix(".csv") }.sorted()

        for name in written {
            let got = try String(contentsOfFile: out + "/" + name, encoding: .utf8)
            let expectedPath = expectedDir + "/" + name
            if Self.recording {
                try got.write(toFile: expectedPath, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOfFile: expectedPath, encoding: .utf8) else {
                try got.write(toFile: expectedPath, atomically: true, encoding: .utf8)
                Issue.record("no expectation for \(ruleFile) → \(name): wrote \(expectedPath); check it and commit it")
                continue
            }
            let problems = FrontendHarness.differences(got, expected)
            #expect(problems.isEmpty, "\(ruleFile) → \(name) differs from \(expectedPath):\n\(problems.joined(separator: "\n"))")
        }
        for name in committed where !written.contains(name) {
            if Self.recording {
                try fm.removeItem(atPath: expectedDir + "/" + name)
            } else {
                Issue.record("\(expectedDir)/\(name) is expected but \(ruleFile) no longer writes it")
            }
        }
    }

    @Test("the CSV comparer accepts last-digit noise in numbers only")
    func comparer() {
        #expect(FrontendHarness.differences("a,b\nx,1.5\n", "a,b\nx,1.5\n").isEmpty)
        #expect(FrontendHarness.differences("a,b\nx,0.30000000000000004\n", "a,b\nx,0.3\n").isEmpty)
        #expect(FrontendHarness.differences("a,b\nx,1.6\n", "a,b\nx,1.5\n").count == 1)
        #expect(FrontendHarness.differences("a,b\nx,\n", "a,b\nx,0\n").count == 1)
        #expect(FrontendHarness.differences("a,b\ny,1\n", "a,b\nx,1\n").count == 1)
        #expect(FrontendHarness.differences("a,b\nx,1\n", "a,b\nx,1\nz,2\n").count == 1)
        #expect(FrontendHarness.records("m\n\"a, \"\"b\"\"\"\n") == [["m"], ["a, \"b\""]])
    }
}
