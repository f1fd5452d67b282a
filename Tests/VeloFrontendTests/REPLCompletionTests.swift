// Tab completion candidates on the replenishment example, for each place a word can be.

import Testing
@testable import VeloFrontend

@Suite("REPL completion")
struct REPLCompletionTests {
    let session = ReplHarness.session().0

    func complete(_ line: String) -> [String] {
        // The word is what follows the last word-break character, as readline splits it.
        let breaks = Set(ReplCompleter.wordBreaks)
        let start = line.lastIndex { breaks.contains($0) }.map { line.index(after: $0) } ?? line.startIndex
        return session.completions(before: String(line[..<start]), word: String(line[start...]))
    }

    @Test func commandsAndNamesAtTheStart() {
        #expect(complete("sh") == ["show", "shift("])
        #expect(complete("prev") == ["previous("])
        #expect(complete("period_") == ["period_end(", "period_start("])
        #expect(complete("first_p") == ["first_period("])
        #expect(complete("sc") == ["scenario", "scenarios"])
        #expect(complete("ser") == ["service_level", "series."])
        #expect(complete("su") == ["sum("])
        #expect(complete("pl") == ["plan."])
        #expect(complete("rou").sorted() == ["round(", "rounddown(", "roundup("])
    }

    @Test func columnsAfterATableName() {
        #expect(complete("plan.ord") == ["plan.order_qty"])
        #expect(complete("plan.o") == ["plan.order_qty", "plan.overproduction"])
        #expect(complete("sum(series.ve") == ["series.velocity", "series.velocity_change"])
        #expect(complete("nosuch.x") == [])
    }

    @Test func keyValues() {
        #expect(complete("plan.order_qty[\"SKU00001") == (10...19).map { "SKU0000\($0)\"]" })
        #expect(complete("plan.order_qty[\"SKU000012") == ["SKU000012\"]"])
        // Without the quote, the candidate brings it.
        #expect(complete("plan.order_qty[SKU000012") == ["\"SKU000012\"]"])
        // The first of two keys is followed by the second's opening quote; the second is the channel.
        #expect(complete("series.velocity[\"SKU000010") == ["SKU000010\", \""])
        #expect(complete("series.velocity[\"SKU000010\", \"w") == ["web\"]", "wholesale\"]"])
        #expect(complete("explain plan.need[\"SKU00006") == ["SKU000060\"]"])
        #expect(complete("set items.moq[\"SKU00006") == ["SKU000060\"]"])
    }

    @Test func commandArguments() {
        #expect(complete("mode j") == ["json"])
        #expect(complete("  decide ") == ["unique", "first", "priority", "collect"])
        #expect(complete("  decide p") == ["priority"])
        #expect(complete("  decide collect m") == ["min", "max"])
        #expect(complete("plan.policy = dec") == ["decide"])
        #expect(complete("    otherw") == ["otherwise"])
        #expect(complete("mode csv u") == ["units"])
        #expect(complete("mode json ") == ["units"])
        #expect(complete("mode table u") == [])
        #expect(complete("mode csv units ") == [])
        #expect(complete("timer o") == ["on", "off"])
        #expect(complete("use b") == ["base"])
        #expect(complete("help ex") == ["explain", "exit"])
        #expect(complete("compare base b") == ["base"])
        #expect(complete("compare base base o") == ["on"])
        #expect(complete("compare base base on plan.or") == ["plan.order_qty"])
        #expect(complete("set serv") == ["service_level"])
        #expect(complete("set it") == ["items."])
        #expect(complete("set items.m") == ["items.moq"])
        #expect(complete("show pl") == ["plan"])
        #expect(complete("show plan wh") == ["where"])
        #expect(complete("show plan where cad") == ["cadence"])
        #expect(complete("show plan where cadence == \"weekly\" so") == ["sort"])
        #expect(complete("show plan sort by cov") == ["cover_days"])
        #expect(complete("plan.extra = order_qty * need + ov") == ["overproduction"])
        let dir = ReplHarness.root + "/Examples/replenishment/"
        // `/` ends a word for readline, so file names complete after the last one.
        #expect(complete("load \(dir)pl") == ["plan.test.velo", "plan.velo"])
        #expect(complete("load \(dir)plan.v") == ["plan.velo"])
        #expect(complete("load \(dir)da") == ["data/"])
        #expect(complete("load \(dir)data/it") == ["items.csv"])
    }

    @Test func spaceAfterACompletion() {
        #expect(ReplCompleter.appendsSpace("show"))
        #expect(ReplCompleter.appendsSpace("service_level"))
        #expect(!ReplCompleter.appendsSpace("plan."))
        #expect(!ReplCompleter.appendsSpace("sum("))
        #expect(!ReplCompleter.appendsSpace("plan.order_qty"))
        #expect(!ReplCompleter.appendsSpace("SKU000012\"]"))
        #expect(!ReplCompleter.appendsSpace("SKU000010\", \""))
        #expect(!ReplCompleter.appendsSpace("data/"))
    }
}

@Suite("REPL completion: many rows, several columns, files")
struct REPLCompletionManyRowsTests {
    let session = ReplHarness.session().0

    func complete(_ line: String) -> [String] {
        let breaks = Set(ReplCompleter.wordBreaks)
        let start = line.lastIndex { breaks.contains($0) }.map { line.index(after: $0) } ?? line.startIndex
        return session.completions(before: String(line[..<start]), word: String(line[start...]))
    }

    @Test func candidates() {
        #expect(complete("set items.lead_time_days = lead_time_days * 1.2 wh") == ["where"])
        #expect(complete("set items.lead_time_days = lead_time_days * 1.2 where supp") == ["supplier"])
        #expect(complete("compare base base on pl") == ["plan", "plan."])
        #expect(complete("compare base base on plan.need, ord") == ["order_qty"])
        #expect(complete("flags t") == ["to"])
        #expect(complete("show plan limit 3 t") == ["to"])
    }
}
