// The REPL's command language: one line (or a multi-line input joined into one) becomes a
// `ReplCommand`. A line whose first word is a command name followed by a space (or nothing)
// is that command; `TABLE.COLUMN = FORMULA` defines a formula; anything else is an expression.

import VeloRender
import VeloSyntax

/// A cell named in a command: `items.moq["SKU00012"]`, `series.velocity["SKU1", "web"]`.
struct CellTarget: Hashable, Sendable {
    var table: String
    var column: String
    var keys: [String]

    /// `plan.order_qty["SKU00012"]`
    var text: String {
        "\(table).\(column)" + (keys.isEmpty ? "" : "[" + keys.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
    }
}

/// `show TABLE [COLUMN, ...] [where CONDITION] [sort by COLUMN [desc], ...] [limit N]`.
struct ShowSpec: Equatable, Sendable {
    struct SortKey: Equatable, Sendable {
        var column: String
        var descending: Bool
    }
    var table: String
    var columns: [String] = []
    var filter: String? = nil
    var sort: [SortKey] = []
    var limit: Int? = nil
    /// `pivot closing`: a period table with its periods as columns (PeriodPivot.swift).
    var pivot: String? = nil
}

indirect enum ReplCommand: Equatable, Sendable {
    case help(String?)
    /// `show … to FILE` (also compare, flags, checks): the output written to a file.
    case toFile(ReplCommand, path: String)
    case evaluate(String)
    case show(ShowSpec)
    case setParam(String, value: String)
    case setCell(CellTarget, value: String)
    case setAsOf(String)
    /// `set items.lead_time_days = lead_time_days * 1.2 [where supplier == "Acme"]`.
    case setRows(table: String, column: String, formula: String, filter: String?)
    case undo
    case redo
    /// The last edit's changes in full.
    case changes
    case scenario(String)
    case scenarios
    case use(String)
    case compare(String, String, on: String)
    case explain(CellTarget, depth: Int)
    /// `record "name" CELL, CELL ... [to FILE]`: a test block from the current values.
    case record(name: String, cells: [CellTarget], file: String?)
    case define(table: String, column: String, formula: String)
    case load(String)
    case reload
    case flags
    case checks
    case tables
    case params
    /// `mode csv units`: CSV headers and JSON tables carry the units.
    case mode(OutputFormat, units: Bool = false)
    case timer(Bool)
    case quit
    case nothing
}

/// A command that cannot be understood; the message says what was expected.
struct ReplError: Error, Equatable {
    var message: String
    /// What the failure means as an exit status, when it ends `velo repl` (a rule file
    /// given on the command line that cannot be opened).
    var status: ExitStatus = .ruleErrors
    init(_ message: String, status: ExitStatus = .ruleErrors) {
        self.message = message
        self.status = status
    }
}

extension ReplCommand {
    /// Every command word, as `help` lists them and completion offers them.
    static let names = ["help", "show", "set", "undo", "redo", "changes", "scenario", "scenarios", "use", "compare", "explain",
                        "record", "load", "reload", "flags", "checks", "tables", "params", "mode", "timer", "eval", "quit", "exit"]

    static let defaultExplainDepth = 2

    static func parse(_ input: String) throws(ReplError) -> ReplCommand {
        let line = input.trimmingWhitespace()
        if line.isEmpty { return .nothing }
        let first = String(line.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        let rest = line.dropFirst(first.count)
        let isCommand = names.contains(first) && (rest.isEmpty || rest.first!.isWhitespace)
        if isCommand {
            var arg = String(rest).trimmingWhitespace()
            // `… to FILE` at the end of show, compare, flags and checks.
            if ["show", "compare", "flags", "checks"].contains(first) {
                let words = InputScanner.words(arg)
                if words.count >= 2, words[words.count - 2].text == "to", let path = words.last?.text, !path.contains("]") {
                    guard !path.hasPrefix("\"") else { throw ReplError("`to` needs a file name without quotes, e.g. `show plan to out/plan.csv`") }
                    arg = String(arg.prefix(words[words.count - 2].offset)).trimmingWhitespace()
                    return .toFile(try parseCommand(first, arg), path: path)
                }
            }
            return try parseCommand(first, arg)
        }
        if let definition = parseDefinition(line) { return definition }
        if let keyword = declarationKeywords.first(where: { first == $0 && (rest.isEmpty || rest.first!.isWhitespace) }) {
            throw ReplError(declarationRefusal(keyword))
        }
        return .evaluate(line)
    }

    /// The words that begin a rule-file declaration: a table (a source, a filtered table or a
    /// computed one), a param, a flag, a check, a test, a report or an import.
    static let declarationKeywords = Keyword.declarationStarts.map(\.rawValue)

    static func declarationRefusal(_ keyword: String) -> String {
        let what = keyword == "table" ? "a table (a source, a filtered table or a computed one)" : (keyword == "import" ? "an `import`" : "a `\(keyword)`")
        return "\(what) is declared in the rule file, not in the REPL: add it to the file and `reload`"
            + " (your edits are kept); here a column is defined as `T.COL = EXPR`, e.g. `plan.extra = order_qty * 1.1`,"
            + " and rows are filtered with `show T where ...`"
    }

    static func parseCommand(_ word: String, _ arg: String) throws(ReplError) -> ReplCommand {
        let words = InputScanner.words(arg)
        func noArgument(_ c: ReplCommand) throws(ReplError) -> ReplCommand {
            guard arg.isEmpty else { throw ReplError("`\(word)` takes no argument; see `help \(word)`") }
            return c
        }
        switch word {
        case "help":
            return .help(arg.isEmpty ? nil : arg)
        case "eval":
            guard !arg.isEmpty else { throw ReplError("`eval` needs an expression, e.g. `eval sum(plan.order_qty)`") }
            return .evaluate(arg)
        case "show":
            return .show(try parseShow(arg))
        case "set":
            return try parseSet(arg)
        case "undo": return try noArgument(.undo)
        case "changes": return try noArgument(.changes)
        case "redo": return try noArgument(.redo)
        case "reload": return try noArgument(.reload)
        case "flags": return try noArgument(.flags)
        case "checks": return try noArgument(.checks)
        case "tables": return try noArgument(.tables)
        case "params": return try noArgument(.params)
        case "scenarios": return try noArgument(.scenarios)
        case "quit", "exit": return try noArgument(.quit)
        case "scenario":
            if arg.isEmpty { return .scenarios }
            guard words.count == 1, arg.isVeloName else {
                throw ReplError("a scenario name is one word of letters, digits and `_`, e.g. `scenario high_service`")
            }
            return .scenario(arg)
        case "use":
            guard words.count == 1, arg.isVeloName else { throw ReplError("`use` needs a scenario name, e.g. `use base`") }
            return .use(arg)
        case "compare":
            guard words.count >= 4, words[2].text == "on", words[0].text.isVeloName, words[1].text.isVeloName else {
                throw ReplError("expected `compare SCENARIO SCENARIO on TABLE[.COLUMN], ...`, e.g. `compare base high_service on plan.order_qty` or `on plan`")
            }
            return .compare(words[0].text, words[1].text, on: String(arg.dropFirst(words[3].offset)).filter { $0 != " " })
        case "explain":
            var target = arg
            var depth = defaultExplainDepth
            if words.count >= 3, words[words.count - 2].text == "depth" {
                guard let d = Int(words.last!.text), d >= 0 else {
                    throw ReplError("`depth` needs a whole number, e.g. `explain plan.order_qty[\"SKU00012\"] depth 3`")
                }
                depth = d
                target = String(arg.prefix(words[words.count - 2].offset)).trimmingWhitespace()
            }
            guard !target.isEmpty else {
                throw ReplError("`explain` needs a cell, e.g. `explain plan.order_qty[\"SKU00012\"]`")
            }
            return .explain(try parseCell(target, what: "explain"), depth: depth)
        case "record":
            return try parseRecord(arg)
        case "load":
            guard !arg.isEmpty else { throw ReplError("`load` needs a rule file, e.g. `load plan.velo`") }
            return .load(arg.hasPrefix("\"") && arg.hasSuffix("\"") && arg.count >= 2 ? String(arg.dropFirst().dropLast()) : arg)
        case "mode":
            let parts = arg.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let first = parts.first, let format = OutputFormat(rawValue: first), parts.count <= 2 else {
                throw ReplError("`mode` needs table, csv, json or markdown" + (arg.isEmpty ? "" : ", found `\(arg)`"))
            }
            if parts.count == 2 {
                guard parts[1] == "units", format == .csv || format == .json else {
                    throw ReplError("`mode \(first)` takes no `\(parts[1])`; `mode csv units` and `mode json units` carry the units (tables always show them)")
                }
                return .mode(format, units: true)
            }
            return .mode(format)
        case "timer":
            switch arg {
            case "on": return .timer(true)
            case "off": return .timer(false)
            default: throw ReplError("`timer` needs on or off")
            }
        default:
            throw ReplError("unknown command `\(word)`")
        }
    }

    /// `record "SKU1 order" plan.order_qty["SKU1"], plan.cadence["SKU1"] to plan.test.velo`
    static func parseRecord(_ arg: String) throws(ReplError) -> ReplCommand {
        let usage = "expected `record \"TEST NAME\" CELL, CELL ... [to FILE]`, e.g. `record \"SKU1 order\" plan.order_qty[\"SKU1\"]`"
        guard arg.hasPrefix("\""), let close = arg.dropFirst().firstIndex(of: "\"") else { throw ReplError(usage) }
        let name = String(arg[arg.index(after: arg.startIndex)..<close])
        var rest = String(arg[arg.index(after: close)...]).trimmingWhitespace()
        var file: String? = nil
        // ` to FILE` at the end, outside brackets and quotes.
        let words = rest.split(separator: " ", omittingEmptySubsequences: true)
        if words.count >= 2, words[words.count - 2] == "to", !words.last!.contains("]") {
            file = String(words.last!)
            rest = words.dropLast(2).joined(separator: " ")
        }
        // Cells are separated by commas outside brackets.
        var cells: [CellTarget] = []
        var depth = 0, start = rest.startIndex
        for i in rest.indices {
            switch rest[i] {
            case "[", "(": depth += 1
            case "]", ")": depth -= 1
            case "," where depth == 0:
                cells.append(try parseCell(String(rest[start..<i]).trimmingWhitespace(), what: "record"))
                start = rest.index(after: i)
            default: break
            }
        }
        let last = String(rest[start...]).trimmingWhitespace()
        if !last.isEmpty { cells.append(try parseCell(last, what: "record")) }
        guard !name.isEmpty, !cells.isEmpty else { throw ReplError(usage) }
        return .record(name: name, cells: cells, file: file)
    }

    /// `plan.extra = order_qty * 1.1`
    static func parseDefinition(_ line: String) -> ReplCommand? {
        guard let eq = InputScanner.assignment(in: line) else { return nil }
        let lhs = String(line.prefix(eq)).trimmingWhitespace()
        let parts = lhs.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].isVeloName, parts[1].isVeloName else { return nil }
        let formula = String(line.dropFirst(eq + 1)).trimmingWhitespace()
        return .define(table: String(parts[0]), column: String(parts[1]), formula: formula)
    }

    static func parseSet(_ arg: String) throws(ReplError) -> ReplCommand {
        let usage = "expected `set PARAM = VALUE` or `set TABLE.COLUMN[\"KEY\"] = VALUE`, e.g. `set service_level = 98%`"
        guard let eq = InputScanner.assignment(in: arg) else { throw ReplError(usage) }
        let lhs = String(arg.prefix(eq)).trimmingWhitespace()
        let value = String(arg.dropFirst(eq + 1)).trimmingWhitespace()
        guard !lhs.isEmpty, !value.isEmpty else { throw ReplError(usage) }
        if lhs.isVeloName { return lhs == "asof" ? .setAsOf(value) : .setParam(lhs, value: value) }
        let target = try parseCell(lhs, what: "set")
        if target.keys.isEmpty, !lhs.contains("[") {
            // A whole column, or the rows `where` picks: the value is an expression of the row.
            let words = InputScanner.words(value)
            if let w = words.first(where: { $0.text == "where" && $0.offset > 0 }) {
                let formula = String(value.prefix(w.offset)).trimmingWhitespace()
                let filter = String(value.dropFirst(w.offset + 5)).trimmingWhitespace()
                guard !formula.isEmpty, !filter.isEmpty else {
                    throw ReplError("expected `set TABLE.COLUMN = EXPRESSION where CONDITION`, e.g. `set items.lead_time_days = lead_time_days * 1.2 where supplier == \"Acme\"`")
                }
                return .setRows(table: target.table, column: target.column, formula: formula, filter: filter)
            }
            return .setRows(table: target.table, column: target.column, formula: value, filter: nil)
        }
        return .setCell(target, value: value)
    }

    /// `items.moq["SKU00012"]`, `items.moq[SKU00012]`, `totals.units` (a table without keys).
    static func parseCell(_ text: String, what: String) throws(ReplError) -> CellTarget {
        let example = what == "set" ? "`set items.moq[\"SKU00012\"] = 500`" : "`explain plan.order_qty[\"SKU00012\"]`"
        let file = SourceFile(path: "<repl>", text: text)
        let (expr, diagnostics) = Parser.parseExpression(file)
        guard let expr, !diagnostics.hasErrors else { throw ReplError("expected a cell such as \(example), found `\(text)`") }
        switch expr.kind {
        case .member(let t, let c):
            return CellTarget(table: t.text, column: c.text, keys: [])
        case .index(let base, let keys):
            guard case .member(let t, let c) = base.kind else { break }
            var values: [String] = []
            for k in keys {
                switch k.kind {
                case .text(let lit) where lit.plainText != nil: values.append(lit.plainText!)
                case .name(let n): values.append(n.text)
                case .number(let x) where x == x.rounded(): values.append(String(Int(x)))
                default: throw ReplError("a key is a text such as \"SKU00012\", found `\(file.text(of: k.span))`")
                }
            }
            return CellTarget(table: t.text, column: c.text, keys: values)
        default: break
        }
        throw ReplError("expected a cell such as \(example), found `\(text)`")
    }

    static func parseShow(_ arg: String) throws(ReplError) -> ShowSpec {
        let usage = "expected `show TABLE [COLUMN, ...] [where CONDITION] [sort by COLUMN [desc]] [limit N] [pivot COLUMN]`, e.g. `show plan where cadence == \"weekly\" sort by cover_days limit 10` or `show projection pivot closing where sku == \"SKU000004\"`"
        let words = InputScanner.words(arg)
        guard let first = words.first else { throw ReplError(usage) }
        var spec: ShowSpec
        let parts = first.text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].isVeloName, parts[1].isVeloName {
            spec = ShowSpec(table: String(parts[0]), columns: [String(parts[1])])
        } else if first.text.isVeloName {
            spec = ShowSpec(table: first.text)
        } else {
            throw ReplError(usage)
        }
        // Clauses start at the keywords `where`, `sort by` and `limit`.
        let clauseStarts = words.indices.filter { i in
            i > 0 && (words[i].text == "where" || words[i].text == "limit" || words[i].text == "pivot"
                      || (words[i].text == "sort" && i + 1 < words.count && words[i + 1].text == "by"))
        }
        let columnsEnd = clauseStarts.first.map { words[$0].offset } ?? arg.count
        let columnText = String(arg.prefix(columnsEnd).dropFirst(first.text.count + first.offset))
        for c in columnText.split(separator: ",").map({ $0.trimmingWhitespace() }) where !c.isEmpty {
            guard c.isVeloName else { throw ReplError("`\(c)` is not a column name; " + usage) }
            spec.columns.append(c)
        }
        var seen = Set<String>()
        for (n, i) in clauseStarts.enumerated() {
            let keyword = words[i].text
            guard seen.insert(keyword).inserted else { throw ReplError("`\(keyword)` is given twice; " + usage) }
            let bodyStart = keyword == "sort" ? words[i + 1].offset + 2 : words[i].offset + keyword.count
            let bodyEnd = n + 1 < clauseStarts.count ? words[clauseStarts[n + 1]].offset : arg.count
            let body = String(Array(arg)[min(bodyStart, bodyEnd)..<bodyEnd]).trimmingWhitespace()
            guard !body.isEmpty else { throw ReplError("`\(keyword)` needs \(keyword == "limit" ? "a number" : keyword == "where" ? "a condition" : "a column"); " + usage) }
            switch keyword {
            case "where": spec.filter = body
            case "pivot":
                guard body.isVeloName else { throw ReplError("`pivot` takes one column to show by period, found `\(body)`") }
                spec.pivot = body
            case "limit":
                guard let n = Int(body), n >= 0 else { throw ReplError("`limit` needs a whole number, found `\(body)`") }
                spec.limit = n
            default:
                for part in body.split(separator: ",").map({ $0.trimmingWhitespace() }) {
                    let w = part.split(separator: " ").map(String.init)
                    guard let name = w.first, name.isVeloName, w.count <= 2,
                          w.count == 1 || w[1] == "desc" || w[1] == "asc" else {
                        throw ReplError("`sort by` takes columns, each optionally followed by desc or asc, found `\(part)`")
                    }
                    spec.sort.append(ShowSpec.SortKey(column: name, descending: w.count == 2 && w[1] == "desc"))
                }
            }
        }
        return spec
    }
}
