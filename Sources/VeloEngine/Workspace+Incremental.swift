// Incremental recomputation: apply an edit, recompute exactly the cells it reaches.
//
// Stabilisation, as a spec:
//   1. An edit marks cells dirty: a param (all its readers), a data cell, rows appended to
//      an event table, a source re-read and diffed by key, or a new as-of date.
//   2. Derived tables whose rows come from a changed table recompute their key tuples; a
//      table whose rows changed is *rebuilt*: all its cells are dirty, and so is everything
//      that reads it.
//   3. Formula columns are visited once each in dependency order (`formulaOrder`, i.e. by
//      height). A column's dirty rows are the rows its formula reads a changed cell through
//      (`Evaluator.affected`); only those rows are evaluated.
//   4. Cutoff: a recomputed cell whose value is unchanged (numbers: bit for bit; missing
//      cells: the same reason) does not make its readers dirty.
// The result always equals a fresh full evaluation of the same program, data and params.

import VeloCheck
import VeloData
import VeloSyntax

/// One cell's value, for change reports.
public enum CellValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case text(String)
    case date(Int32)
    case bool(Bool)
    case missing(String?)

    public var description: String {
        switch self {
        case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        case .text(let s): return "\"\(s)\""
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        case .missing(let r): return "missing" + (r.map { " (\($0))" } ?? "")
        }
    }
}

/// A formula cell whose value changed.
public struct CellChange: Sendable {
    public var column: ColumnRef
    public var name: String
    public var row: Int
    public var keys: String
    public var old: CellValue
    public var new: CellValue
}

/// What an edit did.
public struct ChangeReport: Sendable {
    public init() {}

    public var changes: [CellChange] = []
    /// Tables whose set of rows changed.
    public var rebuiltTables: [String] = []
    /// Which cells were evaluated, per formula column (rows in ascending order).
    public var recomputed: [ColumnRef: [Int]] = [:]
    public var cellsEvaluated = 0
    /// Cells recomputed to the value they had: their readers were not recomputed.
    public var cellsCutOff = 0
    public var flagsRaised: [FlagHit] = []
    public var flagsCleared: [FlagHit] = []
    public var failingChecks: [CheckFailure] = []
    public var phases: [(name: String, seconds: Double)] = []
    /// How many formula cells changed value (`changes` lists at most `changeLimit` of them).
    public var changedCells = 0
    /// At most this many changes are listed; `changedCells` counts them all.
    public static let changeLimit = 1_000
}

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
        for edit in edits { try record(edit, into: &dirt) }
        report.phases.append(("read", clock.lap()))
        // The as-of date follows the data unless it was set.
        let datesEdited = dirt.cells.keys.contains { ref in
            program.table(ref.table).source?.dateColumn == ref.column && dirt.appended[ref.table.index] == nil
        }
        if pinnedAsOf == nil, !dirt.rebuilt.isEmpty || !dirt.appended.isEmpty || datesEdited {
            // Appended rows can only move the as-of date forward: look at them alone.
            var latest: Int32?
            if dirt.rebuilt.isEmpty && !datesEdited {
                let fresh = Workspace.latestDate(program, evaluator.tables, in: asOfSources,
                                                 only: dirt.appended.mapValues { Int($0.lowerBound) })
                latest = [evaluator.asOf, fresh].compactMap { $0 }.max()
            } else {
                latest = Workspace.latestDate(program, evaluator.tables, in: asOfSources)
            }
            if latest != evaluator.asOf {
                evaluator.asOf = latest
                dirt.asOfChanged = true
            }
        }
        report.phases.append(("as-of", clock.lap()))
        recomputeRowSets(&dirt, report: &report)
        report.phases.append(("rows", clock.lap()))
        sweep(&dirt, report: &report)
        report.phases.append(("evaluate", clock.lap()))
        updateFlagsAndChecks(dirt, report: &report)
        report.phases.append(("flags", clock.lap()))
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
            pinnedAsOf = date
            let asOf = date ?? Workspace.latestDate(program, evaluator.tables, in: asOfSources)
            if asOf != evaluator.asOf {
                evaluator.asOf = asOf
                dirt.asOfChanged = true
            }
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
            copy.setMissing(row, MissingReason("set to missing", origin: "\(tableName).\(columnName)[\(keys.joined(separator: ", "))]"))
            values = copy.values
        default:
            table.columns[c] = values
            throw WorkspaceError.badEditValue(name: tableName, column: columnName, expected: type, found: value.type)
        }
        table.columns[c] = values
        if case .missing = value {} else { table.reasons[c][row] = nil }
        dirt.mark(ColumnRef(t, c), .some(RowBits([Int32(row)])))
    }

    // MARK: - Sweep

    /// Recomputes the dirty cells of every formula column, in dependency order.
    func sweep(_ dirt: inout Dirt, report: inout ChangeReport) {
        evaluator.cellsEvaluated = 0
        for ref in program.formulaOrder {
            guard let formula = program.column(ref).formula else { continue }
            let rows = evaluator.affected(formula, ref.table, dirt)
            if rows.isEmpty { continue }
            let selection = rows.selection()
            evaluator.currentColumn = ref
            var v = evaluator.evaluate(formula, in: ref.table, rows: selection)
            evaluator.settle(&v, column: ref, rows: selection)
            evaluator.currentColumn = nil
            let table = evaluator.tables[ref.table.index]
            let type = program.column(ref).type
            let newValues = normalized(v.values, to: type)
            let rebuilt = dirt.rebuilt.contains(ref.table.index)
            var changed = RowBits()
            let oldValues = table.columns[ref.column]
            let oldReasons = table.reasons[ref.column]
            for i in 0..<v.count {
                let r = selection.map { Int($0[i]) } ?? i
                if rebuilt || !sameCell(oldValues, oldReasons, r, newValues, v.reasons, i) {
                    changed.insert(Int32(r))
                    if !rebuilt { report.changedCells += 1 }
                    if !rebuilt, report.changes.count < ChangeReport.changeLimit {
                        report.changes.append(CellChange(column: ref, name: program.qualifiedName(ref), row: r,
                                                         keys: keyText(ref.table, row: r),
                                                         old: cellValue(oldValues, oldReasons, r),
                                                         new: cellValue(newValues, v.reasons, i)))
                    }
                }
            }
            if let selection {
                var values = oldValues
                table.columns[ref.column] = .bool([])
                values.scatter(newValues, at: selection)
                table.columns[ref.column] = values
                var reasons = oldReasons
                for (i, r) in selection.enumerated() { reasons[Int(r)] = v.reasons[i] }
                table.reasons[ref.column] = reasons
            } else {
                table.columns[ref.column] = newValues
                table.reasons[ref.column] = v.reasons
            }
            report.recomputed[ref] = selection.map { $0.map(Int.init) } ?? Array(0..<v.count)
            report.cellsEvaluated += v.count
            report.cellsCutOff += v.count - changed.count
            if !changed.isEmpty { dirt.mark(ref, .some(changed)) }
        }
        stats.cellsEvaluated = report.cellsEvaluated
    }

    func sameCell(_ a: Values, _ ar: [Int: MissingReason], _ i: Int, _ b: Values, _ br: [Int: MissingReason], _ j: Int) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            if x[i].isNaN || y[j].isNaN { return x[i].isNaN && y[j].isNaN && ar[i]?.message == br[j]?.message }
            return x[i].bitPattern == y[j].bitPattern
        case (.text(let x), .text(let y)): return x[i] == y[j] && (x[i] >= 0 || ar[i]?.message == br[j]?.message)
        case (.date(let x), .date(let y)): return x[i] == y[j] && (x[i] != Values.missingDate || ar[i]?.message == br[j]?.message)
        case (.bool(let x), .bool(let y)): return x[i] == y[j] && (x[i] != 2 || ar[i]?.message == br[j]?.message)
        default: return false
        }
    }

    func cellValue(_ v: Values, _ reasons: [Int: MissingReason], _ i: Int) -> CellValue {
        if v.isMissing(i) { return .missing(reasons[i]?.message) }
        switch v {
        case .number(let x): return .number(x[i])
        case .text(let x): return .text(interner.string(x[i]))
        case .date(let x): return .date(x[i])
        case .bool(let x): return .bool(x[i] == 1)
        }
    }

    // MARK: - Rows of derived tables

    /// Tables whose rows come from a changed table get their key tuples again; when they
    /// differ the table is rebuilt.
    func recomputeRowSets(_ dirt: inout Dirt, report: inout ChangeReport) {
        var clock = Clock()
        // Groupings of a grown event table take its new rows; those of a rebuilt one go;
        // edited cells make their group-ordered copies stale.
        let edited = Set(dirt.cells.keys.map(\.table.index))
        for (key, group) in evaluator.groups {
            if edited.contains(key.table) { group.forgetClusteredValues() }
            if dirt.rebuilt.contains(key.table) {
                evaluator.groups[key] = nil
            } else if let range = dirt.appended[key.table] {
                let t = evaluator.tables[key.table]
                var dates: [Int32]? = nil
                if let dc = program.tables[key.table].source?.dateColumn, case .date(let d) = t.columns[dc] { dates = d }
                let fits = group.extend(keys: evaluator.keyColumns(t, key.on, from: Int(range.lowerBound)),
                                        firstRow: Int(range.lowerBound), count: range.count, dates: dates, columns: t.columns)
                if !fits { evaluator.groups[key] = nil }
            }
        }
        // Alignments that involve a rebuilt or grown table are rebuilt on their next use (for
        // aggregates that is a lookup per context row: the groupings are kept).
        forgetAlignments(touching: dirt.rebuilt.union(dirt.appended.keys))
        report.phases.append(("groups", clock.lap()))
        var done = Set(program.tables.indices.filter { program.tables[$0].isSource })
        var progress = true
        while progress {
            progress = false
            for i in program.tables.indices where !done.contains(i) {
                guard case .derived(let spec) = program.tables[i].kind else { continue }
                var inputs: [Int] = []
                var windowed = false
                switch spec {
                case .single: break
                case .from(let t, let w):
                    if !done.contains(t.index) { continue }
                    inputs = [t.index]
                    windowed = w != nil
                case .union(let ts): inputs = ts.map(\.index)
                }
                done.insert(i)
                progress = true
                let touched = inputs.contains { dirt.rebuilt.contains($0) || dirt.appended[$0] != nil }
                    || (windowed && dirt.asOfChanged)
                guard touched else { continue }
                if computeRows(i) {
                    dirt.rebuilt.insert(i)
                    report.rebuiltTables.append(program.tables[i].name)
                    evaluator.groups = evaluator.groups.filter { $0.key.table != i }
                    forgetAlignments(touching: [i])
                }
            }
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
