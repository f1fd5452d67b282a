// The engine's public face: a checked program, its data, and every computed value.
//
// `Workspace.open` loads the sources, decides each derived table's rows, and evaluates
// every formula column in dependency order; then flags and checks are read off the
// tables. The workspace never prints: callers ask it for columns, flags, check failures
// and statistics, and render them as they like.

import VeloCheck
import VeloData
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

public struct WorkspaceOptions: Sendable {
    /// The as-of date (days since 1970); nil means the latest date in the event data.
    public var asOf: Int32?
    /// Param values replacing the rule file's.
    public var params: [String: Literal]
    /// Source table name -> file replacing the rule file's path.
    public var sources: [String: String]
    /// Source table name -> a reader replacing the rule file's source (a test's `given` rows).
    public var readers: [String: any SourceReader]
    /// Leave out the rows of dated sources that nothing can read (the window push-down,
    /// EvaluationGraph+Reach.swift), given what the run reads besides the graph: for a run
    /// that evaluates once (nil: read every row). A later edit of the as-of date reads those
    /// sources whole again.
    public var windowPushDown: WindowPushDown? = nil
    /// Keep running sums of the windows anchored at the as-of date, so that an appended day
    /// moves each window by the days entering and leaving it (WindowSums.swift): for a
    /// session that recomputes after appends (watch, the REPL, bench). It costs a few
    /// integers per group and window.
    public var keepsWindowSums = false

    public init(asOf: Int32? = nil, params: [String: Literal] = [:], sources: [String: String] = [:],
                readers: [String: any SourceReader] = [:]) {
        self.asOf = asOf
        self.params = params
        self.sources = sources
        self.readers = readers
    }
}

/// One column of results, ready to render.
public struct ResultColumn: Sendable {
    public enum Values: Sendable {
        case number([Double])
        case text([String?])
        case date([Int32])
        case bool([UInt8])
    }
    public var name: String
    public var type: VType
    public var isKey: Bool
    public var values: Values
    /// Row -> why the cell is missing.
    public var missingReasons: [Int: MissingReason]
}

/// A value a flag's message interpolates or a check's failure shows: typed, with its
/// column's type and the format the rule file asks for (`{x:.1%}`).
public struct ShownValue: Sendable, Equatable {
    public var value: CellValue
    public var type: VType
    public var format: ValueFormat?

    public init(_ value: CellValue, type: VType, format: ValueFormat? = nil) {
        self.value = value
        self.type = type
        self.format = format
    }
}

/// A piece of a flag's message: text as written, or an interpolated value.
public enum FlagMessagePiece: Sendable, Equatable {
    case text(String)
    case value(ShownValue)
}

/// A row a flag marked.
public struct FlagHit: Sendable {
    public var flag: String
    public var severity: FlagSeverity
    public var table: String
    public var row: Int
    /// The row's key values (empty for a table without keys).
    public var keys: [CellValue]
    /// The message: its text and the values it interpolates, in order.
    public var message: [FlagMessagePiece]
}

/// A cell a check's condition read, on a row where the check fails.
public struct CheckedCell: Sendable, Equatable {
    public var column: ColumnRef
    /// The column's name.
    public var name: String
    public var value: ShownValue
}

/// A row where a check does not hold.
public struct CheckFailure: Sendable {
    public var check: String
    public var table: String
    public var row: Int
    /// The row's key values (empty for a table without keys).
    public var keys: [CellValue]
    /// The condition as written.
    public var condition: String
    /// The row's cells that the condition reads (its table's own columns), in the order it
    /// reads them.
    public var values: [CheckedCell]
}

/// What an evaluation did and how long it took.
public struct EvaluationStats: Sendable {
    public var phases: [(name: String, seconds: Double)] = []
    public var cellsEvaluated = 0
    /// Cells whose values were kept from before an edit of the rule file.
    public var cellsReused = 0
}

public final class Workspace {
    public let program: CheckedProgram
    public let options: WorkspaceOptions
    let interner: Interner
    let evaluator: Evaluator
    /// Per source table: its reader and how far it read, to tell appends from rewrites.
    var sourceStates: [Int: SourceState] = [:]
    /// The as-of date set by the user (nil: it follows the data).
    var pinnedAsOf: Int32?
    /// Per flag, the rows it marks; per check, the rows where it fails. Built on first use and
    /// kept up to date by `apply` (Workspace+Flags.swift).
    var flagState: [[Int32: FlagHit]]? = nil
    var checkState: [[Int32: CheckFailure]]? = nil
    /// The program lowered to nodes and edges: what evaluation order, dirtiness, reuse and
    /// explain are read off.
    public let graph: EvaluationGraph
    /// Params set by the user (options and edits), kept across edits of the rule file.
    var paramsSet: [String: Literal] = [:]
    /// Sources read from disk when this workspace was made (not carried over from before an edit).
    var freshSources: Set<Int> = []
    /// Per derived `from` table, the groups its rows were last drawn from (`computeRows`).
    var drawnGroups: [Int: DrawnGroups] = [:]

    struct DrawnGroups {
        weak var group: GroupIndex?
        var codes: [Int32]
    }
    public internal(set) var stats = EvaluationStats()

    /// The as-of date in effect.
    public var asOf: Int32? { evaluator.asOf }

    /// Loads the data and evaluates everything: lower the program to its graph, open the
    /// sources, evaluate (each stage also callable on its own, see `RunFrontend.pipeline`).
    public static func open(_ program: CheckedProgram, options: WorkspaceOptions = WorkspaceOptions()) throws(WorkspaceError) -> Workspace {
        let graph = EvaluationGraph(program)
        let sources = try OpenedSources.open(program, options: options, graph: graph)
        let ws = try Workspace(program: program, graph: graph, sources: sources, options: options)
        ws.evaluate()
        return ws
    }

    /// A workspace for an edited rule file: sources whose declaration is unchanged keep
    /// their data, and formula columns whose definition and inputs are unchanged keep their
    /// values (see Workspace+Reuse.swift). Params keep the values set on `previous`.
    public static func reopen(_ program: CheckedProgram, previous: Workspace) throws(WorkspaceError) -> Workspace {
        var options = previous.options
        options.asOf = previous.pinnedAsOf
        options.params = previous.paramsSet.filter { program.param(named: $0.key) != nil }
        let graph = EvaluationGraph(program)
        let sources = try OpenedSources.open(program, options: options, graph: graph, previous: previous)
        let ws = try Workspace(program: program, graph: graph, sources: sources, options: options)
        ws.evaluateAll(reusing: previous)
        return ws
    }

    /// How many window values were computed by moving running sums along, not by reading
    /// the window's rows (`WorkspaceOptions.keepsWindowSums`), since the workspace opened.
    public var windowValuesFollowed: Int { evaluator.groupsFollowed }

    /// Evaluates every row set and formula column, in the graph's order.
    public func evaluate() { evaluateAll() }

    /// A workspace over opened sources; nothing is evaluated yet (`evaluate()`).
    public init(program: CheckedProgram, graph: EvaluationGraph, sources: OpenedSources,
                options: WorkspaceOptions) throws(WorkspaceError) {
        self.program = program
        self.options = options
        self.interner = sources.interner
        var params = program.params.map(\.value)
        for (name, value) in options.params {
            guard let i = program.param(named: name) else {
                throw WorkspaceError.unknownParam(name, candidates: program.params.map(\.name))
            }
            params[i] = value
        }
        sourceStates = sources.states
        freshSources = sources.fresh
        paramsSet = options.params
        pinnedAsOf = options.asOf
        self.graph = graph
        evaluator = Evaluator(program: program, tables: sources.tables, params: params, asOf: options.asOf, interner: interner)
        evaluator.keepsWindowSums = options.keepsWindowSums
        if options.asOf == nil { evaluator.asOf = latestDate() }
        stats.phases.append(("load", sources.seconds))
    }

    /// The column types a source is read with: those the program was checked with.
    static func readOptions(_ info: TableInfo) -> ReadOptions {
        guard let source = info.source else { return ReadOptions() }
        var declared: [String: ColumnType] = [:]
        for (name, base) in source.declaredTypes { declared[name] = ColumnType(base) }
        for c in info.columns { declared[c.name] = declared[c.name] ?? ColumnType(c.type.base) }
        return ReadOptions(declaredTypes: declared)
    }

    /// The read options of each read source: the column types, and for a dated source whose
    /// early rows the program never reads, the window of rows it does (`sourceReaches`) when
    /// `options.windowPushDown` asks for it.
    static func readOptions(_ program: CheckedProgram, graph: EvaluationGraph?, options: WorkspaceOptions) -> [Int: ReadOptions] {
        var out: [Int: ReadOptions] = [:]
        for (i, info) in program.tables.enumerated() where info.isReadSource { out[i] = readOptions(info) }
        guard let also = options.windowPushDown else { return out }
        let reaches = (graph ?? EvaluationGraph(program)).sourceReaches(asOfGiven: options.asOf != nil, also: also)
        for (i, reach) in reaches {
            guard case .days(let days) = reach, let dc = program.tables[i].source?.dateColumn else { continue }
            out[i]?.window = RowWindow(column: program.tables[i].columns[dc].name, days: days, asOf: options.asOf)
        }
        return out
    }

    /// Reads all of a source table's rows with the column types the program was checked with.
    static func loadSource(_ info: TableInfo, reader: any SourceReader, options: ReadOptions, program: CheckedProgram,
                           interner: Interner) throws(WorkspaceError) -> (SourceRead, [Values]) {
        guard info.source != nil else { throw WorkspaceError.notASource(table: info.name) }
        var read: SourceRead
        do {
            read = try reader.read(options: options, interner: interner)
        } catch {
            throw WorkspaceError.data(error, table: info.name)
        }
        // The rows its `where` line keeps (Workspace+Filters.swift); the row count is theirs.
        let (columns, rowCount) = filtered(try columns(of: read.table, for: info, source: reader.label),
                                           rowCount: read.table.rowCount, info: info, program: program, interner: interner)
        read.table.rowCount = rowCount
        try checkUniqueKeys(info, columns, rowCount: rowCount, source: reader.label, interner: interner)
        return (read, columns)
    }

    /// A keyed source has one row per key: a repeated or empty key is a data error.
    static func checkUniqueKeys(_ info: TableInfo, _ columns: [Values], rowCount: Int, source: String,
                                interner: Interner) throws(WorkspaceError) {
        // Integer keys (and join columns) must be integers that fit a key code.
        for (c, column) in info.columns.enumerated() where info.source?.keyColumns.contains(column.name) == true {
            guard case .number(let x) = columns[c], let r = x.firstIndex(where: { !KeyValue.isInteger($0) }) else { continue }
            throw WorkspaceError.badKeyValue(table: info.name, source: source, column: column.name, value: x[r].exactText,
                                             row: r + 1, span: info.span)
        }
        let keyColumns = info.keyColumns.compactMap { KeyValue.codes(columns[$0]) }
        guard !keyColumns.isEmpty else { return }
        let ranged = info.keyColumns.map { info.columns[$0].type.base != .text }
        let codes = KeyCodes(columns: keyColumns, rowCount: rowCount, idLimit: interner.count, ranged: ranged)
        var first = [Int32](repeating: -1, count: max(1, codes.count))
        for r in 0..<rowCount {
            let c = codes.codes[r]
            guard c >= 0 else {
                throw WorkspaceError.emptyKey(table: info.name, source: source, keys: info.keys, row: r + 1, span: info.span)
            }
            if first[Int(c)] >= 0 {
                throw WorkspaceError.duplicateKey(table: info.name, source: source, keys: info.keys,
                                                  values: info.keyColumns.map { Workspace.keyValueText(columns[$0], r, interner) },
                                                  first: Int(first[Int(c)]) + 1, row: r + 1, span: info.span)
            }
            first[Int(c)] = Int32(r)
        }
    }

    /// One key cell of a loaded column as text, for data errors.
    static func keyValueText(_ v: Values, _ r: Int, _ interner: Interner) -> String {
        switch v {
        case .text(let ids): return ids[r] < 0 ? "" : interner.string(ids[r])
        case .number(let x): return x[r].exactText
        case .date(let d): return d[r] == Values.missingDate ? "" : CivilDate(day: d[r]).iso
        case .bool(let b): return b[r] == 1 ? "true" : "false"
        }
    }

    /// The program's columns of a loaded source, in the program's order.
    static func columns(of data: DataTable, for info: TableInfo, source: String) throws(WorkspaceError) -> [Values] {
        var columns: [Values] = []
        var byName: [String: Int] = [:]   // first column of each name: linear in a wide header
        for (i, c) in data.columns.enumerated() where byName[c.name] == nil { byName[c.name] = i }
        for c in info.columns {
            guard let i = byName[c.name] else {
                throw WorkspaceError.missingColumn(table: info.name, source: source, column: c.name,
                                                   span: info.source?.pathSpan ?? info.span)
            }
            columns.append(data.columns[i].data)
        }
        return columns
    }

    /// The as-of date that follows the data: the latest date in the graph's as-of tables
    /// (rows from `only[table]` on, for tables that only grew).
    func latestDate(only: [Int: Int] = [:]) -> Int32? {
        var latest: Int32? = nil
        for t in graph.asOfTables where only.isEmpty || only[t.index] != nil {
            guard let dc = program.table(t).source?.dateColumn, case .date(let dates) = evaluator.tables[t.index].columns[dc] else { continue }
            for d in dates[(only[t.index] ?? 0)...] where d != Values.missingDate { latest = max(latest ?? d, d) }
        }
        return latest
    }

    /// Evaluates every node in the graph's order: the rows of derived tables first (they
    /// read only sources, rows and the as-of date), then formula columns, then flags and checks.
    func evaluateAll(reusing previous: Workspace? = nil) {
        var clock = Clock()
        for case .rows(let t) in graph.order where !program.table(t).isSource { computeRows(t.index) }
        stats.phases.append(("rows", clock.lap()))
        evaluator.cellsEvaluated = 0
        // Fingerprints are needed only to reuse values across an edit of the rule file.
        let fingerprints = previous.map { _ in Fingerprints(self, markFresh: true) }
        let previousFingerprints = previous.map { Fingerprints($0, markFresh: false) }
        for case .column(let ref) in graph.order {
            guard let formula = program.column(ref).formula else { continue }
            if let group = graph.recurrence(of: ref) {
                // A recurrence is evaluated whole, period after period, at its first column.
                if ref == group[0] { evaluateRecurrence(group) }
                continue
            }
            if let previous, let fingerprints, let previousFingerprints,
               reuse(ref, from: previous, fingerprints: fingerprints, previousFingerprints: previousFingerprints) {
                continue
            }
            evaluator.currentColumn = ref
            var v = evaluator.evaluate(formula, in: ref.table, rows: nil)
            evaluator.settle(&v, column: ref, rows: nil)
            evaluator.currentColumn = nil
            evaluator.cellsEvaluated += v.count
            let t = evaluator.tables[ref.table.index]
            t.columns[ref.column] = normalized(v.values, to: program.column(ref).type)
            t.reasons[ref.column] = v.reasons
        }
        stats.cellsEvaluated = evaluator.cellsEvaluated
        stats.phases.append(("evaluate", clock.lap()))
        ensureFlagAndCheckStates()
        stats.phases.append(("flags", clock.lap()))
    }

    /// A bare `missing` column is numbers; keep every column's storage matching its type.
    func normalized(_ v: Values, to type: VType) -> Values {
        switch (v, type.base) {
        case (.number, .text): return .text(Array(repeating: Values.missingText, count: v.count))
        case (.number, .date): return .date(Array(repeating: Values.missingDate, count: v.count))
        case (.number, .bool): return .bool(Array(repeating: Values.missingBool, count: v.count))
        default: return v
        }
    }

    // MARK: - Rows

    /// The rows of a derived table; the tables it takes rows from are computed already.
    /// Computes a derived table's rows; returns false (touching nothing) when they are the
    /// rows it has already.
    @discardableResult
    func computeRows(_ index: Int) -> Bool {
        let info = program.tables[index]
        guard case .derived(let spec) = info.kind else { return false }
        // Each source table's rows grouped by this table's keys (the same groupings the
        // aggregates use): one representative row per distinct key tuple.
        var tuples: [[Int32]] = []
        // A period table draws the keys before its period key; the periods are appended below.
        let drawnKeys = info.periods == nil ? info.keys : Array(info.keys.dropLast())
        var seen = TupleMap(width: drawnKeys.count)
        /// The groups of `t`'s rows by the drawn keys that have a row in the window.
        func draw(_ t: TableRef, window: CheckedWindow?) -> (GroupIndex, [Int32]) {
            let table = evaluator.tables[t.index]
            let group = evaluator.groupIndex(t, on: drawnKeys)
            var codes: [Int32] = []
            var range: (start: Int32, end: Int32)? = nil
            var dates: [Int32] = []
            if let w = window {
                guard case .asOf(let ago) = w.anchor, let asOf = evaluator.asOf,
                      let dc = program.table(t).source?.dateColumn, case .date(let d) = table.columns[dc] else { return (group, []) }
                let end = asOf - Int32(ago)
                range = (end - Int32(w.length) + 1, end)
                dates = d
            }
            let sorted = range != nil && group.isSorted(by: dates)
            let slotDates = sorted ? group.dates(inGroupOrder: dates) : []
            let rows = group.rows
            for c in 0..<group.count {
                let span = group.range(ofCode: Int32(c))
                guard !span.isEmpty else { continue }
                if let (start, end) = range {
                    // Does the group have a row inside the window?
                    var inside = false
                    if sorted {
                        // Group-ordered dates (shared with the window aggregates): sequential reads.
                        var p = span.upperBound - 1
                        while p >= span.lowerBound, slotDates[p] > end { p -= 1 }
                        inside = p >= span.lowerBound && slotDates[p] >= start
                    } else {
                        inside = span.contains { let d = dates[Int(rows[$0])]; return d >= start && d <= end }
                    }
                    guard inside else { continue }
                }
                codes.append(Int32(c))
            }
            return (group, codes)
        }
        /// The key tuples of those groups (`distinct`: none drawn yet can be the same).
        func take(_ t: TableRef, _ group: GroupIndex, _ codes: [Int32], distinct: Bool) {
            let keys = evaluator.keyColumns(evaluator.tables[t.index], drawnKeys)
            tuples.reserveCapacity(tuples.count + codes.count)
            for c in codes {
                let tuple = group.tuple(ofCode: c, keys: keys)
                if distinct {
                    tuples.append(tuple)
                } else if seen[tuple] == nil {
                    seen[tuple] = Int32(tuples.count)
                    tuples.append(tuple)
                }
            }
        }
        switch spec {
        case .single:
            guard info.periods != nil else {
                if evaluator.tables[index].rowCount == 1 { return false }
                setRows(index, keyColumns: [], count: 1)
                return true
            }
            tuples = [[]]
        case .from(let t, let window):
            let (group, codes) = draw(t, window: window)
            // The same groups as last time (the common case after an append): the same rows.
            if info.periods == nil, let last = drawnGroups[index], last.group === group {
                if last.codes == codes { return false }
                // A few groups came or went (a new series, one gone quiet): the rows now,
                // less those gone, merged with the new ones (not a sort of every tuple).
                if !drawnKeys.isEmpty, let keyColumns = mergedRows(index, from: t, group: group, drawn: drawnKeys,
                                                                   old: last.codes, new: codes) {
                    drawnGroups[index] = DrawnGroups(group: group, codes: codes)
                    setRows(index, keyColumns: keyColumns, count: keyColumns[0].count)
                    return true
                }
            }
            drawnGroups[index] = DrawnGroups(group: group, codes: codes)
            take(t, group, codes, distinct: true)
        case .union(let ts):
            for t in ts {
                let (group, codes) = draw(t, window: nil)
                take(t, group, codes, distinct: false)
            }
        }
        if let axis = info.periods {
            // The drawn tuples sorted, each followed by its periods in order: the rows come out
            // sorted without sorting (or allocating) a tuple per row.
            sortTuples(&tuples, types: Array(evaluator.keyTypes(TableRef(index)).prefix(drawnKeys.count)))
            let h = evaluator.horizon(axis)
            let count = tuples.count * max(h, 0)
            var keyColumns = [[Int32]](repeating: [], count: info.keys.count)
            for k in keyColumns.indices { keyColumns[k].reserveCapacity(count) }
            let periods = (0..<max(h, 0)).map { KeyValue.encode(integer: Double($0 + 1)) }
            for tuple in tuples {
                for k in tuple.indices { keyColumns[k].append(contentsOf: repeatElement(tuple[k], count: periods.count)) }
                keyColumns[info.keys.count - 1].append(contentsOf: periods)
            }
            let current = evaluator.tables[index]
            if current.rowCount == count, evaluator.keyColumns(current, info.keys) == keyColumns { return false }
            setRows(index, keyColumns: keyColumns, count: count)
            return true
        }
        // The same tuples as now: nothing to do (the common case after an append).
        let current = evaluator.tables[index]
        if tuples.count == current.rowCount {
            let columns = evaluator.keyColumns(current, info.keys)
            var existing = TupleMap(width: info.keys.count)
            var tuple = [Int32](repeating: 0, count: info.keys.count)
            for r in 0..<current.rowCount {
                for k in columns.indices { tuple[k] = columns[k][r] }
                existing[tuple] = Int32(r)
            }
            if tuples.allSatisfy({ existing[$0] != nil }) { return false }
        }
        sortTuples(&tuples, types: evaluator.keyTypes(TableRef(index)))
        let keyColumns = info.keys.indices.map { k in tuples.map { $0[k] } }
        setRows(index, keyColumns: keyColumns, count: tuples.count)
        return true
    }

    /// The key columns of a `from` table whose rows were drawn from the groups `old` and now
    /// are from `new` (both ascending group codes of `group`, over `source`'s rows): its
    /// rows in order without those of groups gone, the tuples of groups added merged in.
    /// Nil when more than a few changed (sorting them all is then as cheap).
    func mergedRows(_ index: Int, from source: TableRef, group: GroupIndex, drawn: [String],
                    old: [Int32], new: [Int32]) -> [[Int32]]? {
        var added: [Int32] = [], removed: [Int32] = []
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if j == new.count || (i < old.count && old[i] < new[j]) {
                removed.append(old[i]); i += 1
            } else if i == old.count || new[j] < old[i] {
                added.append(new[j]); j += 1
            } else {
                i += 1; j += 1
            }
        }
        guard added.count + removed.count <= max(16, new.count / 16), evaluator.tables[index].rowCount == old.count else { return nil }
        let sourceKeys = evaluator.keyColumns(evaluator.tables[source.index], drawn)
        var gone = TupleMap(width: drawn.count)
        for c in removed { gone[group.tuple(ofCode: c, keys: sourceKeys)] = 0 }
        let types = evaluator.keyTypes(TableRef(index))
        var fresh = added.map { group.tuple(ofCode: $0, keys: sourceKeys) }
        sortTuples(&fresh, types: types)
        let isText = types.map { $0.base == .text }
        let strings = interner.allStrings
        func less(_ a: [Int32], _ b: [Int32]) -> Bool {
            for k in a.indices where a[k] != b[k] { return isText[k] ? strings[Int(a[k])] < strings[Int(b[k])] : a[k] < b[k] }
            return false
        }
        let table = evaluator.tables[index]
        let current = evaluator.keyColumns(table, drawn)
        var out = [[Int32]](repeating: [], count: drawn.count)
        for k in out.indices { out[k].reserveCapacity(new.count) }
        func append(_ t: [Int32]) { for k in t.indices { out[k].append(t[k]) } }
        var row = [Int32](repeating: 0, count: drawn.count)
        var f = 0
        for r in 0..<table.rowCount {
            for k in row.indices { row[k] = current[k][r] }
            if !removed.isEmpty, gone[row] != nil { continue }
            while f < fresh.count, less(fresh[f], row) { append(fresh[f]); f += 1 }
            append(row)
        }
        while f < fresh.count { append(fresh[f]); f += 1 }
        return out
    }

    /// Sorts key tuples by their values, column by column: text by its characters, integers
    /// and dates by value (their codes sort like the values).
    func sortTuples(_ tuples: inout [[Int32]], types: [VType]) {
        let isText = types.map { $0.base == .text }
        let strings = interner.allStrings
        var distinct = Set<Int32>()
        for tuple in tuples { for (k, id) in tuple.enumerated() where isText[k] { distinct.insert(id) } }
        var rank = [Int32](repeating: 0, count: distinct.isEmpty ? 0 : strings.count)
        for (i, id) in distinct.sorted(by: { strings[Int($0)] < strings[Int($1)] }).enumerated() { rank[Int(id)] = Int32(i) }
        if isText.allSatisfy({ $0 }) {
            tuples.sort { a, b in
                for k in a.indices where a[k] != b[k] { return rank[Int(a[k])] < rank[Int(b[k])] }
                return false
            }
        } else {
            tuples.sort { a, b in
                for k in a.indices where a[k] != b[k] { return isText[k] ? rank[Int(a[k])] < rank[Int(b[k])] : a[k] < b[k] }
                return false
            }
        }
    }

    func setRows(_ index: Int, keyColumns: [[Int32]], count: Int) {
        let info = program.tables[index]
        let t = evaluator.tables[index]
        t.rowCount = count
        t.keyIndexCache = nil
        for (c, column) in info.columns.enumerated() {
            if case .key = column.kind, let k = info.keys.firstIndex(of: column.name) {
                t.columns[c] = KeyValue.values(keyColumns[k], as: column.type)
            } else {
                t.columns[c] = Values.missing(column.type, count: count)
            }
            t.reasons[c] = [:]
        }
    }

    // MARK: - Results

    public func rowCount(_ table: TableRef) -> Int { evaluator.tables[table.index].rowCount }

    public func column(_ ref: ColumnRef) -> ResultColumn {
        let info = program.column(ref)
        let t = evaluator.tables[ref.table.index]
        let values: ResultColumn.Values
        switch t.columns[ref.column] {
        case .number(let v): values = .number(v)
        case .text(let v): values = .text(v.map { $0 < 0 ? nil : interner.string($0) })
        case .date(let v): values = .date(v)
        case .bool(let v): values = .bool(v)
        }
        var isKey = false
        if case .key = info.kind { isKey = true }
        return ResultColumn(name: info.name, type: info.type, isKey: isKey, values: values,
                            missingReasons: t.reasons[ref.column])
    }

    /// The missing reason of one cell, with where it started.
    public func missingReason(_ ref: ColumnRef, row: Int) -> MissingReason? {
        evaluator.tables[ref.table.index].reasons[ref.column][row]
    }

    /// "SKU00412, web"
    public func keyText(_ table: TableRef, row: Int) -> String { evaluator.keyText(table, row: row) }

    /// The row with these key values, if any.
    public func row(_ table: TableRef, keys: [String]) -> Int? {
        let types = evaluator.keyTypes(table)
        guard types.count == keys.count else { return nil }
        let codes = zip(keys, types).map { evaluator.keyCode($0, type: $1) }
        return evaluator.keyIndex(table)[codes].map(Int.init)
    }

    /// The key values of a row (empty for a table without keys).
    public func keyValues(_ table: TableRef, row: Int) -> [CellValue] { evaluator.keyValues(table, row: row) }

    /// The value at position `i` of a computed vector.
    func cellValue(_ v: Vector, _ i: Int) -> CellValue { cellValue(v.values, v.reasons, i) }
}

extension VType.Base {
    /// The Velo type of a data column.
    public init(_ t: ColumnType) {
        switch t {
        case .number: self = .number
        case .text: self = .text
        case .date: self = .date
        case .bool: self = .bool
        }
    }
}

extension ColumnType {
    /// The storage of a Velo type (durations are stored as numbers of days).
    public init(_ base: VType.Base) {
        switch base {
        case .text: self = .text
        case .date: self = .date
        case .bool: self = .bool
        default: self = .number
        }
    }
}

/// Wall-clock laps for the phase statistics.
struct Clock {
    var last = Clock.now()
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    mutating func lap() -> Double {
        let t = Clock.now()
        defer { last = t }
        return t - last
    }
}
