// Re-reading sources: the reader says what changed since it last read (see SourceReader in
// VeloData): appended rows are taken alone, anything else is re-read and diffed by key, so
// only the changed keys are dirty.

import VeloCheck
import VeloData
import VeloSyntax

/// What the workspace knows of a source it read.
struct SourceState {
    var reader: any SourceReader
    /// The column types enforced on every read.
    var options: ReadOptions
    /// Column names and types, for reading appended rows the same way.
    var schema: DataSchema
    /// How far the reader read.
    var cursor: SourceCursor

    init(reader: any SourceReader, read: SourceRead, options: ReadOptions) {
        self.reader = reader
        self.options = options
        self.schema = DataSchema(path: reader.label, columns: read.table.columns.map { (name: $0.name, type: $0.type) })
        self.cursor = read.cursor
    }

    /// Where the rows come from (a path, or a test's `given` label).
    var path: String { reader.label }
}

extension ColumnData {
    var emptied: ColumnData {
        switch self {
        case .number: return .number([])
        case .text: return .text([])
        case .date: return .date([])
        case .bool: return .bool([])
        }
    }
}

extension Workspace {
    func reloadSource(_ name: String, path newPath: String?, into dirt: inout Dirt) throws(WorkspaceError) {
        guard let t = program.table(named: name), let state = sourceStates[t.index] else {
            throw WorkspaceError.unknownSource(name, candidates: program.tables.filter(\.isReadSource).map(\.name))
        }
        let info = program.table(t)
        let change: SourceChange
        // Taking back a reload: its state, and rows it appended (`replaceRows` takes back its own).
        // Only the row count is kept, so that appending does not copy the columns.
        let table = evaluator.tables[t.index]
        let oldCount = table.rowCount
        dirt.undo.append { [unowned self] in
            sourceStates[t.index] = state
            if table.rowCount > oldCount {
                table.columns = table.columns.map { $0.prefix(oldCount) }
                table.rowCount = oldCount
            }
        }
        if let newPath, newPath != state.path {
            let kind = info.source?.reader ?? ""
            guard let reader = SourceReaders.reader(kind: kind, location: newPath, settings: info.source?.settings ?? SourceSettings()) else {
                throw WorkspaceError.unknownReader(table: name, reader: kind)
            }
            let (read, columns) = try Workspace.loadSource(info, reader: reader, options: state.options, program: program,
                                                           interner: interner)
            sourceStates[t.index] = SourceState(reader: reader, read: read, options: state.options)
            replaceRows(t, read.table.rowCount, columns, into: &dirt)
            return
        }
        do {
            change = try state.reader.changes(since: state.cursor, schema: state.schema, options: state.options,
                                              interner: interner, appends: info.isEventTable)
        } catch let error where error.kind == .unreadable && error.reason != nil {
            throw WorkspaceError.unreadableSource(table: name, source: state.path, reason: error.reason ?? "")
        } catch {
            throw WorkspaceError.data(error, table: name)
        }
        switch change {
        case .none:
            return
        case .appended(let more, let cursor):
            if more.rowCount > 0 { dirt.sourcesRead.append(name) }
            try appendRows(t, more, into: &dirt)
            sourceStates[t.index]?.cursor = cursor
        case .replaced(let data, let cursor):
            dirt.sourcesRead.append(name)
            let (columns, rowCount) = Workspace.filtered(try Workspace.columns(of: data, for: info, source: state.path),
                                                         rowCount: data.rowCount, info: info, program: program, interner: interner)
            try Workspace.checkUniqueKeys(info, columns, rowCount: rowCount, source: state.path, interner: interner)
            var next = state
            next.cursor = cursor
            next.schema = DataSchema(path: state.path, columns: data.columns.map { (name: $0.name, type: $0.type) })
            sourceStates[t.index] = next
            replaceRows(t, rowCount, columns, into: &dirt)
        }
    }

    /// Sources read with a window (the push-down) read whole again: the as-of date was
    /// edited, so rows before the window may be read now.
    func readWindowedSourcesWhole(into dirt: inout Dirt) throws(WorkspaceError) {
        for (i, state) in sourceStates.sorted(by: { $0.key < $1.key }) where state.options.window != nil {
            let info = program.tables[i]
            var whole = state.options
            whole.window = nil
            let (read, columns) = try Workspace.loadSource(info, reader: state.reader, options: whole, program: program,
                                                           interner: interner)
            dirt.undo.append { [unowned self] in sourceStates[i] = state }
            sourceStates[i] = SourceState(reader: state.reader, read: read, options: whole)
            dirt.sourcesRead.append(info.name)
            replaceRows(TableRef(i), read.table.rowCount, columns, into: &dirt)
        }
    }

    /// All rows of source `t` replaced: same keys in the same order are diffed cell by cell,
    /// otherwise the table is rebuilt.
    func replaceRows(_ t: TableRef, _ rowCount: Int, _ columns: [Values], into dirt: inout Dirt) {
        let info = program.table(t)
        let table = evaluator.tables[t.index]
        let (oldColumns, oldReasons, oldCount) = (table.columns, table.reasons, table.rowCount)
        dirt.undo.append {
            (table.columns, table.reasons, table.rowCount) = (oldColumns, oldReasons, oldCount)
        }
        let keyIdx = info.keyColumns
        let sameKeys = !info.keys.isEmpty && rowCount == table.rowCount
            && keyIdx.allSatisfy { table.columns[$0].sameValues(columns[$0]) }
        if sameKeys {
            for c in columns.indices where !keyIdx.contains(c) {
                var changed = RowBits()
                for r in 0..<rowCount where !sameCell(table.columns[c], [:], r, columns[c], [:], r) { changed.insert(Int32(r)) }
                if !changed.isEmpty { dirt.mark(ColumnRef(t, c), .some(changed)) }
            }
            table.columns = columns
        } else {
            table.columns = columns
            table.rowCount = rowCount
            table.reasons = Array(repeating: [:], count: columns.count)
            dirt.rebuilt.insert(t.index)
        }
        refilter(t, into: &dirt)
    }

    /// Takes the rows appended to source `t` (read alone by its reader).
    func appendRows(_ t: TableRef, _ more: DataTable, into dirt: inout Dirt) throws(WorkspaceError) {
        let info = program.table(t)
        let (added, addedCount) = Workspace.filtered(try Workspace.columns(of: more, for: info, source: sourceStates[t.index]?.path ?? more.path),
                                                     rowCount: more.rowCount, info: info, program: program, interner: interner)
        let table = evaluator.tables[t.index]
        let start = Int32(table.rowCount)
        table.append(added, count: addedCount)
        guard addedCount > 0 else { return }
        // The new rows are dirty: stabilisation seeds the table's rows node with them.
        dirt.append(t.index, start..<(start + Int32(addedCount)))
        appendFiltered(t, from: Int(start), into: &dirt)
    }
}

extension Values {
    /// The same values in the same order (numbers bit for bit, so missing equals missing):
    /// key columns of any type compare with this.
    func sameValues(_ other: Values) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
        case (.text(let a), .text(let b)), (.date(let a), .date(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        default: return false
        }
    }

    /// The first `n` values.
    func prefix(_ n: Int) -> Values {
        switch self {
        case .number(let a): return .number(Array(a.prefix(n)))
        case .text(let a): return .text(Array(a.prefix(n)))
        case .date(let a): return .date(Array(a.prefix(n)))
        case .bool(let a): return .bool(Array(a.prefix(n)))
        }
    }

    mutating func append(_ other: Values) {
        switch (self, other) {
        case (.number(var a), .number(let b)): self = .bool([]); a.append(contentsOf: b); self = .number(a)
        case (.text(var a), .text(let b)): self = .bool([]); a.append(contentsOf: b); self = .text(a)
        case (.date(var a), .date(let b)): self = .bool([]); a.append(contentsOf: b); self = .date(a)
        case (.bool(var a), .bool(let b)): self = .number([]); a.append(contentsOf: b); self = .bool(a)
        default: break
        }
    }
}

extension Workspace {
    /// Source table name -> the file it was read from.
    public var sourcePaths: [String: String] {
        var out: [String: String] = [:]
        for (i, s) in sourceStates { out[program.tables[i].name] = s.path }
        return out
    }

    /// The sources read with a window (the push-down), in table order: how many days back
    /// from the as-of date they were read, and the rows kept.
    public var readWindows: [(table: String, days: Int, rows: Int)] {
        sourceStates.keys.sorted().compactMap { i in
            guard let w = sourceStates[i]?.options.window else { return nil }
            return (program.tables[i].name, w.days, evaluator.tables[i].rowCount)
        }
    }

    /// Source table name -> what `velo watch` looks at to tell it may have changed.
    public var sourceWatches: [String: SourceWatch] {
        var out: [String: SourceWatch] = [:]
        for (i, s) in sourceStates { out[program.tables[i].name] = s.reader.watch }
        return out
    }
}
