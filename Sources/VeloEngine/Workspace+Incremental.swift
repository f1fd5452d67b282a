// Incremental recomputation: apply an edit, recompute exactly the cells it reaches.
//
// An edit is recorded as `Dirt` (Dependencies.swift); `stabilize` (Workspace+Stabilize.swift)
// then walks the evaluation graph in order and recomputes only the dirty rows of each node,
// with cutoff. The result always equals a fresh full evaluation of the same program, data,
// params and as-of date. ARCHITECTURE.md states the algorithm as a spec.

import VeloCheck
import VeloData
import VeloSyntax

/// A change to the inputs.
public enum Edit: Sendable {
    /// A param's new value.
    case param(String, Literal)
    /// One cell of a keyed source table: `items.moq["SKU00012"] = 500`.
    case cell(table: String, column: String, keys: [String], value: Literal)
    /// Re-read a source table's file (or read it from `path`): appended lines are read
    /// alone; otherwise the table is re-read and diffed by key.
    case source(String, path: String?)
    /// A new as-of date (nil: the latest date in the data).
    case asOf(Int32?)
}

extension Workspace {
    /// Applies edits and recomputes what they reach.
    public func apply(_ edits: [Edit]) throws(WorkspaceError) -> ChangeReport {
        var clock = Clock()
        ensureFlagAndCheckStates()
        var dirt = Dirt()
        var report = ChangeReport()
        do {
            for edit in edits { try record(edit, into: &dirt) }
            report.sourcesRead = dirt.sourcesRead
        } catch {
            for undo in dirt.undo.reversed() { undo() }
            throw error
        }
        report.phases.append(("read", clock.lap()))
        stabilize(dirt, report: &report)
        return report
    }

    // MARK: - Recording edits

    func record(_ edit: Edit, into dirt: inout Dirt) throws(WorkspaceError) {
        switch edit {
        case .param(let name, let value):
            guard let p = program.param(named: name) else {
                throw WorkspaceError.unknownParam(name, candidates: program.params.map(\.name))
            }
            guard value.type == program.params[p].type || value.type == .unknown else {
                throw WorkspaceError.badEditValue(name: name, column: nil, expected: program.params[p].type, found: value.type)
            }
            let (oldSet, oldValue) = (paramsSet[name], evaluator.params[p])
            dirt.undo.append { [unowned self] in
                paramsSet[name] = oldSet
                evaluator.params[p] = oldValue
            }
            paramsSet[name] = value
            if evaluator.params[p] != value {
                evaluator.params[p] = value
                dirt.params.insert(p)
            }
        case .cell(let tableName, let columnName, let keys, let value):
            try recordCell(tableName, columnName, keys, value, into: &dirt)
        case .source(let name, let path):
            try reloadSource(name, path: path, into: &dirt)
        case .asOf(let date):
            let old = pinnedAsOf
            dirt.undo.append { [unowned self] in pinnedAsOf = old }
            pinnedAsOf = date
            dirt.asOfEdited = true
            try readWindowedSourcesWhole(into: &dirt)
        }
    }

    func recordCell(_ tableName: String, _ columnName: String, _ keys: [String], _ value: Literal,
                    into dirt: inout Dirt) throws(WorkspaceError) {
        guard let t = program.table(named: tableName) else {
            throw WorkspaceError.unknownTable(tableName, candidates: program.tables.map(\.name))
        }
        let info = program.table(t)
        guard info.isSource, !info.keys.isEmpty else {
            throw WorkspaceError.notEditable(table: tableName, isSource: info.isSource)
        }
        guard let c = info.columnIndex(columnName) else {
            throw WorkspaceError.unknownColumn(table: tableName, column: columnName, candidates: info.columns.map(\.name))
        }
        if case .key = info.columns[c].kind { throw WorkspaceError.keyNotEditable(table: tableName, column: columnName) }
        guard keys.count == info.keys.count else {
            throw WorkspaceError.keyCount(table: tableName, keys: info.keys)
        }
        guard let row = self.row(t, keys: keys) else {
            throw WorkspaceError.unknownRow(table: tableName, keys: keys)
        }
        let type = info.columns[c].type
        let table = evaluator.tables[t.index]
        let (oldCell, oldReason) = (table.columns[c].gather([Int32(row)]), table.reasons[c][row])
        dirt.undo.append {
            table.columns[c].scatter(oldCell, at: [Int32(row)])
            table.reasons[c][row] = oldReason
        }
        var values = table.columns[c]
        table.columns[c] = .bool([])
        switch (values, value) {
        case (.number(var v), .number(let x)), (.number(var v), .duration(let x)):
            v[row] = x
            values = .number(v)
        case (.text(var v), .text(let s)):
            v[row] = interner.intern(s)
            values = .text(v)
        case (.date(var v), .date(let d)):
            v[row] = d
            values = .date(v)
        case (.bool(var v), .bool(let b)):
            v[row] = b ? 1 : 0
            values = .bool(v)
        case (_, .missing):
            var copy = Vector(values)
            copy.setMissing(row, MissingReason(.setToMissing, origin: MissingOrigin(table: t, column: c, row: row,
                                                                                    keys: evaluator.keyValues(t, row: row))))
            values = copy.values
        default:
            table.columns[c] = values
            throw WorkspaceError.badEditValue(name: tableName, column: columnName, expected: type, found: value.type)
        }
        table.columns[c] = values
        if case .missing = value {} else { table.reasons[c][row] = nil }
        dirt.mark(ColumnRef(t, c), .some(RowBits([Int32(row)])))
    }

    /// Whether two cells hold the same value: numbers bit for bit, a missing value only with
    /// the same reason from the same cell (so an origin that moved is passed on to readers).
    func sameCell(_ a: Values, _ ar: [Int: MissingReason], _ i: Int, _ b: Values, _ br: [Int: MissingReason], _ j: Int) -> Bool {
        func sameReason() -> Bool { ar[i] === br[j] || (ar[i]?.kind == br[j]?.kind && ar[i]?.origin == br[j]?.origin) }
        switch (a, b) {
        case (.number(let x), .number(let y)):
            if x[i].isNaN || y[j].isNaN { return x[i].isNaN && y[j].isNaN && sameReason() }
            return x[i].bitPattern == y[j].bitPattern
        case (.text(let x), .text(let y)): return x[i] == y[j] && (x[i] >= 0 || sameReason())
        case (.date(let x), .date(let y)): return x[i] == y[j] && (x[i] != Values.missingDate || sameReason())
        case (.bool(let x), .bool(let y)): return x[i] == y[j] && (x[i] != 2 || sameReason())
        default: return false
        }
    }

    func cellValue(_ v: Values, _ reasons: [Int: MissingReason], _ i: Int) -> CellValue {
        if v.isMissing(i) { return .missing(reasons[i]) }
        switch v {
        case .number(let x): return .number(x[i])
        case .text(let x): return .text(evaluator.string(x[i]))
        case .date(let x): return .date(x[i])
        case .bool(let x): return .bool(x[i] == 1)
        }
    }

    /// Drops cached alignments that involve these tables (they are rebuilt on next use).
    func forgetAlignments(touching tables: Set<Int>) {
        guard !tables.isEmpty else { return }
        evaluator.alignments = evaluator.alignments.filter { key, _ in
            !tables.contains(key.alignment.from.index) && !tables.contains(key.alignment.to.index)
        }
        for i in tables { evaluator.tables[i].keyIndexCache = nil }
    }
}
