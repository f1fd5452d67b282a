// How each source is read, in words: what its declaration said, what the reader guessed
// (the separator, line ends) and the column types, declared or inferred. `velo check
// --verbose` prints it for every source; the REPL's `tables` for sources that are not plain
// CSV files.

import VeloCheck
import VeloData
import VeloEngine
import VeloSyntax

enum SourceDescription {
    /// Lines describing source `info` (a table of `program`), read from `path`.
    static func lines(_ info: TableInfo, path: String, file: SourceFile) -> (lines: [String], plain: Bool) {
        guard let source = info.source,
              let reader = SourceReaders.reader(kind: source.reader, location: path, settings: source.settings) else { return ([], true) }
        var out: [String] = []
        let guesses = reader.describe(options: ReadOptions())
        if !guesses.isEmpty { out.append("read: " + guesses.map(\.shown).joined(separator: ", ")) }
        let columns = info.columns.map { c -> String in
            let spec = source.settings.column(named: c.name)
            let from = spec?.header.map { " from \"\($0)\"" } ?? ""
            let how = source.declaredTypes[c.name] != nil ? "declared" : "inferred"
            return "\(c.name)\(from) \(c.type) (\(how))"
        }
        out.append("columns: " + columns.joined(separator: ", "))
        if let filter = source.filter {
            out.append("rows: only where \(file.text(of: filter.span))")
        }
        let plain = (reader as? DialectCSVReader)?.isPlainFile ?? true
        return (out, plain && source.settings.columns.allSatisfy { $0.header == nil } && source.filter == nil)
    }
}
