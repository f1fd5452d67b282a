// The REPL's command language: which command a line is, with its arguments, and the errors
// that say what was expected; when an input continues on the next line.

import Testing
@testable import VeloFrontend

@Suite("REPL commands")
struct REPLCommandTests {
    static let parsed: [(String, ReplCommand)] = [
        ("sum(plan.order_qty)", .evaluate("sum(plan.order_qty)")),
        ("plan.order_qty[\"SKU00012\"]", .evaluate("plan.order_qty[\"SKU00012\"]")),
        ("plan.order_qty == 5", .evaluate("plan.order_qty == 5")),
        ("eval flags + 1", .evaluate("flags + 1")),
        ("flags.count", .evaluate("flags.count")),
        ("  help  ", .help(nil)),
        ("help set", .help("set")),
        ("set service_level = 98%", .setParam("service_level", value: "98%")),
        ("set lookback=28 days", .setParam("lookback", value: "28 days")),
        ("set items.moq[\"SKU00012\"] = 500", .setCell(CellTarget(table: "items", column: "moq", keys: ["SKU00012"]), value: "500")),
        ("set items.moq[SKU00012] = 500", .setCell(CellTarget(table: "items", column: "moq", keys: ["SKU00012"]), value: "500")),
        ("set stock.qty[\"A\", \"web\"] = missing", .setCell(CellTarget(table: "stock", column: "qty", keys: ["A", "web"]), value: "missing")),
        ("set asof = 2024-11-20", .setAsOf("2024-11-20")),
        ("undo", .undo), ("redo", .redo), ("changes", .changes), ("reload", .reload),
        ("flags", .flags), ("checks", .checks), ("tables", .tables), ("params", .params), ("quit", .quit), ("exit", .quit),
        ("scenario high_service", .scenario("high_service")),
        ("scenario", .scenarios), ("scenarios", .scenarios),
        ("use base", .use("base")),
        ("compare base high on plan.order_qty", .compare("base", "high", on: "plan.order_qty")),
        ("explain plan.order_qty[\"SKU00012\"]", .explain(CellTarget(table: "plan", column: "order_qty", keys: ["SKU00012"]), depth: 2)),
        ("explain plan.order_qty[\"SKU00012\"] depth 4", .explain(CellTarget(table: "plan", column: "order_qty", keys: ["SKU00012"]), depth: 4)),
        ("explain totals.units", .explain(CellTarget(table: "totals", column: "units", keys: []), depth: 2)),
        ("plan.extra = order_qty * 1.1", .define(table: "plan", column: "extra", formula: "order_qty * 1.1")),
        ("plan.flag = if x == 1 then \"a=b\" else \"c\"", .define(table: "plan", column: "flag", formula: "if x == 1 then \"a=b\" else \"c\"")),
        ("load other plan.velo", .load("other plan.velo")),
        ("load \"my plan.velo\"", .load("my plan.velo")),
        ("mode csv", .mode(.csv)), ("mode json", .mode(.json)), ("mode table", .mode(.table)),
        ("mode csv units", .mode(.csv, units: true)), ("mode json  units", .mode(.json, units: true)),
        ("timer on", .timer(true)), ("timer off", .timer(false)),
        ("", .nothing), ("   ", .nothing),
    ]

    @Test("commands parse", arguments: 0..<parsed.count)
    func parses(_ i: Int) throws {
        let (line, expected) = Self.parsed[i]
        #expect(try ReplCommand.parse(line) == expected, "\(line)")
    }

    @Test func showClauses() throws {
        let spec = try ShowSpec.parse("plan where cadence == \"weekly\" sort by cover_days limit 10")
        #expect(spec == ShowSpec(table: "plan", filter: "cadence == \"weekly\"", sort: [.init(column: "cover_days", descending: false)], limit: 10))
        let columns = try ShowSpec.parse("plan order_qty, need sort by need desc, sku")
        #expect(columns == ShowSpec(table: "plan", columns: ["order_qty", "need"],
                                    sort: [.init(column: "need", descending: true), .init(column: "sku", descending: false)]))
        // A `where` whose text holds the clause words inside a text literal.
        let quoted = try ShowSpec.parse("plan where cadence == \"sort by limit\" limit 3")
        #expect(quoted.filter == "cadence == \"sort by limit\"")
        #expect(quoted.limit == 3)
        #expect(try ShowSpec.parse("plan.order_qty") == ShowSpec(table: "plan", columns: ["order_qty"]))
    }

    static let errors: [(String, String)] = [
        ("set service_level", "expected `set PARAM = VALUE` or `set TABLE.COLUMN[\"KEY\"] = VALUE`, e.g. `set service_level = 98%`"),
        ("set plan.order_qty[1 + 2] = 3", "a key is a text such as \"SKU00012\", found `1 + 2`"),
        ("undo 2", "`undo` takes no argument; see `help undo`"),
        ("mode xml", "`mode` needs table, csv, json or markdown, found `xml`"),
        ("mode table units", "`mode table` takes no `units`; `mode csv units` and `mode json units` carry the units (tables always show them)"),
        ("mode csv metres", "`mode csv` takes no `metres`; `mode csv units` and `mode json units` carry the units (tables always show them)"),
        ("mode csv units x", "`mode` needs table, csv, json or markdown, found `csv units x`"),
        ("timer maybe", "`timer` needs on or off"),
        ("compare base high", "expected `compare SCENARIO SCENARIO on TABLE[.COLUMN], ...`, e.g. `compare base high_service on plan.order_qty` or `on plan`"),
        ("explain plan.order_qty[\"A\"] depth x", "`depth` needs a whole number, e.g. `explain plan.order_qty[\"SKU00012\"] depth 3`"),
        ("explain 1 + 2", "expected a cell such as `explain plan.order_qty[\"SKU00012\"]`, found `1 + 2`"),
        ("scenario two words", "a scenario name is one word of letters, digits and `_`, e.g. `scenario high_service`"),
        ("show plan limit ten", "`limit` needs a whole number, found `ten`"),
        ("show plan sort by need sideways", "`sort by` takes columns, each optionally followed by desc or asc, found `need sideways`"),
        ("param service_level = 98%", ReplCommand.declarationRefusal("param")),
        ("check plan: order_qty >= 0", ReplCommand.declarationRefusal("check")),
        ("table", ReplCommand.declarationRefusal("table")),
        ("show plan where", "`where` needs a condition; expected `show TABLE [COLUMN, ...] [where CONDITION] [sort by COLUMN [desc]] [limit N] [pivot COLUMN]`, e.g. `show plan where cadence == \"weekly\" sort by cover_days limit 10` or `show projection pivot closing where sku == \"SKU000004\"`"),
    ]

    @Test("errors say what was expected", arguments: 0..<errors.count)
    func errorMessages(_ i: Int) {
        let (line, message) = Self.errors[i]
        #expect(throws: ReplError(message)) { try ReplCommand.parse(line) }
    }

    @Test func continuation() {
        for text in ["sum(plan.order_qty", "plan.order_qty[\"SKU1\"", "1 +", "x and", "plan.extra =", "if a then", "\"open text",
                     "set x = (1,", "show plan where a ==", "sum(x # a comment )", "f(a,"] {
            #expect(InputContinuation.needsMore(text), "\(text)")
        }
        for text in ["sum(plan.order_qty)", "undo", "timer on", "mode csv", "98%", "x # trailing +", "\"a + \"",
                     "show plan where order_qty > 0 sort by need", "compare a b on plan.order_qty", "1 +\n2"] {
            #expect(!InputContinuation.needsMore(text), "\(text)")
        }
        #expect(InputContinuation.join(["sum(plan.order_qty  # all SKUs", "  * 2)"]) == "sum(plan.order_qty * 2)")
    }

    @Test func topLevelWords() {
        let words = InputScanner.words("plan where f(a, b) == \"x y\" limit 3").map(\.text)
        #expect(words == ["plan", "where", "f(a, b)", "==", "\"x y\"", "limit", "3"])
        #expect(InputScanner.assignment(in: "x.y = a == b") == 4)
        #expect(InputScanner.assignment(in: "a <= b") == nil)
        #expect(InputScanner.assignment(in: "f(a = 1)") == nil)
    }

    @Test func helpListsEveryCommandWithAnExample() throws {
        let text = try ReplHelp.text(nil)
        for name in ReplCommand.names where name != "exit" && name != "eval" && name != "scenarios" {
            #expect(text.contains("\n  \(name) "), "\(name) missing from help")
        }
        for topic in ReplHelp.topics {
            #expect(text.contains(topic.example), "no example for \(topic.names[0])")
            // Every example parses as the command it illustrates.
            #expect((try? ReplCommand.parse(topic.example)) != nil, "\(topic.example)")
        }
        #expect(try ReplHelp.text("set").contains("set items.moq[\"SKU00012\"] = 500"))
        #expect(throws: ReplError("no command `sett`: did you mean `set`? (`help` lists them)")) { try ReplHelp.text("sett") }
    }
}

extension ShowSpec {
    static func parse(_ text: String) throws -> ShowSpec { try ReplCommand.parseShow(text) }
}
