// Tab completion: which words fit where the cursor is. Pure: given the line up to the word
// being completed, it returns candidates; the readline glue only passes them on.
//
//   sh|            commands, tables, params, functions    show, sum(, service_level
//   plan.ord|      columns of plan                        plan.order_qty
//   plan.order_qty["SKU0|   key values of plan            SKU000012"]
//   show plan where cad|    columns of plan               cadence
//   decide |       hit policies (unique, first, …); collect |: sum, min, max, count
//   use |          scenarios; mode |: formats (`mode csv |`: units); load |: files

import VeloCheck
import VeloEngine
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

struct ReplCompleter {
    let program: CheckedProgram
    let workspace: Workspace
    let scenarioNames: [String]

    /// Characters that end a word for completion (readline's word breaks); `.` is not one,
    /// so `plan.ord` is one word.
    static let wordBreaks = " \t\n()[],+-*/^<>=!?:\""

    /// Expression words, and the decision-table words that start a block or a row (`decide`,
    /// `otherwise`); the hit policies follow `decide` (DecisionDecl.completions).
    static let keywords = ["if", "then", "else", "and", "or", "not", "is", "missing", "true", "false", "decide", "otherwise"]

    /// Candidates for `word`, which follows `before` on the line.
    func candidates(before: String, word: String) -> [String] {
        if let key = keyContext(before) { return keyCandidates(key, word: word) }
        let trimmed = before.drop { $0 == " " }
        if trimmed.hasPrefix("load ") {
            let path = trimmed.dropFirst(5).drop { $0 == " " }
            return files(String(path) + word).map { String($0.dropFirst(path.count)) }.filter { $0.hasPrefix(word) }
        }
        let words = InputScanner.words(before)
        let all: [String]
        if let policies = DecisionDecl.completions(after: words.last?.text) {
            all = policies   // `decide |`, `decide collect |` in a typed decision block
        } else if let first = words.first?.text, ReplCommand.names.contains(first) {
            all = commandArgument(first, words: words.map(\.text), before: before, word: word)
        } else if words.isEmpty {
            all = ReplCommand.names.filter { $0 != "exit" }.map { $0 } + expressionNames(word, context: nil)
        } else if let d = ReplCommand.parseDefinition(before + word + " "), case .define(let t, _, _) = d {
            all = expressionNames(word, context: t)
        } else {
            all = expressionNames(word, context: nil)
        }
        var seen = Set<String>()
        let units = Self.followsNumber(before) && !trimmed.hasPrefix("set ") ? unitNames() : []   // `5_000 units`
        return (units + all).filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    }

    func commandArgument(_ command: String, words: [String], before: String, word: String) -> [String] {
        let n = words.count   // words before the one being completed, the command included
        switch command {
        case "help": return n == 1 ? ReplCommand.names : []
        case "mode":
            if n == 1 { return ["table", "csv", "json", "markdown"] }
            return n == 2 && ["csv", "json"].contains(words[1]) ? ["units"] : []
        case "timer": return n == 1 ? ["on", "off"] : []
        case "use": return n == 1 ? scenarioNames : []
        case "flags", "checks": return n == 1 ? ["to"] : []
        case "scenario", "undo", "redo", "reload", "tables", "params", "changes", "quit", "exit", "scenarios":
            return []
        case "compare":
            switch n {
            case 1, 2: return scenarioNames
            case 3: return ["on"]
            case 4: return program.tables.filter { !$0.isSource }.map(\.name)
                + expressionNames(word, context: nil).filter { $0.contains(".") || $0.hasSuffix(".") }
            default:
                // More columns of the table named after `on`, then `to FILE`.
                let table = words[4].split(separator: ".").first.map(String.init) ?? words[4]
                let columns = program.table(named: table).map { program.table($0).columns.map(\.name) } ?? []
                return columns + ["to"]
            }
        case "load": return []
        case "explain":
            return n == 1 ? expressionNames(word, context: nil).filter { $0.contains(".") } : ["depth"]
        case "record":
            return n == 1 ? [] : expressionNames(word, context: nil).filter { $0.contains(".") } + ["to"]
        case "set":
            if n == 1 {
                let sources = program.tables.filter { $0.isSource && !$0.keys.isEmpty }
                if word.contains(".") { return expressionNames(word, context: nil) }
                return program.params.map(\.name) + ["asof"] + sources.map { $0.name + "." }
            }
            // `set items.lead_time_days = … where …`: the source's columns, bare.
            let table = words[1].split(separator: ".").first.map(String.init) ?? words[1]
            guard n >= 3, words[1].contains("."), !words[1].contains("["), let t = program.table(named: table), program.table(t).isSource else { return [] }
            return program.table(t).columns.map(\.name) + (words.contains("where") ? [] : ["where"]) + expressionNames(word, context: table)
        case "show":
            if n == 1 { return program.tables.map(\.name) + expressionNames(word, context: nil).filter { $0.contains(".") && word.contains(".") } }
            let table = words[1].split(separator: ".").first.map(String.init) ?? words[1]
            let clause = words.last { ["where", "sort", "by", "limit"].contains($0) }
            let columns = program.table(named: table).map { program.table($0).columns.map(\.name) } ?? []
            switch clause {
            case "where": return columns + ["sort", "limit", "to"] + expressionNames(word, context: table)
            case "by": return columns + ["desc", "asc", "limit", "to"]
            case "limit": return ["to"]
            default: return columns + ["where", "sort", "limit", "to"]
            }
        default:
            return expressionNames(word, context: nil)
        }
    }

    /// Tables, `table.column`, params, functions; with a context table, its columns bare.
    func expressionNames(_ word: String, context: String?) -> [String] {
        if let dot = word.firstIndex(of: ".") {
            let table = String(word[..<dot])
            guard let t = program.table(named: table) else { return [] }
            return program.table(t).columns.map { "\(table).\($0.name)" }
        }
        var names: [String] = []
        if let context, let t = program.table(named: context) { names += program.table(t).columns.map(\.name) }
        names += program.params.map(\.name)
        names += program.tables.map { $0.name + "." }
        names += AggregateFunction.allCases.map { $0.rawValue + "(" }
        names += Builtin.allCases.map { $0.rawValue + "(" }
        names += Checker.timeFunctions.sorted().map { $0 + "(" }   // previous(, shift(, … (period tables)
        names += Self.keywords
        return names
    }

    struct KeyContext {
        var table: String
        var position: Int
        var quoted: Bool
    }

    /// Inside `table.column[...` : which key, and whether a quote is open.
    func keyContext(_ before: String) -> KeyContext? {
        let chars = Array(before)
        var depth = 0
        var inQuote = false
        var open: Int? = nil
        var commas = 0
        for (i, c) in chars.enumerated() {
            if inQuote { if c == "\"" { inQuote = false }; continue }
            switch c {
            case "\"": inQuote = true
            case "[": depth += 1; open = i; commas = 0
            case "]": depth -= 1; if depth <= 0 { open = nil; depth = 0 }
            case "(": depth += 1
            case ")": depth = max(0, depth - 1)
            case ",": if open != nil { commas += 1 }
            default: break
            }
        }
        guard let open else { return nil }
        var end = open
        while end > 0, chars[end - 1] == " " { end -= 1 }
        var j = end
        while j > 0, chars[j - 1].isLetter || chars[j - 1].isNumber || chars[j - 1] == "_" || chars[j - 1] == "." { j -= 1 }
        let base = String(chars[j..<end]).split(separator: ".")
        guard base.count == 2 else { return nil }
        return KeyContext(table: String(base[0]), position: commas, quoted: inQuote)
    }

    func keyCandidates(_ k: KeyContext, word: String) -> [String] {
        guard let t = program.table(named: k.table) else { return [] }
        let info = program.table(t)
        guard k.position < info.keys.count, let c = info.columnIndex(info.keys[k.position]) else { return [] }
        guard case .text(let values) = workspace.column(ColumnRef(t, c)).values else { return [] }
        let last = k.position == info.keys.count - 1
        let distinct = Set(values.compactMap { $0 }.filter { $0.hasPrefix(word) }).sorted()
        return distinct.prefix(5000).map { v in (k.quoted ? "" : "\"") + v + "\"" + (last ? "]" : ", \"") }
    }

    /// Files and directories starting with `word` (a path).
    func files(_ word: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let dir = slash.map { String(word[...$0]) } ?? ""
        guard let d = opendir(dir.isEmpty ? "." : dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            var isDir = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) || entry.pointee.d_type == UInt8(DT_LNK) {
                var st = stat()
                isDir = stat(dir + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            }
            out.append(dir + name + (isDir ? "/" : ""))
        }
        return out.sorted()
    }

    /// Whether readline should add a space after this (single) completion: not after
    /// `plan.`, `sum(`, a key, a directory, nor after `plan.order_qty` (a `[` may follow).
    static func appendsSpace(_ candidate: String) -> Bool {
        guard let last = candidate.last else { return true }
        return !".([/\"]".contains(last) && !candidate.hasSuffix(", \"") && !candidate.contains(".")
    }
}
