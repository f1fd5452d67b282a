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
        let (ast, syntax) = Parser.parse(file)
        if syntax.hasErrors { return (nil, syntax) }
        let (program, diagnostics) = Checker.check(ast, file: file, baseDirectory: directory(of: file.path),
                                                   schemas: schemaProvider(overrides: sourceOverrides))
        return (program, syntax + diagnostics)
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
