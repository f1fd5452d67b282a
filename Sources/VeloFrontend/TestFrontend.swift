// What `velo test` does, independent of argument parsing (so tests drive it directly).
//
// Finds the tests — `test` blocks in rule files and `X.test.velo` files, which test the rule
// file `X.velo` next to them — checks them, runs each in its own workspace, and reports
// PASS/FAIL per test with what was expected and what was found, then `N passed, M failed`.

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

public struct TestRequest: Sendable {
    /// Rule files, test files or directories; none means the current directory.
    public var paths: [String]
    /// Also write JUnit XML here.
    public var junit: String?
    /// `text` (default) or `json`.
    public var format: String?

    public init(paths: [String] = [], junit: String? = nil, format: String? = nil) {
        self.paths = paths
        self.junit = junit
        self.format = format
    }
}

/// The outcome of one test, as reported.
struct TestReport {
    enum Outcome {
        case passed
        case failed([ExpectationFailure])
        /// The test could not run: its file (or the rule file) has errors, or data is unreadable.
        case notRun(String)
    }
    var name: String
    var line: Int
    var outcome: Outcome
    var isDataError = false

    var passed: Bool { if case .passed = outcome { return true } else { return false } }
}

/// The tests written in one file.
struct TestFileReport {
    var path: String
    /// The rule file the tests run against.
    var ruleFile: String
    var file: SourceFile?
    var tests: [TestReport]
}

public enum TestFiles {
    /// The rule file a test file tests: `dir/X.test.velo` tests `dir/X.velo`; nil for other paths.
    public static func ruleFile(forTestFile path: String) -> String? {
        guard path.hasSuffix(".test.velo") else { return nil }
        let stem = path.dropLast(".test.velo".count)
        guard !stem.isEmpty, !stem.hasSuffix("/") else { return nil }
        return stem + ".velo"
    }

    /// The test file next to a rule file: `dir/X.velo` -> `dir/X.test.velo`.
    public static func testFile(forRuleFile path: String) -> String? {
        guard path.hasSuffix(".velo"), ruleFile(forTestFile: path) == nil else { return nil }
        return path.dropLast(".velo".count) + ".test.velo"
    }

    /// The last path component.
    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Parses and checks a test file against the program of the rule file it tests.
    static func check(_ file: SourceFile, program: CheckedProgram, ruleFile: String)
        -> (ast: Program, tests: [CheckedTest], diagnostics: [Diagnostic]) {
        let (ast, syntax) = Parser.parse(file)
        if syntax.hasErrors { return (ast, [], syntax) }
        let (tests, diagnostics) = Checker.checkTestFile(ast, file: file, program: program, ruleFile: baseName(ruleFile))
        return (ast, tests, (syntax + diagnostics).sortedBySource())
    }

    /// `velo check` (and `velo run`) of a test file: its rule file is compiled, and the test
    /// file's diagnostics are returned. Errors of the rule file are summed up in one diagnostic.
    static func checkTestFile(_ file: SourceFile, rulePath: String, sourceOverrides: [String: String]) -> LoadedRules {
        let ruleName = baseName(rulePath)
        let top = Span(start: 0, length: 0)
        guard let bytes = Frontend.readFile(rulePath), let text = String(validating: bytes, as: UTF8.self) else {
            let d = Diagnostic(code: "test-file", "cannot read \(ruleName), the rule file this file tests", at: top,
                               hint: "a file X.test.velo tests the rule file X.velo in the same folder")
            return LoadedRules(file: file, program: nil, diagnostics: [d])
        }
        let rules = SourceFile(path: rulePath, text: text)
        let (program, ruleDiagnostics) = RuleCompiler.compile(rules, sourceOverrides: sourceOverrides)
        guard var program else {
            let errors = ruleDiagnostics.filter { $0.severity == .error }
            let unreadable = errors.allSatisfy { $0.code == "unreadable-source" }
            let d = Diagnostic(code: unreadable ? "unreadable-source" : "test-file",
                               "\(ruleName), the rule file this file tests, has \(Frontend.summary(errors))", at: top,
                               hint: "run `velo check \(rulePath)`")
            return LoadedRules(file: file, program: nil, diagnostics: [d])
        }
        let (_, tests, diagnostics) = check(file, program: program, ruleFile: rulePath)
        // The rule file's own flags and checks are reported with the rule file (their spans
        // are in it); a test file stands for its tests.
        program.tests = tests
        program.flags = []
        program.checks = []
        return LoadedRules(file: file, program: diagnostics.hasErrors ? nil : program, diagnostics: diagnostics)
    }
}

public enum TestFrontend {
    enum Format { case text, json }

    /// What to test: a rule file's own `test` blocks, or a test file.
    enum Unit: Hashable {
        case inline(String, explicit: Bool)
        case testFile(String)

        var path: String {
            switch self {
            case .inline(let p, _), .testFile(let p): return p
            }
        }
    }

    public static func run(_ request: TestRequest, console: Console) throws(CommandFailure) {
        func usage(_ message: String) -> CommandFailure {
            console.err("velo: \(message)\n")
            return CommandFailure(.usage)
        }
        let format: Format
        switch request.format {
        case nil, "text"?: format = .text
        case "json"?: format = .json
        case let f?: throw usage("unknown format `\(f)`; choose text or json")
        }
        if let j = request.junit, j.isEmpty { throw usage("--junit needs a file path") }
        var units: [Unit] = []
        for path in request.paths.isEmpty ? ["."] : request.paths {
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw usage("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                for file in veloFiles(in: path) {
                    units.append(TestFiles.ruleFile(forTestFile: file) != nil ? .testFile(file) : .inline(file, explicit: false))
                }
            } else if TestFiles.ruleFile(forTestFile: path) != nil {
                units.append(.testFile(path))
            } else if path.hasSuffix(".velo") {
                units.append(.inline(path, explicit: true))
                if let companion = TestFiles.testFile(forRuleFile: path), access(companion, R_OK) == 0 {
                    units.append(.testFile(companion))
                }
            } else {
                throw usage("\(path) is not a rule file (.velo), a test file (.test.velo) or a folder")
            }
        }
        // Each file once (an explicit rule file wins over the same file found in a folder).
        var seen: [String: Int] = [:]
        var unique: [Unit] = []
        for u in units {
            if let i = seen[u.path] {
                if case .inline(_, true) = u { unique[i] = u }
                continue
            }
            seen[u.path] = unique.count
            unique.append(u)
        }
        unique.sort { $0.path < $1.path }
        // `--junit` never overwrites a file the tests read (checked only when the path exists).
        if let j = request.junit, OutputGuard.identity(j) != nil {
            var inputs: [OutputGuard.Input] = []
            for u in unique {
                guard let text = RuleCompiler.readWhole(u.path).flatMap({ String(validating: $0, as: UTF8.self) }) else { continue }
                let file = SourceFile(path: u.path, text: text)
                inputs += OutputGuard.inputs(ruleFile: file, program: Frontend.check(file).program)
            }
            try OutputGuard.refuse([j], inputs: inputs, option: "--junit", console: console)
        }

        var session = Session(console: console)
        var reports: [TestFileReport] = []
        for unit in unique {
            switch unit {
            case .inline(let path, let explicit):
                if let r = try session.inlineTests(path, explicit: explicit) { reports.append(r) }
            case .testFile(let path):
                reports.append(try session.testFile(path))
            }
        }

        let passed = reports.flatMap(\.tests).filter(\.passed).count
        let failed = reports.flatMap(\.tests).count - passed
        if reports.isEmpty {
            console.err("velo: no tests found (`test` blocks in rule files, or X.test.velo files next to X.velo)\n")
        }
        switch format {
        case .text: console.out(text(reports, passed: passed, failed: failed, color: console.colorOutput))
        case .json: console.out(json(reports, passed: passed, failed: failed))
        }
        if let path = request.junit {
            guard OutputFiles.makeParentDirectories(of: path) else {
                console.err("velo: cannot create the directory for \(path): \(String(cString: strerror(errno)))\n")
                throw CommandFailure(.dataError)
            }
            do {
                try AtomicFile.write(junit(reports), to: path)
            } catch {
                console.err("velo: \(error)\n")
                throw CommandFailure(.dataError)
            }
        }
        if session.dataError || reports.contains(where: { $0.tests.contains { $0.isDataError } }) {
            throw CommandFailure(.dataError)
        }
        if failed > 0 { throw CommandFailure(.ruleErrors) }
    }

    /// `*.velo` files under `dir`, sorted; folders starting with `.` are skipped.
    static func veloFiles(in dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        var names: [(String, Bool)] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            let path = dir == "." ? name : (dir.hasSuffix("/") ? dir + name : dir + "/" + name)
            var st = stat()
            guard stat(path, &st) == 0 else { continue }
            names.append((path, (st.st_mode & S_IFMT) == S_IFDIR))
        }
        closedir(d)
        var out: [String] = []
        for (path, isDir) in names.sorted(by: { $0.0 < $1.0 }) {
            if isDir { out += veloFiles(in: path) } else if path.hasSuffix(".velo") { out.append(path) }
        }
        return out
    }

    /// Compiles rule files once, prints their diagnostics once, and runs tests.
    struct Session {
        let console: Console
        var compiled: [String: (file: SourceFile, program: CheckedProgram?)] = [:]
        /// A rule file's data could not be read.
        var dataError = false

        init(console: Console) { self.console = console }

        mutating func compile(_ path: String) throws(CommandFailure) -> (file: SourceFile, program: CheckedProgram?) {
            if let c = compiled[path] { return c }
            let file = try Frontend.readRuleFile(path, console: console)
            let rules = Frontend.check(file)
            Frontend.render(rules.diagnostics, in: file, console: console)
            if rules.program == nil {
                console.err("\(path): \(Frontend.summary(rules.diagnostics))\n")
                if Frontend.status(for: rules.diagnostics) == .dataError { dataError = true }
            }
            compiled[path] = (file, rules.program)
            return (file, rules.program)
        }

        /// The `test` blocks of a rule file; nil when it has none (and was found in a folder).
        mutating func inlineTests(_ path: String, explicit: Bool) throws(CommandFailure) -> TestFileReport? {
            let source = try Frontend.readRuleFile(path, console: console)
            let (ast, _) = Parser.parse(source)
            let decls = ast.statements.compactMap { s -> TestDecl? in if case .test(let t) = s { return t } else { return nil } }
            if decls.isEmpty {
                if explicit, TestFiles.testFile(forRuleFile: path).map({ access($0, R_OK) != 0 }) ?? true {
                    console.err("velo: \(path) has no tests\n")
                }
                return nil
            }
            let (file, program) = try compile(path)
            guard let program else {
                return TestFileReport(path: path, ruleFile: path, file: file,
                                      tests: notRun(decls, in: file, reason: "\(path) has errors"))
            }
            return TestFileReport(path: path, ruleFile: path, file: file,
                                  tests: program.tests.map { run($0, program: program, file: file) })
        }

        mutating func testFile(_ path: String) throws(CommandFailure) -> TestFileReport {
            let rulePath = TestFiles.ruleFile(forTestFile: path)!
            let file = try Frontend.readRuleFile(path, console: console)
            let (ast, _) = Parser.parse(file)
            let decls = ast.statements.compactMap { s -> TestDecl? in if case .test(let t) = s { return t } else { return nil } }
            guard access(rulePath, R_OK) == 0 else {
                console.err("velo: \(path) tests \(rulePath), which cannot be read: \(String(cString: strerror(errno)))\n")
                return TestFileReport(path: path, ruleFile: rulePath, file: file,
                                      tests: notRun(decls, in: file, reason: "cannot read \(rulePath)", whole: path))
            }
            let (_, compiledProgram) = try compile(rulePath)
            guard let program = compiledProgram else {
                return TestFileReport(path: path, ruleFile: rulePath, file: file,
                                      tests: notRun(decls, in: file, reason: "\(rulePath) has errors", whole: path))
            }
            let (_, tests, diagnostics) = TestFiles.check(file, program: program, ruleFile: rulePath)
            Frontend.render(diagnostics, in: file, console: console)
            if diagnostics.hasErrors {
                console.err("\(path): \(Frontend.summary(diagnostics))\n")
                return TestFileReport(path: path, ruleFile: rulePath, file: file,
                                      tests: notRun(decls, in: file, reason: "\(path) has errors", whole: path))
            }
            return TestFileReport(path: path, ruleFile: rulePath, file: file,
                                  tests: tests.map { run($0, program: program, file: file) })
        }

        func notRun(_ decls: [TestDecl], in file: SourceFile, reason: String, whole: String? = nil) -> [TestReport] {
            if decls.isEmpty {
                return [TestReport(name: TestFiles.baseName(whole ?? file.path), line: 1, outcome: .notRun(reason))]
            }
            return decls.map {
                TestReport(name: $0.name.plainText ?? file.text(of: $0.name.span), line: file.location(of: $0.span.start).line,
                           outcome: .notRun(reason))
            }
        }

        func run(_ test: CheckedTest, program: CheckedProgram, file: SourceFile) -> TestReport {
            let r = TestRunner.run(test, program: program, file: file, wording: ResultText.testWording)
            let line = file.location(of: test.span.start).line
            if let error = r.error {
                return TestReport(name: r.name, line: line, outcome: .notRun("cannot load the data: \(error)"),
                                  isDataError: r.isDataError)
            }
            return TestReport(name: r.name, line: line, outcome: r.failures.isEmpty ? .passed : .failed(r.failures))
        }
    }

    // MARK: - Output

    /// `path:line:column: expect ...` and the lines under it.
    static func failureLines(_ f: ExpectationFailure, in report: TestFileReport) -> (location: String, lines: [String]) {
        var location = report.path
        if let file = report.file {
            let (line, column) = file.location(of: f.span.start)
            location += ":\(line):\(column)"
        }
        return ("\(location): \(f.expectation)", f.lines)
    }

    static func text(_ reports: [TestFileReport], passed: Int, failed: Int, color: Bool) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        var out = ""
        for report in reports {
            out += report.path + (report.ruleFile == report.path ? "" : " (tests \(TestFiles.baseName(report.ruleFile)))") + "\n"
            for t in report.tests {
                switch t.outcome {
                case .passed:
                    out += paint("PASS", "1;32") + " \(t.name)\n"
                case .failed(let failures):
                    out += paint("FAIL", "1;31") + " \(t.name)\n"
                    for f in failures {
                        let (location, lines) = failureLines(f, in: report)
                        out += "  \(location)\n"
                        for l in lines { out += "    \(l)\n" }
                    }
                case .notRun(let reason):
                    out += paint("FAIL", "1;31") + " \(t.name)\n"
                    out += "  not run: \(reason)\n"
                }
            }
            out += "\n"
        }
        return out + "\(passed) passed, \(failed) failed\n"
    }

    static func json(_ reports: [TestFileReport], passed: Int, failed: Int) -> String {
        let q = JSONRenderer.quoted
        var tests: [String] = []
        for report in reports {
            for t in report.tests {
                var fields = ["\"file\": \(q(report.path))", "\"rule_file\": \(q(report.ruleFile))", "\"name\": \(q(t.name))",
                              "\"line\": \(t.line)"]
                switch t.outcome {
                case .passed:
                    fields.append("\"status\": \"pass\"")
                case .failed(let failures):
                    fields.append("\"status\": \"fail\"")
                    let items = failures.map { f -> String in
                        let (line, column) = report.file?.location(of: f.span.start) ?? (0, 0)
                        return "{\"line\": \(line), \"column\": \(column), \"expectation\": \(q(f.expectation)), "
                            + "\"details\": [\(f.lines.map(q).joined(separator: ", "))]}"
                    }
                    fields.append("\"failures\": [\(items.joined(separator: ", "))]")
                case .notRun(let reason):
                    fields.append("\"status\": \"fail\"")
                    fields.append("\"error\": \(q(reason))")
                }
                tests.append("    {" + fields.joined(separator: ", ") + "}")
            }
        }
        return "{\n  \"tests\": [\n" + tests.joined(separator: ",\n") + (tests.isEmpty ? "" : "\n")
            + "  ],\n  \"passed\": \(passed),\n  \"failed\": \(failed)\n}\n"
    }

    static func junit(_ reports: [TestFileReport]) -> String {
        /// XML text; in an attribute also quotes and line breaks are escaped.
        func escape(_ s: String, attribute: Bool) -> String {
            var out = ""
            for ch in s.unicodeScalars {
                switch ch {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"" where attribute: out += "&quot;"
                case "\n" where attribute: out += "&#10;"
                case "\n", "\t": out.unicodeScalars.append(ch)
                default:
                    // XML 1.0 allows no other control characters.
                    if ch.value < 0x20 { out += "?" } else { out.unicodeScalars.append(ch) }
                }
            }
            return out
        }
        func attr(_ s: String) -> String { escape(s, attribute: true) }
        func text(_ s: String) -> String { escape(s, attribute: false) }
        let all = reports.flatMap(\.tests)
        let failures = all.filter { if case .failed = $0.outcome { return true } else { return false } }.count
        let errors = all.filter { if case .notRun = $0.outcome { return true } else { return false } }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"velo test\" tests=\"\(all.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        for report in reports {
            let f = report.tests.filter { if case .failed = $0.outcome { return true } else { return false } }.count
            let e = report.tests.filter { if case .notRun = $0.outcome { return true } else { return false } }.count
            out += "  <testsuite name=\"\(attr(report.path))\" tests=\"\(report.tests.count)\" failures=\"\(f)\" errors=\"\(e)\">\n"
            for t in report.tests {
                let open = "    <testcase name=\"\(attr(t.name))\" classname=\"\(attr(report.path))\" file=\"\(attr(report.path))\" line=\"\(t.line)\""
                switch t.outcome {
                case .passed:
                    out += open + "/>\n"
                case .failed(let failures):
                    out += open + ">\n"
                    for fl in failures {
                        let (location, lines) = failureLines(fl, in: report)
                        out += "      <failure message=\"\(attr(fl.expectation))\" type=\"expectation\">"
                        out += text(([location] + lines.map { "  " + $0 }).joined(separator: "\n")) + "</failure>\n"
                    }
                    out += "    </testcase>\n"
                case .notRun(let reason):
                    out += open + ">\n"
                    out += "      <error message=\"\(attr(reason))\" type=\"not-run\"/>\n"
                    out += "    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }
}
