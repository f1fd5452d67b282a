// What the language server knows about one document's names, built from the syntax tree
// (so it works while the file has errors) and enriched with the last checked program
// (types, a source's CSV columns).
//
// A model holds the declarations (tables, their columns, params) and every occurrence of
// a name in the document, each resolved to a symbol the way the checker resolves it: a
// bare name is a column of the table in context, else a param; `t.c` is column c of t.

import VeloCheck
import VeloEngine
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum LSPSymbol: Hashable {
    case table(String)
    case column(table: String, column: String)
    case param(String)
    case function(String)
}

struct LSPOccurrence {
    var symbol: LSPSymbol
    var span: Span
    var isDefinition: Bool
}

struct LSPColumnModel {
    enum Kind { case key, data, formula }
    var name: String
    var kind: Kind
    /// Where it is declared in the definitions file (a formula's name, a key in `by`, a
    /// declared column type), when it is declared there.
    var nameSpan: Span?
    var formula: Expr?
    var type: VType?
    /// Its unit of measure, when it has one (`units/day`).
    var unit: String? = nil
}

struct LSPTableModel {
    var name: String
    var nameSpan: Span
    var statementSpan: Span
    var isSource: Bool
    var keys: [String]
    var columns: [LSPColumnModel]
    /// `csv("data/sales.csv")`, `from sales in last 35 days`, as written.
    var header: String

    func column(_ name: String) -> LSPColumnModel? { columns.first { $0.name == name } }
}

struct LSPParamModel {
    var name: String
    var nameSpan: Span
    var value: Expr
    var statementSpan: Span
    var checked: ParamInfo?
}

struct LSPModel {
    /// The file the declarations are in: the document itself, or for `X.test.velo` the rule file `X.velo`.
    var definitions: SourceFile
    var tables: [LSPTableModel] = []
    var params: [LSPParamModel] = []
    /// Occurrences in the document (not in the definitions file when that is another file).
    var occurrences: [LSPOccurrence] = []
    /// The program checked from the definitions (current, or the last one without errors).
    var program: CheckedProgram?

    func table(_ name: String) -> LSPTableModel? { tables.first { $0.name == name } }
    func param(_ name: String) -> LSPParamModel? { params.first { $0.name == name } }

    /// The innermost occurrence at a byte offset (a cursor just after a name still counts).
    func occurrence(at offset: Int) -> LSPOccurrence? {
        occurrences.filter { $0.span.start <= offset && offset <= $0.span.end }.min { $0.span.length < $1.span.length }
    }

    // MARK: - Building

    /// Declarations from `ast` (of `definitions`), typed by `program` when there is one.
    static func declarations(_ ast: Program, definitions: SourceFile, program: CheckedProgram?) -> LSPModel {
        var model = LSPModel(definitions: definitions, program: program)
        for s in ast.statements {
            switch s {
            case .source(let d):
                var columns: [LSPColumnModel] = d.keys.map { LSPColumnModel(name: $0.text, kind: .key, nameSpan: $0.span) }
                for t in d.columnTypes where !columns.contains(where: { $0.name == t.column.text }) {
                    columns.append(LSPColumnModel(name: t.column.text, kind: .data, nameSpan: t.column.span))
                }
                if let base = d.base, let from = model.tables.first(where: { $0.name == base.text }) {
                    columns = from.columns.filter { $0.kind != .key }.map { LSPColumnModel(name: $0.name, kind: .data) }
                }
                let header = definitions.text(of: Span(start: d.reader.span.start, length: d.span.end - d.reader.span.start))
                // Without a checked program, the CSV header still names the columns.
                if program?.tables.contains(where: { $0.name == d.name.text }) != true, let path = d.path.plainText {
                    let resolved = path.hasPrefix("/") ? path : { let dir = RuleCompiler.directory(of: definitions.path); return dir.isEmpty ? path : dir + "/" + path }()
                    for name in LSPModel.csvHeader(resolved) where !columns.contains(where: { $0.name == name }) {
                        columns.append(LSPColumnModel(name: name, kind: .data))
                    }
                }
                model.tables.append(LSPTableModel(name: d.name.text, nameSpan: d.name.span, statementSpan: d.span, isSource: true,
                                                  keys: d.keys.map(\.text), columns: columns, header: header))
            case .table(let d):
                var columns: [LSPColumnModel] = d.keys.map { LSPColumnModel(name: $0.text, kind: .key, nameSpan: $0.span) }
                for c in d.columns where !columns.contains(where: { $0.name == c.name.text }) {
                    columns.append(LSPColumnModel(name: c.name.text, kind: .formula, nameSpan: c.name.span, formula: c.formula))
                }
                var end = d.span.end
                for c in d.columns { end = max(end, c.formula.span.end) }
                let header = d.rows.map { definitions.text(of: $0.span) } ?? ""
                model.tables.append(LSPTableModel(name: d.name.text, nameSpan: d.name.span,
                                                  statementSpan: Span(start: d.span.start, length: end - d.span.start), isSource: false,
                                                  keys: d.keys.map(\.text), columns: columns, header: header))
            case .param(let d):
                model.params.append(LSPParamModel(name: d.name.text, nameSpan: d.name.span, value: d.value, statementSpan: d.span,
                                                  checked: program?.params.first { $0.name == d.name.text }))
            case .flag, .check, .test, .importFile, .report:
                break
            }
        }
        // Types, and a source's columns read from its CSV header, from the checked program.
        if let program {
            for i in model.tables.indices {
                guard let info = program.tables.first(where: { $0.name == model.tables[i].name }) else { continue }
                let t = program.table(named: info.name)
                for (n, c) in info.columns.enumerated() {
                    if let j = model.tables[i].columns.firstIndex(where: { $0.name == c.name }) {
                        model.tables[i].columns[j].type = c.type
                    } else {
                        let kind: LSPColumnModel.Kind = info.keys.contains(c.name) ? .key : (c.formula != nil ? .formula : .data)
                        model.tables[i].columns.append(LSPColumnModel(name: c.name, kind: kind, type: c.type))
                    }
                    if let t, let j = model.tables[i].columns.firstIndex(where: { $0.name == c.name }) {
                        model.tables[i].columns[j].unit = program.units.label(ColumnRef(t, n))
                    }
                }
            }
        }
        return model
    }

    /// The column names in the first line of a CSV file (read from its first 64 KiB).
    static func csvHeader(_ path: String) -> [String] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let n = fread(&buffer, 1, buffer.count, f)
        var line = buffer[0..<n]
        if let nl = line.firstIndex(of: 0x0A) { line = line[..<nl] }
        if line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
        return String(decoding: line, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false).map { field in
            var f = field.trimmingSpaces
            if f.hasPrefix("\""), f.hasSuffix("\""), f.count >= 2 { f = String(f.dropFirst().dropLast()).replacingAll("\"\"", "\"") }
            return f
        }.filter { !$0.isEmpty }
    }

    /// Records every occurrence of a name in `ast` (the document's own tree).
    mutating func index(_ ast: Program, isDefinitionsFile: Bool) {
        var out: [LSPOccurrence] = []
        func add(_ s: LSPSymbol, _ span: Span, def: Bool = false) { out.append(LSPOccurrence(symbol: s, span: span, isDefinition: def && isDefinitionsFile)) }
        let model = self
        func walk(_ e: Expr, _ context: String?) {
            switch e.kind {
            case .number, .percent, .duration, .date, .bool, .missing: break
            case .text(let t): walkText(t, context)
            case .name(let n):
                if let c = context, model.table(c)?.column(n.text) != nil { add(.column(table: c, column: n.text), n.span) }
                else if model.param(n.text) != nil { add(.param(n.text), n.span) }
                else if let c = context { add(.column(table: c, column: n.text), n.span) }
            case .member(let t, let c):
                add(.table(t.text), t.span)
                add(.column(table: t.text, column: c.text), c.span)
            case .call(let callee, let args):
                add(.function(callee.text), callee.span)
                for a in args {
                    switch a.value {
                    case .expr(let x): walk(x, context)
                    case .window(let w): walkWindow(w, context)
                    }
                }
            case .index(let base, let keys):
                walk(base, context)
                keys.forEach { walk($0, context) }
            case .unary(_, let x), .isMissing(let x, _): walk(x, context)
            case .binary(_, let a, let b): walk(a, context); walk(b, context)
            case .conditional(let c, let a, let b): walk(c, context); walk(a, context); walk(b, context)
            }
        }
        func walkWindow(_ w: Window, _ context: String?) {
            switch w.kind {
            case .last: break
            case .after(_, let anchor), .before(_, let anchor): walk(anchor, context)
            }
        }
        func walkText(_ t: TextLiteral, _ context: String?) {
            for p in t.parts { if case .interpolation(let x, _) = p { walk(x, context) } }
        }
        func walkRows(_ table: Name, _ rows: InlineRows) {
            add(.table(table.text), table.span)
            for c in rows.columns { add(.column(table: table.text, column: c.text), c.span) }
            for r in rows.rows { r.cells.forEach { walk($0, nil) } }
        }
        for s in ast.statements {
            switch s {
            case .source(let d):
                add(.table(d.name.text), d.name.span, def: true)
                for k in d.keys { add(.column(table: d.name.text, column: k.text), k.span, def: true) }
                for t in d.columnTypes { add(.column(table: d.name.text, column: t.column.text), t.column.span, def: true) }
                if let base = d.base {
                    // A filtered event table: its columns are its base's.
                    add(.table(base.text), base.span)
                    if let f = d.filter { walk(f, base.text) }
                } else if let f = d.filter {
                    walk(f, d.name.text)
                }
            case .table(let d):
                add(.table(d.name.text), d.name.span, def: true)
                for k in d.keys { add(.column(table: d.name.text, column: k.text), k.span, def: true) }
                if let rows = d.rows {
                    add(.table(rows.table.text), rows.table.span)
                    if let w = rows.window { walkWindow(w, d.name.text) }
                }
                for c in d.columns {
                    add(.column(table: d.name.text, column: c.name.text), c.name.span, def: true)
                    walk(c.formula, d.name.text)
                }
            case .param(let d):
                add(.param(d.name.text), d.name.span, def: true)
                walk(d.value, nil)
            case .flag(let d):
                add(.table(d.table.text), d.table.span)
                walk(d.condition, d.table.text)
                if let m = d.message { walkText(m, d.table.text) }
            case .check(let d):
                add(.table(d.table.text), d.table.span)
                walk(d.condition, d.table.text)
            case .importFile:
                break
            case .report(let d):
                // `on flags` names the flags, not a table; its columns are the flags' own.
                guard d.table.text != "flags" else { break }
                add(.table(d.table.text), d.table.span)
                for c in d.columns { add(.column(table: d.table.text, column: c.text), c.span) }
                for k in d.sort { add(.column(table: d.table.text, column: k.column.text), k.column.span) }
                if let f = d.filter { walk(f, d.table.text) }
            case .test(let t):
                for step in t.steps {
                    switch step {
                    case .given(let table, let rows, _): walkRows(table, rows)
                    case .set(let name, let value, _):
                        if name.text != "asof" { add(.param(name.text), name.span) }
                        walk(value, nil)
                    case .expect(let x):
                        switch x.kind {
                        case .value(let e, _): walk(e, nil)
                        case .rows(let table, let rows, _): walkRows(table, rows)
                        case .flag(_, _, let table, let keys):
                            if let table { add(.table(table.text), table.span) }
                            keys?.forEach { walk($0, nil) }
                        }
                    }
                }
            }
        }
        occurrences = out.sorted { $0.span.start < $1.span.start }
    }

    /// Where a symbol is declared, in `definitions`.
    func definitionSpan(_ s: LSPSymbol) -> Span? {
        switch s {
        case .table(let t): return table(t)?.nameSpan
        case .column(let t, let c):
            guard let table = table(t) else { return nil }
            // A CSV column not named in the file: the source's declaration.
            return table.column(c).map { $0.nameSpan ?? table.nameSpan }
        case .param(let p): return param(p)?.nameSpan
        case .function: return nil
        }
    }
}
