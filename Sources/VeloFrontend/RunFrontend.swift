// What `velo run` does, independent of argument parsing (so tests drive it directly).

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSQL
import VeloSyntax

public struct RunRequest: Sendable {
    public var file: String
    public var sets: [String]
    public var sources: [String]
    public var asof: String?
    public var tables: [String]
    public var format: String?
    public var output: String?
    public var limit: Int?
    public var stats: Bool
    /// Run the plan as SQL on this engine (duckdb, postgres, spark) instead of natively (EngineRun.swift).
    public var engine: String? = nil
    /// Sources read from tables already in the engine: NAME=schema.table.
    public var sourceTables: [String] = []
    /// PostgreSQL: a connection URL (default: the PG* environment).
    public var database: String? = nil
    /// Spark: the master URL (default local[2]).
    public var sparkMaster: String? = nil
    /// With an engine: keep the computed tables in the database (persistent tables), not temporary ones.
    public var writeBack = false

    public init(file: String, sets: [String] = [], sources: [String] = [], asof: String? = nil, tables: [String] = [],
                format: String? = nil, output: String? = nil, limit: Int? = nil, stats: Bool = false) {
        self.file = file
        self.sets = sets
        self.sources = sources
        self.asof = asof
        self.tables = tables
        self.format = format
        self.output = output
        self.limit = limit
        self.stats = stats
    }
}

public enum RunFrontend {
    public static func run(_ request: RunRequest, console: Console) throws(CommandFailure) {
        func usage(_ message: String) -> CommandFailure {
            console.err("velo: \(message)\n")
            return CommandFailure(.usage)
        }
        // Options that need no rule file.
        var format = OutputFormat.table
        if let f = request.format {
            guard let parsed = OutputFormat(rawValue: f) else {
                throw usage("unknown format `\(f)`; choose table, csv, json or markdown")
            }
            format = parsed
        } else if request.output != nil {
            format = .csv
        }
        let asOf = try PlanInputs.asOf(request.asof, console: console)
        let sources = try PlanInputs.sources(request.sources, console: console)
        if let limit = request.limit, limit < 0 { throw usage("--limit must be 0 or more") }

        let checked = try EngineRun.sourcesToCheck(request, sources: sources, console: console)
        let (_, program) = try Frontend.loadProgram(request.file, sourceOverrides: checked, console: console)
        for name in sources.keys where program.table(named: name).map({ !program.table($0).isSource }) ?? true {
            let hint = Suggest.didYouMean(name, in: program.tables.filter(\.isSource).map(\.name)).map { ": \($0)" } ?? ""
            throw usage("--source: `\(name)` is not a source table of \(request.file)\(hint)")
        }
        let params = try PlanInputs.params(request.sets, program: program, file: request.file, console: console)
        // Which tables, in which order.
        var selected: [TableRef] = []
        var includeFlags = request.tables.isEmpty
        if request.tables.isEmpty {
            selected = program.tables.indices.filter { !program.tables[$0].isSource }.map(TableRef.init)
        } else {
            for name in request.tables {
                if name == "flags" { includeFlags = true; continue }
                guard let t = program.table(named: name) else {
                    let hint = Suggest.didYouMean(name, in: program.tables.map(\.name) + ["flags"]).map { ": \($0)" } ?? ""
                    throw usage("--table: no table `\(name)` in \(request.file)\(hint)")
                }
                selected.append(t)
            }
        }

        var outputs: [OutputTable]
        let failures: [CheckFailure]
        var workspace: Workspace? = nil
        if let engine = request.engine {
            guard let dialect = SQLDialect(rawValue: engine) else {
                throw usage("unknown engine `\(engine)`; choose duckdb, postgres or spark")
            }
            let results = try EngineRun.run(program, request: request, dialect: dialect, asOf: asOf, params: params, sources: sources,
                                            console: console)
            outputs = selected.map { results.tables[$0]! }
            if includeFlags { outputs.append(ResultTables.flags(results.flags)) }
            failures = results.failures
        } else {
            let ws = try Frontend.open(program, WorkspaceOptions(asOf: asOf, params: params, sources: sources), console: console)
            outputs = selected.map { ResultTables.table(ws, $0) }
            if includeFlags { outputs.append(ResultTables.flags(ws.flags())) }
            failures = ws.checkFailures()
            workspace = ws
        }

        if let path = request.output {
            try write(outputs, format: format, to: path, console: console)
        } else {
            let limit = request.limit.map { $0 == 0 ? nil : $0 } ?? (console.outputIsTerminal && format == .table ? 50 : nil)
            var text = ""
            if format == .json {
                text = outputs.count == 1 ? JSONRenderer().render(outputs[0]) : JSONRenderer().render(tables: outputs)
            } else {
                let width = console.outputIsTerminal ? console.width : nil
                text = outputs.map { $0.rendered(as: format, width: width, maxRows: limit, color: console.colorOutput) }
                    .joined(separator: "\n")
            }
            console.out(text.hasSuffix("\n") ? text : text + "\n")
        }
        // Checks: a failing one is an error of the plan (exit 1), after the outputs.
        for f in failures {
            let keys = f.keys.isEmpty ? "" : " [\(ResultText.keys(f.keys))]"
            console.err("check failed: \(f.check) on \(f.table)\(keys): \(ResultText.detail(f))\n")
        }
        if request.stats, let ws = workspace {
            var lines = ws.stats.phases.map { "  \($0.name + String(repeating: " ", count: max(0, 10 - $0.name.count))) \(NumberFormat.human($0.seconds * 1000, decimals: 1)) ms" }
            lines.append("  cells evaluated: \(NumberFormat.grouped(ws.stats.cellsEvaluated)), cut off: 0 (a full evaluation)")
            console.err("stats:\n" + lines.joined(separator: "\n") + "\n")
        }
        if !failures.isEmpty { throw CommandFailure(.ruleErrors) }
    }

    static func write(_ outputs: [OutputTable], format: OutputFormat, to path: String, console: Console) throws(CommandFailure) {
        let ext: String
        switch format {
        case .csv: ext = "csv"
        case .json: ext = "json"
        case .markdown: ext = "md"
        case .table: ext = "txt"
        }
        func render(_ t: OutputTable) -> String {
            format == .table ? t.rendered(as: .table, width: 10_000) : t.rendered(as: format)
        }
        if outputs.count > 1, !makeDirectory(path) {
            console.err("velo: cannot create the directory \(path): \(String(cString: strerror(errno)))\n")
            throw CommandFailure(.dataError)
        }
        do {
            if outputs.count == 1 {
                try AtomicFile.write(render(outputs[0]), to: path)
            } else {
                for t in outputs { try AtomicFile.write(render(t), to: path + "/" + t.name + "." + ext) }
            }
        } catch {
            console.err("velo: \(error)\n")
            throw CommandFailure(.dataError)
        }
    }
}

/// A param value given on the command line or in the REPL: a Velo literal of the param's type.
public enum ParamValue {
    public struct Failure: Error, Sendable { public var message: String }

    public static func parse(_ text: String, for param: ParamInfo) -> Result<Literal, Failure> {
        guard let value = literal(text, type: param.type) else {
            return .failure(Failure(message: "expected \(param.type.withArticle) such as \(example(param.type)), found `\(text)`"))
        }
        return .success(value)
    }

    /// A literal of `type` written as Velo source (`98%`, `-3`, `21 days`, `2024-12-31`,
    /// `"weekly"` or a bare word for text); nil when the text is not one. `missing` is accepted
    /// when `allowMissing`, and numbers and durations for each other when `durationsAsNumbers`
    /// (data cells hold durations as numbers of days).
    static func literal(_ text: String, type: VType, allowMissing: Bool = false, durationsAsNumbers: Bool = false) -> Literal? {
        let (expr, diagnostics) = Parser.parseExpression(SourceFile(path: "<value>", text: text))
        guard var e = expr, !diagnostics.hasErrors else { return nil }
        var negate = false
        if case .unary(.negate, let inner) = e.kind { negate = true; e = inner }
        let sign: Double = negate ? -1 : 1
        switch (e.kind, type.base) {
        case (.missing(let reason), _) where allowMissing && !negate: return .missing(reason: reason ?? "set in the REPL")
        case (.number(let v), .number), (.percent(let v), .number): return .number(sign * v)
        case (.duration(let d), .duration): return .duration(sign * d)
        case (.number(let v), .duration) where durationsAsNumbers: return .duration(sign * v)
        case (.duration(let v), .number) where durationsAsNumbers: return .number(sign * v)
        case (.date(let s), .date) where !negate: return CivilDate(iso: s).map { .date($0.day) }
        case (.bool(let b), .bool) where !negate: return .bool(b)
        case (.text(let t), .text) where !negate: return t.plainText.map { .text($0) }
        case (.name(let n), .text) where !negate: return .text(n.text)
        default: return nil
        }
    }

    static func example(_ t: VType) -> String {
        switch t.base {
        case .number: return "`0.98` or `98%`"
        case .duration: return "`21 days`"
        case .date: return "`2024-12-31`"
        case .bool: return "`true`"
        case .text: return "`weekly`"
        case .unknown: return "a value"
        }
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Creates a directory unless it exists; false (with errno set) when that fails.
func makeDirectory(_ path: String) -> Bool {
    var st = stat()
    if stat(path, &st) == 0 {
        if (st.st_mode & S_IFMT) == S_IFDIR { return true }
        errno = ENOTDIR
        return false
    }
    return mkdir(path, 0o755) == 0
}

