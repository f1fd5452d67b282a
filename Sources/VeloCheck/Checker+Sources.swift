// Source declarations beyond a location: labelled arguments (the reader kind says which it
// takes and what is wrong with a value: `SourceReaders.problems`), columns mapped from the
// names the source gives them, and the `where` line that keeps only some rows.
//
// A `where` condition reads only the source's own columns, literals and functions of them:
// no params, other tables or the as-of date. So it is decided once per row as the row is
// read — an appended row that fails it is never a row of the table, and a row edited into
// or out of it changes the table like any other edit — and nothing else can make it change.

import VeloData
import VeloSyntax

extension Checker {
    /// The settings a source declaration gives its reader; problems are reported.
    mutating func sourceSettings(_ d: SourceDecl) -> SourceSettings {
        var settings = SourceSettings()
        var labels: [String: Span] = [:]
        for o in d.options {
            if let first = labels[o.label.text] {
                diagnostics.append(.duplicateDefinition("argument", o.label.text, at: o.label.span, first: first))
                continue
            }
            labels[o.label.text] = o.label.span
            switch o.value {
            case .text(let t): settings.options[o.label.text] = .text(t.plainText ?? "")
            case .number(let x): settings.options[o.label.text] = .number(x)
            case .bool(let b): settings.options[o.label.text] = .bool(b)
            }
        }
        var names: [String: Span] = [:]
        var headers: [String: Span] = [:]
        for c in d.columnTypes {
            // A unit line (`moq: units`) is for the checker only: the reader never sees it.
            if c.unit != nil, c.header == nil { continue }
            if c.type == nil || c.header != nil {
                if let first = names[c.column.text] {
                    diagnostics.append(.duplicateDefinition("column", c.column.text, at: c.column.span, first: first))
                    continue
                }
            }
            names[c.column.text] = names[c.column.text] ?? c.column.span
            if let h = c.header?.plainText {
                if let first = headers[h] {
                    diagnostics.append(Diagnostic(code: "duplicate-definition", "the column \"\(h)\" is mapped twice", at: c.header!.span,
                                                  hint: "map each column of the file to one name", notes: [.init(span: first, message: "first mapped here")]))
                }
                headers[h] = c.header!.span
            }
            if c.format != nil, c.type?.text != "date" {
                diagnostics.append(Diagnostic(code: "source-setting", "a format is given only to a date column",
                                              at: c.format!.span, hint: "write `\(c.column.text) = …: date(\"dd.mm.yyyy\")`"))
            }
            settings.columns.append(ColumnSpec(name: c.column.text, header: c.header?.plainText, dateFormat: c.format?.plainText))
        }
        guard SourceReaders.kinds.contains(d.reader.text) else { return settings }
        for p in SourceReaders.problems(kind: d.reader.text, settings: settings) {
            var span = d.reader.span
            if let label = p.label, let o = d.options.first(where: { $0.label.text == label }) {
                span = SourceReaders.labels(kind: d.reader.text).contains(label) ? o.valueSpan : o.label.span
            } else if let i = p.columnIndex, i < d.columnTypes.count {
                span = d.columnTypes[i].format?.span ?? d.columnTypes[i].header?.span ?? d.columnTypes[i].column.span
            }
            diagnostics.append(Diagnostic(code: "source-setting", p.message, at: span, hint: p.hint))
        }
        return settings
    }

    /// A location a reader kind cannot take: a file reader needs its path; a PostgreSQL
    /// source's connection is never written in a rule file (it may hold a password).
    static func locationProblem(_ d: SourceDecl) -> Diagnostic? {
        let path = d.path.plainText ?? ""
        if d.reader.text == "postgres" {
            guard !path.isEmpty else { return nil }
            return Diagnostic(code: "source-setting", "a PostgreSQL connection is not written in the rule file", at: d.path.span,
                              hint: "connect through the PG* environment (PGHOST, PGDATABASE, …), `url_env: \"VARIABLE\"`, or `--source \(d.name.text)=postgresql://…`")
        }
        guard path.isEmpty else { return nil }
        return Diagnostic(code: "source-setting", "`\(d.reader.text)` needs the path of its file first", at: d.reader.span,
                          hint: "for example `\(d.reader.text)(\"data/\(d.name.text).\(d.reader.text == "csv" ? "csv" : "db")\", …)`")
    }

    /// Mapped names the source does not have.
    mutating func checkMappedColumns(_ d: SourceDecl, schema: SourceSchema, path: String) {
        let names = Set(schema.columns.map(\.name))
        for c in d.columnTypes {
            guard let header = c.header, let h = header.plainText, !names.contains(c.column.text) else { continue }
            diagnostics.append(Diagnostic(code: "unknown-column", "`\(path)` has no column \"\(h)\"", at: header.span,
                                          hint: Checker.didYouMeanQuoted(h, in: schema.available)
                                              ?? "its columns are \(schema.available.map { "\"\($0)\"" }.joined(separator: ", "))"))
        }
    }

    /// "did you mean "Order Status"?" — a file's column names in double quotes, as mapped.
    static func didYouMeanQuoted(_ name: String, in candidates: [String]) -> String? {
        let best = Suggest.closest(to: name, in: candidates, limit: 2)
        guard !best.isEmpty else { return nil }
        return "did you mean " + best.map { "\"\($0)\"" }.joined(separator: " or ") + "?"
    }

    /// Resolves each source's `where` line over its own columns (and a filtered event table's
    /// condition over its base's columns, which are its own).
    mutating func checkSourceFilters() {
        for s in ast.statements {
            guard case .source(let d) = s, let filter = d.filter,
                  let i = tables.firstIndex(where: { $0.name == d.name.text && $0.span == d.name.span }),
                  case .source(var info) = tables[i].kind, !unreadable.contains(d.name.text), !tables[i].columns.isEmpty else { continue }
            let t = TableRef(i)
            guard let checked = resolve(filter, Scope(context: t, owner: t)) else { continue }
            guard checked.type == .bool || checked.type.base == .unknown else {
                diagnostics.append(.nonBoolean("the condition of `where`", checked.type, at: filter.span))
                continue
            }
            if let (span, what) = Checker.impureFilterPart(checked, table: t) {
                if let base = d.base {
                    diagnostics.append(Diagnostic(code: "source-filter", "the condition of `\(d.name.text)` reads only the columns of a row of `\(base.text)`, not \(what)",
                                                  at: span, hint: "compare the row's columns with literals; a value computed per key belongs in a table by that key"))
                } else {
                    diagnostics.append(Diagnostic(code: "source-filter", "a `where` line reads only its source's own columns, not \(what)",
                                                  at: span, hint: "filter a computed table with `if … then … else missing`, or compare with a literal"))
                }
                continue
            }
            info.filter = checked
            tables[i].kind = .source(info)
        }
    }

    /// The first part of a filter that reads anything but the row itself.
    static func impureFilterPart(_ e: CExpr, table: TableRef) -> (Span, String)? {
        switch e.kind {
        case .literal: return nil
        case .param: return (e.span, "a param")
        case .column(let ref): return ref.table == table ? nil : (e.span, "another table")
        case .lookup, .cell: return (e.span, "another table")
        case .aggregate: return (e.span, "an aggregate")
        case .call(let b, let args):
            if b == .asof { return (e.span, "the as-of date") }
            for a in args { if let r = impureFilterPart(a, table: table) { return r } }
            return nil
        case .negate(let x), .not(let x), .isMissing(let x, _): return impureFilterPart(x, table: table)
        case .binary(_, let a, let b): return impureFilterPart(a, table: table) ?? impureFilterPart(b, table: table)
        case .conditional(let c, let a, let b):
            return impureFilterPart(c, table: table) ?? impureFilterPart(a, table: table) ?? impureFilterPart(b, table: table)
        case .shift, .periodDate: return (e.span, "another period")
        }
    }
}
