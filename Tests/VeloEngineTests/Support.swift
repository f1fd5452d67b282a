// Helpers shared by the engine tests: scratch directories with tiny CSVs, compiling a rule
// file the way the frontend does (parse, then check against the CSV headers), opening a
// workspace, and reading cells back as plain Swift values so expectations stay readable.

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine
import VeloFrontend
import VeloSyntax

// MARK: - Fixtures

enum Paths {
    /// The repository root, found from this file's path.
    static func repository(file: String = #filePath) -> String {
        var parts = file.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)   // Tests/VeloEngineTests/Support.swift
        return parts.joined(separator: "/")
    }

    /// A path under Tests/Fixtures/engine.
    static func fixture(_ relative: String) -> String {
        repository() + "/Tests/Fixtures/engine/" + relative
    }

    /// A path under Examples.
    static func example(_ relative: String) -> String {
        repository() + "/Examples/" + relative
    }
}

/// A fresh directory under the system temporary directory, removed when released.
final class Scratch: @unchecked Sendable {
    let dir: String

    init(_ files: [String: String] = [:]) {
        dir = FileManager.default.temporaryDirectory.path + "/velo-engine-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { write(name, text) }
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func path(_ name: String) -> String { dir + "/" + name }

    func write(_ name: String, _ text: String) {
        try! text.write(toFile: path(name), atomically: false, encoding: .utf8)
    }
}

// MARK: - Compiling and evaluating

struct CompileFailure: Error, CustomStringConvertible {
    var diagnostics: [Diagnostic]
    var description: String { diagnostics.map { "\($0.code): \($0.message)" }.joined(separator: "\n") }
}

/// Reads CSV headers for the checker, as `velo` does (`overrides` are `--source` paths).
func schemaProvider(overrides: [String: String] = [:]) -> SchemaProvider {
    RuleCompiler.schemaProvider(overrides: overrides)
}

/// Parses and checks a rule file at `path` (relative CSV paths resolve against its directory).
func compile(_ text: String, path: String, sourceOverrides: [String: String] = [:]) throws(CompileFailure) -> CheckedProgram {
    let file = SourceFile(path: path, text: text)
    let (ast, syntax) = Parser.parse(file)
    if syntax.hasErrors { throw CompileFailure(diagnostics: syntax) }
    if ast.statements.contains(where: { if case .importFile = $0 { return true } else { return false } }) {
        // Imports are followed by the rule compiler.
        let (program, diagnostics) = RuleCompiler.compile(file, sourceOverrides: sourceOverrides)
        guard let program else { throw CompileFailure(diagnostics: diagnostics) }
        return program
    }
    let base = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    let (program, diagnostics) = Checker.check(ast, file: file, baseDirectory: base,
                                               schemas: schemaProvider(overrides: sourceOverrides))
    guard let program else { throw CompileFailure(diagnostics: diagnostics) }
    return program
}

/// A cell read back from a workspace.
enum CellValue: Equatable, CustomStringConvertible {
    case number(Double)
    case text(String)
    case date(String)
    case bool(Bool)
    case missing

    var description: String {
        switch self {
        case .number(let x): return "\(x)"
        case .text(let s): return "\"\(s)\""
        case .date(let d): return d
        case .bool(let b): return "\(b)"
        case .missing: return "missing"
        }
    }
}

/// An evaluated rule file, with readable accessors.
final class Evaluated: @unchecked Sendable {
    let ws: Workspace
    let scratch: Scratch?

    init(_ ws: Workspace, scratch: Scratch?) {
        self.ws = ws
        self.scratch = scratch
    }

    var program: CheckedProgram { ws.program }

    func table(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> TableRef {
        guard let t = program.table(named: name) else {
            Issue.record("no table \(name)", sourceLocation: sourceLocation)
            return TableRef(0)
        }
        return t
    }

    func columnRef(_ table: String, _ column: String) -> ColumnRef? {
        guard let t = program.table(named: table), let c = program.table(t).columnIndex(column) else { return nil }
        return ColumnRef(t, c)
    }

    func rowCount(_ table: String) -> Int { ws.rowCount(self.table(table)) }

    /// Key tuples of a table, in row order.
    func keys(_ table: String) -> [[String]] {
        let t = self.table(table)
        let info = program.table(t)
        let columns = info.keyColumns.map { ws.column(ColumnRef(t, $0)) }
        return (0..<ws.rowCount(t)).map { r in
            columns.map { c -> String in
                if case .text(let v) = c.values { return v[r] ?? "?" }
                return "?"
            }
        }
    }

    /// The row of `keys` (a keyless table has row 0).
    func row(_ table: String, _ keys: [String]) -> Int? {
        let t = self.table(table)
        if program.table(t).keys.isEmpty { return ws.rowCount(t) > 0 ? 0 : nil }
        return ws.row(t, keys: keys)
    }

    func cell(_ table: String, _ column: String, _ keys: String..., sourceLocation: SourceLocation = #_sourceLocation) -> CellValue {
        guard let ref = columnRef(table, column) else {
            Issue.record("no column \(table).\(column)", sourceLocation: sourceLocation)
            return .missing
        }
        guard let r = row(table, keys) else {
            Issue.record("no row \(keys) in \(table)", sourceLocation: sourceLocation)
            return .missing
        }
        return cellValue(ws.column(ref), r)
    }

    /// Where a cell's value went missing, as the frontend names it ("t.ratio[B]").
    func origin(_ table: String, _ column: String, _ keys: String..., sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        guard let ref = columnRef(table, column), let r = row(table, keys) else {
            Issue.record("no cell \(table).\(column)\(keys)", sourceLocation: sourceLocation)
            return nil
        }
        return ws.missingReason(ref, row: r)?.origin.map { ResultText.origin($0, in: ws.program) }
    }

    /// Why a cell is missing: the message, and where it went missing.
    func reason(_ table: String, _ column: String, _ keys: String..., sourceLocation: SourceLocation = #_sourceLocation) -> MissingReason? {
        guard let ref = columnRef(table, column), let r = row(table, keys) else {
            Issue.record("no cell \(table).\(column)\(keys)", sourceLocation: sourceLocation)
            return nil
        }
        return ws.missingReason(ref, row: r)
    }

    /// Every cell of a column, in row order.
    func column(_ table: String, _ column: String) -> [CellValue] {
        guard let ref = columnRef(table, column) else { return [] }
        let c = ws.column(ref)
        return (0..<ws.rowCount(ref.table)).map { cellValue(c, $0) }
    }
}

func cellValue(_ c: ResultColumn, _ r: Int) -> CellValue {
    switch c.values {
    case .number(let v): return v[r].isNaN ? .missing : .number(v[r])
    case .text(let v): return v[r].map { .text($0) } ?? .missing
    case .date(let v): return v[r] == Int32.min ? .missing : .date(CivilDate(day: v[r]).iso)
    case .bool(let v): return v[r] > 1 ? .missing : .bool(v[r] == 1)
    }
}

/// Writes `files` into a scratch directory, compiles `rules` there and evaluates it.
func evaluate(_ rules: String, files: [String: String], asOf: String? = nil, params: [String: Literal] = [:],
              sources: [String: String] = [:]) throws -> Evaluated {
    let scratch = Scratch(files)
    let program = try compile(rules, path: scratch.path("rules.velo"), sourceOverrides: sources)
    var options = WorkspaceOptions(params: params, sources: sources)
    if let asOf { options.asOf = CivilDate(iso: asOf)!.day }
    let ws = try Workspace.open(program, options: options)
    return Evaluated(ws, scratch: scratch)
}

/// Evaluates a rule file that lives on disk (an example), with data overrides.
func evaluateFile(_ path: String, params: [String: Literal] = [:], sources: [String: String] = [:]) throws -> Evaluated {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let program = try compile(text, path: path, sourceOverrides: sources)
    let ws = try Workspace.open(program, options: WorkspaceOptions(params: params, sources: sources))
    return Evaluated(ws, scratch: nil)
}

// MARK: - Numbers

/// |a - b| <= max(rtol * max(|a|, |b|), atol), the reference comparer's rule.
func close(_ a: Double, _ b: Double, rtol: Double = 1e-9, atol: Double = 1e-9) -> Bool {
    if a == b { return true }
    return abs(a - b) <= max(rtol * max(abs(a), abs(b)), atol)
}

/// A number cell close to `expected` (tight tolerance: these are small exact computations).
func expectNumber(_ got: CellValue, _ expected: Double, tolerance: Double = 1e-12,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    guard case .number(let x) = got else {
        Issue.record("expected \(expected), got \(got)", sourceLocation: sourceLocation)
        return
    }
    #expect(close(x, expected, rtol: tolerance, atol: tolerance), "expected \(expected), got \(x)", sourceLocation: sourceLocation)
}

// MARK: - Plain CSV (the committed reference outputs: no quoting, header first)

struct PlainCSV {
    var header: [String]
    var rows: [[String]]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        header = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}

// MARK: - Results as the frontend words them

extension MissingReason {
    /// The reason as `velo` prints it.
    var message: String { ResultText.reason(self) }
}

extension FlagHit {
    /// The row's keys and the message as `velo` prints them.
    var keyText: String { ResultText.keys(keys) }
    var text: String { ResultText.message(self) }
}

extension CheckFailure {
    /// The row's keys and the values read as `velo` prints them.
    var keyText: String { ResultText.keys(keys) }
    var valueText: String { ResultText.values(self) }
}
