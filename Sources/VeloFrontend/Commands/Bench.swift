// `velo bench` (hidden): times a full evaluation and incremental edits of a rule file, for
// Benchmarks/. Prints one JSON object.

import ArgumentParser
import VeloCheck
import VeloEngine

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time a full evaluation and incremental edits (for the benchmark scripts).",
        shouldDisplay: false)

    @ArgumentParser.Argument(help: "The rule file.")
    var file: String

    @Option(name: .customLong("source"), help: ArgumentHelp("Read a source table from another file.", valueName: "NAME=PATH"))
    var sources: [String] = []

    @Option(name: .customLong("set-after"), help: ArgumentHelp("A param edit to time after the full evaluation.", valueName: "NAME=VALUE"))
    var setAfter: String?

    @Option(name: .customLong("cell-after"), help: ArgumentHelp("A data cell edit to time after the others, as table.column[key]=number.", valueName: "EDIT"))
    var cellAfter: String?

    @Option(name: .customLong("append"), help: ArgumentHelp("Append this file's data lines to a source's file, then time re-reading it.", valueName: "NAME=PATH"))
    var append: String?

    func run() throws {
        let console = Console.standard()
        let overrides = try PlanInputs.sources(sources, console: console)
        let t0 = now()
        let (_, program) = try Frontend.loadProgram(file, sourceOverrides: overrides, console: console)
        // As `velo watch` opens it: rows no window reaches are not read.
        var options = WorkspaceOptions(sources: overrides)
        options.windowPushDown = WindowPushDown()
        options.keepsWindowSums = true
        let ws = try Frontend.open(program, options, console: console)
        let full = now() - t0
        var fields: [String] = ["\"full_s\": \(full)", "\"full_cells\": \(ws.stats.cellsEvaluated)"]
        for (name, seconds) in ws.stats.phases { fields.append("\"full_\(name)_s\": \(seconds)") }
        func cells(_ r: ChangeReport, in table: String) -> Int {
            r.recomputed.filter { ws.program.table($0.key.table).name == table }.map(\.value.count).reduce(0, +)
        }
        if let s = setAfter, let eq = s.firstIndex(of: "="), let p = program.param(named: String(s[..<eq])) {
            guard case .success(let v) = ParamValue.parse(String(s[s.index(after: eq)...]), for: program.params[p]) else {
                throw CommandFailure(.usage)
            }
            let t = now()
            let r = try ws.apply([.param(program.params[p].name, v)])
            fields.append("\"param_s\": \(now() - t)")
            fields.append("\"param_cells\": \(r.cellsEvaluated)")
            for table in program.tables where !table.isSource { fields.append("\"param_cells_\(table.name)\": \(cells(r, in: table.name))") }
        }
        if let a = append, let eq = a.firstIndex(of: "=") {
            let name = String(a[..<eq]), extra = String(a[a.index(after: eq)...])
            guard let target = ws.sourcePaths[name], let lines = Frontend.readFile(extra) else { throw CommandFailure(.usage) }
            // Skip the header line of the appended file.
            let body = lines.firstIndex(of: UInt8(ascii: "\n")).map { Array(lines[($0 + 1)...]) } ?? []
            guard let f = fopen(target, "ab") else { throw CommandFailure(.dataError) }
            _ = body.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
            fclose(f)
            let t = now()
            let r = try ws.apply([.source(name, path: nil)])
            fields.append("\"append_s\": \(now() - t)")
            fields.append("\"append_cells\": \(r.cellsEvaluated)")
            for (phase, seconds) in r.phases { fields.append("\"append_\(phase)_s\": \(seconds)") }
        }
        if let e = cellAfter, let open = e.firstIndex(of: "["), let close = e.firstIndex(of: "]"), let dot = e.firstIndex(of: "."),
           dot < open, let eq = e[close...].firstIndex(of: "="), let value = Double(e[e.index(after: eq)...]) {
            let table = String(e[..<dot]), column = String(e[e.index(after: dot)..<open])
            let key = String(e[e.index(after: open)..<close]).trimmingCharacters(in: ["\""])
            let t = now()
            let r = try ws.apply([.cell(table: table, column: column, keys: [key], value: .number(value))])
            fields.append("\"cell_s\": \(now() - t)")
            fields.append("\"cell_cells\": \(r.cellsEvaluated)")
            for (phase, seconds) in r.phases { fields.append("\"cell_\(phase)_s\": \(seconds)") }
        }
        console.out("{" + fields.joined(separator: ", ") + "}\n")
    }

    func now() -> Double { ReplClock.now() }
}
