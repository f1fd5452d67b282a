// Incremental recomputation is tested by what it computes and by what it runs.
//
// Property (narrow generator, kept from before): random rule programs of one fixed shape and
// random edit sequences (params, data cells, appended sales, rewritten item files, rule
// edits, as-of dates); after every step the incremental workspace equals a fresh full
// evaluation of the same rules, data and params, value for value, and the graph's
// invariants hold. VELO_PROPERTY_SEQUENCES sets how many sequences run (default 300);
// VELO_NARROW_PROPERTY_SEED replays one. The widened property test, over every expression
// kind, builtin and edit kind, is PropertyTests.swift.
//
// What ran: an edit's list of recomputed cells is asserted exactly.

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine
import VeloSyntax

/// A deterministic generator (SplitMix64), so a failing sequence can be replayed by seed.
struct IncRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

/// A scratch folder with the rule file and its CSVs, kept in Swift so edits are easy.
final class IncWorld: @unchecked Sendable {
    let dir: String
    var sales: [(day: Int, sku: String, channel: String, units: Int)] = []
    var items: [(sku: String, moq: Int, pack: Int, lead: Int)] = []
    var rules = ""

    init(seed: UInt64) {
        dir = FileManager.default.temporaryDirectory.path + "/velo-inc-\(seed)-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    static let start = CivilDate(year: 2024, month: 3, day: 1)!.day

    func date(_ day: Int) -> String { CivilDate(day: IncWorld.start + Int32(day)).iso }

    func writeSales() {
        var s = "date,sku,channel,units\n"
        for r in sales { s += "\(date(r.day)),\(r.sku),\(r.channel),\(r.units)\n" }
        try! s.write(toFile: dir + "/sales.csv", atomically: false, encoding: .utf8)
    }

    func appendSales(_ rows: [(day: Int, sku: String, channel: String, units: Int)]) {
        sales += rows
        let h = FileHandle(forWritingAtPath: dir + "/sales.csv")!
        h.seekToEndOfFile()
        h.write(rows.map { "\(date($0.day)),\($0.sku),\($0.channel),\($0.units)\n" }.joined().data(using: .utf8)!)
        h.closeFile()
    }

    func writeItems() {
        var s = "sku,moq,case_pack,lead\n"
        for r in items { s += "\(r.sku),\(r.moq),\(r.pack),\(r.lead)\n" }
        try! s.write(toFile: dir + "/items.csv", atomically: false, encoding: .utf8)
    }

    func compile() -> CheckedProgram {
        let file = SourceFile(path: dir + "/plan.velo", text: rules)
        let (program, diagnostics) = RuleCompiler.compile(file)
        guard let program else {
            Issue.record("generated rules do not check:\n\(rules)\n\(diagnostics.map(\.message))")
            fatalError("generated rules do not check")
        }
        return program
    }
}

enum IncPrograms {
    static let seriesA = [
        "wavg(sales.units, last 7 days, weights: linear)", "sum(sales.units, last 5 days)",
        "avg(sales.units, last 10 days ending 3 days ago)", "stdev(sales.units, last 6 days)",
        "max(sales.units, last 4 days)", "count(sales.units, last 9 days)",
        "wavg(sales.units, last 8 days, half_life: 3 days)", "min(sales.units, last 3 days)",
    ]
    static let seriesB = [
        "a * p1", "a / (items.moq - 100)", "if a > p2 then a else missing(\"low\")", "a + items.lead",
        "(a ?? 0) - p2", "a / sum(sales.units, last 2 days)", "round(a, 1) + items.case_pack",
    ]
    static let seriesC = ["abs(b) > p2", "b is missing or a > p1", "(b ?? 0) >= a", "a == 0"]
    static let planD = ["sum(series.a)", "avg(series.b)", "max(series.a)", "count(series.a)", "sum(series.b ?? 0)", "min(series.a)"]
    static let planE = [
        "d * p1 + items.moq", "roundup(max(d ?? 0, items.moq), items.case_pack)", "if d > p2 then d else 0",
        "d / totals.t", "(d ?? 0) + totals.t * p1",
    ]

    static func rules(_ r: inout IncRandom, constant: Int = 35) -> String {
        """
        table sales = csv("sales.csv")
        table items = csv("items.csv") by sku

        param p1 = \(r.int(5) + 1)
        param p2 = \(r.int(30))

        table series by sku, channel from sales in last \(constant) days:
          a = \(r.pick(seriesA))
          b = \(r.pick(seriesB))
          c = \(r.pick(seriesC))

        table plan by sku from items:
          d = \(r.pick(planD))
          e = \(r.pick(planE))
          f = any(series.c)

        table totals:
          t = sum(plan.d ?? 0)

        flag moved on series when c:
          "{sku} {channel} moved"
        """
    }
}

/// Compares every derived table of two workspaces, value for value.
func incDifferences(_ a: Workspace, _ b: Workspace) -> [String] {
    var out: [String] = []
    for (i, info) in a.program.tables.enumerated() where !info.isSource {
        let t = TableRef(i)
        guard let u = b.program.table(named: info.name) else { out.append("\(info.name) missing"); continue }
        if a.rowCount(t) != b.rowCount(u) {
            out.append("\(info.name): \(a.rowCount(t)) rows vs \(b.rowCount(u))")
            continue
        }
        for c in info.columns.indices {
            let x = a.column(ColumnRef(t, c))
            guard let uc = b.program.table(u).columnIndex(x.name) else { continue }
            let y = b.column(ColumnRef(u, uc))
            for r in 0..<a.rowCount(t) where !incSame(x, y, r) {
                out.append("\(info.name).\(x.name)[\(a.keyText(t, row: r))]: incremental \(incShow(x, r)) vs fresh \(incShow(y, r))")
                if out.count > 5 { return out }
            }
        }
    }
    return out
}

func incSame(_ x: ResultColumn, _ y: ResultColumn, _ r: Int) -> Bool {
    switch (x.values, y.values) {
    case (.number(let a), .number(let b)):
        return a[r].bitPattern == b[r].bitPattern || (a[r].isNaN && b[r].isNaN && x.missingReasons[r] == y.missingReasons[r])
    case (.text(let a), .text(let b)): return a[r] == b[r]
    case (.date(let a), .date(let b)): return a[r] == b[r]
    case (.bool(let a), .bool(let b)): return a[r] == b[r]
    default: return false
    }
}

func incShow(_ x: ResultColumn, _ r: Int) -> String {
    switch x.values {
    case .number(let a): return a[r].isNaN ? "missing(\(x.missingReasons[r]?.message ?? ""))" : "\(a[r])"
    case .text(let a): return a[r] ?? "missing"
    case .date(let a): return "\(a[r])"
    case .bool(let a): return "\(a[r])"
    }
}

/// The first, narrower property test: one fixed program shape (windows anchored at the as-of
/// date only, no cell references, dates, flags messages or checks compared) and fewer edit
/// kinds. Kept so nothing it found can come back; the widened test is in PropertyTests.swift.
@Suite struct NarrowIncrementalPropertyTests {
    static var sequences: Int {
        ProcessInfo.processInfo.environment["VELO_PROPERTY_SEQUENCES"].flatMap(Int.init) ?? 300
    }

    /// One random world and edit sequence; returns the failures.
    static func run(seed: UInt64, steps: Int = 6) throws -> [String] {
        var r = IncRandom(state: seed)
        let world = IncWorld(seed: seed)
        let skus = (1...(2 + r.int(4))).map { String(format: "S%02d", $0) }
        let channels = ["web", "store"]
        var lastDay = 20 + r.int(20)
        for day in 0...lastDay {
            for s in skus {
                for c in channels where r.int(3) > 0 { world.sales.append((day, s, c, r.int(20) - 2)) }
            }
        }
        // Some worlds have their sales out of date order (the slow, unsorted aggregate path).
        if r.int(4) == 0 { world.sales.shuffle(using: &r) }
        world.items = skus.filter { _ in r.int(5) > 0 }.map { ($0, 100 + r.int(5) * 50, [1, 6, 12][r.int(3)], 5 + r.int(20)) }
        if world.items.isEmpty { world.items = [(skus[0], 100, 6, 10)] }
        world.writeSales()
        world.writeItems()
        var window = 20 + r.int(20)
        var ruleSeed = IncRandom(state: seed ^ 0xABCDEF)
        world.rules = IncPrograms.rules(&ruleSeed, constant: window)
        var program = world.compile()
        var ws = try Workspace.open(program)
        var params: [String: Literal] = [:]
        var asOf: Int32? = nil
        var failures: [String] = []
        for step in 0..<steps {
            var edits: [Edit] = []
            var reopened = false
            switch r.int(7) {
            case 0:
                let name = r.pick(["p1", "p2"])
                let value = Literal.number(Double(r.int(30)) / Double(1 + r.int(3)))
                params[name] = value
                edits = [.param(name, value)]
            case 1:
                let item = r.pick(world.items)
                let moq = 50 + r.int(8) * 50
                if let i = world.items.firstIndex(where: { $0.sku == item.sku }) { world.items[i].moq = moq }
                world.writeItems()
                edits = [.cell(table: "items", column: "moq", keys: [item.sku], value: .number(Double(moq)))]
            case 2:
                // New sales rows, on an existing day or a new one (the as-of date moves).
                let day = r.int(2) == 0 ? lastDay : lastDay + 1
                lastDay = max(lastDay, day)
                var rows: [(day: Int, sku: String, channel: String, units: Int)] = []
                for _ in 0..<(1 + r.int(4)) { rows.append((day, r.pick(skus + ["S99"]), r.pick(channels), r.int(15) - 1)) }
                world.appendSales(rows)
                edits = [.source("sales", path: nil)]
            case 3:
                // Rewrite items: change a lead time, sometimes add or drop a SKU.
                if r.int(3) == 0, world.items.count > 1 { world.items.removeLast() }
                else if r.int(3) == 0 {
                    let sku = "S\(50 + r.int(40))"
                    if !world.items.contains(where: { $0.sku == sku }) { world.items.append((sku, 200, 6, 7)) }
                }
                let i = r.int(world.items.count)
                world.items[i].lead = 1 + r.int(30)
                world.writeItems()
                edits = [.source("items", path: nil)]
            case 4:
                asOf = r.int(3) == 0 ? nil : IncWorld.start + Int32(lastDay - r.int(5))
                edits = [.asOf(asOf)]
            default:
                // Edit the rule file: a new window or a new formula somewhere.
                window = 20 + r.int(20)
                var again = IncRandom(state: r.int(2) == 0 ? seed ^ 0xABCDEF : r.next())
                world.rules = IncPrograms.rules(&again, constant: window)
                program = world.compile()
                // A rule edit keeps params set by hand only when they still exist.
                ws = try Workspace.reopen(program, previous: ws)
                reopened = true
            }
            if !reopened { _ = try ws.apply(edits) }
            if ProcessInfo.processInfo.environment["VELO_NARROW_PROPERTY_SEED"] != nil {
                print("step \(step): \(reopened ? "rule edit" : "\(edits)")\n\(world.rules)")
            }
            let problems = ws.invariantViolations()
            if !problems.isEmpty { failures.append("seed \(seed) step \(step): invariants: \(problems)") }
            var effective = params
            for (k, _) in params where program.param(named: k) == nil { effective[k] = nil }
            let fresh = try Workspace.open(program, options: WorkspaceOptions(asOf: asOf, params: effective))
            let diff = incDifferences(ws, fresh)
            if !diff.isEmpty {
                failures.append("seed \(seed) step \(step) after \(edits.isEmpty ? "rule edit" : "\(edits)"):\n  " + diff.joined(separator: "\n  "))
                break
            }
        }
        return failures
    }

    @Test func narrowGeneratorIncrementalEqualsFreshEvaluation() throws {
        var failures: [String] = []
        if let one = ProcessInfo.processInfo.environment["VELO_NARROW_PROPERTY_SEED"].flatMap(UInt64.init) {
            failures = try Self.run(seed: one)
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
            return
        }
        for seed in 0..<UInt64(Self.sequences) {
            failures += try Self.run(seed: seed &* 7919 &+ 1)
            if failures.count > 3 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}

@Suite struct WhatRanTests {
    /// The replenishment rules over a tiny data set.
    static func world() throws -> (IncWorld, Workspace) {
        let w = IncWorld(seed: 42)
        for day in 0..<40 {
            for (i, s) in ["A", "B", "C"].enumerated() {
                for c in ["web", "store"] { w.sales.append((day, s, c, 3 + (day * (i + 1)) % 7)) }
            }
        }
        w.items = [("A", 100, 6, 10), ("B", 200, 12, 20), ("C", 50, 1, 5)]
        w.writeSales()
        w.writeItems()
        w.rules = """
        table sales = csv("sales.csv")
        table items = csv("items.csv") by sku
        param service_level = 95%
        param threshold = 25%

        table series by sku, channel from sales in last 35 days:
          velocity = wavg(sales.units, last 21 days, weights: linear)
          sigma = stdev(sales.units, last 21 days)
          prior = wavg(sales.units, last 21 days ending 14 days ago, weights: linear)
          change = velocity / prior - 1
          exception = abs(change) > threshold

        table plan by sku from items:
          demand = sum(series.velocity)
          safety = z(service_level) * sqrt(items.lead * sum(series.sigma ^ 2))
          order = roundup(max(demand * items.lead + safety, items.moq), items.case_pack)

        table totals:
          units = sum(plan.order)
        """
        return (w, try Workspace.open(w.compile()))
    }

    static func ran(_ ws: Workspace, _ report: ChangeReport) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (ref, rows) in report.recomputed where !rows.isEmpty {
            let table = ws.program.table(ref.table)
            out[ws.program.qualifiedName(ref)] = rows.map { table.keys.isEmpty ? table.name : ws.keyText(ref.table, row: $0) }
        }
        return out
    }

    @Test func aParamReadOnlyByPlanRecomputesNoSeriesCell() throws {
        let (_, ws) = try Self.world()
        let report = try ws.apply([.param("service_level", .number(0.98))])
        #expect(Self.ran(ws, report) == [
            "plan.safety": ["A", "B", "C"],
            "plan.order": ["A", "B", "C"],
            "totals.units": ["totals"],
        ].filter { _ in true })
        #expect(report.recomputed.keys.allSatisfy { ws.program.table($0.table).name != "series" })
    }

    @Test func oneSalesRowForOneSKUOnAnExistingDateRecomputesOnlyItsCells() throws {
        let (w, ws) = try Self.world()
        w.appendSales([(39, "B", "web", 50)])
        let report = try ws.apply([.source("sales", path: nil)])
        let ran = Self.ran(ws, report)
        #expect(ran["series.velocity"] == ["B, web"])
        #expect(ran["series.sigma"] == ["B, web"])
        #expect(ran["series.prior"] == nil)   // day 39 is outside the prior window
        #expect(ran["series.change"] == ["B, web"])
        #expect(ran["plan.demand"] == ["B"])
        #expect(ran["plan.order"] == ["B"])
        #expect(ran["totals.units"] == ["totals"])
        #expect(report.cellsEvaluated == ran.values.map(\.count).reduce(0, +))
    }

    @Test func anUnchangedValueCutsOffItsReaders() throws {
        let (_, ws) = try Self.world()
        // A threshold far from every change: exception stays false everywhere.
        let report = try ws.apply([.param("threshold", .number(5))])
        let ran = Self.ran(ws, report)
        #expect(ran.keys.sorted() == ["series.exception"])
        #expect(report.cellsCutOff == 6)
        #expect(report.changes.isEmpty)
    }

    @Test func aNewDayMovesTheAsOfDateAndEverySeriesWindow() throws {
        let (w, ws) = try Self.world()
        w.appendSales([(40, "A", "web", 5)])
        let report = try ws.apply([.source("sales", path: nil)])
        #expect(ws.asOf == IncWorld.start + 40)
        let ran = Self.ran(ws, report)
        #expect(ran["series.velocity"]?.count == 6)
        #expect(ran["series.prior"]?.count == 6)
    }

    @Test func aFailedEditKeepsTheValues() throws {
        let (_, ws) = try Self.world()
        let before = ws.column(ColumnRef(ws.program.table(named: "plan")!, 3))
        #expect(throws: WorkspaceError.self) { try ws.apply([.param("nope", .number(1))]) }
        let after = ws.column(ColumnRef(ws.program.table(named: "plan")!, 3))
        #expect(incSame(before, after, 0) && incSame(before, after, 1))
    }

    @Test func aRuleEditReusesUnchangedFormulas() throws {
        let (w, ws) = try Self.world()
        w.rules = w.rules.replacingOccurrences(of: "roundup(max(demand * items.lead + safety, items.moq), items.case_pack)",
                                               with: "roundup(max(demand * items.lead + safety, items.moq), 1)")
        let next = try Workspace.reopen(w.compile(), previous: ws)
        // series (6 rows x 5 formulas) and plan.demand/safety (3 x 2) are reused.
        #expect(next.stats.cellsReused == 6 * 5 + 3 * 2)
        #expect(next.stats.cellsEvaluated == 3 + 1)
        #expect(incDifferences(next, try Workspace.open(w.compile())).isEmpty)
    }
}
