// Helpers of the diagnostic golden tests: where the fixtures are, how a fixture is checked
// and rendered, and how a message is reduced to its template for counting.

import Foundation
import VeloSyntax
@testable import VeloFrontend

enum Golden {
    /// The package root, found from this file's location (Tests/VeloFrontendTests/...).
    static let root: String = {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()   // VeloFrontendTests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()   // package root
            .path
    }()

    /// The fixture folder, relative to the package root (as shown in goldens).
    static let relativeDirectory = "Tests/Fixtures/diagnostics"

    static var directory: String { root + "/" + relativeDirectory }

    /// The names of the files in the fixture folder.
    static func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
    }

    /// Fixture names (file names without `.velo`), sorted.
    static let fixtures: [String] = {
        let names = (try? fileNames()) ?? []
        return names.filter { $0.hasSuffix(".velo") }.map { String($0.dropLast(5)) }.sorted()
    }()

    /// VELO_RECORD=1 rewrites every golden.
    static var recording: Bool {
        let v = ProcessInfo.processInfo.environment["VELO_RECORD"] ?? ""
        return !v.isEmpty && v != "0"
    }

    static func sourcePath(_ name: String) -> String { directory + "/" + name + ".velo" }
    static func goldenPath(_ name: String) -> String { directory + "/" + name + ".err" }

    struct Result {
        var diagnostics: [Diagnostic]
        /// Rendered without colour, with the fixture shown relative to the package root.
        var rendered: String
    }

    /// Parses and checks a fixture, and renders its diagnostics.
    static func check(_ name: String) throws -> Result {
        let text = try String(contentsOfFile: sourcePath(name), encoding: .utf8)
        // Checked under its absolute path (CSV paths resolve next to it), rendered under the
        // path relative to the package root so goldens do not depend on the checkout.
        let rules = Frontend.check(SourceFile(path: sourcePath(name), text: text))
        let shown = SourceFile(path: relativeDirectory + "/" + name + ".velo", text: text)
        var rendered = DiagnosticRenderer(color: false).render(rules.diagnostics, in: shown)
        rendered = rendered.replacingOccurrences(of: root + "/", with: "")
        return Result(diagnostics: rules.diagnostics, rendered: rendered)
    }

    static func readGolden(_ name: String) -> String? {
        try? String(contentsOfFile: goldenPath(name), encoding: .utf8)
    }

    static func writeGolden(_ name: String, _ text: String) throws {
        try text.write(toFile: goldenPath(name), atomically: true, encoding: .utf8)
    }

    /// The first line where two texts differ, for a readable failure.
    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(e.count, a.count) {
            let x = i < e.count ? String(e[i]) : "<end of golden>"
            let y = i < a.count ? String(a[i]) : "<end of output>"
            if x != y { return "line \(i + 1):\n  golden: \(x)\n  actual: \(y)" }
        }
        return "no difference"
    }

    /// A message reduced to its kind: backticked names, cycle paths (`a -> b -> a`), quoted
    /// texts and numbers are replaced, so "unknown name `velocty` in table `series`" and "unknown name `x` in
    /// table `plan`" count once.
    static func template(_ d: Diagnostic) -> String {
        var s = d.message
        for (pattern, replacement) in [("`[^`]*`", "`_`"), ("[A-Za-z0-9_.]+( -> [A-Za-z0-9_.]+)+", "PATH"), ("\"[^\"]*\"", "\"_\""), ("[0-9]+(\\.[0-9]+)?", "N")] {
            s = s.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return d.code + ": " + s
    }
}
