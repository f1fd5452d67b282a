// The language features: hover, completion, definition, references, rename, formatting,
// document symbols and inlay hints. Each reads the document's analysis (LSPModel).

import VeloCheck
import VeloSyntax

extension LSPServer {
    // MARK: - Hover

    func hover(_ params: JSONValue) throws -> JSONValue {
        let (doc, offset) = try documentAndOffset(params)
        let a = analysis(doc)
        guard let occurrence = a.model.occurrence(at: offset), let text = hoverText(occurrence.symbol, a, doc) else { return .null }
        return ["contents": ["kind": "markdown", "value": .string(text)], "range": doc.range(of: occurrence.span)]
    }

    func hoverText(_ symbol: LSPSymbol, _ a: LSPAnalysis, _ doc: LSPDocument) -> String? {
        let m = a.model
        let values = evaluator.values(for: a.definitionsURI)
        switch symbol {
        case .table(let t):
            guard let table = m.table(t) else { return nil }
            var lines = ["```velo\ntable \(t)\(table.keys.isEmpty ? "" : " by " + table.keys.joined(separator: ", "))"
                         + (table.header.isEmpty ? "" : (table.isSource ? " = " : " ") + table.header) + "\n```"]
            lines.append("columns: " + table.columns.map { "`\($0.name)`" }.joined(separator: ", "))
            if let rows = values?.rowCounts[t] { lines.append("\(rows) row\(rows == 1 ? "" : "s")") }
            return lines.joined(separator: "\n\n")
        case .column(let t, let c):
            guard let table = m.table(t), let column = table.column(c) else { return nil }
            var lines: [String] = []
            let keys = table.keys.isEmpty ? (table.isSource ? "no keys (an event table)" : "no keys (one row)") : "keys " + table.keys.map { "`\($0)`" }.joined(separator: ", ")
            let type = (column.type.map { " · \($0)" } ?? "") + (column.unit.map { " in \($0)" } ?? "")
            switch column.kind {
            case .formula:
                let formula = column.formula.map { m.definitions.text(of: $0.span) } ?? ""
                lines.append("```velo\n\(t).\(c) = \(formula)\n```")
                lines.append("formula column of `\(t)`\(type) · \(keys)")
            case .key:
                lines.append("```velo\n\(t).\(c)\n```")
                lines.append("key of `\(t)`\(type) · \(keys)")
            case .data:
                lines.append("```velo\n\(t).\(c)\n```")
                lines.append("data column of `\(t)`\(type)" + (table.header.isEmpty ? "" : " (`\(table.header)`)") + " · \(keys)")
            }
            if let v = values {
                if let s = v.columns[t + "." + c] { lines.append(s.markdown) }
                else if let e = v.error { lines.append("values: cannot evaluate the plan: \(e)") }
            }
            return lines.joined(separator: "\n\n")
        case .param(let p):
            guard let param = m.param(p) else { return nil }
            var lines = ["```velo\nparam \(p) = \(m.definitions.text(of: param.value.span))\n```"]
            if let info = param.checked {
                lines.append("param · \(info.type) · value `\(ValueText.show(info.value, asPercent: ValueText.isPercent(info, in: m.definitions)))`")
            }
            return lines.joined(separator: "\n\n")
        case .function(let f):
            return LSPServer.functionDoc(f)
        }
    }

    /// A builtin's or an aggregate's signature, summary and example.
    static func functionDoc(_ name: String) -> String? {
        var parts: [String] = []
        if let b = Builtin(rawValue: name) {
            let s = b.signature
            parts.append("```velo\n\(signature(name, s))\n```\n\n\(s.summary)\n\nexample: `\(s.example)`")
        }
        if let g = AggregateFunction(rawValue: name) {
            parts.append("```velo\n\(aggregateSignature(g))\n```\n\n(aggregate) \(g.summary)\n\nexample: `\(g.example)`")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n---\n\n")
    }

    static func signature(_ name: String, _ s: Builtin.Signature) -> String {
        let ps = s.parameters.enumerated().map { i, p in
            p.name + ": " + p.types.map(\.description).joined(separator: " | ") + (i >= s.required ? "?" : "")
        }
        let result = s.result.map(\.description) ?? "the type of `\(s.parameters.first?.name ?? "x")`"
        return "\(name)(\(ps.joined(separator: ", "))\(s.variadic ? ", ..." : "")) -> \(result)"
    }

    static func aggregateSignature(_ g: AggregateFunction) -> String {
        let types = g.argumentTypes.map(\.description).joined(separator: " | ")
        let named = g.namedArguments.isEmpty ? "" : ", weights: linear | half_life: N days"
        return "\(g.rawValue)(value: \(types), window?\(named))"
    }

    // MARK: - Completion

    static let windowKeywords = ["last", "days", "ending", "ago", "after", "before", "weights", "linear", "half_life"]
    static let expressionKeywords = ["if", "then", "else", "missing", "is", "not", "and", "or", "true", "false", "decide", "otherwise"]

    func completion(_ params: JSONValue) throws -> JSONValue {
        let (doc, offset) = try documentAndOffset(params)
        let a = analysis(doc)
        let m = a.model
        let prefix = Array(doc.linePrefix(before: offset).utf8)
        var i = prefix.count
        func isNameByte(_ b: UInt8) -> Bool { b == 0x5F || (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A) }
        while i > 0, isNameByte(prefix[i - 1]) { i -= 1 }
        var items: [JSONValue] = []
        func column(_ table: LSPTableModel, _ c: LSPColumnModel, sort: String) {
            let kind = c.kind == .key ? "key" : c.kind == .data ? "data column" : "formula"
            var doc = "\(kind) of `\(table.name)`"
            if let f = c.formula { doc += "\n\n`\(c.name) = \(m.definitions.text(of: f.span))`" }
            items.append(["label": .string(c.name), "kind": 5, "detail": .string("\(table.name).\(c.name)" + (c.type.map { ": \($0)" } ?? "")),
                          "documentation": ["kind": "markdown", "value": .string(doc)], "sortText": .string(sort + c.name)])
        }
        // After `t.`: the columns of t.
        if i > 0, prefix[i - 1] == UInt8(ascii: ".") {
            var j = i - 1
            while j > 0, isNameByte(prefix[j - 1]) { j -= 1 }
            let name = String(decoding: prefix[j..<(i - 1)], as: UTF8.self)
            if let table = m.table(name) { table.columns.forEach { column(table, $0, sort: "0") } }
            return ["isIncomplete": false, "items": .array(items)]
        }
        let before = String(decoding: prefix[0..<i], as: UTF8.self)
        if let units = Self.unitCompletions(linePrefix: before) { return units }
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if let policies = Self.decisionCompletions(after: words.last.map(String.init)) { return policies }
        let tablesOnly = words.last.map { ["from", "on"].contains($0) } ?? false
        for t in m.tables {
            items.append(["label": .string(t.name), "kind": 7, "detail": .string("table" + (t.keys.isEmpty ? "" : " by " + t.keys.joined(separator: ", "))),
                          "sortText": .string("2" + t.name)])
        }
        if tablesOnly { return ["isIncomplete": false, "items": .array(items)] }
        if let context = contextTable(doc, offset: offset), let table = m.table(context) {
            table.columns.forEach { column(table, $0, sort: "0") }
        }
        for p in m.params {
            let value = p.checked.map { ValueText.show($0.value, asPercent: ValueText.isPercent($0, in: m.definitions)) }
            items.append(["label": .string(p.name), "kind": 21, "detail": .string("param" + (value.map { " = \($0)" } ?? "")), "sortText": .string("1" + p.name)])
        }
        var seen = Set<String>()
        for name in Builtin.allCases.map(\.rawValue) + AggregateFunction.allCases.map(\.rawValue) where seen.insert(name).inserted {
            let detail = Builtin(rawValue: name).map { LSPServer.signature(name, $0.signature) }
                ?? AggregateFunction(rawValue: name).map(LSPServer.aggregateSignature) ?? name
            items.append(["label": .string(name), "kind": 3, "detail": .string(detail),
                          "documentation": ["kind": "markdown", "value": .string(LSPServer.functionDoc(name) ?? "")],
                          "sortText": .string("3" + name)])
        }
        for k in LSPServer.windowKeywords + LSPServer.expressionKeywords where seen.insert(k).inserted {
            items.append(["label": .string(k), "kind": 14, "detail": .string(LSPServer.windowKeywords.contains(k) ? "window keyword" : "keyword"),
                          "sortText": .string("4" + k)])
        }
        return ["isIncomplete": false, "items": .array(items)]
    }

    /// The table whose rows a position is evaluated in: the nearest statement at or above
    /// the line that is a `table` (derived), `flag ... on T` or `check T:`. Read from the
    /// text, so it works while the line being typed does not parse.
    func contextTable(_ doc: LSPDocument, offset: Int) -> String? {
        var line = doc.position(of: offset).line
        while line >= 0 {
            let text = doc.lineText(line)
            if let first = text.unicodeScalars.first, first != " ", first != "\t", first != "#" {
                let words = text.split(whereSeparator: { " \t:=(".contains($0) }).map(String.init)
                switch words.first {
                case "table"?:
                    if text.contains("csv(") { return nil }
                    return words.count > 1 ? words[1] : nil
                case "flag"?, "report"?:
                    if let on = words.firstIndex(of: "on"), on + 1 < words.count { return words[on + 1] }
                    return nil
                case "check"?:
                    if let on = words.firstIndex(of: "on"), on + 1 < words.count { return words[on + 1] }
                    return words.count > 1 ? words[1] : nil
                default:
                    return nil
                }
            }
            line -= 1
        }
        return nil
    }

    // MARK: - Definition, references, rename

    func definition(_ params: JSONValue) throws -> JSONValue {
        let (doc, offset) = try documentAndOffset(params)
        let a = analysis(doc)
        guard let o = a.model.occurrence(at: offset), let span = a.model.definitionSpan(o.symbol) else { return .null }
        return location(span, a)
    }

    func references(_ params: JSONValue) throws -> JSONValue {
        let (doc, offset) = try documentAndOffset(params)
        let a = analysis(doc)
        guard let o = a.model.occurrence(at: offset) else { return .null }
        let includeDeclaration = params["context"]?["includeDeclaration"]?.bool ?? true
        var out: [JSONValue] = []
        for (file, occurrences) in ownAndImportedOccurrences(doc, a) + pairedOccurrences(doc, a) {
            for r in occurrences where r.symbol == o.symbol && (includeDeclaration || !r.isDefinition) {
                out.append(["uri": .string(file.uri), "range": file.range(of: r.span)])
            }
        }
        return .array(out)
    }

    /// The other file of a rule file and its test file (`X.velo`, `X.test.velo`), open or on
    /// disk, with its occurrences of names resolved by this document's model.
    func pairedOccurrences(_ doc: LSPDocument, _ a: LSPAnalysis) -> [(LSPDocument, [LSPOccurrence])] {
        let otherPath: String
        let isDefinitions: Bool
        if doc.isTestFile {
            guard let rule = TestFiles.ruleFile(forTestFile: doc.path) else { return [] }
            otherPath = rule
            isDefinitions = true
        } else {
            guard let test = TestFiles.testFile(forRuleFile: doc.path) else { return [] }
            otherPath = test
            isDefinitions = false
        }
        let other: LSPDocument
        if let open = documents.values.first(where: { $0.path == otherPath }) {
            other = open
        } else if let bytes = Frontend.readFile(otherPath), let text = String(validating: bytes, as: UTF8.self) {
            other = LSPDocument(uri: LSPDocument.uri(fromPath: otherPath), text: text, version: 0)
        } else {
            return []
        }
        var model = a.model
        model.index(Parser.parse(other.sourceFile).program, isDefinitionsFile: isDefinitions)
        return [(other, model.occurrences)]
    }

    /// The symbol a rename at this position would rename, or why it cannot be renamed.
    func renameTarget(_ doc: LSPDocument, _ offset: Int) throws -> (LSPAnalysis, LSPOccurrence) {
        let a = analysis(doc)
        guard let o = a.model.occurrence(at: offset) else { throw LSPError(.requestFailed, "nothing to rename here") }
        switch o.symbol {
        case .function(let f): throw LSPError(.requestFailed, "`\(f)` is a builtin function and cannot be renamed")
        case .table(let t):
            guard let table = a.model.table(t) else { throw LSPError(.requestFailed, "there is no table `\(t)`") }
            _ = table
        case .column(let t, let c):
            guard let table = a.model.table(t), let column = table.column(c) else {
                throw LSPError(.requestFailed, "there is no column `\(c)` in table `\(t)`")
            }
            switch column.kind {
            case .formula: break
            case .key: throw LSPError(.requestFailed, "`\(c)` is a key: tables line up on key names, so rename it in every table and data file by hand")
            case .data: throw LSPError(.requestFailed, "`\(c)` is a column of the data of `\(t)`: rename it in the CSV file")
            }
        case .param(let p):
            guard a.model.param(p) != nil else { throw LSPError(.requestFailed, "there is no param `\(p)`") }
        }
        return (a, o)
    }

    func prepareRename(_ params: JSONValue) throws -> JSONValue {
        let (doc, offset) = try documentAndOffset(params)
        let (_, o) = try renameTarget(doc, offset)
        return ["range": doc.range(of: o.span), "placeholder": .string(doc.sourceFile.text(of: o.span))]
    }

    func rename(_ params: JSONValue) throws -> JSONValue {
        let (doc, offset) = try documentAndOffset(params)
        guard let newName = params["newName"]?.string else { throw LSPError(.invalidParams, "missing newName") }
        let (a, o) = try renameTarget(doc, offset)
        let m = a.model
        guard LSPServer.isIdentifier(newName) else { throw LSPError(.requestFailed, "`\(newName)` is not a name: use letters, digits and `_`, not starting with a digit") }
        guard Keyword(rawValue: newName) == nil else { throw LSPError(.requestFailed, "`\(newName)` is a keyword") }
        switch o.symbol {
        case .table(let t):
            if newName != t, m.table(newName) != nil { throw LSPError(.requestFailed, "there is already a table `\(newName)`") }
        case .column(let t, let c):
            if newName != c, m.table(t)?.column(newName) != nil { throw LSPError(.requestFailed, "table `\(t)` already has a column `\(newName)`") }
            if m.param(newName) != nil { throw LSPError(.requestFailed, "`\(newName)` is a param: a column of that name would hide it in `\(t)`") }
        case .param(let p):
            if newName != p, m.param(newName) != nil { throw LSPError(.requestFailed, "there is already a param `\(newName)`") }
            let hiding = m.tables.filter { $0.column(newName) != nil }.map(\.name)
            if !hiding.isEmpty { throw LSPError(.requestFailed, "`\(newName)` is a column of `\(hiding[0])`, which would hide the param there") }
        case .function: break
        }
        var changes: [String: JSONValue] = [:]
        for (file, occurrences) in ownAndImportedOccurrences(doc, a) + pairedOccurrences(doc, a) {
            let edits = occurrences.filter { $0.symbol == o.symbol }.map { r -> JSONValue in
                ["range": file.range(of: r.span), "newText": .string(newName)]
            }
            if !edits.isEmpty { changes[file.uri] = .array(edits) }
        }
        return ["changes": .object(changes)]
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    // MARK: - Formatting

    func formatting(_ params: JSONValue) throws -> JSONValue {
        let doc = try document(params)
        // A file with syntax errors is not formatted (as `velo fmt`): no edits.
        guard let text = RuleFormatter.format(doc.sourceFile).text, text != doc.text else { return [] }
        return [["range": ["start": LSPPosition(line: 0, character: 0).json, "end": doc.position(of: doc.bytes.count).json],
                 "newText": .string(text)]]
    }

    // MARK: - Document symbols

    func documentSymbols(_ params: JSONValue) throws -> JSONValue {
        let doc = try document(params)
        let a = analysis(doc)
        func symbol(_ name: String, _ kind: Int, _ range: Span, _ selection: Span, detail: String = "", children: [JSONValue] = []) -> JSONValue {
            var o: [String: JSONValue] = ["name": .string(name), "kind": .int(kind), "range": doc.range(of: range.through(selection)),
                                          "selectionRange": doc.range(of: selection)]
            if !detail.isEmpty { o["detail"] = .string(detail) }
            if !children.isEmpty { o["children"] = .array(children) }
            return .object(o)
        }
        var out: [JSONValue] = []
        for s in a.ast.statements {
            switch s {
            case .source(let d):
                let keys = d.keys.map { symbol($0.text, 20, $0.span, $0.span, detail: "key") }
                let cols = d.columnTypes.map { symbol($0.column.text, 8, $0.span, $0.column.span, detail: $0.type?.text ?? ($0.header.map { "\"\($0.plainText ?? "")\"" } ?? "")) }
                out.append(symbol(d.name.text, 23, d.span, d.name.span, detail: a.file.text(of: d.path.span), children: keys + cols))
            case .table(let d):
                let keys = d.keys.map { symbol($0.text, 20, $0.span, $0.span, detail: "key") }
                let cols = d.columns.map { c in
                    symbol(c.name.text, 8, c.name.span.through(c.formula.span), c.name.span, detail: a.file.text(of: c.formula.span))
                }
                var range = d.span
                for c in d.columns { range = range.through(c.formula.span) }
                out.append(symbol(d.name.text, 23, range, d.name.span, detail: d.keys.isEmpty ? "" : "by " + d.keys.map(\.text).joined(separator: ", "),
                                  children: keys + cols))
            case .param(let d):
                out.append(symbol(d.name.text, 14, d.span, d.name.span, detail: a.file.text(of: d.value.span)))
            case .flag(let d):
                out.append(symbol(d.name.text, 24, d.span, d.name.span, detail: "on " + d.table.text))
            case .check(let d):
                out.append(symbol(d.name?.text ?? "check " + d.table.text, 17, d.span, d.name?.span ?? d.table.span,
                                  detail: a.file.text(of: d.condition.span)))
            case .test(let t):
                out.append(symbol(t.name.plainText ?? a.file.text(of: t.name.span), 6, t.span, t.name.span, detail: "test"))
            case .importFile(let d):
                out.append(symbol(d.path.plainText ?? "import", 2, d.span, d.path.span, detail: "import"))
            case .report(let d):
                out.append(symbol(d.name.text, 18, d.span, d.name.span, detail: "report on " + d.table.text))
            }
        }
        return .array(out)
    }

    // MARK: - Inlay hints

    /// The value of every param, and with the data loaded of every cell of a keyless table,
    /// after its formula.
    func inlayHints(_ params: JSONValue) throws -> JSONValue {
        let doc = try document(params)
        let a = analysis(doc)
        guard a.definitionsURI == doc.uri else { return [] }
        var lo = 0, hi = doc.bytes.count
        if let r = params["range"], let s = LSPPosition(r["start"]), let e = LSPPosition(r["end"]) {
            lo = doc.offset(of: s)
            hi = doc.offset(of: e)
        }
        var out: [JSONValue] = []
        func hint(at offset: Int, _ label: String) {
            guard offset >= lo, offset <= hi else { return }
            out.append(["position": doc.position(of: offset).json, "label": .string("= " + label), "paddingLeft": true])
        }
        for p in a.model.params {
            guard let info = p.checked ?? a.program?.params.first(where: { $0.name == p.name }) else { continue }
            hint(at: p.value.span.end, ValueText.show(info.value, asPercent: ValueText.isPercent(info, in: a.model.definitions)))
        }
        if let values = evaluator.values(for: doc.uri) {
            for t in a.model.tables where !t.isSource && t.keys.isEmpty {
                for c in t.columns {
                    guard let f = c.formula, let v = values.columns[t.name + "." + c.name]?.single else { continue }
                    hint(at: f.span.end, v)
                }
            }
        }
        return .array(out)
    }
}
