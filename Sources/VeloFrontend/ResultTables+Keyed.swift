// Flags and check failures as tables for machines (CSV, JSON): each key of the flagged
// tables a column of its own (named like the key; empty where a row's table lacks it), and
// an empty result still has its header.

import VeloCheck
import VeloEngine
import VeloRender

extension ResultTables {
    /// The key names of `tables`, in order of first appearance.
    static func keyNames(_ program: CheckedProgram, tables: [String]) -> [String] {
        var names: [String] = []
        for t in tables {
            guard let ref = program.table(named: t) else { continue }
            for k in program.table(ref).keys where !names.contains(k) { names.append(k) }
        }
        return names
    }

    static func keyColumns(_ program: CheckedProgram, tables: [String], keys: [[CellValue]]) -> [OutputColumn] {
        let names = keyNames(program, tables: tables)
        return names.map { name in
            OutputColumn(name: name, values: .text(zip(tables, keys).map { table, values -> String? in
                guard let ref = program.table(named: table), let i = program.table(ref).keys.firstIndex(of: name), i < values.count else { return nil }
                return ResultText.key(values[i])
            }))
        }
    }

    /// Flags with one column per key: flag, severity, table, KEYS..., message.
    static func flags(_ hits: [FlagHit], program: CheckedProgram) -> OutputTable {
        let tables = hits.isEmpty ? program.flags.map { program.table($0.table).name } : hits.map(\.table)
        var columns = [
            OutputColumn(name: "flag", values: .text(hits.map(\.flag)), isKey: true),
            severityColumn(hits.map(\.severity)),
            OutputColumn(name: "table", values: .text(hits.map(\.table))),
        ]
        let keyCols = keyColumns(program, tables: hits.map(\.table), keys: hits.map(\.keys))
        columns += hits.isEmpty ? keyNames(program, tables: tables).map { OutputColumn(name: $0, values: .text([])) } : keyCols
        columns.append(OutputColumn(name: "message", values: .text(hits.map { ResultText.message($0) })))
        return OutputTable(name: "flags", columns: columns, rowCount: hits.count)
    }

    /// Failing check rows: check, table, KEYS..., detail.
    static func checks(_ failures: [CheckFailure], program: CheckedProgram) -> OutputTable {
        let tables = failures.isEmpty ? program.checks.map { program.table($0.table).name } : failures.map(\.table)
        var columns = [
            OutputColumn(name: "check", values: .text(failures.map(\.check)), isKey: true),
            OutputColumn(name: "table", values: .text(failures.map(\.table))),
        ]
        columns += failures.isEmpty ? keyNames(program, tables: tables).map { OutputColumn(name: $0, values: .text([])) }
            : keyColumns(program, tables: failures.map(\.table), keys: failures.map(\.keys))
        columns.append(OutputColumn(name: "detail", values: .text(failures.map { ResultText.detail($0) })))
        return OutputTable(name: "checks", columns: columns, rowCount: failures.count)
    }
}
