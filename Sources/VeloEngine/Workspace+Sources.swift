// Re-reading source files: appended lines are read alone, anything else is re-read and
// diffed by key, so only the changed keys are dirty.

import VeloCheck
import VeloData
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// What the workspace knows of a source file it read.
struct SourceState {
    var path: String
    /// Column names and types, for reading appended rows the same way.
    var schema: DataTable
    /// How many bytes were read.
    var byteLength: Int
    /// The last bytes read: when a file is longer and still ends the same at the old
    /// length, it grew by appended lines.
    var tail: [UInt8]

    init(path: String, data: DataTable) {
        self.path = path
        self.schema = DataTable(path: data.path, columns: data.columns.map { Column(name: $0.name, data: $0.data.emptied) },
                                rowCount: 0, byteLength: data.byteLength)
        self.byteLength = data.byteLength
        self.tail = SourceState.bytes(of: path, in: max(0, data.byteLength - 4096)..<data.byteLength) ?? []
    }

    static func size(of path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    static func bytes(of path: String, in range: Range<Int>) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < out.count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(range.lowerBound + done)) }
            if n <= 0 { return nil }
            done += n
        }
        return out
    }
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
            throw WorkspaceError("no source table `\(name)`" + (Suggest.didYouMean(name, in: program.tables.filter(\.isSource).map(\.name)).map { ": \($0)" } ?? ""))
        }
        let info = program.table(t)
        let path = newPath ?? state.path
        guard let size = SourceState.size(of: path) else {
            throw WorkspaceError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let samePath = path == state.path
        if samePath, info.isEventTable, size >= state.byteLength,
           SourceState.bytes(of: path, in: (state.byteLength - state.tail.count)..<state.byteLength) == state.tail {
            if size == state.byteLength { return }
            try appendRows(t, state: state, into: &dirt)
            return
        }
        let (data, columns) = try Workspace.loadSource(info, path: path, interner: interner)
        sourceStates[t.index] = SourceState(path: path, data: data)
        let table = evaluator.tables[t.index]
        // Same keys in the same order: diff cell by cell. Otherwise the table is rebuilt.
        let keyIdx = info.keyColumns
        let sameKeys = !info.keys.isEmpty && data.rowCount == table.rowCount
            && keyIdx.allSatisfy { c in
                if case .text(let a) = table.columns[c], case .text(let b) = columns[c] { return a == b }
                return false
            }
        if sameKeys {
            for c in columns.indices where !keyIdx.contains(c) {
                var changed = RowBits()
                for r in 0..<data.rowCount where !sameCell(table.columns[c], [:], r, columns[c], [:], r) { changed.insert(Int32(r)) }
                if !changed.isEmpty { dirt.mark(ColumnRef(t, c), .some(changed)) }
            }
            table.columns = columns
        } else {
            table.columns = columns
            table.rowCount = data.rowCount
            table.reasons = Array(repeating: [:], count: columns.count)
            dirt.rebuilt.insert(t.index)
        }
    }

    /// Reads only the lines appended since the last read.
    func appendRows(_ t: TableRef, state: SourceState, into dirt: inout Dirt) throws(WorkspaceError) {
        let info = program.table(t)
        let more: DataTable
        do {
            more = try CSVReader.loadAppended(path: state.path, from: state.byteLength, like: state.schema, interner: interner)
        } catch {
            throw WorkspaceError(error.description)
        }
        let added = try Workspace.columns(of: more, for: info, path: state.path)
        let table = evaluator.tables[t.index]
        let start = Int32(table.rowCount)
        for c in added.indices {
            var values = table.columns[c]
            table.columns[c] = .bool([])
            values.append(added[c])
            table.columns[c] = values
        }
        table.rowCount += more.rowCount
        var next = state
        next.byteLength = more.byteLength
        next.tail = SourceState.bytes(of: state.path, in: max(0, more.byteLength - 4096)..<more.byteLength) ?? []
        sourceStates[t.index] = next
        guard more.rowCount > 0 else { return }
        // The new rows are dirty in every column: `Evaluator.affected` reads them from here.
        dirt.appended[t.index] = start..<(start + Int32(more.rowCount))
    }
}

extension Values {
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
}
