// The incremental property at the REPL's level: random programs (ProgramGenerator.swift),
// random edit sequences typed as REPL commands — `set` of params, data cells and the as-of
// date, formulas defined and redefined (`table.column = …`), `undo`, `redo`, data files
// changed on disk then `reload`, commands that must fail — and after every command the
// session equals a fresh start on the equivalent files: a rule file with the formulas
// written in, data files with the cells written in, `--set` for the params and `--asof`.
// Compared: every cell with its missing reason and origin, flags and checks (through the
// engine), and what `show TABLE` and `flags` print.
//
// Deterministic from a seed. Environment:
//   VELO_REPL_PROPERTY_SEQUENCES=N   how many sequences run (default 100)
//   VELO_REPL_PROPERTY_SEED=N        replay one sequence, printing its commands

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine
@testable import VeloFrontend
import VeloSyntax

/// A REPL's output, captured.
private final class ReplCapture {
    var text = ""
    var console: Console { Console(out: { [self] in text += $0 }, err: { [self] in text += $0 }) }
    func take() -> String { defer { text = "" }; return text }
}

/// What the planner has changed, as the test keeps it: the state a fresh start must match.
private struct REPLOverlay: Equatable {
    var program: String
    var cells: [String: String] = [:]         // "sku|column" -> value text
    var params: [String: String] = [:]        // name -> value text
    var asOf: String? = nil
}

private final class REPLPropertyRun {
    let dir: String
    var data: IncData
    var gprogram: GProgram
    var overlay: REPLOverlay
    var undo: [REPLOverlay] = []
    var redo: [REPLOverlay] = []
    var log: [String] = []
    let capture = ReplCapture()
    let session: ReplSession

    init(seed: UInt64) {
        var r = IncRandom(state: seed)
        data = IncData.random(&r)
        var gen = ProgramGenerator(seed: r.next())
        gprogram = gen.program()
        gprogram.returnsDialect = false   // its data files are written plainly
        overlay = REPLOverlay(program: gprogram.text)
        dir = FileManager.default.temporaryDirectory.path + "/velo-repl-prop-\(seed)-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir + "/fresh", withIntermediateDirectories: true)
        Self.writeFiles(data, program: gprogram.text, to: dir)
        session = ReplSession(console: capture.console)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    static func writeFiles(_ d: IncData, program: String, to dir: String) {
        for (name, text) in [("sales", d.salesCSV), ("returns", d.returnsCSV), ("items", d.itemsCSV), ("stock", d.stockCSV)] {
            try! text.write(toFile: dir + "/\(name).csv", atomically: true, encoding: .utf8)
        }
        try! program.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
    }

    /// The data files with the overlay's cells written in.
    func equivalentData() -> IncData {
        var d = data
        for (key, value) in overlay.cells {
            let parts = key.split(separator: "|").map(String.init)
            guard let i = d.items.firstIndex(where: { $0.sku == parts[0] }) else { continue }
            switch parts[1] {
            case "moq": d.items[i].moq = value == "missing" ? nil : Int(value)
            case "case_pack": d.items[i].pack = Int(value)!
            case "lead": d.items[i].lead = Int(value)!
            default: d.items[i].launch = Int(CivilDate(iso: value)!.day - IncData.start)
            }
        }
        return d
    }

    /// Runs one command; whether it succeeded.
    func type(_ command: String) -> Bool {
        log.append(command)
        return session.execute(command)
    }

    /// A fresh session on the equivalent files, and the differences from the REPL's.
    func compare() -> [String] {
        let freshDir = dir + "/fresh"
        Self.writeFiles(equivalentData(), program: overlay.program, to: freshDir)
        let file = SourceFile(path: freshDir + "/plan.velo", text: overlay.program)
        guard let checked = RuleCompiler.compile(file).program else { return ["the equivalent rule file does not check:\n\(overlay.program)"] }
        var params: [String: Literal] = [:]
        for (name, text) in overlay.params {
            guard let p = checked.param(named: name) else { continue }
            guard case .success(let v) = ParamValue.parse(text, for: checked.params[p]) else { return ["param \(name) = \(text) does not parse"] }
            params[name] = v
        }
        let asOf = overlay.asOf.map { CivilDate(iso: $0)!.day }
        let fresh: Workspace
        do { fresh = try Workspace.open(checked, options: WorkspaceOptions(asOf: asOf, params: params)) } catch {
            return ["a fresh open failed: \(error)"]
        }
        var problems = session.workspace.invariantViolations().sorted().map { "invariant: \($0)" }
        problems += propertyDifferences(session.workspace, fresh)
        // What the planner reads: `show` of every table and `flags`, against a fresh session.
        let freshCapture = ReplCapture()
        let freshSession = ReplSession(console: freshCapture.console)
        let sets = overlay.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        guard freshSession.start(ReplOptions(file: freshDir + "/plan.velo", sets: sets, asOf: asOf)) == .ok else {
            return problems + ["a fresh session does not start:\n\(freshCapture.take())"]
        }
        _ = capture.take()
        _ = freshCapture.take()
        for command in checked.tables.filter({ !$0.isSource }).map({ "show \($0.name)" }) + ["flags"] {
            _ = session.execute(command)
            _ = freshSession.execute(command)
            let (a, b) = (capture.take(), freshCapture.take())
            if a != b { problems.append("`\(command)` differs:\n--- repl\n\(a)--- fresh\n\(b)") }
        }
        return problems
    }

    // MARK: Steps

    func record(_ next: REPLOverlay) {
        undo.append(overlay)
        redo = []
        overlay = next
    }

    /// One random command and what the overlay becomes; nil when the step found a problem.
    func step(_ r: inout IncRandom) -> String? {
        var next = overlay
        switch r.int(16) {
        case 0, 1:
            let p = r.pick(gprogram.params)
            var gen = ProgramGenerator(seed: r.next())
            var text = gen.paramText(p.type)
            // A percentage param takes percentages (a plain `3` is refused: "did you mean 3%?").
            if p.value.hasSuffix("%"), !text.hasSuffix("%") { text += "%" }
            next.params[p.name] = text
            guard type("set \(p.name) = \(text)") else { return "set \(p.name) failed:\n\(capture.take())" }
            record(next)
        case 2, 3, 4:
            let item = r.pick(data.items)
            let (column, value): (String, String)
            switch r.int(4) {
            case 0: (column, value) = ("moq", r.int(5) == 0 ? "missing" : "\(10 * r.int(8))")
            case 1: (column, value) = ("case_pack", "\([1, 6, 12][r.int(3)])")
            case 2: (column, value) = ("lead", "\(r.int(12))")
            default: (column, value) = ("launch", IncData.iso(data.lastDay + 5 - r.int(data.lastDay + 25)))
            }
            next.cells["\(item.sku)|\(column)"] = value
            guard type("set items.\(column)[\"\(item.sku)\"] = \(value)") else { return "set failed:\n\(capture.take())" }
            record(next)
        case 5, 6:
            let latest = r.int(4) == 0
            next.asOf = latest ? nil : IncData.iso(r.int(data.lastDay + 10) - 5)
            guard type("set asof = \(next.asOf ?? "latest")") else { return "set asof failed:\n\(capture.take())" }
            record(next)
        case 7, 8, 9:
            // A formula redefined or added, typed as `table.column = formula`.
            var gen = ProgramGenerator(seed: r.next())
            var candidate = gprogram
            let ti = r.int(candidate.tables.count)
            let ci: Int
            if r.int(2) == 0 {
                ci = r.int(candidate.tables[ti].columns.count)
                gen.regenerate(&candidate, table: ti, column: ci)
            } else {
                gen.addColumn(&candidate, table: ti)
                ci = candidate.tables[ti].columns.count - 1
            }
            let t = candidate.tables[ti], c = t.columns[ci]
            let checks = RuleCompiler.compile(SourceFile(path: dir + "/plan.velo", text: candidate.text)).program != nil
            let ok = type("\(t.name).\(c.name) = \(c.expr)")
            if ok != checks { return "`\(t.name).\(c.name) = …` \(ok ? "was accepted" : "was refused") but the rule file \(checks ? "checks" : "does not")\n\(capture.take())" }
            guard ok else { return nil }
            gprogram = candidate
            next.program = candidate.text
            record(next)
        case 10, 11:
            guard let previous = undo.popLast() else {
                return type("undo") ? "undo with nothing to undo succeeded" : nil
            }
            redo.append(overlay)
            overlay = previous
            guard type("undo") else { return "undo failed:\n\(capture.take())" }
            syncProgram()
        case 12:
            guard let following = redo.popLast() else {
                return type("redo") ? "redo with nothing to redo succeeded" : nil
            }
            undo.append(overlay)
            overlay = following
            guard type("redo") else { return "redo failed:\n\(capture.take())" }
            syncProgram()
        case 13, 14:
            // The files change on disk (rows appended, items rewritten, keys added), then `reload`.
            if r.int(2) == 0 {
                let day = r.int(3) == 0 ? r.int(data.lastDay + 1) : data.lastDay + r.int(3)
                for _ in 0..<(1 + r.int(3)) {
                    data.sales.append(IncData.Sale(day: day, sku: r.pick(data.items).sku, channel: r.pick(["web", "store"]), units: r.int(12)))
                }
                log.append("(sales.csv: rows appended on \(IncData.iso(day)))")
            } else {
                // Often an item a `set` changed, so undo after the reload has a new file value to restore.
                let touched = Set(overlay.cells.keys.compactMap { $0.split(separator: "|").first.map(String.init) })
                let candidates = data.items.indices.filter { touched.contains(data.items[$0].sku) }
                let i = !candidates.isEmpty && r.int(3) > 0 ? r.pick(candidates) : r.int(data.items.count)
                data.items[i].moq = 10 * r.int(8) + 1
                data.items[i].pack = [1, 6, 12][r.int(3)]
                data.items[i].lead = r.int(12)
                data.items[i].launch = data.lastDay - r.int(data.lastDay + 10)
                if r.int(3) == 0, !data.items.contains(where: { $0.sku == "S60" }) {
                    data.items.append(IncData.Item(sku: "S60", moq: 30, pack: 6, lead: 2, launch: data.lastDay - 3, cat: "b", active: true))
                }
                log.append("(items.csv rewritten)")
            }
            for (name, text) in [("sales", data.salesCSV), ("items", data.itemsCSV)] {
                try! text.write(toFile: dir + "/\(name).csv", atomically: true, encoding: .utf8)
            }
            guard type("reload") else { return "reload failed:\n\(capture.take())" }
        default:
            // Commands that must fail and change nothing.
            let command = r.pick(["set items.moq[\"S99\"] = 5", "set items.moq[\"S01\"] = lots", "set nope = 3",
                                  "set asof = 2024-13-40", "plan_x.y = 1", "\(gprogram.tables[0].name).zz = no_such_column + 1"])
            if type(command) { return "`\(command)` succeeded" }
        }
        return nil
    }

    /// After undo or redo the generator's program follows the overlay's rule text.
    func syncProgram() {
        // The overlay's text was produced from a GProgram; keep the structure that produced it.
        if let match = programs[overlay.program] { gprogram = match }
    }

    /// Every program text the sequence produced, with its structure.
    var programs: [String: GProgram] = [:]

    func run(steps: Int, seed: UInt64) -> String? {
        guard session.start(ReplOptions(file: dir + "/plan.velo")) == .ok else {
            return "the session does not start on the generated program:\n\(capture.take())"
        }
        programs[gprogram.text] = gprogram
        var r = IncRandom(state: seed ^ 0x5EED)
        for i in 0..<steps {
            if let problem = step(&r) { return "step \(i + 1): \(problem)" }
            programs[gprogram.text] = gprogram
            let problems = compare()
            if !problems.isEmpty { return "after step \(i + 1) (`\(log.last ?? "")`):\n" + problems.prefix(5).joined(separator: "\n") }
        }
        return nil
    }
}

@Suite struct REPLPropertyTests {
    static func seed(_ i: Int) -> UInt64 { UInt64(i) &* 0x2545_F491 &+ 99 }

    @Test func replSessionsEqualAFreshStartOnTheEquivalentFiles() {
        let env = ProcessInfo.processInfo.environment
        let seeds: [UInt64] = env["VELO_REPL_PROPERTY_SEED"].flatMap(UInt64.init).map { [$0] }
            ?? (0..<(env["VELO_REPL_PROPERTY_SEQUENCES"].flatMap(Int.init) ?? 100)).map(Self.seed)
        var failures: [String] = []
        var commands = 0, succeeded = 0
        for seed in seeds {
            let run = REPLPropertyRun(seed: seed)
            let problem = run.run(steps: 10, seed: seed)
            commands += run.log.count
            succeeded += run.undo.count + run.redo.count
            if seeds.count == 1 { print("=== seed \(seed)\n--- plan.velo\n\(run.gprogram.text)--- commands\n" + run.log.joined(separator: "\n")) }
            if let problem {
                failures.append("seed \(seed): \(problem)\n--- commands\n" + run.log.joined(separator: "\n") + "\n--- rule file\n" + run.overlay.program)
                if failures.count >= 3 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
        // The sequences must do something: most commands are edits that stay in the history.
        #expect(commands >= seeds.count * 8 && succeeded >= seeds.count * 3, "\(commands) commands, \(succeeded) edits kept")
        print("REPL property: \(seeds.count) sequences, \(commands) commands, \(succeeded) edits in the history at the end")
    }
}
