// What `velo check` does: static diagnostics, then the plan evaluated over its data, with
// failing checks and error flags as errors and warning flags listed — in the human format,
// as GitHub workflow annotations, or as JSON.

import VeloCheck
import VeloEngine
import VeloRender
import VeloSyntax

public struct CheckRequest: Sendable {
    public var files: [String]
    public var staticOnly: Bool
    public var strict: Bool
    public var format: String
    public var sources: [String]
    /// `--set NAME=VALUE` and `--asof DATE`, as for `velo run`.
    public var sets: [String]
    public var asof: String?
    /// Also say how each source is read: declared, guessed and inferred (SourceDescription).
    public var verbose = false

    public init(files: [String], staticOnly: Bool = false, strict: Bool = false, format: String = "human", sources: [String] = [],
                sets: [String] = [], asof: String? = nil) {
        self.sets = sets
        self.asof = asof
        self.files = files
        self.staticOnly = staticOnly
        self.strict = strict
        self.format = format
        self.sources = sources
    }
}

public enum CheckFrontend {
    /// At most this many rows are reported per check, flag or strict column.
    static let rowsShown = 10

    public static func run(files: [String], console: Console) throws(CommandFailure) {
        try run(CheckRequest(files: files), console: console)
    }

    public static func run(_ request: CheckRequest, console: Console) throws(CommandFailure) {
        guard ["human", "github", "json"].contains(request.format) else {
            console.err("velo: unknown format `\(request.format)`; choose human, github or json\n")
            throw CommandFailure(.usage)
        }
        guard !request.files.isEmpty else {
            console.err("velo: name at least one rule file\n")
            throw CommandFailure(.usage)
        }
        let sources = try PlanInputs.sources(request.sources, console: console)
        let asOf = try PlanInputs.asOf(request.asof, console: console)
        if let rows = request.sets.first(where: { $0.split(separator: "=").first?.contains(".") == true }) {
            console.err("velo: velo check --set takes params (NAME=VALUE); `\(rows)` changes rows: use it with velo run or velo report\n")
            throw CommandFailure(.usage)
        }
        // A --source names a source table of at least one of the files, as for `velo run`.
        if !sources.isEmpty {
            var known: [String] = []
            for path in request.files where !path.hasSuffix(".test.velo") {
                let file = try Frontend.readRuleFile(path, console: console)
                if let program = Frontend.check(file, sourceOverrides: sources).program {
                    known += program.tables.filter(\.isSource).map(\.name)
                }
            }
            for name in sources.keys.sorted() where !known.isEmpty && !known.contains(name) {
                let hint = Suggest.didYouMean(name, in: known).map { ": \($0)" } ?? ""
                console.err("velo: --source: `\(name)` is not a source table of \(request.files.joined(separator: ", "))\(hint)\n")
                throw CommandFailure(.usage)
            }
        }
        var worst: ExitStatus = .ok
        var reports: [String] = []
        for path in request.files {
            let file = try Frontend.readRuleFile(path, console: console)
            // --set is typed against each file's params; a param a file lacks is a usage error.
            var params: [String: Literal] = [:]
            if !request.sets.isEmpty, !file.path.hasSuffix(".test.velo"), let program = Frontend.check(file, sourceOverrides: sources).program {
                params = try PlanInputs.params(request.sets, program: program, file: path, console: console)
            }
            let (diagnostics, status) = findings(file, request: request, sources: sources, asOf: asOf, params: params)
            if status == .ruleErrors || (status == .dataError && worst == .ok) { worst = status }
            switch request.format {
            case "github":
                console.out(diagnostics.map { github($0, file) }.joined())
            case "json":
                reports.append(json(diagnostics, file, status))
            default:
                Frontend.render(diagnostics, in: file, console: console)
                let summary = Frontend.summary(diagnostics)
                if status == .ok {
                    console.out("\(path): ok" + (summary.isEmpty ? "" : " (\(summary))") + "\n")
                } else {
                    console.err("\(path): \(summary)\n")
                }
                if request.verbose { console.out(describeSources(file, sources: sources)) }
            }
        }
        if request.format == "json" {
            console.out("{\"files\": [" + reports.joined(separator: ", ") + "], \"status\": \(worst.rawValue)}\n")
        }
        if worst != .ok { throw CommandFailure(worst) }
    }

    /// Everything to report for one rule file, and its status.
    static func findings(_ file: SourceFile, request: CheckRequest, sources: [String: String], asOf: Int32? = nil,
                         params: [String: Literal] = [:]) -> ([Diagnostic], ExitStatus) {
        let rules = Frontend.check(file, sourceOverrides: sources)
        guard let program = rules.program else { return (rules.diagnostics, Frontend.status(for: rules.diagnostics)) }
        // A test file (`X.test.velo`) is checked statically; `velo test` runs it.
        if request.staticOnly || file.path.hasSuffix(".test.velo") { return (rules.diagnostics, .ok) }
        let ws: Workspace
        do {
            ws = try Workspace.open(program, options: WorkspaceOptions(asOf: asOf, params: params, sources: sources))
        } catch {
            // Where the rule file is to blame (a source whose keys or columns the data lacks), point there.
            let d = Diagnostic(code: "data", "cannot evaluate the plan: \(error.description)", at: error.span ?? Span(start: 0, length: 0),
                               hint: "fix the data file, or point to another one with --source NAME=PATH")
            return (rules.diagnostics + [d], .dataError)
        }
        var out = rules.diagnostics
        // A flag or check of an imported rule file is shown at the import line.
        let mainEnd = file.text.utf8.count
        let importLine = Parser.parse(file).program.statements.compactMap { s -> Span? in
            if case .importFile(let d) = s { return d.span } else { return nil }
        }.first
        func place(_ span: Span) -> Span { span.start >= mainEnd ? (importLine ?? Span(start: 0, length: 0)) : span }
        // Failing checks.
        var failures: [String: [CheckFailure]] = [:]
        for f in ws.checkFailures() { failures[f.check, default: []].append(f) }
        for check in program.checks {
            guard let rows = failures[check.name] else { continue }
            for f in rows.prefix(rowsShown) {
                let row = f.keys.isEmpty ? "" : " for [\(ResultText.keys(f.keys))]"
                out.append(Diagnostic(code: "check-failed", "check `\(check.name)` fails\(row): \(ResultText.detail(f))",
                                      at: place(check.condition.span)))
            }
            if rows.count > rowsShown {
                out.append(Diagnostic(code: "check-failed", "check `\(check.name)` fails for \(rows.count - rowsShown) more rows",
                                      at: place(check.condition.span)))
            }
        }
        // Flags: errors fail the run, warnings are listed, info is not reported here.
        var hits: [String: [FlagHit]] = [:]
        for h in ws.flags() { hits[h.flag, default: []].append(h) }
        for flag in program.flags where flag.severity != .info {
            guard let rows = hits[flag.name] else { continue }
            let severity: Diagnostic.Severity = flag.severity == .error ? .error : .warning
            for h in rows.prefix(rowsShown) {
                let where_ = h.keys.isEmpty ? "" : " [\(ResultText.keys(h.keys))]"
                let message = ResultText.message(h)
                out.append(Diagnostic(severity, code: "flag", "flag `\(flag.name)` on \(h.table)\(where_)" + (message.isEmpty ? "" : ": \(message)"),
                                      at: place(flag.span)))
            }
            if rows.count > rowsShown {
                out.append(Diagnostic(severity, code: "flag", "flag `\(flag.name)` marks \(rows.count - rowsShown) more rows", at: place(flag.span)))
            }
        }
        if request.strict { out += strictFindings(ws) }
        return (out, out.hasErrors ? .ruleErrors : .ok)
    }

    /// --strict: missing values and non-finite numbers in computed columns.
    static func strictFindings(_ ws: Workspace) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (t, table) in ws.program.tables.enumerated() where !table.isSource {
            for (c, column) in table.columns.enumerated() where column.formula != nil {
                let result = ws.column(ColumnRef(TableRef(t), c))
                var bad: [(Int, String)] = []
                for r in 0..<ws.rowCount(TableRef(t)) {
                    var missing = false
                    switch result.values {
                    case .number(let v): missing = !v[r].isFinite
                    case .text(let v): missing = v[r] == nil
                    case .date(let v): missing = v[r] == Int32.min
                    case .bool(let v): missing = v[r] == 2
                    }
                    if missing { bad.append((r, result.missingReasons[r].map(ResultText.reason) ?? "no value")) }
                }
                guard !bad.isEmpty else { continue }
                for (r, reason) in bad.prefix(rowsShown) {
                    let keys = ResultText.keys(ws.keyValues(TableRef(t), row: r))
                    out.append(Diagnostic(code: "strict-missing", "\(table.name).\(column.name)\(keys.isEmpty ? "" : "[\(keys)]") is missing: \(reason)",
                                          at: column.span, hint: "handle it in the formula, e.g. `?? 0`, or run without --strict"))
                }
                if bad.count > rowsShown {
                    out.append(Diagnostic(code: "strict-missing", "\(table.name).\(column.name) is missing in \(bad.count - rowsShown) more rows",
                                          at: column.span))
                }
            }
        }
        return out
    }

    /// `::error file=plan.velo,line=3,col=5,title=unknown-name::message (hint)`
    static func github(_ d: Diagnostic, _ file: SourceFile) -> String {
        func escapeData(_ s: String) -> String {
            s.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
        }
        func escapeProperty(_ s: String) -> String { escapeData(s).replacingAll(":", "%3A").replacingAll(",", "%2C") }
        // A problem in an imported file is annotated there.
        let at = d.origin.map { ($0.file, $0.span) } ?? (file, d.span)
        let (line, column) = at.0.location(of: at.1.start)
        let kind = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "notice"
        let text = d.message + (d.hint.map { " (hint: \($0))" } ?? "")
        return "::\(kind) file=\(escapeProperty(at.0.path)),line=\(line),col=\(column),title=\(escapeProperty(d.code))::\(escapeData(text))\n"
    }

    static func json(_ diagnostics: [Diagnostic], _ file: SourceFile, _ status: ExitStatus) -> String {
        let items = diagnostics.map { d -> String in
            let (line, column) = file.location(of: d.span.start)
            var fields = ["\"severity\": \(JSONRenderer.quoted(d.severity.rawValue))", "\"code\": \(JSONRenderer.quoted(d.code))",
                          "\"message\": \(JSONRenderer.quoted(d.message))", "\"line\": \(line)", "\"column\": \(column)"]
            if let hint = d.hint { fields.append("\"hint\": \(JSONRenderer.quoted(hint))") }
            if let o = d.origin {
                let (l, c) = o.file.location(of: o.span.start)
                fields.append("\"origin\": {\"file\": \(JSONRenderer.quoted(o.file.path)), \"line\": \(l), \"column\": \(c)}")
            }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        return "{\"file\": \(JSONRenderer.quoted(file.path)), \"status\": \(status.rawValue), \"diagnostics\": [" + items.joined(separator: ", ") + "]}"
    }
}

extension CheckFrontend {
    /// `--verbose`: how each source of the rule file is read.
    static func describeSources(_ file: SourceFile, sources: [String: String]) -> String {
        guard let program = Frontend.check(file, sourceOverrides: sources).program else { return "" }
        var text = ""
        for t in program.tables {
            guard let source = t.source else { continue }
            if let base = source.base, let filter = source.filter {
                text += "  \(t.name) = the rows of \(program.table(base).name) where \(program.file.text(of: filter.span))\n"
                continue
            }
            let path = sources[t.name] ?? source.resolvedPath
            text += "  \(t.name) = \(source.reader)(\"\(source.path)\")\n"
            for line in SourceDescription.lines(t, path: path, file: program.file).lines { text += "    \(line)\n" }
        }
        return text
    }
}
