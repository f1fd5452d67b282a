// Helpers of the REPL tests: a session on the replenishment example with its output
// captured in order (stdout and stderr interleaved as a terminal shows them), paths shown
// relative to the package root, and where the `velo` binary of this build is.

import Foundation
import Testing
@testable import VeloFrontend

enum ReplHarness {
    static let root = FrontendHarness.root
    static let planRelative = "Examples/replenishment/plan.velo"
    static var plan: String { root + "/" + planRelative }
    static let fixtures = "Tests/Fixtures/repl"

    final class Capture: @unchecked Sendable {
        var text = ""
        var errors = ""
        var console: Console {
            Console(out: { [self] in text += $0 }, err: { [self] in text += $0; errors += $0 })
        }
        /// The output since the last call, with absolute paths made relative.
        func take() -> String {
            defer { text = "" }
            return text.replacingOccurrences(of: ReplHarness.root + "/", with: "")
        }
    }

    /// A session with the example plan open (or none).
    static func session(file: String? = ReplHarness.plan) -> (ReplSession, Capture) {
        let capture = Capture()
        let session = ReplSession(console: capture.console)
        if let file { #expect(session.start(ReplOptions(file: file)) == .ok) }
        _ = capture.take()
        return (session, capture)
    }

    /// Runs commands as a script; the output and whether all succeeded.
    static func script(_ lines: [String], file: String? = ReplHarness.plan) -> (ok: Bool, output: String) {
        let (session, capture) = session(file: file)
        var it = lines.makeIterator()
        let ok = ReplFrontend.runScript(session) { it.next() }
        return (ok, capture.take())
    }

    /// VELO_RECORD=1 rewrites goldens.
    static var recording: Bool {
        let v = ProcessInfo.processInfo.environment["VELO_RECORD"] ?? ""
        return !v.isEmpty && v != "0"
    }

    /// The `velo` executable built next to this test bundle.
    static var veloBinary: String? {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        let path = dir.appendingPathComponent("velo").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Runs `velo` in the package root with standard input from a file (relative to the root,
    /// or absolute; nil: /dev/null); output and error interleaved.
    static func runVelo(_ arguments: [String], stdin: String?, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        guard let velo = veloBinary else { throw HarnessError("the velo binary was not built next to the tests") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: velo)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = try stdin.map { path in
            try FileHandle(forReadingFrom: URL(fileURLWithPath: path.hasPrefix("/") ? path : root + "/" + path))
        } ?? FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }
}
