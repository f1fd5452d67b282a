// Filtered event tables in the editor and on the command line: hovered (with its base's
// columns) and followed to its base in `velo lsp`; refused by `--source` (it is not read from
// a file).

import Foundation
import Testing
@testable import VeloFrontend

@Suite("filtered event tables: LSP, command line")
struct FilteredTableFrontendTests {
    @Test func theSourceOptionRefusesAFilteredTable() throws {
        let dir = try LSPFixture.replenishmentCopy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.velo"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try (text + "\ntable web_sales = sales where channel == \"web\"\n").write(toFile: path, atomically: true, encoding: .utf8)
        let result = FrontendHarness.run(RunRequest(file: path, sources: ["web_sales=" + dir + "/data/sales.csv"]))
        #expect(result.status == .usage)
        #expect(result.err.contains("--source: `web_sales` is not a source table"), "\(result.err)")
    }

    @Test(.enabled(if: ReplHarness.veloBinary != nil, "the velo binary is not next to the test bundle"))
    func hoverAndDefinitionInTheEditor() throws {
        let dir = try LSPFixture.replenishmentCopy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.velo"
        let text = try String(contentsOfFile: path, encoding: .utf8) + "\ntable web_sales = sales where channel == \"web\"\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let uri = LSPDocument.uri(fromPath: path)
        let lsp = try LSPProcess()
        _ = try lsp.initialize()
        lsp.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "velo", "version": 1, "text": .string(text)]])
        #expect(try lsp.diagnostics(uri).isEmpty)
        let line = try #require(LSPFixture.find("table web_sales = sales where", in: text))
        let hover = try lsp.request("textDocument/hover", ["textDocument": ["uri": .string(uri)],
                                                          "position": LSPFixture.position(line.line, "table web_".utf16.count)])
        let shown = hover["result"]?["contents"]?["value"]?.string ?? ""
        #expect(shown.contains("web_sales = sales where channel == \"web\""), "\(shown)")
        #expect(shown.contains("columns: `units`, `date`, `sku`, `channel`"), "\(shown)")
        let definition = try lsp.request("textDocument/definition", ["textDocument": ["uri": .string(uri)],
                                                                    "position": LSPFixture.position(line.line, "table web_sales = sa".utf16.count)])
        let sales = try #require(LSPFixture.find("table sales = csv", in: text))
        #expect(definition["result"]?["range"]?["start"]?["line"]?.int == sales.line, "\(definition)")
    }
}
