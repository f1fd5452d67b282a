// What `velo compile` does: the checked program as one SQL script for DuckDB, PostgreSQL or Spark.

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSQL
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

public struct CompileRequest: Sendable {
    public var file: String
    public var sql: String
    public var output: String?
    public var sets: [String]
    public var sources: [String]
    public var sourceTables: [String]
    public var asof: String?
    /// PostgreSQL: where `--source-table` tables are (default: the PG* environment).
    public var database: String? = nil

    public init(file: String, sql: String, output: String? = nil, sets: [String] = [], sources: [String] = [],
                sourceTables: [String] = [], asof: String? = nil) {
        self.file = file
        self.sql = sql
        self.output = output
        self.sets = sets
        self.sources = sources
        self.sourceTables = sourceTables
        self.asof = asof
    }
}

public enum CompileFrontend {
    public static func run(_ request: CompileRequest, console: Console) throws(CommandFailure) {
        guard let dialect = SQLDialect(rawValue: request.sql) else {
            console.err("velo: unknown SQL dialect `\(request.sql)`; choose duckdb, postgres or spark\n")
            throw CommandFailure(.usage)
        }
        let (program, options) = try prepare(file: request.file, dialect: dialect, sets: request.sets, sources: request.sources,
                                             sourceTables: request.sourceTables, asof: request.asof, temporary: false,
                                             database: request.database, console: console)
        let script = try compile(program, options: options, console: console)
        let text = script.text(header: header(program, dialect: dialect))
        if let path = request.output {
            try OutputGuard.refuse([path], inputs: OutputGuard.inputs(rulePath: request.file, program: program, sources: options.sourcePaths),
                                   option: "--output", console: console)
            do { try AtomicFile.write(text, to: path) } catch {
                console.err("velo: \(error)\n")
                throw CommandFailure(.dataError)
            }
        } else {
            console.out(text)
        }
    }

    static func header(_ program: CheckedProgram, dialect: SQLDialect) -> [String] {
        let name = program.file.path.split(separator: "/").last.map(String.init) ?? program.file.path
        return [
            "\(name), compiled to \(dialect.displayName) by `velo compile` (edit the rule file, not this script).",
            "One table per Velo table, named after it, with Velo's column names; a comment gives each formula's line.",
            "Missing values are NULL; why a value is missing is not carried (the native engine says why).",
            "The flags and the failing checks are the queries at the end.",
        ]
    }

    /// The rule file checked, and the compiler's options from the command line.
    static func prepare(file: String, dialect: SQLDialect, sets: [String], sources: [String], sourceTables: [String], asof: String?,
                        temporary: Bool, database: String? = nil, console: Console) throws(CommandFailure) -> (CheckedProgram, SQLOptions) {
        let asOf = try PlanInputs.asOf(asof, console: console)
        let paths = try PlanInputs.sources(sources, console: console)
        var tables: [String: String] = [:]
        for s in sourceTables {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex, s.index(after: eq) != s.endIndex else {
                console.err("velo: --source-table needs NAME=TABLE (e.g. sales=public.sales), found `\(s)`\n")
                throw CommandFailure(.usage)
            }
            tables[String(s[..<eq])] = String(s[s.index(after: eq)...])
        }
        // A source already in the engine is checked against a sample of its rows (its schema);
        // first, each name must be a source of the rule file.
        try requireSources(Array(tables.keys), of: file, console: console)
        var checkPaths = paths
        for (name, table) in tables.sorted(by: { $0.key < $1.key }) {
            checkPaths[name] = try sample(table, dialect: dialect, database: database, console: console)
        }
        let (_, program) = try Frontend.loadProgram(file, sourceOverrides: checkPaths, console: console)
        for name in Array(paths.keys) + Array(tables.keys) where program.table(named: name).map({ !program.table($0).isReadSource }) ?? true {
            let hint = Suggest.didYouMean(name, in: program.tables.filter(\.isReadSource).map(\.name)).map { ": \($0)" } ?? ""
            console.err("velo: `\(name)` is not a source table of \(file)\(hint)\n")
            throw CommandFailure(.usage)
        }
        let params = try PlanInputs.params(sets, program: program, file: file, console: console)
        return (program, SQLOptions(dialect: dialect, asOf: asOf, params: params, sourcePaths: paths, sourceTables: tables,
                                    temporary: temporary))
    }

    /// Names that must be source tables of the rule file (read from its syntax: no data needed).
    static func requireSources(_ names: [String], of file: String, console: Console) throws(CommandFailure) {
        guard !names.isEmpty else { return }
        let source = try Frontend.readRuleFile(file, console: console)
        let declared = Parser.parse(source).program.statements.compactMap { s -> String? in
            if case .source(let d) = s { return d.name.text }
            return nil
        }
        for name in names.sorted() where !declared.contains(name) {
            let hint = Suggest.didYouMean(name, in: declared).map { ": \($0)" } ?? ""
            console.err("velo: `\(name)` is not a source table of \(file)\(hint)\n")
            throw CommandFailure(.usage)
        }
    }

    /// A sample of a table in the engine, written as a CSV file for the checker.
    static func sample(_ table: String, dialect: SQLDialect, database: String?, console: Console) throws(CommandFailure) -> String {
        guard dialect == .postgres else {
            console.err("velo: --source-table reads tables of PostgreSQL; for \(dialect.displayName), give the data with --source\n")
            throw CommandFailure(.usage)
        }
        do {
            let text = try SQLRunner.postgresSample(table, options: SQLEngineOptions(connection: database ?? ""))
            let path = "/tmp/velo-sample-\(getpid())-\(table.filter { $0.isLetter || $0.isNumber || $0 == "_" }).csv"
            try AtomicFile.write(text, to: path)
            return path
        } catch let e as SQLRunError {
            console.err("velo: \(e.message)\n")
            throw CommandFailure(.dataError)
        } catch {
            console.err("velo: \(error)\n")
            throw CommandFailure(.dataError)
        }
    }

    /// Compiles, or says which construct the dialect cannot express (exit 1, like a rule error).
    static func compile(_ program: CheckedProgram, options: SQLOptions, console: Console) throws(CommandFailure) -> SQLScript {
        do {
            return try SQLCompiler.compile(program, options: options)
        } catch {
            var d = Diagnostic(code: "not-in-sql", error.message, at: error.span,
                               hint: error.hint ?? "run it on the native engine (without --engine), or rewrite the formula")
            // A formula of an imported file: shown at its own file, line and column.
            if let imports = RuleCompiler.importedText(of: program) { d = imports.placed(d) }
            Frontend.render([d], in: program.file, console: console)
            throw CommandFailure(.ruleErrors)
        }
    }
}
