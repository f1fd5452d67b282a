// `velo lsp` on report statements: completion in a report's clauses offers its table's
// columns, document symbols list the reports, references reach a report's columns.

import Foundation
import Testing
@testable import VeloFrontend

@Suite("velo lsp: reports")
struct LSPReportTests {
    @Test(.enabled(if: ReplHarness.veloBinary != nil, "the velo binary is not next to the test bundle"))
    func reportsInTheEditor() throws {
        let dir = try LSPFixture.replenishmentCopy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.velo"
        let uri = LSPDocument.uri(fromPath: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lsp = try LSPProcess()
        _ = try lsp.initialize()
        lsp.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "velo", "version": 1, "text": .string(text)]])
        #expect(try lsp.diagnostics(uri).isEmpty)

        // Completion after `where ` in the weekly_orders report: plan's columns.
        let clause = try #require(LSPFixture.find("  where cadence == \"weekly\"", in: text))
        let completion = try lsp.request("textDocument/completion", ["textDocument": ["uri": .string(uri)],
                                                                     "position": LSPFixture.position(clause.line, "  where ".utf16.count)])
        let offered = (completion["result"]?["items"]?.array ?? []).compactMap { $0["label"]?.string }
        for column in ["cadence", "cover_days", "order_qty"] { #expect(offered.contains(column), "\(offered)") }

        // Document symbols: both reports.
        let symbols = try lsp.request("textDocument/documentSymbol", ["textDocument": ["uri": .string(uri)]])
        let names = (symbols["result"]?.array ?? []).compactMap { $0["name"]?.string }
        #expect(names.contains("exceptions") && names.contains("weekly_orders"), "\(names)")

        // References of plan.cover_days include the report's `columns` and `sort by`.
        let def = try #require(LSPFixture.find("cover_days     = if demand", in: text))
        let refs = try lsp.request("textDocument/references", ["textDocument": ["uri": .string(uri)], "position": LSPFixture.position(def.line, def.character + 1),
                                                               "context": ["includeDeclaration": true]])
        let lines = Set((refs["result"]?.array ?? []).compactMap { $0["range"]?["start"]?["line"]?.int })
        let columns = try #require(LSPFixture.find("  columns sku, order_qty, need, cover_days, demand", in: text))
        let sort = try #require(LSPFixture.find("  sort by cover_days, order_qty desc", in: text))
        #expect(lines.contains(columns.line) && lines.contains(sort.line), "\(lines.sorted())")
    }
}
