// From rule-file text to a checked program: parse, then check against the sources' schemas,
// read through their `SourceReader`s. The one place that connects the checker to the data
// layer, so the CLI, the REPL, `velo watch` and the tests all compile rule files the same way.

import VeloCheck
import VeloData
import VeloSyntax

public enum RuleCompiler {
    /// Parses and checks `file`. Relative source paths resolve against the file's directory;
    /// `sourceOverrides` (table name -> path) replace a source's file, as `--source` does.
    public static func compile(_ file: SourceFile, sourceOverrides: [String: String] = [:])
        -> (program: CheckedProgram?, diagnostics: [Diagnostic]) {
        // Imports are followed there (RuleCompiler+Imports.swift).
        compile(file, chain: [], sourceOverrides: sourceOverrides)
    }

    /// The check stage alone: a parsed program (and the parser's diagnostics) checked, with
    /// its imports and source schemas from their readers.
    public static func check(_ ast: Program, syntax: [Diagnostic], file: SourceFile, sourceOverrides: [String: String] = [:])
        -> (program: CheckedProgram?, diagnostics: [Diagnostic]) {
        check(ast, syntax: syntax, file: file, chain: [], sourceOverrides: sourceOverrides)
    }

    /// A program with syntax errors: the statements that parsed are checked too, so one broken
    /// table does not hide the others' errors; what names a part that did not parse is left
    /// out (the syntax error already says what is wrong there). No program comes out.
    static func checkPartial(_ ast: Program, syntax: [Diagnostic], file: SourceFile, sourceOverrides: [String: String])
        -> (program: CheckedProgram?, diagnostics: [Diagnostic]) {
        let (_, diagnostics) = Checker.check(ast, file: file, baseDirectory: directory(of: file.path),
                                             schemas: schemaProvider(overrides: sourceOverrides))
        let explained = Set(syntax.map(\.span.start))
        let partial = diagnostics.filter { d in
            !explained.contains(d.span.start) && !mentionsBroken(d, ast.broken, in: file)
                && !(d.code == "rows" && quoted(in: d).contains { ast.incomplete.contains($0) })
        }
        return (nil, (syntax + partial).sortedBySource())
    }

    /// The names a diagnostic's message quotes in backticks.
    static func quoted(in d: Diagnostic) -> [String] {
        d.message.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// Whether a checker diagnostic is about a name whose declaration did not parse.
    static func mentionsBroken(_ d: Diagnostic, _ broken: Set<String>, in file: SourceFile) -> Bool {
        guard !broken.isEmpty else { return false }
        // A name quoted in the message (`unknown name `y``), or a word of the text it points at.
        if quoted(in: d).contains(where: broken.contains) { return true }
        let text = file.text(of: d.span)
        return text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).contains { broken.contains(String($0)) }
    }

    /// Asks each source's reader for its schema (a header and a sample of rows), for the checker.
    public static func schemaProvider(overrides: [String: String] = [:]) -> SchemaProvider {
        return { request in
            var types: [String: ColumnType] = [:]
            for (k, v) in request.declared { types[k] = ColumnType(v) }
            guard let reader = SourceReaders.reader(kind: request.reader, location: overrides[request.table] ?? request.path,
                                                    settings: request.settings) else {
                return .failure(SchemaError(message: "unknown data source `\(request.reader)`"))
            }
            do throws(DataError) {
                let schema = try reader.schema(options: ReadOptions(declaredTypes: types, keyColumns: request.keyColumns))
                var out = SourceSchema(columns: schema.columns.map { (name: $0.name, type: VType.Base($0.type)) })
                out.available = schema.available
                return .success(out)
            } catch {
                let unit = request.reader == "csv" ? "line" : "row"
                let place = error.line > 0 ? "\(unit) \(error.line)\(error.column.map { ", column \($0)" } ?? ""): " : ""
                // A database connection given with --source is not shown: it may hold a password.
                let via = overrides[request.table].map { request.reader == "postgres" ? "the connection given with --source: " : "\($0) (given with --source): " } ?? ""
                return .failure(SchemaError(message: via + place + error.message))
            }
        }
    }

    /// The directory part of a path ("" for a bare file name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
