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
    /// `--pivot closing`: period tables with their periods as columns, showing this column.
    public var pivot: String? = nil
    /// `--report NAME`: only this report of the rule file.
    public var report: String?
    /// `--fail-on error|warning`: exit 1 when a flag of that severity (or worse) fires.
    public var failOn: String?
    /// `--no-sparkline`: no column of recent daily units in human output.
    public var sparkline: Bool = true
    /// `--scenario FILE`: edits written down, one `set` a line (before `--set`).
    public var scenario: String?
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
    /// `--units`: CSV headers carry the units (`need (units)`), JSON tables a units object.
    public var units = false
    /// CSV output in another dialect (an ERP upload): `--csv-delimiter`, `--csv-decimal`, `--csv-dates`.
    public var csvDelimiter: String? = nil
    public var csvDecimal: String? = nil
    public var csvDates: String? = nil

    public init(file: String, sets: [String] = [], sources: [String] = [], asof: String? = nil, tables: [String] = [],
                format: String? = nil, output: String? = nil, limit: Int? = nil, stats: Bool = false,
                report: String? = nil, failOn: String? = nil, pivot: String? = nil) {
        self.report = report
        self.failOn = failOn
        self.pivot = pivot
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
        var requestedFormat: OutputFormat?
        if let f = request.format {
            guard let parsed = OutputFormat(rawValue: f) else {
                throw usage("unknown format `\(f)`; choose table, csv, json or markdown")
            }
            requestedFormat = parsed
        }
        let format = requestedFormat ?? .table
        let failOn = try RunOutputs.failOn(request.failOn, console: console)
        _ = try RunOutputs.csvDialect(request, console: console)
        let asOf = try PlanInputs.asOf(request.asof, console: console)
        let sources = try PlanInputs.sources(request.sources, console: console)
        if let limit = request.limit, limit < 0 { throw usage("--limit must be 0 or more") }

        // The pipeline, stage by stage; each stage's failure ends the command with its status.
        // 1. Parse and 2. check (a test file `X.test.velo` is checked against `X.velo`).
        // (With --engine and --source-table, the checker reads those sources' schemas from the engine.)
        let checkedSources = try EngineRun.sourcesToCheck(request, sources: sources, console: console)
        let file = try Frontend.readRuleFile(request.file, console: console)
        let rules: LoadedRules
        if TestFiles.ruleFile(forTestFile: file.path) != nil {
            rules = Frontend.check(file, sourceOverrides: checkedSources)
        } else {
            let (ast, syntax) = Parser.parse(file)
            let (checked, diagnostics) = RuleCompiler.check(ast, syntax: syntax, file: file, sourceOverrides: checkedSources)
            rules = LoadedRules(file: file, program: checked, diagnostics: diagnostics)
        }
        let program = try Frontend.program(of: rules, console: console)
        let inputs = request.output == nil ? [] : OutputGuard.inputs(ruleFile: file, program: program, sources: sources)
        // The command line read against the program: --source, --set, --table.
        for name in sources.keys where program.table(named: name).map({ !program.table($0).isReadSource }) ?? true {
            let hint = Suggest.didYouMean(name, in: program.tables.filter(\.isReadSource).map(\.name)).map { ": \($0)" } ?? ""
            throw usage("--source: `\(name)` is not a source table of \(request.file)\(hint)")
        }
        let sets = try PlanInputs.scenario(request.scenario, console: console) + request.sets
        let params = try PlanInputs.params(sets, program: program, file: request.file, console: console)
        // Which tables, in which order.
        var selected: [TableRef] = []
        var includeFlags = request.tables.isEmpty
        // `--table checks` (the failing rows) and `--table asof` (the date used), in the chosen format.
        var extras: [String] = []
        if request.tables.isEmpty {
            selected = program.tables.indices.filter { !program.tables[$0].isSource }.map(TableRef.init)
        } else {
            for name in request.tables {
                if name == "flags" { includeFlags = true; continue }
                if name == "checks" || name == "asof", program.table(named: name) == nil { extras.append(name); continue }
                guard let t = program.table(named: name) else {
                    let hint = Suggest.didYouMean(name, in: program.tables.map(\.name) + ["flags", "checks", "asof"]).map { ": \($0)" } ?? ""
                    throw usage("--table: no table `\(name)` in \(request.file)\(hint)")
                }
                selected.append(t)
            }
        }

        // Reports: the rule file's own (without --table), or the one --report names.
        var reports: [Int] = []
        if let name = request.report {
            guard request.tables.isEmpty else { throw usage("--report and --table cannot be combined; choose one") }
            guard let r = program.report(named: name) else {
                let names = program.reports.map(\.name)
                let hint = Suggest.didYouMean(name, in: names).map { ": \($0)" } ?? (names.isEmpty ? ": \(request.file) has no reports" : " (reports: \(names.joined(separator: ", ")))")
                throw usage("--report: no report `\(name)` in \(request.file)\(hint)")
            }
            reports = [r]
        } else if request.tables.isEmpty {
            reports = Array(program.reports.indices)
        }

        // 3–5 on another engine: the plan compiled to SQL and run there (EngineRun.swift).
        if let engine = request.engine {
            guard let dialect = SQLDialect(rawValue: engine) else {
                throw usage("unknown engine `\(engine)`; choose duckdb, postgres or spark")
            }
            // The engine returns the tables it computes; a source's rows are the data it was given.
            if let source = selected.first(where: { program.table($0).isSource }) {
                throw usage("--table \(program.table(source).name): a source table, which the engine reads but does not compute; "
                            + "with --engine, name computed tables (velo run without --engine prints its rows)")
            }
            if extras.contains("asof") {
                throw usage("--table asof: the engine finds the as-of date but does not return it; "
                            + "give it with --asof, or run without --engine to see it")
            }
            let results = try EngineRun.run(program, request: request, dialect: dialect, asOf: asOf, params: params, sources: sources,
                                            console: console)
            // The reports over the engine's tables (ResultTables+Reports.swift), when their filters allow.
            let made = reports.map { ResultTables.report(program, $0, params: params, tables: results.tables, flags: results.flags) }
            var outputs: [OutputTable], titles: [String?]
            if !made.isEmpty, made.allSatisfy({ $0 != nil }) {
                outputs = made.map { $0!.table }
                titles = made.map { $0!.title }
            } else {
                let cannot = zip(reports, made).filter { $0.1 == nil }.map { program.reports[$0.0].name }
                if request.report != nil {
                    throw usage("--report \(cannot.joined()): its `where` runs on Velo's own engine only; with --engine, name the tables with --table")
                }
                if !reports.isEmpty {
                    console.err("velo: report \(cannot.joined(separator: ", ")) filters with more than comparisons of its table's columns, which runs on Velo's own engine; with --engine the tables are printed (name them with --table)\n")
                }
                outputs = selected.compactMap { results.tables[$0] }
                if includeFlags { outputs.append(ResultTables.flags(results.flags)) }
                if extras.contains("checks") { outputs.append(ResultTables.checks(results.failures, program: program)) }
                titles = outputs.map { _ in nil }
            }
            try emit(outputs, titles: titles, format: format, requestedFormat: requestedFormat, request: request,
                     inputs: inputs, console: console)
            try reportChecks(results.failures, console: console)
            try RunOutputs.failIfFlagged(results.flags, failOn: failOn, console: console)
            return
        }

        // 3. Lower to the evaluation graph, 4. open the sources, 5. evaluate.
        let graph = EvaluationGraph(program)
        var options = WorkspaceOptions(asOf: asOf, params: params, sources: sources)
        // One evaluation: rows of dated sources no output can read are left out (row edits
        // of `--set TABLE.COLUMN=` evaluate formulas of their own, so they read everything).
        if !sets.contains(where: PlanInputs.isRowEdit) {
            // The sparkline of a table printed for a person reads its sales' recent days.
            let sparkline = request.output == nil && format == .table && request.sparkline
            var also = WindowPushDown(shown: selected, minimumDays: sparkline ? Sparkline.days : 0)
            for r in reports {
                let report = program.reports[r]
                guard case .table(let t) = report.target else { continue }
                also.shown.append(t)
                if let f = report.filter { also.conditions.append((t, f)) }
            }
            options.windowPushDown = also
        }
        let ws: Workspace
        do {
            let opened = try OpenedSources.open(program, options: options, graph: graph)
            ws = try Workspace(program: program, graph: graph, sources: opened, options: options)
        } catch {
            console.err("velo: \(error.message)\n")
            throw CommandFailure(.dataError)
        }
        ws.evaluate()
        // (`--set TABLE.COLUMN=EXPR where …`: edits applied to the evaluated plan, incrementally.)
        try PlanInputs.applyRowEdits(sets, to: ws, console: console)
        let human = request.output == nil && format == .table
        // 6. Render. With reports, only they are output: the whole tables are not built.
        if !reports.isEmpty { selected = []; includeFlags = false }
        var outputs = selected.map { ref in
            human && request.sparkline ? Sparkline.adding(to: ResultTables.table(ws, ref), ws, ref) : ResultTables.table(ws, ref)
        }
        if let measure = request.pivot {
            var pivoted = 0
            for (i, t) in selected.enumerated() where program.table(t).periods != nil {
                switch PeriodPivot.table(ResultTables.table(ws, t), info: program.table(t), measure: measure) {
                case .success(let table): outputs[i] = table; pivoted += 1
                case .failure(let e): throw usage("--pivot: " + e.message)
                }
            }
            if pivoted == 0 { throw usage("--pivot: no period table among the tables output; name one with --table") }
        }
        if includeFlags { outputs.append(ResultTables.flags(ws.flags())) }
        for name in extras {
            if name == "checks" { outputs.append(ResultTables.checks(ws.checkFailures(), program: program)) }
            if name == "asof" {
                outputs.append(OutputTable(name: "asof", columns: [OutputColumn(name: "asof", values: .date([ws.asOf ?? Int32.min]))], rowCount: 1))
            }
        }
        var titles: [String?] = outputs.map { _ in nil }
        if !reports.isEmpty {
            let made = reports.map { ResultTables.report(ws, $0) }
            outputs = made.map(\.table)
            titles = made.map(\.title)
        }

        try emit(outputs, titles: titles, format: format, requestedFormat: requestedFormat, request: request,
                     inputs: inputs, console: console)
        if request.stats {
            var lines = ws.stats.phases.map { "  \($0.name + String(repeating: " ", count: max(0, 10 - $0.name.count))) \(NumberFormat.human($0.seconds * 1000, decimals: 1)) ms" }
            lines.append("  cells evaluated: \(NumberFormat.grouped(ws.stats.cellsEvaluated)), cut off: 0 (a full evaluation)")
            for w in ws.readWindows {
                lines.append("  \(w.table): rows of the last \(w.days) days read (\(NumberFormat.grouped(w.rows)) rows); the rest is never read by this plan")
            }
            console.err("stats:\n" + lines.joined(separator: "\n") + "\n")
        }
        try reportChecks(ws.checkFailures(), console: console)
        try RunOutputs.failIfFlagged(ws.flags(), failOn: failOn, console: console)
    }

    /// Writes the outputs to `--output` (a file, a folder or a database) or prints them.
    static func emit(_ outputs: [OutputTable], titles: [String?], format: OutputFormat, requestedFormat: OutputFormat?,
                     request: RunRequest, inputs: [OutputGuard.Input] = [], console: Console) throws(CommandFailure) {
        var format = format
        let csv = try RunOutputs.csvDialect(request, console: console)
        if let path = request.output, DatabaseWriter.isDatabase(path) {
            if !csv.isPlain { throw RunOutputs.csvDialectWithoutCSV(console: console) }
            try OutputGuard.refuse([path], inputs: inputs, option: "--output", console: console)
            try writeDatabase(outputs, to: path, console: console)
        } else if let path = request.output {
            let target: OutputFiles.Target
            switch OutputFiles.target(path, format: requestedFormat, tableCount: outputs.count) {
            case .success(let t): target = t
            case .failure(let m):
                console.err("velo: \(m.text)\n")
                throw CommandFailure(.usage)
            }
            format = target.format
            if !csv.isPlain && format != .csv { throw RunOutputs.csvDialectWithoutCSV(console: console) }
            try write(outputs, to: target, units: request.units, inputs: inputs, csv: csv, console: console)
        } else {
            if !csv.isPlain && format != .csv { throw RunOutputs.csvDialectWithoutCSV(console: console) }
            let limit = request.limit.map { $0 == 0 ? nil : $0 } ?? (console.outputIsTerminal && format == .table ? 50 : nil)
            var text = ""
            if format == .json {
                let json = JSONRenderer(units: request.units)
                text = outputs.count == 1 ? json.render(outputs[0]) : json.render(tables: outputs)
            } else {
                let width = console.outputIsTerminal ? console.width : nil
                text = zip(outputs, titles).map { table, title in
                    let t = table.rendered(as: format, width: width, maxRows: limit, color: console.colorOutput, units: request.units, csv: csv)
                    guard let title else { return t }
                    return format == .table ? ResultTables.titled(t, title) : format == .markdown ? "**\(title)**\n\n" + t : t
                }.joined(separator: "\n")
            }
            console.out(text.hasSuffix("\n") ? text : text + "\n")
        }
    }

    /// Checks: a failing one is an error of the plan (exit 1), printed after the outputs.
    static func reportChecks(_ failures: [CheckFailure], console: Console) throws(CommandFailure) {
        for f in failures {
            let keys = f.keys.isEmpty ? "" : " [\(ResultText.keys(f.keys))]"
            console.err("check failed: \(f.check) on \(f.table)\(keys): \(ResultText.detail(f))\n")
        }
        if !failures.isEmpty { throw CommandFailure(.ruleErrors) }
    }

    /// A database (`plan.db`, `postgresql://…`): every table in one transaction (DatabaseWriter).
    static func writeDatabase(_ outputs: [OutputTable], to path: String, console: Console) throws(CommandFailure) {
        do throws(DatabaseWriter.Failure) {
            try DatabaseWriter.write(outputs, to: path)
        } catch {
            console.err("velo: \(error)\n")
            throw CommandFailure(.dataError)
        }
    }

    /// Writes the files of `--output`: every file or none (AtomicFile.writeAll), and never one
    /// of the run's inputs.
    static func write(_ outputs: [OutputTable], to target: OutputFiles.Target, units: Bool = false,
                      inputs: [OutputGuard.Input] = [], csv: CSVOutputDialect = CSVOutputDialect(),
                      console: Console) throws(CommandFailure) {
        func render(_ t: OutputTable) -> String {
            target.format == .table ? t.rendered(as: .table, width: 10_000) : t.rendered(as: target.format, units: units, csv: csv)
        }
        let paths = target.isDirectory ? outputs.map { OutputFiles.fileName($0.name, in: target.path, format: target.format) } : [target.path]
        try OutputGuard.refuse(paths, inputs: inputs, option: "--output", console: console)
        let made = target.isDirectory ? OutputFiles.makeDirectories(target.path) : OutputFiles.makeParentDirectories(of: target.path)
        if !made {
            let what = target.isDirectory ? "the directory \(target.path)" : "the directory for \(target.path)"
            console.err("velo: cannot create \(what): \(String(cString: strerror(errno)))\n")
            throw CommandFailure(.dataError)
        }
        do {
            if target.isDirectory {
                try AtomicFile.writeAll(zip(paths, outputs).map { (path: $0, data: Array(render($1).utf8)) })
            } else if target.format == .json, outputs.count > 1 {
                try AtomicFile.write(JSONRenderer(units: units).render(tables: outputs), to: target.path)
            } else {
                try AtomicFile.write(outputs.map(render).joined(separator: "\n"), to: target.path)
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
        let (expr, _) = Parser.parseExpression(SourceFile(path: "<value>", text: text))
        if let expr, let why = param.refusal(of: expr) { return .failure(Failure(message: why.text)) }
        guard let value = literal(text, type: param.type) else {
            return .failure(Failure(message: "expected \(param.type.withArticle) such as \(example(param.type)), found `\(text)`"))
        }
        if let why = param.rangeRefusal(value) { return .failure(Failure(message: why.text)) }
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

