// The engine returns data, never text: a flag hit carries the values its message
// interpolates and the row's key values, a check failure the cells its condition read, a
// missing value a structured reason and the cell it went missing in. (How `velo` words them
// is pinned by FlagCheckTests, the reason tests and the frontend goldens.)

import Testing
import VeloCheck
import VeloData
@testable import VeloEngine

/// The engine's cell value (this test target has a `CellValue` of its own).
typealias EngineValue = VeloEngine.CellValue

@Suite("Results as data")
struct ResultDataTests {
    static let lines = FlagTests.lines
    static let rules = FlagTests.rules

    @Test("a flag hit carries its row's key values and its message's typed values and formats")
    func flagHitAsData() throws {
        let run = try evaluate(Self.rules, files: ["lines.csv": Self.lines])
        let hit = try #require(run.ws.flags().first { $0.flag == "moved" })
        #expect(hit.keys == [.text("A"), .text("web")])
        #expect(hit.row == run.row("s", ["A", "web"]))
        // "moved {change:+.1%} to {v:.2} ({sku}/{channel})"
        let pieces = hit.message
        #expect(pieces.count == 9)
        guard pieces.count == 9 else { return }
        #expect(pieces[0] == .text("moved "))
        guard case .value(let change) = pieces[1], case .value(let v) = pieces[3],
              case .value(let sku) = pieces[5], case .value(let channel) = pieces[7] else {
            Issue.record("not values: \(pieces)")
            return
        }
        #expect(change.value == .number(0.5))
        #expect(change.type == .number)
        #expect(change.format?.percent == true && change.format?.sign == true && change.format?.decimals == 1)
        #expect(v.value == .number(150))
        #expect(v.format?.decimals == 2 && v.format?.percent == false)
        #expect(sku.value == .text("A") && sku.type == .text && sku.format == nil)
        #expect(channel.value == .text("web"))
        #expect(pieces[8] == .text(")"))
    }

    @Test("a missing value in a message carries its reason and origin")
    func flagMissingValue() throws {
        let run = try evaluate(Self.rules, files: ["lines.csv": Self.lines])
        let hit = try #require(run.ws.flags().first { $0.flag == "no_prior" })
        #expect(hit.keys == [.text("C"), .text("web")])
        guard hit.message.count == 2, case .value(let shown) = hit.message[1], case .missing(let reason?) = shown.value else {
            Issue.record("no missing value: \(hit.message)")
            return
        }
        #expect(reason.kind == .divisionByZero)
        let s = run.table("s")
        #expect(reason.origin?.columnRef == run.columnRef("s", "change"))
        #expect(reason.origin?.row == run.row("s", ["C", "web"]))
        #expect(reason.origin?.keys == [.text("C"), .text("web")])
        #expect(reason.origin?.table == s)
    }

    @Test("a check failure carries the cells its condition read, typed, and the row's keys")
    func checkFailureAsData() throws {
        let run = try evaluate(CheckTests.rules, files: ["items.csv": CheckTests.items])
        let failures = run.ws.checkFailures().filter { $0.check == "covers_need" }
        #expect(failures.map(\.keys) == [[.text("B")], [.text("C")]])
        let plan = run.table("plan")
        let b = try #require(failures.first)
        #expect(b.values.map(\.name) == ["order_qty", "need"])
        #expect(b.values.map(\.column) == [run.columnRef("plan", "order_qty"), run.columnRef("plan", "need")])
        #expect(b.values.map(\.value.value) == [.number(-5), .number(3.2)])
        #expect(b.values.allSatisfy { $0.value.type == .number && $0.value.format == nil })
        #expect(b.values.allSatisfy { $0.column.table == plan })
        let c = failures[1]
        guard case .missing = c.values[0].value.value else {
            Issue.record("order_qty of C is not missing: \(c.values)")
            return
        }
        #expect(c.values[1].value.value == .number(1))
        // A missing value read by a check keeps why it is missing.
        let gap = try #require(run.ws.checkFailures().first { $0.check == "no_gap" && $0.keys == [.text("C")] })
        guard case .missing(let reason?) = gap.values.first?.value.value else {
            Issue.record("gap of C has no reason: \(gap.values)")
            return
        }
        #expect(reason.kind == .noValue)
        #expect(reason.origin?.columnRef == run.columnRef("plan", "gap"))
    }

    static let seriesRules = """
        table items = csv("items.csv") by sku
        table lines = csv("lines.csv") by sku, channel
        table series by sku, channel from lines:
          change = lines.v / lines.prior - 1
        table plan by sku from items:
          order = sum(series.change) * 2
          mean = avg(series.change)
          inv = stock.on_hand
          pick = series.change["C", "fax"]
        table stock = csv("stock.csv") by sku

        """
    static let seriesFiles = [
        "items.csv": "sku\nA\nC\nE\n",
        "lines.csv": FlagTests.lines,
        "stock.csv": "sku,on_hand\nA,5\nC,6\n",
    ]

    @Test("a division by zero in series.change reaching plan.order keeps the series cell as its origin")
    func originIsTheSeriesCell() throws {
        let run = try evaluate(Self.seriesRules, files: Self.seriesFiles)
        let series = try #require(run.ws.missingReason(run.columnRef("series", "change")!, row: run.row("series", ["C", "web"])!))
        let order = try #require(run.reason("plan", "order", "C"))
        #expect(order.kind == .divisionByZero)
        let origin = try #require(order.origin)
        #expect(origin.columnRef == run.columnRef("series", "change"))
        #expect(origin.row == run.row("series", ["C", "web"]))
        #expect(origin.keys == [.text("C"), .text("web")])
        // Shared by reference, not copied per reader.
        #expect(order === series)
    }

    @Test("each kind of reason carries what is needed to word it")
    func structuredKinds() throws {
        let run = try evaluate(Self.seriesRules, files: Self.seriesFiles)
        let inv = try #require(run.reason("plan", "inv", "E"))
        #expect(inv.kind == .noMatchingRow(table: "stock", keys: [.text("E")]))
        #expect(inv.origin == MissingOrigin(table: run.table("plan"), column: run.columnRef("plan", "inv")!.column,
                                            row: run.row("plan", ["E"])!, keys: [.text("E")]))
        let pick = try #require(run.reason("plan", "pick", "A"))
        #expect(pick.kind == .noRowWithKeys(table: "series", keys: [.text("C"), .text("fax")]))
        let mean = try #require(run.reason("plan", "mean", "E"))
        #expect(mean.kind == .noRows(table: "series"))
        #expect(mean.origin?.columnRef == run.columnRef("plan", "mean"))
    }

    @Test("`missing(\"why\")` keeps the rule's words; a change report carries typed keys and values")
    func definedMissingInAChange() throws {
        let rules = "table items = csv(\"items.csv\") by sku\ntable t by sku from items:\n"
            + "  x = if items.n > 0 then items.n else missing(\"not planned\")\n"
        let run = try evaluate(rules, files: ["items.csv": "sku,n\nA,1\nB,2\n"])
        let report = try run.ws.apply([.cell(table: "items", column: "n", keys: ["B"], value: .number(0))])
        let change = try #require(report.changes.first)
        #expect(change.keys == [.text("B")])
        #expect(change.old == .number(2))
        guard case .missing(let reason?) = change.new else {
            Issue.record("not missing: \(change.new)")
            return
        }
        #expect(reason.kind == .missingByDefinition("not planned"))
        #expect(reason.origin?.columnRef == change.column)
    }

    @Test("a reopened workspace that numbers its tables differently keeps origins on the right cells")
    func originsAcrossARuleEdit() throws {
        let scratch = Scratch(Self.seriesFiles)
        let path = scratch.path("rules.velo")
        let ws = try Workspace.open(try compile(Self.seriesRules, path: path))
        // A new table declared first: every table's number moves by one.
        let edited = "table extra = csv(\"items.csv\") by sku\n" + Self.seriesRules
        let program = try compile(edited, path: path)
        let next = try Workspace.reopen(program, previous: ws)
        #expect(next.stats.cellsReused > 0)
        let run = Evaluated(next, scratch: scratch)
        let order = try #require(run.reason("plan", "order", "C"))
        #expect(order.origin?.columnRef == run.columnRef("series", "change"))
        #expect(order.origin?.keys == [.text("C"), .text("web")])
    }
}
