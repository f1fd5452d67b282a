// Looking without changing: evaluate an expression, show a table (filtered, sorted,
// limited), explain a cell, and list flags, checks, tables and params.

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSyntax

extension ReplSession {
    func queryError(_ f: QueryFailure, text: String) -> String {
        var s = DiagnosticRenderer(color: console.colorErrors).render(f.diagnostics, in: f.file)
        if let m = f.message { s += (s.isEmpty ? "" : "\n") + m }
        return s.isEmpty ? "cannot evaluate `\(text)`" : s
    }

    /// An expression: a table or a column of one is shown as a table; anything else is
    /// evaluated as one value.
    func evaluate(_ text: String) throws {
        let (expr, diagnostics) = Parser.parseExpression(SourceFile(path: "<query>", text: text))
        if let expr, !diagnostics.hasErrors {
            switch expr.kind {
            case .name(let n) where program.table(named: n.text) != nil && program.param(named: n.text) == nil:
                return try show(ShowSpec(table: n.text))
            case .member(let t, let c):
                if let ref = program.table(named: t.text), !(program.table(ref).keys.isEmpty && !program.table(ref).isSource),
                   program.table(ref).columnIndex(c.text) != nil {
                    return try show(ShowSpec(table: t.text, columns: [c.text]))
                }
            default: break
            }
        }
        switch workspace.query(text, table: nil) {
        case .failure(let f):
            throw ReplError(queryError(f, text: text))
        case .success(let r):
            cellsComputed += r.rowCount
            guard r.rowCount > 0 else { return out("(no value)") }
            let v = ValueText.cell(r.value, 0)
            switch format {
            case .json:
                switch v {
                case .number(let x): out(NumberFormat.exact(x))
                case .bool(let b): out(b ? "true" : "false")
                case .missing: out("null")
                default: out("\"" + ValueText.show(v, exact: true).replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + "\"")
                }
            default:
                out(ValueText.show(v, exact: exact, unit: r.value.type.base == .duration ? "days" : nil))
            }
        }
    }

    func show(_ spec: ShowSpec) throws {
        guard let ref = program.table(named: spec.table) else {
            let hint = Suggest.didYouMean(spec.table, in: program.tables.map(\.name)).map { ": \($0)" } ?? ""
            throw ReplError("no table `\(spec.table)`\(hint) (`tables` lists them)")
        }
        let full = ResultTables.table(workspace, ref)
        func columnIndex(_ name: String) throws(ReplError) -> Int {
            guard let i = full.columns.firstIndex(where: { $0.name == name }) else {
                let hint = Suggest.didYouMean(name, in: full.columns.map(\.name)).map { ": \($0)" } ?? ""
                throw ReplError("`\(spec.table)` has no column `\(name)`\(hint)")
            }
            return i
        }
        var keep = full.columns.indices.filter { full.columns[$0].isKey }
        if spec.columns.isEmpty {
            keep = Array(full.columns.indices)
        } else {
            for c in spec.columns { let i = try columnIndex(c); if !keep.contains(i) { keep.append(i) } }
        }
        var rows = Array(0..<full.rowCount)
        if let filter = spec.filter {
            switch workspace.query(filter, table: spec.table) {
            case .failure(let f): throw ReplError(queryError(f, text: filter))
            case .success(let r):
                cellsComputed += r.rowCount
                guard case .bool(let b) = r.value.values else {
                    throw ReplError("`where` needs a condition that is true or false, e.g. `where cadence == \"weekly\"`; `\(filter)` is \(r.value.type.withArticle)")
                }
                rows = rows.filter { b[$0] == 1 }
            }
        }
        if interruptRequested() { throw ReplInterrupted() }
        let matched = rows.count
        if !spec.sort.isEmpty {
            let keys = try spec.sort.map { k throws(ReplError) in (full.columns[try columnIndex(k.column)].values, k.descending) }
            rows.sort { a, b in
                for (values, descending) in keys {
                    // Missing values last, whichever the direction.
                    let ma = ValueOrder.isMissing(values, a), mb = ValueOrder.isMissing(values, b)
                    if ma != mb { return mb }
                    let o = ValueOrder.compare(values, a, b)
                    if o != 0 { return descending ? o > 0 : o < 0 }
                }
                return a < b
            }
        }
        if let measure = spec.pivot {
            switch PeriodPivot.table(full, info: program.table(ref), measure: measure, rows: rows) {
            case .failure(let e): throw ReplError(e.message)
            case .success(var pivot):
                if let filter = spec.filter { pivot.name += " where \(filter)" }
                let shown = spec.limit.map { min($0, pivot.rowCount) } ?? pivot.rowCount
                return out(render(pivot, maxRows: spec.limit.map { _ in shown }, title: "\(pivot.name) (\(NumberFormat.grouped(pivot.rowCount)) row\(pivot.rowCount == 1 ? "" : "s"))"))
            }
        }
        if let limit = spec.limit { rows = Array(rows.prefix(limit)) }
        let columns = keep.map { ValueOrder.subset(full.columns[$0], rows) }
        var name = spec.table
        if let filter = spec.filter { name += " where \(filter)" }
        let table = OutputTable(name: name, columns: columns, rowCount: rows.count)
        var title = "\(name) (\(NumberFormat.grouped(matched))"
            + (spec.filter != nil ? " of \(NumberFormat.grouped(full.rowCount))" : "") + " row\(full.rowCount == 1 ? "" : "s")"
        if rows.count < matched { title += ", showing \(NumberFormat.grouped(rows.count))" }
        title += ")"
        out(render(table, maxRows: spec.limit.map { _ in rows.count }, title: title))
    }

    func explain(_ target: CellTarget, depth: Int) throws {
        _ = try locate(target, settable: false)
        let e: Explanation
        do {
            e = try workspace.explain(table: target.table, column: target.column, keys: target.keys, depth: depth)
        } catch {
            throw ReplError(error.message)
        }
        var text = ExplainText(exact: exact, width: isTerminal ? console.width : nil)
        text.units = ExplainText.unitLabels(workspace.program)
        out(text.render(e))
    }

    func showFlags() {
        let hits = workspace.flags()
        cellsComputed += hits.count
        if format != .table { return out(render(ResultTables.flags(hits, program: program))) }
        if hits.isEmpty { return out("no flags raised (\(program.flags.count) flag\(program.flags.count == 1 ? "" : "s") defined)") }
        out(render(ResultTables.flags(hits)))
    }

    func showChecks() {
        let failures = workspace.checkFailures()
        if format != .table { return out(render(ResultTables.checks(failures, program: program))) }
        if program.checks.isEmpty { return out("no checks defined") }
        var text = ""
        for c in program.checks {
            let failing = failures.filter { $0.check == c.name }
            let table = program.table(c.table).name
            let what = c.name == "\(table): \(c.source)" || c.name == c.source ? "\(table): \(c.source)" : "\(c.name) on \(table): \(c.source)"
            text += (failing.isEmpty ? "ok       " : "failing  ") + what
                + (failing.isEmpty ? "" : " (\(failing.count) row\(failing.count == 1 ? "" : "s"))") + "\n"
            for f in failing.prefix(exact ? Int.max : 10) {
                text += "  [\(ResultText.keys(f.keys))] \(ResultText.detail(f))\n"
            }
            if !exact && failing.count > 10 { text += "  … \(failing.count - 10) more\n" }
        }
        out(text)
    }

    func listTables() {
        var text = ""
        for (i, t) in program.tables.enumerated() {
            let rows = workspace.rowCount(TableRef(i))
            var head = t.name + (t.keys.isEmpty ? "" : " by " + t.keys.joined(separator: ", "))
            if let s = t.source, let base = s.base, let filter = s.filter {
                head += " = \(program.table(base).name) where \(program.file.text(of: filter.span))"
            } else if let s = t.source {
                head += " = csv(\"\(s.path)\")"
            }
            head += ": \(NumberFormat.grouped(rows)) row\(rows == 1 ? "" : "s")"
            let columns = t.columns.filter { c in if case .key = c.kind { return false }; return true }
            text += head + "\n  " + columns.map { "\($0.name) (\($0.type))" }.joined(separator: ", ") + "\n"
            if t.isReadSource {
                // A source that is not a plain CSV file: how it is read, declared or guessed.
                let path = workspace.sourcePaths[t.name] ?? t.source!.resolvedPath
                let described = SourceDescription.lines(t, path: path, file: program.file)
                if !described.plain { text += described.lines.map { "  " + $0 + "\n" }.joined() }
            }
        }
        out(text.isEmpty ? "no tables (`load FILE` opens a rule file)" : text)
    }

    func listParams() {
        guard !program.params.isEmpty else { return out("no params") }
        var text = ""
        let width = program.params.map(\.name.count).max() ?? 0
        for p in program.params {
            let percent = ValueText.isPercent(p, in: program.file)
            let value = scenario.model.params[p.name]
            text += pad(p.name, width) + " = " + ValueText.show(value ?? p.value, asPercent: percent, exact: exact)
            if let value, value != p.value { text += "   (rule file: \(ValueText.show(p.value, asPercent: percent, exact: exact)))" }
            text += "\n"
        }
        out(text)
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}

/// Sorting and selecting rows of rendered columns.
enum ValueOrder {
    static func isMissing(_ v: CellValues, _ i: Int) -> Bool {
        switch v {
        case .number(let x): return x[i].isNaN
        case .text(let x): return x[i] == nil
        case .date(let x): return x[i] == Int32.min
        case .bool(let x): return x[i] > 1
        }
    }

    /// -1, 0 or 1; missing values sort after every value.
    static func compare(_ v: CellValues, _ a: Int, _ b: Int) -> Int {
        let ma = isMissing(v, a), mb = isMissing(v, b)
        if ma || mb { return ma == mb ? 0 : (ma ? 1 : -1) }
        switch v {
        case .number(let x): return x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : 0
        case .text(let x): return x[a]! < x[b]! ? -1 : x[a]! > x[b]! ? 1 : 0
        case .date(let x): return x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : 0
        case .bool(let x): return x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : 0
        }
    }

    static func subset(_ c: OutputColumn, _ rows: [Int]) -> OutputColumn {
        var out = c
        switch c.values {
        case .number(let x): out.values = .number(rows.map { x[$0] })
        case .text(let x): out.values = .text(rows.map { x[$0] })
        case .date(let x): out.values = .date(rows.map { x[$0] })
        case .bool(let x): out.values = .bool(rows.map { x[$0] })
        }
        var reasons: [Int: String] = [:]
        if !c.missingReasons.isEmpty {
            for (i, r) in rows.enumerated() { if let m = c.missingReasons[r] { reasons[i] = m } }
        }
        out.missingReasons = reasons
        return out
    }
}
