// Edits: `set` a param, a data cell or the as-of date; define a formula; undo and redo.
// Each is a transition of the current scenario's model, recorded in its history.

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSyntax

extension ReplSession {
    func setParam(_ name: String, _ text: String) throws {
        guard let p = program.param(named: name) else {
            let hint = Suggest.didYouMean(name, in: program.params.map(\.name)).map { ": \($0)" } ?? ""
            throw ReplError("unknown param `\(name)`\(hint) (`params` lists them; a data cell is set as `set items.moq[\"SKU00012\"] = 500`)")
        }
        let info = program.params[p]
        let value: Literal
        switch ParamValue.parse(text, for: info) {
        case .success(let v): value = v
        case .failure(let e): throw ReplError("\(name): \(e.message)")
        }
        let old = scenario.model.params[name] ?? info.value
        var model = scenario.model
        model.params[name] = value
        let percent = ValueText.isPercent(info, in: program.file)
        try edit("set \(name) = \(text)", to: model,
                 header: "\(name): \(ValueText.show(old, asPercent: percent)) → \(ValueText.show(value, asPercent: percent))")
    }

    func setCell(_ target: CellTarget, _ text: String) throws {
        let (ref, row) = try locate(target, settable: true)
        let column = workspace.column(ref)
        let value: Literal
        switch ValueText.parse(text, type: column.type) {
        case .success(let v): value = v
        case .failure(let e): throw ReplError("\(target.table).\(target.column): \(e.message)")
        }
        let oldCell = ValueText.cell(column, row)
        if originals[target] == nil { originals[target] = ValueText.literal(oldCell, type: column.type) }
        var model = scenario.model
        model.cells[target] = value
        let newText: String
        if case .missing = value { newText = "missing" } else { newText = ValueText.show(CellValue(value), exact: false) }
        try edit("set \(target.text) = \(text)", to: model,
                 header: "\(target.table).\(target.column)[\(target.keys.joined(separator: ", "))]: \(ValueText.show(oldCell)) → \(newText)")
    }

    func setAsOf(_ text: String) throws {
        var model = scenario.model
        if text == "latest" {
            model.asOfPinned = false
            model.asOf = nil
        } else {
            guard let d = CivilDate(iso: text) else { throw ReplError("`set asof` needs a date such as 2024-11-20, or `latest`") }
            model.asOfPinned = true
            model.asOf = d.day
        }
        let old = workspace.asOf.map { CivilDate(day: $0).iso } ?? "none"
        try edit("set asof = \(text)", to: model, header: "as of: \(old) → \(text)")
    }

    func define(_ d: FormulaDefinition) throws {
        guard let t = program.table(named: d.table) else {
            _ = try RuleText.define(d, in: fileText, path: filePath ?? "<repl>")   // says why
            throw ReplError("no table `\(d.table)`")
        }
        if program.table(t).isSource {
            _ = try RuleText.define(d, in: fileText, path: filePath ?? "<repl>")   // says why
        }
        // Check the formula on its own first, so an error points into what was typed.
        if case .failure(let f) = workspace.query(d.formula, table: d.table) {
            throw ReplError(queryError(f, text: d.formula))
        }
        var model = scenario.model
        let existed = program.table(t).columnIndex(d.column) != nil
        if let i = model.definitions.firstIndex(where: { $0.table == d.table && $0.column == d.column }) {
            model.definitions[i].formula = d.formula
        } else {
            model.definitions.append(d)
        }
        try edit(d.text, to: model, header: existed ? "\(d.table).\(d.column): redefined" : nil)
    }

    /// The column and row a cell names; errors say what is wrong.
    func locate(_ target: CellTarget, settable: Bool) throws(ReplError) -> (ColumnRef, Int) {
        guard let t = program.table(named: target.table) else {
            let hint = Suggest.didYouMean(target.table, in: program.tables.map(\.name)).map { ": \($0)" } ?? ""
            throw ReplError("no table `\(target.table)`\(hint)")
        }
        let info = program.table(t)
        if settable && (!info.isSource || info.keys.isEmpty) {
            throw ReplError("only cells of keyed source tables can be set; `\(target.table)` is "
                            + (info.isSource ? "an event table without keys" : "computed by formulas (redefine its formula instead: `\(target.table).\(target.column) = ...`)"))
        }
        guard let c = info.columnIndex(target.column) else {
            let hint = Suggest.didYouMean(target.column, in: info.columns.map(\.name)).map { ": \($0)" } ?? ""
            throw ReplError("`\(target.table)` has no column `\(target.column)`\(hint)")
        }
        if settable, case .key = info.columns[c].kind { throw ReplError("`\(target.column)` is a key of `\(target.table)`; keys cannot be set") }
        guard target.keys.count == info.keys.count else {
            if info.keys.isEmpty { throw ReplError("`\(target.table)` has no keys: write `\(target.table).\(target.column)`") }
            throw ReplError("`\(target.table)` is keyed by \(info.keys.joined(separator: ", ")): give \(info.keys.count) key value\(info.keys.count == 1 ? "" : "s"), e.g. `\(target.table).\(target.column)[\(info.keys.map { _ in "\"…\"" }.joined(separator: ", "))]`")
        }
        if info.keys.isEmpty { return (ColumnRef(t, c), 0) }
        guard let row = workspace.row(t, keys: target.keys) else {
            let keyValues = (0..<min(workspace.rowCount(t), 100_000)).map { ResultText.keys(workspace.keyValues(t, row: $0)) }
            let hint = Suggest.didYouMean(target.keys.joined(separator: ", "), in: keyValues).map { ": \($0)" } ?? ""
            throw ReplError("`\(target.table)` has no row [\(target.keys.joined(separator: ", "))]\(hint)")
        }
        return (ColumnRef(t, c), row)
    }


    // MARK: - History

    /// Applies an edit to the current scenario and records it for undo.
    func edit(_ label: String, to model: ScenarioModel, header: String?) throws {
        let s = scenario
        let before = s.model
        let report = try transition(s, to: model)
        s.undo.append(HistoryEntry(label: label, before: before, after: model))
        s.redo = []
        if let header { out(header) }
        printChanges(report)
    }

    func undo() throws {
        let s = scenario
        guard let entry = s.undo.last else { throw ReplError("nothing to undo in scenario \(s.name)") }
        let report = try transition(s, to: entry.before)
        s.undo.removeLast()
        s.redo.append(entry)
        out("undone: \(entry.label)")
        printChanges(report)
    }

    func redo() throws {
        let s = scenario
        guard let entry = s.redo.last else { throw ReplError("nothing to redo in scenario \(s.name)") }
        let report = try transition(s, to: entry.after)
        s.redo.removeLast()
        s.undo.append(entry)
        out("redone: \(entry.label)")
        printChanges(report)
    }

    /// Moves a scenario's workspace from its model to `model`: a new rule text is compiled
    /// and reopened; params, cells and the as-of date are applied as incremental edits.
    /// On failure or Ctrl-C the scenario is as it was.
    func transition(_ s: Scenario, to model: ScenarioModel) throws -> ChangeReport {
        let old = s.model
        var ws = s.workspace
        var reopened = false
        var reopenCells = 0
        lastColumnsAdded = []
        lastColumnsRemoved = []
        var removed: [String] = []
        if model.definitions != old.definitions {
            let path = filePath ?? "<repl>"
            let (text, dropped) = RuleText.applying(model.definitions, to: fileText, path: path)
            if let (d, why) = dropped.first { throw ReplError("\(d.text): \(why)") }
            let program = try compile(text)
            do { ws = try Workspace.reopen(program, previous: s.workspace) } catch { throw ReplError(error.message) }
            reopened = true
            reopenCells = ws.stats.cellsEvaluated
            for d in old.definitions where program.table(named: d.table).flatMap({ program.table($0).columnIndex(d.column) }) == nil {
                removed.append("\(d.table).\(d.column)")
            }
        }
        let edits = self.edits(from: old, to: model, program: ws.program)
        var report = ChangeReport()
        if !edits.isEmpty {
            do { report = try ws.apply(edits) } catch { throw ReplError(error.message) }
        }
        if interruptRequested() {
            // Put an in-place edit back; a reopened workspace is simply dropped.
            if !reopened, !edits.isEmpty { _ = try? ws.apply(self.edits(from: model, to: old, program: ws.program)) }
            throw ReplInterrupted()
        }
        if reopened {
            let applied = report
            report = ws.differences(from: s.workspace)
            report.cellsEvaluated = reopenCells + applied.cellsEvaluated
            report.cellsCutOff = applied.cellsCutOff
            lastColumnsRemoved = removed
            lastColumnsAdded = model.definitions.filter { d in !old.definitions.contains { $0.table == d.table && $0.column == d.column } }
                .filter { d in s.workspace.program.table(named: d.table).flatMap({ s.workspace.program.table($0).columnIndex(d.column) }) == nil }
                .map { "\($0.table).\($0.column)" }
        }
        s.workspace = ws
        s.model = model
        cellsComputed += report.cellsEvaluated
        lastChanges = (report, lastColumnsAdded, lastColumnsRemoved)
        return report
    }

    /// The engine edits that take a workspace at `old` to `new`.
    func edits(from old: ScenarioModel, to new: ScenarioModel, program: CheckedProgram) -> [Edit] {
        var edits: [Edit] = []
        for name in Set(old.params.keys).union(new.params.keys).sorted() where old.params[name] != new.params[name] {
            guard let p = program.param(named: name) else { continue }
            edits.append(.param(name, new.params[name] ?? program.params[p].value))
        }
        let cells = Set(old.cells.keys).union(new.cells.keys).sorted { $0.text < $1.text }
        for c in cells where old.cells[c] != new.cells[c] {
            guard let value = new.cells[c] ?? originals[c] else { continue }
            edits.append(.cell(table: c.table, column: c.column, keys: c.keys, value: value))
        }
        if old.asOfPinned != new.asOfPinned || old.asOf != new.asOf {
            edits.append(.asOf(new.asOfPinned ? new.asOf : nil))
        }
        return edits
    }

    func showChanges() throws {
        guard let last = lastChanges else { throw ReplError("no edit yet: `changes` lists every cell the last edit changed") }
        lastColumnsAdded = last.added
        lastColumnsRemoved = last.removed
        printChanges(last.report, limit: nil)
    }
}
