// The REPL's core: takes complete commands (one line, or several joined) and writes their
// output to a Console. It knows nothing of terminals or readline, so tests drive it
// directly; `ReplDriver` feeds it lines from readline or from a pipe.
//
// State: the rule file, and named scenarios. A scenario is a workspace plus the model of
// what the planner changed — params set, data cells set, formulas defined, the as-of
// date — and its undo and redo history as pairs of models. Every edit, undo and redo is a
// transition from one model to another: params and cells become engine edits applied
// incrementally; changed formulas rebuild the rule text, recompile and reopen.

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

/// How the REPL starts.
public struct ReplOptions: Sendable {
    public var file: String?
    /// `--set NAME=VALUE`
    public var sets: [String]
    /// Source table name -> file.
    public var sources: [String: String]
    public var asOf: Int32?

    public init(file: String? = nil, sets: [String] = [], sources: [String: String] = [:], asOf: Int32? = nil) {
        self.file = file
        self.sets = sets
        self.sources = sources
        self.asOf = asOf
    }
}

/// What the planner changed in a scenario, relative to the rule file and its data.
struct ScenarioModel: Equatable {
    var definitions: [FormulaDefinition] = []
    var params: [String: Literal] = [:]
    var cells: [CellTarget: Literal] = [:]
    /// Whether the as-of date is set (`set asof = ...`), and to what.
    var asOfPinned = false
    var asOf: Int32? = nil
}


/// One step of the undo history.
struct HistoryEntry {
    var label: String
    var before: ScenarioModel
    var after: ScenarioModel
}

final class Scenario {
    let name: String
    var model: ScenarioModel
    var workspace: Workspace
    var undo: [HistoryEntry] = []
    var redo: [HistoryEntry] = []

    init(name: String, model: ScenarioModel, workspace: Workspace) {
        self.name = name
        self.model = model
        self.workspace = workspace
    }
}

/// Ctrl-C during a command: its result is discarded.
struct ReplInterrupted: Error {}

public final class ReplSession {
    let console: Console
    /// Where rule files come from; nil before any file is loaded.
    var filePath: String?
    var fileText = ""
    let sourceOverrides: [String: String]
    var scenarios: [Scenario] = []
    var current = 0
    /// Data cells as read from the files, for cells set in the REPL (to set them back).
    var originals: [CellTarget: Literal] = [:]
    var format: OutputFormat = .table
    /// `mode csv units`: CSV headers and JSON tables carry the columns' units.
    var unitsInOutput = false
    var timer = false
    /// The last change report in full, for `changes`, with the formula columns it added and removed.
    var lastChanges: (report: ChangeReport, added: [String], removed: [String])? = nil
    /// Formula columns the last transition added or removed.
    var lastColumnsAdded: [String] = []
    var lastColumnsRemoved: [String] = []
    /// Cells computed by the current command (for `timer on`).
    var cellsComputed = 0
    /// Set by `quit`.
    public private(set) var wantsQuit = false
    /// Polled between steps of a command: Ctrl-C was pressed.
    public var interruptRequested: () -> Bool = { false }

    var scenario: Scenario { scenarios[current] }
    var workspace: Workspace { scenario.workspace }
    var program: CheckedProgram { workspace.program }

    public init(console: Console, sourceOverrides: [String: String] = [:]) {
        self.console = console
        self.sourceOverrides = sourceOverrides
        let empty = RuleCompiler.compile(SourceFile(path: "<repl>", text: "")).program!
        // An empty program has no data to read.
        let ws = try! Workspace.open(empty)
        scenarios = [Scenario(name: "base", model: ScenarioModel(), workspace: ws)]
    }

    /// The prompt: `velo> `, or `velo (high_service)> ` in another scenario than `base`.
    public var prompt: String { scenario.name == "base" && scenarios.count == 1 ? "velo> " : "velo (\(scenario.name))> " }
    public var continuationPrompt: String { String(repeating: " ", count: max(0, prompt.count - 5)) + "...> " }

    // MARK: - Output

    func out(_ s: String) { console.out(s.hasSuffix("\n") ? s : s + "\n") }
    var exact: Bool { format == .csv || format == .json }
    var isTerminal: Bool { console.outputIsTerminal }

    func render(_ table: OutputTable, maxRows: Int? = nil, title: String? = nil) -> String {
        var text: String
        switch format {
        case .table:
            let limit = maxRows ?? (isTerminal ? 50 : nil)
            text = table.rendered(as: .table, width: isTerminal ? console.width : nil, maxRows: limit, color: console.colorOutput)
            if let title, let nl = text.firstIndex(of: "\n") { text = title + text[nl...] }
        default:
            text = table.rendered(as: format, units: unitsInOutput)
        }
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    // MARK: - Running commands

    /// Runs one complete command; false when it failed (its error is printed).
    @discardableResult
    public func execute(_ input: String) -> Bool {
        let clock = ReplClock()
        cellsComputed = 0
        var ok = true
        do {
            let command = try ReplCommand.parse(input)
            if command == .nothing { return true }
            try run(command)
        } catch let e as ReplError {
            fail(e.message)
            ok = false
        } catch is ReplInterrupted {
            console.err("interrupted: nothing changed\n")
            ok = false
        } catch {
            fail("\(error)")
            ok = false
        }
        if timer {
            out("time: \(NumberFormat.human(clock.elapsed() * 1000, decimals: 1)) ms, "
                + "\(NumberFormat.grouped(cellsComputed)) cell\(cellsComputed == 1 ? "" : "s") computed")
        }
        return ok
    }

    func fail(_ message: String) {
        // Rendered diagnostics already say `error:`.
        let text = message.contains(": error: ") || message.hasPrefix("error: ") ? message : "error: " + message
        console.err(text.hasSuffix("\n") ? text : text + "\n")
    }

    func run(_ command: ReplCommand) throws {
        switch command {
        case .nothing: break
        case .help(let topic): out(try ReplHelp.text(topic))
        case .toFile(let inner, let path): try runToFile(inner, path: path)
        case .quit: wantsQuit = true
        case .evaluate(let text): try evaluate(text)
        case .show(let spec): try show(spec)
        case .setParam(let name, let value): try setParam(name, value)
        case .setCell(let target, let value): try setCell(target, value)
        case .setAsOf(let value): try setAsOf(value)
        case .setRows(let table, let column, let formula, let filter): try setRows(table: table, column: column, formula: formula, filter: filter)
        case .undo: try undo()
        case .redo: try redo()
        case .define(let table, let column, let formula):
            try define(FormulaDefinition(table: table, column: column, formula: formula))
        case .scenario(let name): try fork(name)
        case .scenarios: listScenarios()
        case .use(let name): try use(name)
        case .compare(let a, let b, let on): try compare(a, b, on: on)
        case .explain(let target, let depth): try explain(target, depth: depth)
        case .record(let name, let cells, let file): try record(name: name, cells: cells, to: file)
        case .load(let path): try load(path)
        case .reload: try reload()
        case .flags: showFlags()
        case .checks: showChecks()
        case .tables: listTables()
        case .params: listParams()
        case .changes: try showChanges()
        case .mode(let f, let units):
            format = f
            unitsInOutput = units
            note("mode: \(f.rawValue)" + (units ? ", with units" : ""))
        case .timer(let on):
            timer = on
            note("timer: \(on ? "on" : "off")")
        }
    }

    // MARK: - Loading

    /// Compiles rule text; errors come back rendered.
    func compile(_ text: String) throws(ReplError) -> CheckedProgram {
        let file = SourceFile(path: filePath ?? "<repl>", text: text)
        let (program, diagnostics) = RuleCompiler.compile(file, sourceOverrides: sourceOverrides)
        let rendered = DiagnosticRenderer(color: console.colorErrors).render(diagnostics, in: file)
        guard let program, !diagnostics.hasErrors else {
            throw ReplError(rendered + "\(file.path): \(Frontend.summary(diagnostics))", status: Frontend.status(for: diagnostics))
        }
        if !rendered.isEmpty { console.err(rendered) }
        return program
    }

    /// Reads and opens a rule file; on failure nothing changes, and the error's status says
    /// what it means (rule errors 1, unreadable file 2, bad data 3).
    func open(_ path: String, sets: [String] = [], asOf: Int32? = nil) throws(ReplError) {
        let bytes: [UInt8]
        switch RuleCompiler.readRuleBytes(path) {
        case .success(let b): bytes = b
        case .failure(let refusal): throw ReplError("cannot read \(path): \(refusal.reason)", status: .usage)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ReplError("\(path) is not UTF-8 text", status: .usage) }
        let previousPath = filePath
        filePath = path
        do throws(ReplError) {
            let program = try compile(text)
            var model = ScenarioModel()
            for s in sets {
                guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { throw ReplError("--set needs NAME=VALUE, found `\(s)`") }
                let name = String(s[..<eq]).trimmingWhitespace()
                guard let p = program.param(named: name) else {
                    throw ReplError("--set: unknown param `\(name)`" + (Suggest.didYouMean(name, in: program.params.map(\.name)).map { ": \($0)" } ?? ""))
                }
                switch ParamValue.parse(String(s[s.index(after: eq)...]), for: program.params[p]) {
                case .success(let v): model.params[name] = v
                case .failure(let e): throw ReplError("--set \(name): \(e.message)")
                }
            }
            model.asOfPinned = asOf != nil
            model.asOf = asOf
            let ws: Workspace
            do {
                var options = WorkspaceOptions(asOf: asOf, params: model.params, sources: sourceOverrides)
                options.keepsWindowSums = true
                ws = try Workspace.open(program, options: options)
            } catch {
                throw ReplError(error.message, status: .dataError)
            }
            fileText = text
            scenarios = [Scenario(name: "base", model: model, workspace: ws)]
            current = 0
            originals = [:]
            lastChanges = nil
            cellsComputed += ws.stats.cellsEvaluated
        } catch {
            filePath = previousPath
            throw error
        }
    }

    /// `load FILE`: another rule file, a fresh start.
    func load(_ path: String) throws(ReplError) {
        try open(path)
        out(loadedSummary())
    }

    /// "plan.velo: 5 tables, 2 params, 1 flag, 1 check; as of 2024-11-26"
    func loadedSummary() -> String {
        let p = program
        let computed = p.tables.filter { !$0.isSource }.count
        var parts = ["\(p.tables.count - computed) source\(p.tables.count - computed == 1 ? "" : "s")",
                     "\(computed) computed table\(computed == 1 ? "" : "s")",
                     "\(p.params.count) param\(p.params.count == 1 ? "" : "s")"]
        if !p.flags.isEmpty { parts.append("\(p.flags.count) flag\(p.flags.count == 1 ? "" : "s")") }
        if !p.checks.isEmpty { parts.append("\(p.checks.count) check\(p.checks.count == 1 ? "" : "s")") }
        let asOf = workspace.asOf.map { "; as of \(CivilDate(day: $0).iso)" } ?? ""
        return "\(filePath ?? "<repl>"): " + parts.joined(separator: ", ") + asOf
    }

    /// Starts the session: opens the file of the command line. Errors are printed; the
    /// status says what the failure means.
    public func start(_ options: ReplOptions) -> ExitStatus {
        guard let file = options.file else { return .ok }
        do throws(ReplError) {
            try open(file, sets: options.sets, asOf: options.asOf)
            note(loadedSummary())
            return .ok
        } catch {
            filePath = file
            fail(error.message)
            return error.status
        }
    }

    /// Completion candidates for `word`, which follows `before` on the input.
    public func completions(before: String, word: String) -> [String] {
        ReplCompleter(program: program, workspace: workspace, scenarioNames: scenarios.map(\.name))
            .candidates(before: before, word: word)
    }
}

/// Elapsed wall-clock time.
struct ReplClock {
    var start = ReplClock.now()
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    func elapsed() -> Double { ReplClock.now() - start }
}
