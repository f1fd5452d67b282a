// Turning workspace results into renderable tables.

import VeloCheck
import VeloEngine
import VeloRender

enum ResultTables {
    static func table(_ ws: Workspace, _ ref: TableRef) -> OutputTable {
        let info = ws.program.table(ref)
        let columns = info.columns.indices.map { c -> OutputColumn in
            let r = ws.column(ColumnRef(ref, c))
            let values: CellValues
            switch r.values {
            case .number(let v): values = .number(v)
            case .text(let v): values = .text(v)
            case .date(let v): values = .date(v)
            case .bool(let v): values = .bool(v)
            }
            return OutputColumn(name: r.name, values: values, missingReasons: ResultText.reasons(r.missingReasons), isKey: r.isKey,
                                unit: ws.program.units.label(ColumnRef(ref, c)) ?? (r.type == .duration ? "days" : nil))
        }
        return OutputTable(name: info.name, columns: columns, rowCount: ws.rowCount(ref))
    }

    /// Flags as a table: flag, severity, table, keys, message.
    static func flags(_ hits: [FlagHit]) -> OutputTable {
        OutputTable(name: "flags", columns: [
            OutputColumn(name: "flag", values: .text(hits.map(\.flag)), isKey: true),
            ResultTables.severityColumn(hits.map(\.severity)),
            OutputColumn(name: "table", values: .text(hits.map(\.table))),
            OutputColumn(name: "keys", values: .text(hits.map { ResultText.keys($0.keys) })),
            OutputColumn(name: "message", values: .text(hits.map { ResultText.message($0) })),
        ], rowCount: hits.count)
    }

    /// The severity of each flag hit, errors and warnings emphasised on a colour terminal.
    static func severityColumn(_ severities: [FlagSeverity]) -> OutputColumn {
        var c = OutputColumn(name: "severity", values: .text(severities.map(\.rawValue)))
        for (i, s) in severities.enumerated() {
            if s == .error { c.emphasis[i] = .error } else if s == .warning { c.emphasis[i] = .warning }
        }
        return c
    }
}
