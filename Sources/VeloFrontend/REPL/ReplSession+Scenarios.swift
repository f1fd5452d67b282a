// Named scenarios: fork, switch, list, compare side by side; and `reload`, which re-reads
// the rule file and its data for every scenario (or changes nothing when that fails).

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSyntax

extension ReplSession {
    /// `scenario NAME`: a copy of the current scenario, which becomes current.
    func fork(_ name: String) throws {
        if scenarios.contains(where: { $0.name == name }) {
            throw ReplError("scenario \(name) exists; `use \(name)` switches to it")
        }
        let s = scenario
        let copy: Workspace
        do { copy = try Workspace.reopen(s.workspace.program, previous: s.workspace) } catch { throw ReplError(error.message) }
        if interruptRequested() { throw ReplInterrupted() }
        let fork = Scenario(name: name, model: s.model, workspace: copy)
        // Undo is per scenario: the fork starts with an empty history (its state is its origin's).
        scenarios.append(fork)
        current = scenarios.count - 1
        out("scenario \(name): a copy of \(s.name); edits now apply to \(name) (`use \(s.name)` goes back)")
    }

    func use(_ name: String) throws(ReplError) {
        guard let i = scenarios.firstIndex(where: { $0.name == name }) else {
            throw ReplError("no scenario \(name)" + scenarioHint(name))
        }
        current = i
        out("using scenario \(name)")
    }

    func scenarioHint(_ name: String) -> String {
        let names = scenarios.map(\.name)
        return (Suggest.didYouMean(name, in: names).map { ": \($0)" } ?? "") + " (scenarios: \(names.joined(separator: ", ")))"
    }

    /// One line per scenario: what it changed relative to the rule file.
    func listScenarios() {
        var text = ""
        for (i, s) in scenarios.enumerated() {
            var what: [String] = []
            for (name, value) in s.model.params.sorted(by: { $0.key < $1.key }) {
                let percent = s.workspace.program.param(named: name).map { ValueText.isPercent(s.workspace.program.params[$0], in: s.workspace.program.file) } ?? false
                what.append("\(name) = \(ValueText.show(value, asPercent: percent))")
            }
            for (cell, value) in s.model.cells.sorted(by: { $0.key.text < $1.key.text }) {
                what.append("\(cell.text) = \(ValueText.show(value))")
            }
            for d in s.model.definitions { what.append(d.text) }
            if s.model.asOfPinned { what.append("asof = \(s.model.asOf.map { CivilDate(day: $0).iso } ?? "latest")") }
            text += (i == current ? "* " : "  ") + s.name + (what.isEmpty ? "" : ": " + what.joined(separator: "; ")) + "\n"
        }
        out(text)
    }

    /// `compare A B on TABLE.COLUMN`: the rows where the two differ, side by side, with the
    /// delta, and the column totals.
    func compare(_ a: String, _ b: String, on target: String) throws {
        if target.contains(",") || !target.contains(".") { return try compareMany(a, b, on: target) }
        func find(_ n: String) throws(ReplError) -> Scenario {
            guard let s = scenarios.first(where: { $0.name == n }) else { throw ReplError("no scenario \(n)" + scenarioHint(n)) }
            return s
        }
        let sa = try find(a), sb = try find(b)
        let parts = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { throw ReplError("`compare ... on` needs TABLE.COLUMN, e.g. `on plan.order_qty`") }
        func columnOf(_ s: Scenario) throws(ReplError) -> (TableRef, ColumnRef) {
            let p = s.workspace.program
            guard let t = p.table(named: parts[0]) else {
                throw ReplError("no table `\(parts[0])` in scenario \(s.name)" + (Suggest.didYouMean(parts[0], in: p.tables.map(\.name)).map { ": \($0)" } ?? ""))
            }
            guard let c = p.table(t).columnIndex(parts[1]) else {
                throw ReplError("`\(parts[0])` has no column `\(parts[1])` in scenario \(s.name)" + (Suggest.didYouMean(parts[1], in: p.table(t).columns.map(\.name)).map { ": \($0)" } ?? ""))
            }
            return (t, ColumnRef(t, c))
        }
        let (ta, ca) = try columnOf(sa), (tb, cb) = try columnOf(sb)
        let wa = sa.workspace, wb = sb.workspace
        let va = wa.column(ca), vb = wb.column(cb)
        let keysB = (0..<wb.rowCount(tb)).map { ResultText.keys(wb.keyValues(tb, row: $0)) }
        var rowsB: [String: Int] = [:]
        for (r, k) in keysB.enumerated() { rowsB[k] = r }
        var seen = Set<String>()
        var keys: [String] = [], left: [CellValue] = [], right: [CellValue] = []
        let noRow = CellValue.missing("no row")
        for r in 0..<wa.rowCount(ta) {
            if interruptRequested() { throw ReplInterrupted() }
            let k = ResultText.keys(wa.keyValues(ta, row: r))
            seen.insert(k)
            let x = ValueText.cell(va, r)
            let y = rowsB[k].map { ValueText.cell(vb, $0) } ?? noRow
            if !ValueText.same(x, y) { keys.append(k); left.append(x); right.append(y) }
        }
        for (r, k) in keysB.enumerated() where !seen.contains(k) {
            keys.append(k); left.append(noRow); right.append(ValueText.cell(vb, r))
        }
        let total = max(wa.rowCount(ta), wb.rowCount(tb))
        let numeric = va.type.base == .number || va.type.base == .duration
        let sum = { (c: ResultColumn) -> Double in
            guard case .number(let x) = c.values else { return 0 }
            return x.filter { !$0.isNaN }.reduce(0, +)
        }
        var summary = "\(target): \(a) vs \(b), \(NumberFormat.grouped(keys.count)) of \(NumberFormat.grouped(total)) rows differ"
        if numeric {
            let x = sum(va), y = sum(vb)
            summary += "; total \(NumberFormat.human(x)) vs \(NumberFormat.human(y)) (\(NumberFormat.signed(y - x)))"
        }
        guard !keys.isEmpty else {
            out(summary)
            return
        }
        let keyName = wa.program.table(ta).keys.joined(separator: ", ")
        var columns = [OutputColumn(name: keyName.isEmpty ? "row" : keyName, values: .text(keys), isKey: true)]
        func values(_ v: [CellValue]) -> CellValues {
            if numeric { return .number(v.map { ValueText.number($0) ?? .nan }) }
            return .text(v.map { x -> String? in
                if case .missing = x { return nil }
                return ValueText.show(x, exact: true)
            })
        }
        func reasons(_ v: [CellValue]) -> [Int: String] {
            var out: [Int: String] = [:]
            for (i, x) in v.enumerated() { if case .missing(let r?) = x { out[i] = ResultText.reason(r) } }
            return out
        }
        columns.append(OutputColumn(name: a, values: values(left), missingReasons: reasons(left)))
        columns.append(OutputColumn(name: b, values: values(right), missingReasons: reasons(right)))
        if numeric {
            let deltas = zip(left, right).map { x, y in (ValueText.number(y) ?? .nan) - (ValueText.number(x) ?? .nan) }
            columns.append(OutputColumn(name: "delta", values: .number(deltas)))
        }
        let table = OutputTable(name: target, columns: columns, rowCount: keys.count)
        out(render(table, title: summary))
    }

    /// `reload`: the rule file and the data again, for every scenario; each keeps its edits.
    func reload() throws {
        guard let path = filePath else { throw ReplError("no rule file loaded: `load FILE` opens one") }
        guard let bytes = Frontend.readFile(path), let text = String(validating: bytes, as: UTF8.self) else {
            throw ReplError("reload failed, nothing changed: cannot read \(path)")
        }
        var rebuilt: [(Scenario, Workspace, ScenarioModel)] = []
        var fileValues: [CellTarget: Literal] = [:]
        var dropped: [String] = []
        for s in scenarios {
            var model = s.model
            let (ruleText, lost) = RuleText.applying(model.definitions, to: text, path: path)
            for (d, why) in lost { dropped.append("scenario \(s.name): \(d.text) dropped: \(why)") }
            model.definitions.removeAll { d in lost.contains { $0.0 == d } }
            let program: CheckedProgram
            do throws(ReplError) { program = try compile(ruleText) } catch {
                throw ReplError(error.message + "\nreload failed, nothing changed")
            }
            for name in model.params.keys where program.param(named: name) == nil {
                model.params[name] = nil
                dropped.append("scenario \(s.name): param \(name) is gone")
            }
            var ws: Workspace
            do {
                ws = try Workspace.open(program, options: WorkspaceOptions(asOf: model.asOfPinned ? model.asOf : nil,
                                                                         params: model.params, sources: sourceOverrides))
                // A cell whose row the files no longer have cannot be set: its edit is dropped, said.
                for target in model.cells.keys.sorted(by: { $0.text < $1.text }) where Self.fileValue(of: target, in: ws) == nil {
                    model.cells[target] = nil
                    dropped.append("scenario \(s.name): set \(target.text) dropped: `\(target.table)` has no such row or column now")
                }
                let cells = model.cells.sorted { $0.key.text < $1.key.text }
                // What undo puts back is what the files say now, not what they said at the `set`.
                // (Every cell any scenario's history can still set back, not only the current ones.)
                for target in Set(originals.keys).union(model.cells.keys) {
                    fileValues[target] = Self.fileValue(of: target, in: ws)
                }
                if !cells.isEmpty {
                    _ = try ws.apply(cells.map { .cell(table: $0.key.table, column: $0.key.column, keys: $0.key.keys, value: $0.value) })
                }
            } catch {
                throw ReplError("reload failed, nothing changed: \(error.message)")
            }
            if interruptRequested() { throw ReplInterrupted() }
            rebuilt.append((s, ws, model))
        }
        let old = workspace
        fileText = text
        originals = fileValues
        for (s, ws, model) in rebuilt {
            s.workspace = ws
            s.model = model
        }
        var report = workspace.differences(from: old)
        report.cellsEvaluated = workspace.stats.cellsEvaluated
        lastColumnsAdded = []
        lastColumnsRemoved = []
        lastChanges = (report, [], [])
        cellsComputed += report.cellsEvaluated
        out("reloaded " + loadedSummary())
        for d in dropped { out(d) }
        printChanges(report)
    }

    /// A data cell's value in a workspace opened from the files (before any `set`).
    static func fileValue(of target: CellTarget, in ws: Workspace) -> Literal? {
        guard let t = ws.program.table(named: target.table),
              let c = ws.program.table(t).columnIndex(target.column),
              let row = ws.row(t, keys: target.keys) else { return nil }
        let column = ws.column(ColumnRef(t, c))
        return ValueText.literal(ValueText.cell(column, row), type: column.type)
    }
}
