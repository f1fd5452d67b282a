// `record "name" CELL, CELL ... [to FILE]`: a test written from reality. The current values
// of the chosen cells become `expect` lines, and the source rows they read — the rows of every
// source table that match the cells' key values, the dated ones only within the reach of the
// plan's windows — become `given` fixtures, with the scenario's params and as-of date set.

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSyntax

extension ReplSession {
    func record(name: String, cells: [CellTarget], to path: String?) throws {
        guard !cells.isEmpty else { throw ReplError("`record` needs at least one cell, e.g. `record \"SKU1 order\" plan.order_qty[\"SKU1\"]`") }
        let ws = workspace
        // The key values each cell is about: key name -> value.
        var keys: [[String: String]] = []
        var expects: [String] = []
        for target in cells {
            let (ref, row) = try locate(target, settable: false)
            let info = program.table(ref.table)
            var cellKeys: [String: String] = [:]
            for (k, name) in info.keys.enumerated() where k < target.keys.count { cellKeys[name] = target.keys[k] }
            keys.append(cellKeys)
            let value = CellValue(ws, ref, row)
            // Integer and date keys are written as literals of their type, text keys quoted.
            let keyTexts = zip(target.keys, info.keyColumns).map { key, c in info.columns[c].type.base == .text ? "\"\(key)\"" : key }
            let cell = "\(target.table).\(target.column)" + (keyTexts.isEmpty ? "" : "[" + keyTexts.joined(separator: ", ") + "]")
            switch value {
            case .missing: expects.append("expect \(cell) is missing")
            default: expects.append("expect \(cell) == \(Self.literalText(value))")
            }
        }
        var lines = ["test \(Self.quoted(name)):"]
        lines += fixtures(keys: keys).map { "  " + $0 }
        for p in program.params {
            if let v = scenario.model.params[p.name], v != p.value {
                lines.append("  set \(p.name) = \(Self.literalText(CellValue(v)))")
            }
        }
        if let asOf = ws.asOf { lines.append("  set asof = \(CivilDate(day: asOf).iso)") }
        lines += expects.map { "  " + $0 }
        let raw = lines.joined(separator: "\n") + "\n"
        let block = RuleFormatter.format(raw) ?? raw   // the canonical layout of `velo fmt`
        guard let path else { return out(block) }
        let existing = Frontend.readFile(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var text = existing.isEmpty ? block : existing + (existing.hasSuffix("\n\n") ? "" : existing.hasSuffix("\n") ? "\n" : "\n\n") + block
        text = RuleFormatter.format(text, path: path) ?? text
        do {
            try AtomicFile.write(text, to: path)
        } catch {
            throw ReplError("cannot write \(path): \(error)")
        }
        out(block + "recorded in \(path); run `velo test \(path)`")
    }

    /// `given` blocks: for each source table with a column named like one of the keys, its
    /// rows matching the key values of any cell (dated rows only within the windows' reach).
    func fixtures(keys: [[String: String]]) -> [String] {
        let ws = workspace
        let reach = program.windowReach()
        var out: [String] = []
        for (t, table) in program.tables.enumerated() where table.isReadSource {
            let ref = TableRef(t)
            let names = Set(table.columns.map(\.name))
            let filters = keys.map { $0.filter { names.contains($0.key) } }.filter { !$0.isEmpty }
            guard !filters.isEmpty else { continue }   // unrelated to these keys: keeps its data
            let columns = table.columns.indices.map { ws.column(ColumnRef(ref, $0)) }
            let index = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1.name, $0) })
            var rows: [Int] = []
            for r in 0..<ws.rowCount(ref) {
                let match = filters.contains { filter in
                    filter.allSatisfy { name, value in
                        switch columns[index[name]!].values {
                        case .text(let v): return v[r] == value
                        case .number(let v): return Double(value) == v[r]   // an integer key
                        case .date(let v): return CivilDate(iso: value)?.day == v[r]
                        case .bool: return false
                        }
                    }
                }
                guard match else { continue }
                if let dc = table.source?.dateColumn, let reach, let asOf = ws.asOf, case .date(let d) = columns[dc].values,
                   d[r] != Int32.min, d[r] < asOf - Int32(reach) || d[r] > asOf {
                    continue
                }
                rows.append(r)
            }
            out.append("given \(table.name):")
            out.append("  " + table.columns.map(\.name).joined(separator: ", "))
            for r in rows {
                out.append("  " + columns.map { col in Self.literalText(ValueText.cell(col, r)) }.joined(separator: ", "))
            }
        }
        return out
    }

    static func literalText(_ v: CellValue) -> String {
        switch v {
        case .number(let x): return NumberFormat.exact(x)
        case .text(let s): return quoted(s)
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        case .missing: return "missing"
        }
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("{", "\\{").replacingAll("}", "\\}")
            .replacingAll("\n", "\\n").replacingAll("\t", "\\t") + "\""
    }
}

extension CellValue {
    /// One cell of a workspace.
    init(_ ws: Workspace, _ ref: ColumnRef, _ row: Int) {
        self = ValueText.cell(ws.column(ref), row)
    }
}

extension CheckedProgram {
    /// How many days before the as-of date any window anchored at it reaches (nil when none).
    func windowReach() -> Int? {
        var reach: Int? = nil
        func visit(_ e: CExpr) {
            if case .aggregate(let a) = e.kind, let w = a.window, case .asOf(let ago) = w.anchor {
                reach = Swift.max(reach ?? 0, w.length + ago - 1)
            }
            e.forEachChild(visit)
        }
        for t in tables {
            for c in t.columns { if let f = c.formula { visit(f) } }
            if case .derived(.from(_, let w?)) = t.kind, case .asOf(let ago) = w.anchor {
                reach = Swift.max(reach ?? 0, w.length + ago - 1)
            }
        }
        return reach
    }
}
