// Formulas defined in the REPL (`plan.extra = order_qty * 1.1`) become part of the rule
// text: a new column is added at the end of its table's block, a redefined column gets its
// formula replaced in place. The text is then compiled as any rule file is, so the checker
// sees exactly what a planner would get by editing the file.

import VeloSyntax

/// A formula typed in the REPL.
struct FormulaDefinition: Equatable {
    var table: String
    var column: String
    var formula: String

    var text: String { "\(table).\(column) = \(formula)" }
}

enum RuleText {
    /// `text` with every definition applied, in order; a definition that no longer applies
    /// (its table is gone) is returned with the reason.
    static func applying(_ definitions: [FormulaDefinition], to text: String, path: String)
        -> (text: String, dropped: [(FormulaDefinition, String)]) {
        var out = text
        var dropped: [(FormulaDefinition, String)] = []
        for d in definitions {
            do throws(ReplError) {
                out = try define(d, in: out, path: path)
            } catch {
                dropped.append((d, error.message))
            }
        }
        return (out, dropped)
    }

    /// `text` with one formula defined or redefined.
    static func define(_ d: FormulaDefinition, in text: String, path: String) throws(ReplError) -> String {
        let file = SourceFile(path: path, text: text)
        let (program, _) = Parser.parse(file)
        var bytes = file.bytes
        var tableNames: [String] = []
        for statement in program.statements {
            switch statement {
            case .source(let s):
                tableNames.append(s.name.text)
                if s.name.text == d.table {
                    throw ReplError("`\(d.table)` is a source table (its columns come from \(s.path.plainText ?? "a file")); "
                                    + "define formulas in a computed table")
                }
            case .table(let t):
                tableNames.append(t.name.text)
                guard t.name.text == d.table else { continue }
                let formula = Array(d.formula.utf8)
                if let decision = t.decisions.first(where: { $0.outputs.contains { $0.name.text == d.column } }) {
                    // An output of a decision table: with one output the formula takes the
                    // decision's place, as the planner would edit the file; with several, which
                    // rows would go is not clear, so the file is edited by hand.
                    let line = file.location(of: decision.span.start).line
                    guard decision.outputs.count == 1 else {
                        throw ReplError("`\(d.column)` is one of the outputs of the decision at line \(line); "
                                        + "edit the decision in the rule file, or define a column of another name")
                    }
                    bytes.replaceSubrange(decision.span.start..<decision.textEnd, with: Array("\(d.column) = ".utf8) + formula)
                } else if let existing = t.columns.first(where: { $0.name.text == d.column }) {
                    let span = existing.formula.span
                    bytes.replaceSubrange(span.start..<span.end, with: formula)
                } else if let last = t.columns.last {
                    // The block's first line: a column, or a `decide` (its outputs' names sit deeper).
                    let outputs = Set(t.decisions.flatMap { $0.outputs.map(\.name.text) })
                    let first = (t.columns.filter { !outputs.contains($0.name.text) }.map(\.name.span.start)
                                 + t.decisions.map(\.span.start)).min() ?? t.columns[0].name.span.start
                    let oneLine = !bytes[t.span.start..<first].contains(UInt8(ascii: "\n"))
                    let indent = oneLine ? "  " : indentation(of: first, in: bytes)
                    let insert = Array("\n\(indent)\(d.column) = ".utf8) + formula
                    // After the block's last line: a column's formula, or a decision's last rule.
                    let end = t.decisions.map(\.textEnd).reduce(t.columns.map(\.formula.span.end).max() ?? last.formula.span.end, max)
                    bytes.insert(contentsOf: insert, at: end)
                    if oneLine {
                        // `table totals: units = ...` becomes a block, its column on a line of its own.
                        var gap = first
                        while gap > t.span.start, bytes[gap - 1] == UInt8(ascii: " ") || bytes[gap - 1] == UInt8(ascii: "\t") { gap -= 1 }
                        bytes.replaceSubrange(gap..<first, with: Array("\n\(indent)".utf8))
                    }
                } else {
                    // A table without a block of columns gets one.
                    var end = t.span.end
                    while end > 0, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
                    let colon = end > 0 && bytes[end - 1] == UInt8(ascii: ":")
                    bytes.insert(contentsOf: Array("\(colon ? "" : ":")\n  \(d.column) = ".utf8) + formula, at: end)
                }
                return String(decoding: bytes, as: UTF8.self)
            default:
                continue
            }
        }
        let hint = Suggest.didYouMean(d.table, in: tableNames).map { ": \($0)" } ?? ""
        throw ReplError("no table `\(d.table)`\(hint); a formula is defined in an existing table, e.g. `plan.extra = order_qty * 1.1`")
    }

    /// The spaces and tabs before the line that holds `offset`.
    static func indentation(of offset: Int, in bytes: [UInt8]) -> String {
        var start = offset
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        var end = start
        while end < bytes.count, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
