// The "open sources" stage: every source table's reader, its rows read with the column
// types the program was checked with, and each derived table as an empty shell for the
// evaluator to fill. A rule edit (`previous`) keeps the data of sources whose declaration
// and path are unchanged.

import VeloCheck
import VeloData

/// The data of a program's sources, before anything is evaluated.
public struct OpenedSources {
    let interner: Interner
    let tables: [RuntimeTable]
    let states: [Int: SourceState]
    /// Sources read now (not kept from a previous workspace).
    let fresh: Set<Int>
    /// How long reading took.
    let seconds: Double

    /// Reads the sources of `program` (the params are checked first: an unknown `--set`
    /// name is reported before any file is read).
    /// `graph`: the program's, when already built (for the window push-down).
    public static func open(_ program: CheckedProgram, options: WorkspaceOptions, graph: EvaluationGraph? = nil,
                            previous: Workspace? = nil) throws(WorkspaceError) -> OpenedSources {
        for name in options.params.keys where program.param(named: name) == nil {
            throw WorkspaceError.unknownParam(name, candidates: program.params.map(\.name))
        }
        let interner = previous?.interner ?? Interner()
        var clock = Clock()
        var tables: [RuntimeTable] = []
        var states: [Int: SourceState] = [:]
        var fresh = Set<Int>()
        let readOptions = Workspace.readOptions(program, graph: graph, options: options)
        for (i, info) in program.tables.enumerated() {
            guard let source = info.source, source.base == nil else {
                // A derived table is filled by the evaluator, a filtered event table below.
                tables.append(RuntimeTable(ref: TableRef(i), rowCount: 0, columns: info.columns.map { Values.missing($0.type, count: 0) }))
                continue
            }
            let given = options.readers[info.name]
            let path = given?.label ?? options.sources[info.name] ?? source.resolvedPath
            let read = readOptions[i] ?? Workspace.readOptions(info)
            if given == nil, let previous, let (state, reused) = previous.reusableSource(info, path: path, newFile: program.file),
               state.options.window == nil || state.options.window == read.window {
                states[i] = state
                tables.append(RuntimeTable(ref: TableRef(i), rowCount: reused.rowCount, columns: reused.columns))
                continue
            }
            guard let reader = given ?? SourceReaders.reader(kind: source.reader, location: path, settings: source.settings) else {
                throw WorkspaceError.unknownReader(table: info.name, reader: source.reader)
            }
            let (rows, columns) = try Workspace.loadSource(info, reader: reader, options: read, program: program, interner: interner)
            fresh.insert(i)
            states[i] = SourceState(reader: reader, read: rows, options: read)
            tables.append(RuntimeTable(ref: TableRef(i), rowCount: rows.table.rowCount, columns: columns))
        }
        Workspace.fillFilteredTables(tables, fresh: &fresh, program: program, interner: interner)
        return OpenedSources(interner: interner, tables: tables, states: states, fresh: fresh, seconds: clock.lap())
    }
}
