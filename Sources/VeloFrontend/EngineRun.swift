// `velo run --engine duckdb|postgres|spark`: the plan compiled to SQL, run on the engine, and its
// rows turned into the same tables, flags and check failures the native engine gives (rows
// sorted by their typed keys, as the native engine sorts them).

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSQL

struct EngineResults {
    var tables: [TableRef: OutputTable]
    var flags: [FlagHit]
    var failures: [CheckFailure]
}

enum EngineRun {
    /// The files the rule file is checked against: with `--source-table`, a sample of each table.
    static func sourcesToCheck(_ request: RunRequest, sources: [String: String], console: Console) throws(CommandFailure) -> [String: String] {
        guard let engine = request.engine, let dialect = SQLDialect(rawValue: engine), !request.sourceTables.isEmpty else { return sources }
        var out = sources
        let names = request.sourceTables.compactMap { s in s.firstIndex(of: "=").map { String(s[..<$0]) } }
        try CompileFrontend.requireSources(names, of: request.file, console: console)
        for s in request.sourceTables {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex, s.index(after: eq) != s.endIndex else {
                console.err("velo: --source-table needs NAME=TABLE (e.g. sales=public.sales), found `\(s)`\n")
                throw CommandFailure(.usage)
            }
            out[String(s[..<eq])] = try CompileFrontend.sample(String(s[s.index(after: eq)...]), dialect: dialect,
                                                               database: request.database, console: console)
        }
        return out
    }

    static func run(_ program: CheckedProgram, request: RunRequest, dialect: SQLDialect, asOf: Int32?, params: [String: Literal],
                    sources: [String: String], console: Console) throws(CommandFailure) -> EngineResults {
        var tables: [String: String] = [:]
        for s in request.sourceTables {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex, s.index(after: eq) != s.endIndex else {
                console.err("velo: --source-table needs NAME=TABLE (e.g. sales=public.sales), found `\(s)`\n")
                throw CommandFailure(.usage)
            }
            let name = String(s[..<eq])
            guard program.table(named: name).map({ program.table($0).isReadSource }) ?? false else {
                console.err("velo: --source-table: `\(name)` is not a source table of \(request.file)\n")
                throw CommandFailure(.usage)
            }
            tables[name] = String(s[s.index(after: eq)...])
        }
        let options = SQLOptions(dialect: dialect, asOf: asOf, params: params, sourcePaths: sources, sourceTables: tables, temporary: !request.writeBack)
        let engine = SQLEngineOptions(connection: request.database ?? "", sparkMaster: request.sparkMaster)
        return try run(program, options: options, engine: engine, console: console)
    }

    static func run(_ program: CheckedProgram, options: SQLOptions, engine: SQLEngineOptions,
                    console: Console) throws(CommandFailure) -> EngineResults {
        let script = try CompileFrontend.compile(program, options: options, console: console)
        let results: [[[SQLValue]]]
        do {
            results = try SQLRunner.run(script, options: engine)
        } catch {
            console.err("velo: \(error.message)\n")
            throw CommandFailure(.dataError)
        }
        var out = EngineResults(tables: [:], flags: [], failures: [])
        for (query, rows) in zip(script.queries, results) {
            let sorted = sortedByKeys(rows, keyCount: query.keyCount, types: query.types)
            switch query.purpose {
            case .table(let t):
                out.tables[t] = table(program, t, rows: sorted)
            case .flag(let i):
                let flag = program.flags[i]
                let info = program.table(flag.table)
                for (r, row) in sorted.enumerated() {
                    var pieces: [FlagMessagePiece] = []
                    var k = query.keyCount
                    for part in flag.message {
                        switch part {
                        case .text(let s): pieces.append(.text(s))
                        case .value(let e, let format):
                            pieces.append(.value(ShownValue(cell(row[k]), type: e.type, format: format)))
                            k += 1
                        }
                    }
                    out.flags.append(FlagHit(flag.name, severity: flag.severity, table: info.name, row: r,
                                             keys: row.prefix(query.keyCount).map(cell), message: pieces))
                }
            case .check(let i):
                let check = program.checks[i]
                let info = program.table(check.table)
                let shown = check.shownColumns
                for (r, row) in sorted.enumerated() {
                    let cells = shown.enumerated().map { j, c in
                        CheckedCell(ColumnRef(check.table, c), name: info.columns[c].name,
                                    value: ShownValue(cell(row[query.keyCount + j]), type: info.columns[c].type))
                    }
                    out.failures.append(CheckFailure(check.name, table: info.name, row: r,
                                                     keys: row.prefix(query.keyCount).map(cell), condition: check.source, values: cells))
                }
            }
        }
        return out
    }

    static func cell(_ v: SQLValue) -> CellValue {
        switch v {
        case .null: return .missing(nil as MissingReason?)
        case .number(let x): return .number(x)
        case .text(let s): return .text(s)
        case .date(let d): return .date(d)
        case .bool(let b): return .bool(b)
        }
    }

    static func sortedByKeys(_ rows: [[SQLValue]], keyCount: Int, types: [VType]) -> [[SQLValue]] {
        guard keyCount > 0 else { return rows }
        func less(_ a: SQLValue, _ b: SQLValue) -> Bool? {
            switch (a, b) {
            case (.number(let x), .number(let y)): return x == y ? nil : x < y
            case (.text(let x), .text(let y)): return x == y ? nil : x < y
            case (.date(let x), .date(let y)): return x == y ? nil : x < y
            case (.bool(let x), .bool(let y)): return x == y ? nil : !x
            case (.null, .null): return nil
            case (.null, _): return false
            case (_, .null): return true
            default: return nil
            }
        }
        return rows.sorted { a, b in
            for k in 0..<keyCount { if let l = less(a[k], b[k]) { return l } }
            return false
        }
    }

    static func table(_ program: CheckedProgram, _ t: TableRef, rows: [[SQLValue]]) -> OutputTable {
        let info = program.table(t)
        let columns = info.columns.enumerated().map { c, col -> OutputColumn in
            let values: CellValues
            switch col.type.base {
            case .number, .duration, .unknown:
                values = .number(rows.map { if case .number(let x) = $0[c] { return x } else { return .nan } })
            case .text:
                values = .text(rows.map { if case .text(let s) = $0[c] { return s } else { return nil } })
            case .date:
                values = .date(rows.map { if case .date(let d) = $0[c] { return d } else { return Int32.min } })
            case .bool:
                values = .bool(rows.map { if case .bool(let b) = $0[c] { return b ? 1 : 0 } else { return 2 } })
            }
            var isKey = false
            if case .key = col.kind { isKey = true }
            return OutputColumn(name: col.name, values: values, isKey: isKey,
                                unit: program.units.label(ColumnRef(t, c)) ?? (col.type == .duration ? "days" : nil))
        }
        return OutputTable(name: info.name, columns: columns, rowCount: rows.count)
    }
}
