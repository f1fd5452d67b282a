// The property every incremental step rests on, over the whole language:
//
//   after any sequence of edits, the incremental workspace equals a fresh evaluation of the
//   same rule file, data files, params and as-of date — every cell of every table (values,
//   and for missing cells their reason and origin), the as-of date, every flag hit with its
//   message and every check failure with its values — and `invariantViolations()` is empty.
//
// Programs come from ProgramGenerator.swift (every expression kind, builtin, aggregate and
// window form); edits are every kind an engine user can make: params (valid, unknown, of the
// wrong type), data cells on present keys (and on absent keys or with a wrong value, which
// must fail and change nothing), a failing batch (all or nothing), the as-of date backwards,
// forwards and back to following the data, appends on old, the latest and new days, keyed
// files rewritten with changed values and dates and added and removed keys, event files
// rewritten, and rule edits (`Workspace.reopen`).
//
// Deterministic from a seed. Environment:
//   VELO_PROPERTY_SEQUENCES=N   how many sequences run (default 1,000)
//   VELO_PROPERTY_STEPS=N       edits per sequence (default 8)
//   VELO_PROPERTY_SEED=N[,M…]   replay these sequences with their logs, shrinking each failure
//   VELO_PROPERTY_SURVEY=1      no shrinking: one line per failing sequence (the edit kind and
//                               the first difference), to sort failures into distinct bugs
//   VELO_PROPERTY_SKIP=a,b      leave these edit kinds (`StepKind` names) out of sequences
//   VELO_PROPERTY_ALL=1         do not stop after 25 failing sequences
// A failure prints the seed, then the case shrunk (edits, formulas, parts of formulas, flags,
// checks, params, tables and data rows dropped) to a small one that still fails: the data
// files, the rule file and the edits as a person would type them.

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine
import VeloFrontend
import VeloSyntax

// MARK: - Edits as intents

/// The kinds of edit a sequence is made of.
enum StepKind: CaseIterable {
    case param, badParam, cell, cellAbsentKey, cellBadValue, failingBatch, badRewrite
    case asOfBack, asOfForward, asOfFollow
    case appendOldDay, appendLastDay, appendNewDay, rewriteKeyed, rewriteEvents, rule

    /// Relative frequency in generated sequences.
    var weight: Int {
        switch self {
        case .param, .cell, .rule, .rewriteKeyed: return 4
        case .appendLastDay, .appendNewDay, .appendOldDay, .asOfBack, .asOfForward: return 3
        case .asOfFollow, .rewriteEvents: return 2
        case .badParam, .cellAbsentKey, .cellBadValue, .failingBatch, .badRewrite: return 1
        }
    }

    /// Kinds left out of generated sequences: VELO_PROPERTY_SKIP=failingBatch,asOfBack (to
    /// look for other bugs while a frequent one is open). Empty by default.
    static let skipped: Set<String> = Set((ProcessInfo.processInfo.environment["VELO_PROPERTY_SKIP"] ?? "")
        .split(separator: ",").map { String($0).trimmingWhitespace() })

    static func random(_ r: inout IncRandom) -> StepKind {
        let kinds = allCases.filter { !skipped.contains("\($0)") }
        var n = r.int(kinds.map(\.weight).reduce(0, +))
        for k in kinds {
            if n < k.weight { return k }
            n -= k.weight
        }
        return .param
    }
}

/// One edit of a sequence: its kind, and a seed for its choices, made against the state it
/// meets (so a sequence with edits dropped still makes sense).
struct StepIntent {
    var kind: StepKind
    var seed: UInt64
}

/// A whole test case: data, program and edits.
struct PropertyCase {
    var seed: UInt64
    var data: IncData
    var program: GProgram
    var steps: [StepIntent]

    static func random(seed: UInt64, steps: Int) -> PropertyCase {
        var r = IncRandom(state: seed)
        let data = IncData.random(&r)
        var gen = ProgramGenerator(seed: r.next())
        let program = gen.program()
        let intents = (0..<steps).map { _ in StepIntent(kind: StepKind.random(&r), seed: r.next()) }
        return PropertyCase(seed: seed, data: data, program: program, steps: intents)
    }
}

/// What running a case found.
struct PropertyOutcome {
    /// The first problem; nil when every step agreed.
    var failure: String?
    /// A generated program that does not check: a bug of the generator, not of the engine.
    var generatorBug = false
    /// What each step did, as a person would type it.
    var log: [String] = []
    /// The step that failed.
    var failedStep: Int?
    /// The rule file when the failure happened.
    var rules = ""
    /// The first open left out rows no window reaches (the window push-down).
    var readWithWindow = false
    /// Window values the incremental workspace computed from running sums moved along.
    var windowValuesFollowed = 0
}

// MARK: - Running a case

final class PropertyRun: @unchecked Sendable {
    let dir: String
    var data: IncData
    var program: GProgram
    var params: [String: Literal] = [:]
    var asOf: Int32? = nil
    var checked: CheckedProgram!

    init(_ c: PropertyCase) {
        dir = FileManager.default.temporaryDirectory.path + "/velo-prop-\(c.seed)-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        data = c.data
        program = c.program
        for name in ["sales", "returns", "items", "stock"] { write(name) }
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func text(_ name: String) -> String {
        switch name {
        case "sales": return data.salesCSV
        case "returns": return program.returnsDialect ? GSchema.dialectReturns(data.returnsCSV) : data.returnsCSV
        case "items": return data.itemsCSV
        default: return data.stockCSV
        }
    }

    func write(_ name: String) {
        try! text(name).write(toFile: dir + "/\(name).csv", atomically: false, encoding: .utf8)
    }

    func append(_ name: String, _ lines: String) {
        let h = FileHandle(forWritingAtPath: dir + "/\(name).csv")!
        h.seekToEndOfFile()
        let written = name == "returns" && program.returnsDialect ? GSchema.dialectReturns(lines) : lines
        h.write(written.data(using: .utf8)!)
        h.closeFile()
    }

    /// Compiles the current program; nil (with the diagnostics) when it does not check.
    func compile() -> (CheckedProgram?, String) {
        let file = SourceFile(path: dir + "/plan.velo", text: program.text)
        let (checked, diagnostics) = RuleCompiler.compile(file)
        return (checked, diagnostics.map { "\($0.code): \($0.message)" }.joined(separator: "\n"))
    }

    /// The params a fresh run gets: those set by hand that the program still has.
    var effectiveParams: [String: Literal] {
        params.filter { checked.param(named: $0.key) != nil }
    }

    static func run(_ c: PropertyCase) -> PropertyOutcome {
        let world = PropertyRun(c)
        var out = PropertyOutcome()
        let (first, errors) = world.compile()
        guard let first else {
            out.failure = "the generated program does not check:\n\(errors)"
            out.generatorBug = true
            out.rules = world.program.text
            return out
        }
        world.checked = first
        var ws: Workspace
        // Every other sequence starts from a run that reads only the rows its windows reach
        // (the window push-down): edits, appends and as-of changes must still agree with a
        // fresh run over every row.
        var options = WorkspaceOptions()
        if c.seed % 2 == 1 { options.windowPushDown = WindowPushDown() }
        // Two of three follow as-of windows by running sums (WindowSums.swift); the fresh
        // workspace compared against never does.
        options.keepsWindowSums = c.seed % 3 != 0
        do { ws = try Workspace.open(first, options: options) } catch {
            out.failure = "the first open failed: \(error)"
            out.generatorBug = true
            return out
        }
        out.readWithWindow = !ws.readWindows.isEmpty
        for (i, step) in c.steps.enumerated() {
            let before = world.program.text
            do {
                let (line, next) = try world.perform(step, on: ws)
                out.log.append(line)
                ws = next
            } catch let e as GeneratorBug {
                out.failure = e.message
                out.generatorBug = true
                out.failedStep = i
                out.rules = before
                return out
            } catch {
                out.log.append("(\(error))")
                out.failure = "step \(i + 1) failed: \(error)"
                out.failedStep = i
                out.rules = world.program.text
                return out
            }
            let problems = world.compare(ws)
            if !problems.isEmpty {
                out.failure = problems.joined(separator: "\n")
                out.failedStep = i
                out.rules = world.program.text
                return out
            }
        }
        out.rules = world.program.text
        out.windowValuesFollowed = ws.windowValuesFollowed
        return out
    }

    struct GeneratorBug: Error { var message: String }
    struct Unexpected: Error, CustomStringConvertible { var description: String }

    /// Everything that differs between the incremental workspace and a fresh one.
    func compare(_ ws: Workspace) -> [String] {
        var problems = ws.invariantViolations().sorted().map { "invariant: \($0)" }
        let fresh: Workspace
        do {
            fresh = try Workspace.open(checked, options: WorkspaceOptions(asOf: asOf, params: effectiveParams))
        } catch {
            return problems + ["a fresh open failed: \(error)"]
        }
        problems += propertyDifferences(ws, fresh)
        return problems
    }

    // MARK: Steps

    /// Performs one step; returns its description and the workspace after it.
    func perform(_ step: StepIntent, on ws: Workspace) throws -> (String, Workspace) {
        var r = IncRandom(state: step.seed)
        switch step.kind {
        case .param:
            let p = r.pick(program.params)
            let value = paramValue(p.type, &r)
            params[p.name] = value
            _ = try ws.apply([.param(p.name, value)])
            return ("set \(p.name) = \(show(value))", ws)
        case .badParam:
            let p = r.pick(program.params)
            let edit: Edit
            if r.int(2) == 0 {
                edit = .param("no_such_param", .number(1))
            } else {
                edit = .param(p.name, p.type == .text ? .number(1) : .text("x"))
            }
            return (try expectFailure([edit], ws), ws)
        case .cell:
            let (edit, line) = cellEdit(&r)
            _ = try ws.apply([edit])
            return (line, ws)
        case .cellAbsentKey:
            let edit: Edit = r.int(2) == 0
                ? .cell(table: "items", column: r.pick(["moq", "lead", "launch"]), keys: ["S88"], value: .number(5))
                : .cell(table: "stock", column: "on_hand", keys: [r.pick(data.stock).sku, "fax"], value: .number(5))
            if case .cell(_, "launch", _, _) = edit {
                return (try expectFailure([.cell(table: "items", column: "launch", keys: ["S88"], value: .date(IncData.start))], ws), ws)
            }
            return (try expectFailure([edit], ws), ws)
        case .cellBadValue:
            let item = r.pick(data.items)
            let edit: Edit
            switch r.int(4) {
            case 0: edit = .cell(table: "items", column: "moq", keys: [item.sku], value: .text("lots"))
            case 1: edit = .cell(table: "items", column: "sku", keys: [item.sku], value: .text("S42"))
            case 2: edit = .cell(table: "sales", column: "units", keys: [item.sku], value: .number(1))
            default: edit = .cell(table: "items", column: "launch", keys: [item.sku], value: .number(3))
            }
            return (try expectFailure([edit], ws), ws)
        case .failingBatch:
            // A valid param edit, then one that fails: the batch must change nothing.
            let p = r.pick(program.params)
            let value = paramValue(p.type, &r)
            let edits: [Edit] = [.param(p.name, value), .cell(table: "items", column: "moq", keys: ["S88"], value: .number(5))]
            return (try expectFailure(edits, ws), ws)
        case .badRewrite:
            // items.csv gets a repeated key (as a half-written file might): reading it fails, and
            // must change nothing, also for a valid append read in the same batch (as `velo
            // watch` reads several changed files at once). The files are then put back.
            var edits: [Edit] = []
            var line = ""
            if r.int(2) == 0 {
                let x = IncData.Sale(day: data.lastDay + r.int(2), sku: r.pick(data.items).sku, channel: "web", units: 1 + r.int(9))
                append("sales", IncData.line(x))
                edits.append(.source("sales", path: nil))
                line = "append to sales.csv: \(IncData.line(x).dropLast()); "
            }
            let dup = r.pick(data.items)
            try! (data.itemsCSV + "\(dup.sku),1,1,1,\(IncData.iso(0)),a,true\n").write(toFile: dir + "/items.csv", atomically: false, encoding: .utf8)
            edits.append(.source("items", path: nil))
            line += "items.csv gets a second row for \(dup.sku); "
            defer {
                write("items")
                write("sales")
            }
            let failed = try expectFailure(edits, ws)
            return (line + failed + "; then both files are put back", ws)
        case .asOfBack:
            let day = data.lastDay - 1 - r.int(8)
            asOf = IncData.start + Int32(day)
            _ = try ws.apply([.asOf(asOf)])
            return ("set asof = \(IncData.iso(day))", ws)
        case .asOfForward:
            let day = data.lastDay + 1 + r.int(8)
            asOf = IncData.start + Int32(day)
            _ = try ws.apply([.asOf(asOf)])
            return ("set asof = \(IncData.iso(day))", ws)
        case .asOfFollow:
            asOf = nil
            _ = try ws.apply([.asOf(nil)])
            return ("set asof = (the data's latest date)", ws)
        case .appendOldDay, .appendLastDay, .appendNewDay:
            let last = data.lastDay
            let day: Int
            switch step.kind {
            case .appendOldDay: day = r.int(max(1, last))
            case .appendLastDay: day = last
            default: day = last + 1 + r.int(3)
            }
            let skus = data.items.map(\.sku) + ["S01", "S02", "S99"]
            var lines = ""
            let name: String
            if r.int(4) == 0 {
                name = "returns"
                for _ in 0..<(1 + r.int(2)) {
                    let x = IncData.Return(day: day, sku: r.pick(skus), qty: 1 + r.int(4))
                    data.returns.append(x)
                    lines += IncData.line(x)
                }
            } else {
                name = "sales"
                for _ in 0..<(1 + r.int(3)) {
                    let x = IncData.Sale(day: day, sku: r.pick(skus), channel: r.pick(["web", "store"]), units: r.int(15) - 1)
                    data.sales.append(x)
                    lines += IncData.line(x)
                }
            }
            append(name, lines)
            _ = try ws.apply([.source(name, path: nil)])
            return ("append to \(name).csv:\n" + lines.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"), ws)
        case .rewriteKeyed:
            let line = r.int(3) > 0 ? rewriteItems(&r) : rewriteStock(&r)
            _ = try ws.apply([.source(line.0, path: nil)])
            return (line.1, ws)
        case .rewriteEvents:
            let line = rewriteEvents(&r)
            _ = try ws.apply([.source(line.0, path: nil)])
            return (line.1, ws)
        case .rule:
            var gen = ProgramGenerator(seed: r.next())
            let old = program.text
            let what = gen.edit(&program)
            let (next, errors) = compile()
            guard let next else {
                throw GeneratorBug(message: "a rule edit (\(what)) gives a program that does not check:\n\(errors)\n\(program.text)")
            }
            checked = next
            let reopened = try Workspace.reopen(next, previous: ws)
            // A param set by hand that the program lost is forgotten.
            params = params.filter { next.param(named: $0.key) != nil }
            return ("rule edit (\(what)):\n" + lineDiff(old, program.text), reopened)
        }
    }

    /// Applies edits that must fail, and checks that they did.
    func expectFailure(_ edits: [Edit], _ ws: Workspace) throws -> String {
        let line = "apply \(edits.map(describe).joined(separator: "; ")) (must fail)"
        do {
            _ = try ws.apply(edits)
        } catch {
            return line + ": \(error)"
        }
        throw Unexpected(description: "\(line) succeeded")
    }

    func describe(_ e: Edit) -> String {
        switch e {
        case .param(let n, let v): return "set \(n) = \(show(v))"
        case .cell(let t, let c, let k, let v): return "set \(t).\(c)[\(k.map { "\"\($0)\"" }.joined(separator: ", "))] = \(show(v))"
        case .source(let n, _): return "reload \(n)"
        case .asOf(let d): return "set asof = \(d.map { CivilDate(day: $0).iso } ?? "latest")"
        }
    }

    func paramValue(_ t: GType, _ r: inout IncRandom) -> Literal {
        if r.int(12) == 0 { return .missing(reason: r.int(2) == 0 ? nil : "unknown yet") }
        switch t {
        case .number: return .number(Double(r.int(30) - 3) / Double(1 + r.int(4)))
        case .duration: return .duration(Double(r.int(15)))
        case .date: return .date(IncData.start + Int32(r.int(40) - 5))
        case .bool: return .bool(r.int(2) == 0)
        case .text: return .text(r.pick(["web", "store", "S01", "S02"]))
        }
    }

    /// A data cell set on a key that exists; the file is written to match.
    func cellEdit(_ r: inout IncRandom) -> (Edit, String) {
        if r.int(4) == 0 {
            let i = r.int(data.stock.count)
            let v = r.int(50)
            data.stock[i].onHand = v
            write("stock")
            let s = data.stock[i]
            return (.cell(table: "stock", column: "on_hand", keys: [s.sku, s.channel], value: .number(Double(v))),
                    "set stock.on_hand[\"\(s.sku)\", \"\(s.channel)\"] = \(v)")
        }
        let i = r.int(data.items.count)
        let sku = data.items[i].sku
        let edit: Edit
        let text: String
        switch r.int(6) {
        case 0:
            let v = 10 * r.int(8)
            data.items[i].moq = v
            (edit, text) = (.cell(table: "items", column: "moq", keys: [sku], value: .number(Double(v))), "\(v)")
        case 1:
            let v = [1, 6, 12, 0][r.int(4)]
            data.items[i].pack = v
            (edit, text) = (.cell(table: "items", column: "case_pack", keys: [sku], value: .number(Double(v))), "\(v)")
        case 2:
            let v = r.int(12)
            data.items[i].lead = v
            (edit, text) = (.cell(table: "items", column: "lead", keys: [sku], value: .number(Double(v))), "\(v)")
        case 3:
            let v = r.pick(["a", "b", "c"])
            data.items[i].cat = v
            (edit, text) = (.cell(table: "items", column: "cat", keys: [sku], value: .text(v)), "\"\(v)\"")
        case 4:
            let v = r.int(2) == 0
            data.items[i].active = v
            (edit, text) = (.cell(table: "items", column: "active", keys: [sku], value: .bool(v)), "\(v)")
        default:
            // A date cell: moves `from items in last N days` and windows over items.
            let v = data.lastDay + 5 - r.int(data.lastDay + 25)
            data.items[i].launch = v
            (edit, text) = (.cell(table: "items", column: "launch", keys: [sku], value: .date(IncData.start + Int32(v))), IncData.iso(v))
        }
        write("items")
        guard case .cell(_, let column, _, _) = edit else { fatalError() }
        return (edit, "set items.\(column)[\"\(sku)\"] = \(text)")
    }

    /// items.csv rewritten: values and dates changed, a key added or removed, rows reordered.
    func rewriteItems(_ r: inout IncRandom) -> (String, String) {
        var notes: [String] = []
        if r.int(3) == 0, data.items.count > 1 {
            let gone = data.items.remove(at: r.int(data.items.count))
            notes.append("- \(gone.sku)")
        }
        if r.int(3) == 0 {
            let sku = r.pick(["S01", "S02", "S03", "S04", "S05", "S60"])
            if !data.items.contains(where: { $0.sku == sku }) {
                data.items.append(IncData.Item(sku: sku, moq: 30, pack: 6, lead: 2, launch: data.lastDay - r.int(20), cat: "b", active: true))
                notes.append("+ \(sku)")
            }
        }
        for _ in 0..<(1 + r.int(2)) {
            let i = r.int(data.items.count)
            switch r.int(4) {
            case 0:
                data.items[i].lead = r.int(12)
                notes.append("\(data.items[i].sku).lead = \(data.items[i].lead)")
            case 1:
                data.items[i].moq = r.int(6) == 0 ? nil : 10 * r.int(8)
                notes.append("\(data.items[i].sku).moq = \(data.items[i].moq.map(String.init) ?? "(empty)")")
            default:
                data.items[i].launch = data.lastDay + 5 - r.int(data.lastDay + 25)
                notes.append("\(data.items[i].sku).launch = \(IncData.iso(data.items[i].launch))")
            }
        }
        if r.int(4) == 0 {
            data.items.reverse()
            notes.append("rows reversed")
        }
        write("items")
        return ("items", "rewrite items.csv (\(notes.joined(separator: ", "))), reload items")
    }

    /// stock.csv rewritten: a count changed, a key added or removed.
    func rewriteStock(_ r: inout IncRandom) -> (String, String) {
        var notes: [String] = []
        if r.int(3) == 0, data.stock.count > 1 {
            let gone = data.stock.remove(at: r.int(data.stock.count))
            notes.append("- \(gone.sku), \(gone.channel)")
        }
        if r.int(3) == 0 {
            let sku = r.pick(["S01", "S02", "S03", "S61"]), channel = r.pick(["web", "store"])
            if !data.stock.contains(where: { $0.sku == sku && $0.channel == channel }) {
                data.stock.append(IncData.Stock(sku: sku, channel: channel, onHand: r.int(30)))
                notes.append("+ \(sku), \(channel)")
            }
        }
        let i = r.int(data.stock.count)
        data.stock[i].onHand = r.int(8) == 0 ? nil : r.int(40)
        notes.append("\(data.stock[i].sku), \(data.stock[i].channel): on_hand = \(data.stock[i].onHand.map(String.init) ?? "(empty)")")
        write("stock")
        return ("stock", "rewrite stock.csv (\(notes.joined(separator: ", "))), reload stock")
    }

    /// An event file rewritten (not an append): a row changed, removed or inserted.
    func rewriteEvents(_ r: inout IncRandom) -> (String, String) {
        if r.int(3) == 0 || data.sales.count < 2 {
            if !data.returns.isEmpty && r.int(2) == 0 {
                let i = r.int(data.returns.count)
                let gone = data.returns.remove(at: i)
                write("returns")
                return ("returns", "rewrite returns.csv (row \(i + 1) removed: \(IncData.line(gone).dropLast())), reload returns")
            }
            let x = IncData.Return(day: r.int(data.lastDay + 1), sku: r.pick(data.items).sku, qty: 1 + r.int(3))
            data.returns.insert(x, at: r.int(data.returns.count + 1))
            write("returns")
            return ("returns", "rewrite returns.csv (row inserted: \(IncData.line(x).dropLast())), reload returns")
        }
        let i = r.int(data.sales.count)
        switch r.int(3) {
        case 0:
            let old = data.sales[i].units
            data.sales[i].units = r.int(15)
            write("sales")
            return ("sales", "rewrite sales.csv (row \(i + 1): units \(old) -> \(data.sales[i].units)), reload sales")
        case 1:
            let gone = data.sales.remove(at: i)
            write("sales")
            return ("sales", "rewrite sales.csv (row \(i + 1) removed: \(IncData.line(gone).dropLast())), reload sales")
        default:
            let old = data.sales[i].day
            data.sales[i].day = r.int(data.lastDay + 1)
            write("sales")
            return ("sales", "rewrite sales.csv (row \(i + 1): date \(IncData.iso(old)) -> \(IncData.iso(data.sales[i].day))), reload sales")
        }
    }
}

func show(_ l: Literal) -> String {
    switch l {
    case .number(let x): return "\(x)"
    case .text(let s): return "\"\(s)\""
    case .date(let d): return CivilDate(day: d).iso
    case .bool(let b): return "\(b)"
    case .duration(let d): return "\(d) days"
    case .missing(let reason): return reason.map { "missing(\"\($0)\")" } ?? "missing"
    }
}

/// Lines only in `a` ("-") and only in `b` ("+").
func lineDiff(_ a: String, _ b: String) -> String {
    let x = a.split(separator: "\n", omittingEmptySubsequences: false), y = b.split(separator: "\n", omittingEmptySubsequences: false)
    let xs = Set(x), ys = Set(y)
    return (x.filter { !ys.contains($0) }.map { "    - " + $0 } + y.filter { !xs.contains($0) }.map { "    + " + $0 }).joined(separator: "\n")
}

// MARK: - Comparing two workspaces

/// A cell as text, with the reason and origin of a missing value.
func propertyCell(_ ws: Workspace, _ ref: ColumnRef, _ r: Int, _ column: ResultColumn) -> (value: String, origin: String?) {
    let reason = ws.missingReason(ref, row: r)
    func missing() -> (String, String?) {
        ("missing(\(reason.map(ResultText.reason) ?? "-"))", reason?.origin.map { ResultText.origin($0, in: ws.program) })
    }
    switch column.values {
    case .number(let v): return v[r].isNaN ? missing() : ("\(v[r]) [\(String(v[r].bitPattern, radix: 16))]", nil)
    case .text(let v): return v[r].map { ("\"\($0)\"", nil) } ?? missing()
    case .date(let v): return v[r] == Int32.min ? missing() : (CivilDate(day: v[r]).iso, nil)
    case .bool(let v): return v[r] > 1 ? missing() : ("\(v[r] == 1)", nil)
    }
}

/// Everything that differs between an incremental workspace and a fresh one of the same inputs.
func propertyDifferences(_ inc: Workspace, _ fresh: Workspace) -> [String] {
    var out: [String] = []
    if inc.asOf != fresh.asOf {
        out.append("as-of date: incremental \(inc.asOf.map { CivilDate(day: $0).iso } ?? "none") vs fresh \(fresh.asOf.map { CivilDate(day: $0).iso } ?? "none")")
    }
    // A source read with a window holds only the rows its window reaches, by design.
    let windowed = Set(inc.readWindows.map(\.table))
    for (i, info) in inc.program.tables.enumerated() where !windowed.contains(info.name) {
        let t = TableRef(i)
        guard let u = fresh.program.table(named: info.name) else { out.append("table \(info.name) only in the incremental workspace"); continue }
        if inc.rowCount(t) != fresh.rowCount(u) {
            let a = (0..<inc.rowCount(t)).map { inc.keyText(t, row: $0) }, b = (0..<fresh.rowCount(u)).map { fresh.keyText(u, row: $0) }
            out.append("\(info.name): incremental has \(a.count) rows [\(a.joined(separator: " | "))], fresh \(b.count) [\(b.joined(separator: " | "))]")
            continue
        }
        // A keyed source re-read and diffed by key may keep its rows in their old order: match
        // its rows by key. Derived tables sort their rows by key, and event tables keep file
        // order, so their rows must agree position by position.
        var freshRow = Array(0..<fresh.rowCount(u))
        if info.isSource && !info.keys.isEmpty {
            var byKey: [String: Int] = [:]
            for r in 0..<fresh.rowCount(u) { byKey[fresh.keyText(u, row: r)] = r }
            let keys = (0..<inc.rowCount(t)).map { inc.keyText(t, row: $0) }
            guard Set(keys) == Set(byKey.keys) else {
                out.append("\(info.name): incremental keys [\(keys.sorted().joined(separator: " | "))], fresh [\(byKey.keys.sorted().joined(separator: " | "))]")
                continue
            }
            freshRow = keys.map { byKey[$0]! }
        }
        for c in info.columns.indices {
            let ref = ColumnRef(t, c)
            let x = inc.column(ref)
            guard let uc = fresh.program.table(u).columnIndex(x.name) else { continue }
            let fref = ColumnRef(u, uc)
            let y = fresh.column(fref)
            for r in 0..<inc.rowCount(t) {
                let a = propertyCell(inc, ref, r, x), b = propertyCell(fresh, fref, freshRow[r], y)
                if a.value != b.value {
                    out.append("\(info.name).\(x.name)[\(inc.keyText(t, row: r))]: incremental \(a.value) vs fresh \(b.value)")
                } else if a.origin != b.origin {
                    out.append("\(info.name).\(x.name)[\(inc.keyText(t, row: r))]: \(a.value) from \(a.origin ?? "nowhere") (incremental) vs from \(b.origin ?? "nowhere") (fresh)")
                }
                if out.count >= 8 { return out }
            }
        }
    }
    let flagsA = inc.flags().map { "\($0.flag) on \($0.table)[\($0.keys)] \($0.severity): \($0.message)" }
    let flagsB = fresh.flags().map { "\($0.flag) on \($0.table)[\($0.keys)] \($0.severity): \($0.message)" }
    if flagsA != flagsB {
        out.append("flags: incremental only \(flagsA.filter { !flagsB.contains($0) }), fresh only \(flagsB.filter { !flagsA.contains($0) })"
                   + (Set(flagsA) == Set(flagsB) ? " (order differs: \(flagsA) vs \(flagsB))" : ""))
    }
    let checksA = inc.checkFailures().map { "\($0.check) on \($0.table)[\($0.keys)]: \($0.values)" }
    let checksB = fresh.checkFailures().map { "\($0.check) on \($0.table)[\($0.keys)]: \($0.values)" }
    if checksA != checksB {
        out.append("check failures: incremental only \(checksA.filter { !checksB.contains($0) }), fresh only \(checksB.filter { !checksA.contains($0) })"
                   + (Set(checksA) == Set(checksB) ? " (order differs)" : ""))
    }
    out += reportDifferences(inc, fresh)
    return out
}

// MARK: - Shrinking

enum PropertyShrinker {
    /// A smaller case that still fails (with an engine failure), found greedily: edits dropped,
    /// then formulas, flags, checks, params, tables and data rows. At most `budget` runs.
    static func shrink(_ c: PropertyCase, budget: Int = 800) -> (PropertyCase, PropertyOutcome) {
        var best = c
        var outcome = PropertyRun.run(c)
        var runs = 1
        func fails(_ x: PropertyCase) -> PropertyOutcome? {
            guard runs < budget else { return nil }
            runs += 1
            let o = PropertyRun.run(x)
            return o.failure != nil && !o.generatorBug ? o : nil
        }
        /// Whether `x` still fails (recording how); the caller keeps `x` when it does.
        func accept(_ x: PropertyCase) -> Bool {
            guard let o = fails(x) else { return false }
            outcome = o
            return true
        }
        if let i = outcome.failedStep { best.steps = Array(best.steps.prefix(i + 1)) }
        var progress = true
        while progress && runs < budget {
            progress = false
            // Edits.
            var i = best.steps.count - 1
            while i >= 0 {
                var x = best
                x.steps.remove(at: i)
                if accept(x) {
                    best = x
                    progress = true
                    if let f = outcome.failedStep { best.steps = Array(best.steps.prefix(f + 1)) }
                }
                i = min(i - 1, best.steps.count - 1)
            }
            // Formulas.
            for ti in best.program.tables.indices.reversed() {
                var ci = best.program.tables[ti].columns.count - 1
                while ci >= 0, ti < best.program.tables.count {
                    let name = best.program.tables[ti].columns[ci].name
                    if best.program.tables[ti].columns.count > 1, !best.program.mentions(name, excluding: (ti, ci)) {
                        var x = best
                        x.program.tables[ti].columns.remove(at: ci)
                        if accept(x) { best = x; progress = true }
                    }
                    ci = min(ci - 1, best.program.tables[ti].columns.count - 1)
                }
            }
            // Whole tables nothing reads.
            for ti in best.program.tables.indices.reversed() where ti < best.program.tables.count && best.program.tables.count > 1 {
                let t = best.program.tables[ti]
                var rest = best.program
                rest.tables.remove(at: ti)
                if rest.texts().contains(where: { mentionsWord($0, t.name) }) || rest.flags.contains(where: { $0.table == t.name })
                    || rest.checks.contains(where: { $0.table == t.name }) { continue }
                var x = best
                x.program = rest
                if accept(x) { best = x; progress = true }
            }
            // Flags, checks.
            for fi in best.program.flags.indices.reversed() where fi < best.program.flags.count {
                var x = best
                x.program.flags.remove(at: fi)
                if accept(x) { best = x; progress = true }
            }
            for ki in best.program.checks.indices.reversed() where ki < best.program.checks.count {
                var x = best
                x.program.checks.remove(at: ki)
                if accept(x) { best = x; progress = true }
            }
            // Params nothing reads.
            for pi in best.program.params.indices.reversed() where pi < best.program.params.count {
                if best.program.texts().contains(where: { mentionsWord($0, best.program.params[pi].name) }) { continue }
                var x = best
                x.program.params.remove(at: pi)
                if accept(x) { best = x; progress = true }
            }
            // Formulas, flag and check conditions made smaller: an expression replaced by one of
            // its bracketed parts (or calls), a part by a part inside it.
            for ti in best.program.tables.indices where ti < best.program.tables.count {
                for ci in best.program.tables[ti].columns.indices where ci < best.program.tables[ti].columns.count {
                    for smaller in simpler(best.program.tables[ti].columns[ci].expr) {
                        var x = best
                        x.program.tables[ti].columns[ci].expr = smaller
                        if accept(x) { best = x; progress = true; break }
                    }
                }
            }
            for fi in best.program.flags.indices where fi < best.program.flags.count {
                for smaller in simpler(best.program.flags[fi].condition) {
                    var x = best
                    x.program.flags[fi].condition = smaller
                    if accept(x) { best = x; progress = true; break }
                }
            }
            for ki in best.program.checks.indices where ki < best.program.checks.count {
                for smaller in simpler(best.program.checks[ki].condition) {
                    var x = best
                    x.program.checks[ki].condition = smaller
                    if accept(x) { best = x; progress = true; break }
                }
            }
            // Data rows: halves, then single rows.
            progress = shrinkRows(\.sales, &best, accept) || progress
            progress = shrinkRows(\.returns, &best, accept) || progress
            progress = shrinkRows(\.items, &best, accept, keep: 1) || progress
            progress = shrinkRows(\.stock, &best, accept, keep: 1) || progress
        }
        return (best, outcome)
    }

    /// Smaller versions of an expression's text, smallest first: each bracketed part or call
    /// alone, and the text with one part replaced by a part inside it.
    static func simpler(_ text: String) -> [String] {
        let chars = Array(text)
        var groups: [Range<Int>] = []
        var open: [Int] = []
        for (i, c) in chars.enumerated() {
            if c == "(" { open.append(i) }
            if c == ")", let start = open.popLast() {
                var s = start
                while s > 0, chars[s - 1].isLetter || chars[s - 1].isNumber || chars[s - 1] == "_" { s -= 1 }
                groups.append(s..<(i + 1))
            }
        }
        var out: [String] = []
        for g in groups where g != 0..<chars.count { out.append(String(chars[g])) }
        for outer in groups {
            for inner in groups where inner != outer && inner.lowerBound >= outer.lowerBound && inner.upperBound <= outer.upperBound {
                out.append(String(chars[..<outer.lowerBound]) + String(chars[inner]) + String(chars[outer.upperBound...]))
                if out.count > 60 { break }
            }
        }
        var seen = Set<String>()
        return out.filter { $0 != text && seen.insert($0).inserted }.sorted { $0.count < $1.count }
    }

    static func shrinkRows<Row>(_ path: WritableKeyPath<IncData, [Row]>, _ best: inout PropertyCase,
                                _ accept: (PropertyCase) -> Bool, keep: Int = 0) -> Bool {
        var progress = false
        var chunk = max(1, best.data[keyPath: path].count / 2)
        while chunk >= 1 {
            var start = 0
            while start < best.data[keyPath: path].count {
                let rows = best.data[keyPath: path]
                let end = min(rows.count, start + chunk)
                if rows.count - (end - start) >= keep {
                    var x = best
                    x.data[keyPath: path].removeSubrange(start..<end)
                    if accept(x) {
                        best = x
                        progress = true
                        continue
                    }
                }
                start = end
            }
            if chunk == 1 { break }
            chunk /= 2
        }
        return progress
    }

    /// The shrunk case, printed so a person can replay it.
    static func report(_ c: PropertyCase, _ o: PropertyOutcome) -> String {
        var s = "seed \(c.seed) (replay: VELO_PROPERTY_SEED=\(c.seed)); shrunk to \(c.steps.count) edit(s):\n"
        s += "--- sales.csv\n\(c.data.salesCSV)--- returns.csv\n\(c.program.returnsDialect ? GSchema.dialectReturns(c.data.returnsCSV) : c.data.returnsCSV)--- items.csv\n\(c.data.itemsCSV)--- stock.csv\n\(c.data.stockCSV)"
        s += "--- plan.velo (before the edits)\n\(c.program.text)"
        s += "--- edits\n" + o.log.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
        s += "\n--- after the last edit\n\(o.failure ?? "no failure")\n"
        return s
    }
}

// MARK: - The tests

@Suite struct IncrementalPropertyTests {
    static var sequences: Int {
        ProcessInfo.processInfo.environment["VELO_PROPERTY_SEQUENCES"].flatMap(Int.init) ?? 1000
    }
    static var steps: Int {
        ProcessInfo.processInfo.environment["VELO_PROPERTY_STEPS"].flatMap(Int.init) ?? 8
    }
    static func seed(_ i: Int) -> UInt64 { UInt64(i) &* 0x9E37_79B9 &+ 17 }

    @Test func incrementalEqualsFreshEvaluation() throws {
        let env = ProcessInfo.processInfo.environment
        // VELO_PROPERTY_SEED=N (or N,M,...): replay these sequences with their logs, shrink each failure.
        if let list = env["VELO_PROPERTY_SEED"] {
            for one in list.split(separator: ",").compactMap({ UInt64($0.trimmingWhitespace()) }) {
                let c = PropertyCase.random(seed: one, steps: Self.steps)
                let o = PropertyRun.run(c)
                let log = o.log.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
                print("=== seed \(one)\n--- plan.velo\n\(c.program.text)--- edits\n\(log)\n--- \(o.failure ?? "ok")")
                if let failure = o.failure {
                    let (small, so) = PropertyShrinker.shrink(c)
                    let report = PropertyShrinker.report(small, so)
                    print("SHRUNK " + report)
                    Issue.record("\(failure)\n\n\(report)")
                }
            }
            return
        }
        // VELO_PROPERTY_SURVEY=1: no shrinking; one line per failing sequence (the edit kind that
        // failed and the first difference), to sort failures into distinct bugs.
        let survey = env["VELO_PROPERTY_SURVEY"] != nil
        var failures: [String] = []
        var failingSeeds: [UInt64] = []
        var surveyed: [String] = []
        var windowed = 0
        var followed = 0
        for i in 0..<Self.sequences {
            let c = PropertyCase.random(seed: Self.seed(i), steps: Self.steps)
            let o = PropertyRun.run(c)
            if o.readWithWindow { windowed += 1 }
            if o.windowValuesFollowed > 0 { followed += 1 }
            guard let failure = o.failure else { continue }
            failingSeeds.append(c.seed)
            if survey {
                let kind = o.failedStep.map { "\(c.steps[$0].kind)" } ?? "open"
                surveyed.append("seed \(c.seed) \(o.generatorBug ? "GENERATOR " : "")[\(kind)] " + (failure.split(separator: "\n").first.map(String.init) ?? ""))
                continue
            }
            if o.generatorBug {
                failures.append("seed \(c.seed): GENERATOR BUG (not the engine): \(failure)\n\(o.rules)")
            } else if failures.count < 3 {
                let (small, so) = PropertyShrinker.shrink(c)
                failures.append(PropertyShrinker.report(small, so))
            }
            if failingSeeds.count >= 25 && env["VELO_PROPERTY_ALL"] == nil { break }
        }
        // (Most generated programs read some event rows without a window; 32 of the 1,000 do not.)
        #expect(windowed >= 20, "only \(windowed) of \(Self.sequences) sequences started from a windowed read")
        print("property: \(windowed) of \(Self.sequences) sequences started windowed, \(followed) followed windows by running sums")
        #expect(followed >= 100, "only \(followed) of \(Self.sequences) sequences followed a window by running sums")
        if survey {
            print("SURVEY \(failingSeeds.count) of \(Self.sequences) sequences fail\n" + surveyed.joined(separator: "\n"))
        }
        if !failingSeeds.isEmpty {
            let seeds = failingSeeds.prefix(25).map(String.init).joined(separator: ", ")
            Issue.record("\(failingSeeds.count) failing sequence(s) (seeds \(seeds)\(failingSeeds.count > 25 ? ", …" : ""))\n\n\(failures.joined(separator: "\n\n"))")
        }
    }
}

// MARK: - What the generator reaches

/// The generator is only as good as what it produces: compiled programs must reach every
/// expression kind, builtin, aggregate, window form and row rule. Each is named by an
/// exhaustive switch, so a new case fails to compile here until it is counted.
@Suite struct GeneratorCoverageTests {
    static func kindName(_ e: CExpr) -> String {
        switch e.kind {
        case .literal(let l):
            switch l {
            case .number: return "literal number"
            case .text: return "literal text"
            case .date: return "literal date"
            case .bool: return "literal bool"
            case .duration: return "literal duration"
            case .missing(let reason): return reason == nil ? "literal missing" : "literal missing(reason)"
            }
        case .param: return "param"
        case .column: return "column"
        case .lookup: return "lookup"
        case .cell: return "cell"
        case .aggregate: return "aggregate"
        case .negate: return "negate"
        case .not: return "not"
        case .binary(let op, _, _): return "binary \(op.rawValue)"
        case .isMissing(_, let negated): return negated ? "is not missing" : "is missing"
        case .conditional: return "conditional"
        case .call: return "call"
        case .shift(let s):
            switch s.mode {
            case .previous: return "previous"
            case .by: return "shift"
            case .cumulative: return "cumulative"
            case .firstWhere: return "first period along time"
            }
        case .periodDate: return "period date"
        }
    }

    static func windowName(_ w: CheckedWindow?) -> String {
        guard let w else { return "no window" }
        switch w.anchor {
        case .asOf(let ago): return ago == 0 ? "window last" : "window last … ending ago"
        case .after: return "window after"
        case .before: return "window before"
        }
    }

    static func rowsName(_ t: TableInfo, _ program: CheckedProgram) -> String {
        switch t.kind {
        case .source: return "source"
        case .derived(.single): return "rows single"
        case .derived(.from(let f, let w)):
            return "rows from \(program.table(f).isSource ? "source" : "derived")" + (w == nil ? "" : " in window")
        case .derived(.union(let ts)): return ts.count > 1 ? "rows union of several" : "rows union of one"
        }
    }

    @Test func generatedProgramsReachEveryConstruct() throws {
        var seen: [String: Int] = [:]
        var failures = 0
        let scratch = Scratch()
        var r = IncRandom(state: 7)
        let data = IncData.random(&r)
        scratch.write("sales.csv", data.salesCSV)
        scratch.write("returns.csv", data.returnsCSV)
        scratch.write("items.csv", data.itemsCSV)
        scratch.write("stock.csv", data.stockCSV)
        for i in 0..<300 {
            var gen = ProgramGenerator(seed: UInt64(i) &* 31 &+ 5)
            var p = gen.program()
            for _ in 0..<3 { _ = gen.edit(&p) }
            p.returnsDialect = false   // the data files here are written plainly
            let program: CheckedProgram
            do { program = try compile(p.text, path: scratch.path("plan.velo")) } catch {
                failures += 1
                if failures <= 3 { Issue.record("a generated program does not check: \(error)\n\(p.text)") }
                continue
            }
            func visit(_ e: CExpr) {
                seen[Self.kindName(e), default: 0] += 1
                if case .call(let b, _) = e.kind { seen["builtin \(b.rawValue)", default: 0] += 1 }
                if case .aggregate(let a) = e.kind {
                    seen["aggregate \(a.function.rawValue)", default: 0] += 1
                    seen[Self.windowName(a.window), default: 0] += 1
                    if program.table(a.alignment.to).isSource == false { seen["aggregate over derived", default: 0] += 1 }
                    if a.alignment.binning != nil { seen["aggregate into periods", default: 0] += 1 }
                }
                e.forEachChild(visit)
            }
            for t in program.tables {
                seen[Self.rowsName(t, program), default: 0] += 1
                if t.periods != nil { seen["period table", default: 0] += 1 }
                for c in t.columns { if let f = c.formula { visit(f); seen["formula \(c.type.base)", default: 0] += 1 } }
            }
            if !program.decisions.isEmpty { seen["decision table", default: 0] += 1 }
            for f in program.flags {
                visit(f.condition)
                seen["flag \(f.severity)", default: 0] += 1
                for case .value(let e, let format) in f.message {
                    visit(e)
                    seen[format == nil ? "message value" : "message formatted value", default: 0] += 1
                }
            }
            for c in program.checks {
                visit(c.condition)
                seen[c.name.contains(": ") ? "check unnamed" : "check named", default: 0] += 1
            }
            for r in program.reports {
                if let f = r.filter { visit(f) }
                seen[r.target == .flags ? "report on flags" : "report on a table", default: 0] += 1
                if r.filter != nil || r.flagFilter != nil { seen["report where", default: 0] += 1 }
                if r.sort.contains(where: \.descending) { seen["report sort desc", default: 0] += 1 }
                if r.limit != nil { seen["report limit", default: 0] += 1 }
            }
        }
        var expected = ["literal number", "literal text", "literal date", "literal bool", "literal duration", "literal missing",
                        "literal missing(reason)", "param", "column", "lookup", "cell", "aggregate", "negate", "not",
                        "conditional", "call", "is missing", "is not missing", "aggregate over derived",
                        "window last", "window last … ending ago", "window after", "window before", "no window",
                        "rows single", "rows from source", "rows from source in window", "rows from derived",
                        "rows union of several", "flag error", "flag warning", "flag info", "message value",
                        "message formatted value", "check named", "check unnamed",
                        "formula number", "formula bool", "formula date", "formula duration", "formula text",
                        "period table", "previous", "shift", "cumulative", "period date", "aggregate into periods",
                        "report on flags", "report on a table", "report where", "report sort desc", "report limit",
                        "decision table"]
        expected += BinaryOp.allCases.map { "binary \($0.rawValue)" }
        expected += Builtin.allCases.map { "builtin \($0.rawValue)" }
        expected += AggregateFunction.allCases.map { "aggregate \($0.rawValue)" }
        let unreached = expected.filter { seen[$0] == nil }
        #expect(unreached.isEmpty, "never generated: \(unreached)")
        #expect(failures == 0, "\(failures) of 300 generated programs do not check")
    }

    /// Every kind of edit occurs in the default run's sequences.
    @Test func sequencesReachEveryEditKind() {
        var seen = Set<String>()
        for i in 0..<200 {
            for s in PropertyCase.random(seed: IncrementalPropertyTests.seed(i), steps: IncrementalPropertyTests.steps).steps {
                seen.insert("\(s.kind)")
            }
        }
        #expect(seen == Set(StepKind.allCases.map { "\($0)" }))
    }
}
