// From rule-file text to a checked program: parse, then check against the sources' CSV
// headers. The one place that connects the checker to the data layer's schema reading, so
// the CLI, the REPL, `velo watch` and the tests all compile rule files the same way.

import VeloCheck
import VeloData
import VeloSyntax

public enum RuleCompiler {
    /// Parses and checks `file`. Relative CSV paths resolve against the file's directory;
    /// `sourceOverrides` (table name -> path) replace a source's file, as `--source` does.
    public static func compile(_ file: SourceFile, sourceOverrides: [String: String] = [:])
        -> (program: CheckedProgram?, diagnostics: [Diagnostic]) {
        let (ast, syntax) = Parser.parse(file)
        if syntax.hasErrors { return (nil, syntax) }
        let (program, diagnostics) = Checker.check(ast, file: file, baseDirectory: directory(of: file.path),
                                                   schemas: schemaProvider(overrides: sourceOverrides))
        return (program, syntax + diagnostics)
    }

    /// Reads CSV headers (and a sample of rows) for the checker.
    public static func schemaProvider(overrides: [String: String] = [:]) -> SchemaProvider {
        return { table, path, declared, keyColumns in
            var types: [String: ColumnType] = [:]
            for (k, v) in declared { types[k] = ColumnType(v) }
            do throws(DataError) {
                let schema = try CSVReader.readSchema(path: overrides[table] ?? path,
                                                      options: CSVOptions(declaredTypes: types, keyColumns: keyColumns))
                return .success(SourceSchema(columns: schema.columns.map { (name: $0.name, type: VType.Base($0.type)) }))
            } catch {
                let place = error.line > 0 ? "line \(error.line): " : ""
                let via = overrides[table].map { "\($0) (given with --source): " } ?? ""
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
