// The command-line inputs every plan-running command shares: `--set NAME=VALUE`,
// `--source NAME=PATH` and `--asof DATE`, parsed and validated in one place.

import VeloCheck
import VeloData
import VeloEngine
import VeloSyntax

enum PlanInputs {
    /// `--source NAME=PATH` values as a dictionary.
    static func sources(_ values: [String], console: Console) throws(CommandFailure) -> [String: String] {
        var out: [String: String] = [:]
        for s in values {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex, s.index(after: eq) != s.endIndex else {
                console.err("velo: --source needs NAME=PATH, found `\(s)`\n")
                throw CommandFailure(.usage)
            }
            out[String(s[..<eq])] = String(s[s.index(after: eq)...])
        }
        return out
    }

    /// `--asof DATE` as a day number.
    static func asOf(_ value: String?, console: Console) throws(CommandFailure) -> Int32? {
        guard let a = value else { return nil }
        guard let d = CivilDate(iso: a) else {
            console.err("velo: --asof needs a date as YYYY-MM-DD, found `\(a)`\n")
            throw CommandFailure(.usage)
        }
        return d.day
    }

    /// `--set NAME=VALUE` values, typed and validated against the program's params.
    static func params(_ values: [String], program: CheckedProgram, file: String,
                       console: Console) throws(CommandFailure) -> [String: Literal] {
        var out: [String: Literal] = [:]
        for s in values {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
                console.err("velo: --set needs NAME=VALUE, found `\(s)`\n")
                throw CommandFailure(.usage)
            }
            let name = String(s[..<eq]).trimmingWhitespace()
            if name.contains(".") { continue }   // TABLE.COLUMN=…: a row edit (rowEdits)
            guard let p = program.param(named: name) else {
                let hint = Suggest.didYouMean(name, in: program.params.map(\.name)).map { ": \($0)" } ?? ""
                console.err("velo: --set: unknown param `\(name)`\(hint)\n")
                throw CommandFailure(.usage)
            }
            switch ParamValue.parse(String(s[s.index(after: eq)...]), for: program.params[p]) {
            case .success(let v): out[name] = v
            case .failure(let e):
                console.err("velo: --set \(name): \(e.message)\n")
                throw CommandFailure(.usage)
            }
        }
        return out
    }

    /// `--set TABLE.COLUMN=EXPRESSION [where CONDITION]`: a source column changed for the
    /// rows the condition picks, applied to the opened workspace as one edit.
    /// Whether `--set` value `s` edits rows (`TABLE.COLUMN=EXPR`) rather than a param.
    static func isRowEdit(_ s: String) -> Bool {
        guard let eq = s.firstIndex(of: "=") else { return false }
        return s[..<eq].contains(".")
    }

    static func applyRowEdits(_ values: [String], to ws: Workspace, console: Console) throws(CommandFailure) {
        var edits: [Edit] = []
        for s in values {
            guard isRowEdit(s) else { continue }
            guard let (table, column, formula, filter) = RowEdit.parse(s) else {
                console.err("velo: --set needs PARAM=VALUE or TABLE.COLUMN=EXPRESSION [where CONDITION], found `\(s)`\n")
                throw CommandFailure(.usage)
            }
            do {
                let queryError: (QueryFailure, String) -> String = { f, text in
                    let rendered = DiagnosticRenderer(color: false).render(f.diagnostics, in: f.file)
                    return rendered.isEmpty ? (f.message ?? "cannot evaluate `\(text)`") : rendered
                }
                guard let changes = try RowEdit.changes(ws, table: table, column: column, formula: formula, filter: filter, queryError: queryError) else {
                    console.err("velo: --set \(table).\(column): only a data column of a keyed source table can be set\n")
                    throw CommandFailure(.usage)
                }
                edits += changes.map { .cell(table: table, column: column, keys: $0.target.keys, value: $0.new) }
            } catch let e as ReplError {
                console.err("velo: --set \(table).\(column): \(e.message)\n")
                throw CommandFailure(.usage)
            } catch let f as CommandFailure {
                throw f
            } catch {
                throw CommandFailure(.usage)
            }
        }
        guard !edits.isEmpty else { return }
        do { _ = try ws.apply(edits) } catch {
            console.err("velo: --set: \(error.message)\n")
            throw CommandFailure(.dataError)
        }
    }
}

extension PlanInputs {
    /// `--scenario FILE`: a what-if written down, one edit a line in the REPL's `set` form
    /// (`set service_level = 98%`, `set items.lead_time_days = lead_time_days * 1.2 where
    /// supplier == "Acme"`; `set` may be left out; `#` starts a comment), as `--set` values.
    static func scenario(_ path: String?, console: Console) throws(CommandFailure) -> [String] {
        guard let path else { return [] }
        guard let bytes = Frontend.readFile(path), let text = String(validating: bytes, as: UTF8.self) else {
            console.err("velo: cannot read the scenario \(path)\n")
            throw CommandFailure(.usage)
        }
        var sets: [String] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = InputScanner.stripComment(String(raw)).trimmingWhitespace()
            if line.isEmpty { continue }
            if line.hasPrefix("set ") { line = String(line.dropFirst(4)).trimmingWhitespace() }
            guard let eq = InputScanner.assignment(in: line) else {
                console.err("velo: \(path):\(n + 1): expected `set NAME = VALUE` or `set TABLE.COLUMN = EXPRESSION [where CONDITION]`, found `\(raw)`\n")
                throw CommandFailure(.usage)
            }
            let name = String(line.prefix(eq)).trimmingWhitespace()
            let value = String(line.dropFirst(eq + 1)).trimmingWhitespace()
            guard !name.isEmpty, !value.isEmpty, !name.contains("[") else {
                console.err("velo: \(path):\(n + 1): expected `set NAME = VALUE` or `set TABLE.COLUMN = EXPRESSION [where CONDITION]` "
                            + "(one cell: `set items.moq = 500 where sku == \"SKU1\"`), found `\(raw)`\n")
                throw CommandFailure(.usage)
            }
            sets.append(name + "=" + value)
        }
        return sets
    }
}
