// Running window sums (WindowSums.swift): a workspace that keeps them must give, after every
// append, exactly what a fresh evaluation gives — bit for bit — and must follow the windows
// by their sums where the rows allow it, scanning where they do not.

import Foundation
import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

@Suite struct WindowSumsTests {
    static let rules = """
        table sales = csv("sales.csv")
        table series by sku from sales:
          total = sum(sales.units, last 7 days)
          mean = avg(sales.units, last 7 days)
          recent = wavg(sales.units, last 7 days, weights: linear)
          spread = stdev(sales.units, last 7 days)
          var_ = variance(sales.units, last 7 days)
          earlier = wavg(sales.units, last 5 days ending 4 days ago, weights: linear)
          earlier_sd = stdev(sales.units, last 5 days ending 4 days ago)

        """

    /// Two items, a row per item and day from 2024-01-01 to `days` days later (B skips days).
    static func sales(days: Int) -> String {
        var out = "date,sku,units\n"
        for d in 0..<days {
            let date = CivilDate(day: CivilDate(iso: "2024-01-01")!.day + Int32(d)).iso
            out += "\(date),A,\(d % 5 + 1)\n"
            if d % 3 != 0 { out += "\(date),B,\(d % 7)\n" }
        }
        return out
    }

    static func cells(_ ws: Workspace) -> [String] {
        let t = ws.program.table(named: "series")!
        return ws.program.table(t).columns.indices.map { c in
            let column = ws.column(ColumnRef(t, c))
            return (0..<ws.rowCount(t)).map { r -> String in
                if case .number(let v) = column.values { return v[r].isNaN ? "missing" : "\(v[r].bitPattern)" }
                return "\(cellValue(column, r))"
            }.joined(separator: ",")
        }
    }

    /// Appends `lines` and checks the workspace against a fresh one; returns how many window
    /// values the append computed from running sums.
    func append(_ lines: String, to ws: Workspace, in scratch: Scratch, program: CheckedProgram) throws -> Int {
        let before = ws.windowValuesFollowed
        let handle = FileHandle(forWritingAtPath: scratch.path("sales.csv"))!
        handle.seekToEndOfFile()
        handle.write(lines.data(using: .utf8)!)
        try handle.close()
        _ = try ws.apply([.source("sales", path: nil)])
        let fresh = try Workspace.open(program)
        #expect(Self.cells(ws) == Self.cells(fresh), "after appending \(lines)")
        #expect(ws.invariantViolations().isEmpty, "\(ws.invariantViolations())")
        return ws.windowValuesFollowed - before
    }

    func opened() throws -> (Scratch, CheckedProgram, Workspace) {
        let scratch = Scratch(["sales.csv": Self.sales(days: 30)])
        let program = try compile(Self.rules, path: scratch.path("rules.velo"))
        var options = WorkspaceOptions()
        options.keepsWindowSums = true
        return (scratch, program, try Workspace.open(program, options: options))
    }

    @Test func appendedDaysMoveTheSumsAndMatchAFreshRun() throws {
        let (scratch, program, ws) = try opened()
        // The first evaluation scans each window once; the other aggregates over the same
        // window read its sums: 2 items x (4 + 1).
        #expect(ws.windowValuesFollowed == 10)
        // A new day for both items, then a day only A sold, then two days at once.
        #expect(try append("2024-01-31,A,4\n2024-01-31,B,9\n", to: ws, in: scratch, program: program) == 14)
        #expect(try append("2024-02-01,A,2\n", to: ws, in: scratch, program: program) == 14)
        #expect(try append("2024-02-02,B,3\n2024-02-03,A,12\n2024-02-03,A,1\n", to: ws, in: scratch, program: program) == 14)
        // Another row of the latest day (a return), the as-of date unchanged: only B's row is
        // recomputed, its sums take the row.
        let late = try append("2024-02-03,B,-2\n", to: ws, in: scratch, program: program)
        #expect(late == 5, "the earlier window does not reach the row's day: not recomputed")
        // A jump past every window: each window scanned afresh once, as in the first run.
        #expect(try append("2024-03-01,A,1\n", to: ws, in: scratch, program: program) == 10)
        let next = try append("2024-03-02,A,1\n2024-03-02,B,1\n", to: ws, in: scratch, program: program)
        #expect(next == 14)
    }

    @Test(arguments: [
        ("2024-01-31,A,2.5\n", "a fraction"),
        ("2024-01-31,A,\n", "a missing value"),
        ("2024-01-31,A,100000000\n", "more units than the sums take"),
    ])
    func rowsTheSumsCannotTakeAreScanned(line: String, what: String) throws {
        let (scratch, program, ws) = try opened()
        // A's last-7-days windows are scanned (and give what a fresh run gives); its earlier
        // window, which the row is not in, and B's windows still follow.
        #expect(try append(line, to: ws, in: scratch, program: program) == 9, "\(what)")
        // Once that row has left every window, A follows again.
        var day = CivilDate(iso: "2024-02-01")!.day
        for _ in 0..<12 {
            let date = CivilDate(day: day).iso
            _ = try append("\(date),A,1\n\(date),B,1\n", to: ws, in: scratch, program: program)
            day += 1
        }
        #expect(try append("\(CivilDate(day: day).iso),A,3\n", to: ws, in: scratch, program: program) == 14)
    }

    @Test func anOutOfOrderAppendStopsFollowingButStaysRight() throws {
        let (scratch, program, ws) = try opened()
        #expect(try append("2024-01-31,A,1\n2024-01-29,A,6\n", to: ws, in: scratch, program: program) == 0)
        #expect(try append("2024-02-01,A,1\n", to: ws, in: scratch, program: program) == 0)
    }

    @Test func aRewrittenFileStartsAfresh() throws {
        let (scratch, program, ws) = try opened()
        _ = try append("2024-01-31,A,4\n", to: ws, in: scratch, program: program)
        let groups = ws.evaluator.groups.values.filter { !$0.windowSums.isEmpty }
        #expect(!groups.isEmpty)
        var text = try String(contentsOfFile: scratch.path("sales.csv"), encoding: .utf8)
        text = text.replacingOccurrences(of: "2024-01-30,A,5", with: "2024-01-30,A,50")
        scratch.write("sales.csv", text)
        _ = try ws.apply([.source("sales", path: nil)])
        #expect(Self.cells(ws) == Self.cells(try Workspace.open(program)))
        #expect(ws.invariantViolations().isEmpty)
    }

    @Test func withoutTheOptionNothingIsKept() throws {
        let scratch = Scratch(["sales.csv": Self.sales(days: 30)])
        let program = try compile(Self.rules, path: scratch.path("rules.velo"))
        let ws = try Workspace.open(program)
        #expect(try append("2024-01-31,A,4\n", to: ws, in: scratch, program: program) == 0)
        #expect(ws.evaluator.groups.values.allSatisfy { $0.windowSums.isEmpty })
    }
}
