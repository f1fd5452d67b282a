// The frontend owns everything between the user and the engine: reading rule files,
// running the pipeline, rendering diagnostics, colour, exit codes, and writing outputs.
// Commands are thin: they parse options and call into here.
//
// The pipeline, in one place:  read → parse → check → (load data → evaluate) → render.

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

/// Exit codes, documented in the README and `velo --help`.
public enum ExitStatus: Int32, Sendable {
    /// Everything is sound.
    case ok = 0
    /// A rule file has errors, or a check failed.
    case ruleErrors = 1
    /// The command line is wrong (unknown option, bad value, missing file argument).
    case usage = 2
    /// Data cannot be read or is invalid, or an output cannot be written.
    case dataError = 3
}

/// A failure that ends the command with an exit status; its message is already printed.
public struct CommandFailure: Error, Sendable {
    public var status: ExitStatus
    public init(_ status: ExitStatus) { self.status = status }
}

/// Where text goes. Tests capture it; the CLI writes to the terminal.
public final class Console {
    public var out: (String) -> Void
    public var err: (String) -> Void
    public var colorErrors: Bool
    public var colorOutput: Bool
    public var outputIsTerminal: Bool
    public var width: Int

    public init(out: @escaping (String) -> Void, err: @escaping (String) -> Void, colorErrors: Bool = false,
                colorOutput: Bool = false, outputIsTerminal: Bool = false, width: Int = 100) {
        self.out = out
        self.err = err
        self.colorErrors = colorErrors
        self.colorOutput = colorOutput
        self.outputIsTerminal = outputIsTerminal
        self.width = width
    }

    /// The real terminal: colour only on a TTY and never with NO_COLOR.
    public static func standard() -> Console {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) }.map { !$0.isEmpty } ?? false
        let outTTY = isatty(1) == 1, errTTY = isatty(2) == 1
        var width = 100
        var ws = winsize()
        if outTTY, ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 { width = Int(ws.ws_col) }
        else if let c = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), c > 0 { width = c }
        return Console(out: { s in writeAll(1, s) }, err: { s in writeAll(2, s) },
                       colorErrors: errTTY && !noColor, colorOutput: outTTY && !noColor, outputIsTerminal: outTTY, width: width)
    }
}

/// A rule file read, parsed and checked.
public struct LoadedRules {
    public var file: SourceFile
    public var program: CheckedProgram?
    public var diagnostics: [Diagnostic]
}

public enum Frontend {
    /// Reads a rule file; a missing or non-UTF-8 file is a usage error.
    public static func readRuleFile(_ path: String, console: Console) throws(CommandFailure) -> SourceFile {
        let bytes: [UInt8]
        switch RuleCompiler.readRuleBytes(path) {
        case .success(let b): bytes = b
        case .failure(let refusal):
            console.err("velo: cannot read \(path): \(refusal.reason)\n")
            throw CommandFailure(.usage)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            console.err("velo: \(path) is not UTF-8 text\n")
            throw CommandFailure(.usage)
        }
        return SourceFile(path: path, text: text)
    }

    /// Parse and check. Diagnostics are returned, not printed.
    public static func check(_ file: SourceFile, sourceOverrides: [String: String] = [:]) -> LoadedRules {
        // `X.test.velo` holds tests of the rule file `X.velo`: checked against its program.
        if let rulePath = TestFiles.ruleFile(forTestFile: file.path) {
            return TestFiles.checkTestFile(file, rulePath: rulePath, sourceOverrides: sourceOverrides)
        }
        let (program, diagnostics) = RuleCompiler.compile(file, sourceOverrides: sourceOverrides)
        return LoadedRules(file: file, program: program, diagnostics: diagnostics)
    }

    /// Reads, parses and checks a rule file and prints its diagnostics; a file with errors
    /// ends the command (status 1, or 3 when its data cannot be read).
    public static func loadProgram(_ path: String, sourceOverrides: [String: String] = [:],
                                   console: Console) throws(CommandFailure) -> (file: SourceFile, program: CheckedProgram) {
        let file = try readRuleFile(path, console: console)
        return (file, try program(of: check(file, sourceOverrides: sourceOverrides), console: console))
    }

    /// Prints the diagnostics of checked rules; their program, or the command ends (status
    /// 1, or 3 when the data cannot be read).
    public static func program(of rules: LoadedRules, console: Console) throws(CommandFailure) -> CheckedProgram {
        render(rules.diagnostics, in: rules.file, console: console)
        guard let program = rules.program else {
            console.err("\(rules.file.path): \(summary(rules.diagnostics))\n")
            throw CommandFailure(status(for: rules.diagnostics))
        }
        return program
    }

    /// Loads the data and evaluates the plan; data that cannot be read ends the command (status 3).
    public static func open(_ program: CheckedProgram, _ options: WorkspaceOptions, console: Console) throws(CommandFailure) -> Workspace {
        do {
            return try Workspace.open(program, options: options)
        } catch {
            console.err("velo: \(error.message)\n")
            throw CommandFailure(.dataError)
        }
    }

    public static func render(_ diagnostics: [Diagnostic], in file: SourceFile, console: Console) {
        let renderer = DiagnosticRenderer(color: console.colorErrors)
        console.err(renderer.render(diagnostics, in: file))
    }

    static func readFile(_ path: String) -> [UInt8]? { RuleCompiler.readWhole(path) }

    /// The status for a rule file with errors: unreadable data is a data error (3),
    /// anything else an error in the rules (1).
    static func status(for diagnostics: [Diagnostic]) -> ExitStatus {
        let errors = diagnostics.filter { $0.severity == .error }
        return !errors.isEmpty && errors.allSatisfy { $0.code == "unreadable-source" } ? .dataError : .ruleErrors
    }

    /// "2 errors, 1 warning"
    static func summary(_ diagnostics: [Diagnostic]) -> String {
        let e = diagnostics.filter { $0.severity == .error }.count
        let w = diagnostics.filter { $0.severity == .warning }.count
        var parts: [String] = []
        if e > 0 { parts.append("\(e) error\(e == 1 ? "" : "s")") }
        if w > 0 { parts.append("\(w) warning\(w == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }
}


/// Writes all of `s` to a file descriptor, retrying short writes.
func writeAll(_ fd: Int32, _ s: String) {
    var bytes = Array(s.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 {
            if n < 0 && errno == EINTR { continue }
            return
        }
        offset += n
    }
    bytes.removeAll()
}
