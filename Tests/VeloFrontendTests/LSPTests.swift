// `velo lsp` driven as an editor drives it: the built binary over stdio, on a copy of the
// replenishment example — diagnostics appearing and clearing, hover, completion,
// definition, references, rename, formatting, symbols, inlay hints, malformed input, and
// shutdown/exit. Then, in process, the diagnostics of every golden fixture against
// `velo check --static`.

import Foundation
import Testing
import VeloSyntax
@testable import VeloFrontend

@Suite struct LSPTests {
    static let typo = "demand         = sum(series.velocty)"

    func labels(_ completion: JSONValue) -> [String] {
        (completion["result"]?["items"]?.array ?? completion["result"]?.array ?? []).compactMap { $0["label"]?.string }
    }

    @Test func anEditorSessionOnTheReplenishmentExample() throws {
        let dir = try LSPFixture.replenishmentCopy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.velo"
        let uri = LSPDocument.uri(fromPath: path)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let text = original.replacingOccurrences(of: "demand         = sum(series.velocity)", with: LSPTests.typo)
        #expect(text != original)

        let lsp = try LSPProcess()
        let initialized = try lsp.initialize()
        let caps = initialized["result"]?["capabilities"]
        #expect(caps?["textDocumentSync"]?["change"]?.int == 2)
        #expect(caps?["hoverProvider"]?.bool == true)
        #expect(caps?["inlayHintProvider"]?.bool == true)

        // A typo: one diagnostic, on its line, naming it.
        lsp.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "velo", "version": 1, "text": .string(text)]])
        let diagnostics = try lsp.diagnostics(uri)
        let typo = try #require(LSPFixture.find("velocty", in: text))
        #expect(diagnostics.count == 1)
        let d = try #require(diagnostics.first)
        #expect(d["range"]?["start"]?["line"]?.int == typo.line)
        #expect(d["range"]?["start"]?["character"]?.int == typo.character)
        #expect(d["severity"]?.int == 1)
        #expect(d["code"]?.string == "unknown-column")
        #expect(d["message"]?.string?.contains("`velocty`") == true)
        #expect(d["message"]?.string?.contains("hint: did you mean `velocity`?") == true)

        // An incremental change fixes it: the diagnostics are cleared.
        let fix: JSONValue = ["range": ["start": LSPFixture.position(typo.line, typo.character),
                                        "end": LSPFixture.position(typo.line, typo.character + "velocty".utf16.count)],
                              "text": "velocity"]
        lsp.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 2], "contentChanges": [fix]])
        #expect(try lsp.diagnostics(uri).isEmpty)
        var current = original

        // Hover on `velocity` (where plan reads it): its formula, type and keys.
        let use = try #require(LSPFixture.find("series.velocity", in: current))
        let hover = try lsp.request("textDocument/hover", ["textDocument": ["uri": .string(uri)],
                                                           "position": LSPFixture.position(use.line, use.character + "series.".count + 2)])
        let hoverText = hover["result"]?["contents"]?["value"]?.string ?? ""
        #expect(hoverText.contains("series.velocity = wavg(sales.units, last 21 days, weights: linear)"), "\(hoverText)")
        #expect(hoverText.contains("number"))
        #expect(hoverText.contains("number in units/day"), "\(hoverText)")   // its unit of measure
        #expect(hoverText.contains("`sku`, `channel`"))

        // Hover on a builtin: its signature and summary.
        let call = try #require(LSPFixture.find("roundup(", in: current))
        let builtin = try lsp.request("textDocument/hover", ["textDocument": ["uri": .string(uri)], "position": LSPFixture.position(call.line, call.character + 1)])
        #expect(builtin["result"]?["contents"]?["value"]?.string?.contains("roundup(x: number, multiple: number) -> number") == true)

        // Completion after `=` in a new plan formula: the plan's columns.
        let anchor = try #require(LSPFixture.find("  flagged        = any(series.exception)", in: current))
        let newLine = "  extra = "
        lsp.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 3], "contentChanges": [
            ["range": ["start": LSPFixture.position(anchor.line + 1, 0), "end": LSPFixture.position(anchor.line + 1, 0)], "text": .string(newLine + "\n")],
        ]])
        _ = try lsp.diagnostics(uri)
        let completion = try lsp.request("textDocument/completion", ["textDocument": ["uri": .string(uri)],
                                                                     "position": LSPFixture.position(anchor.line + 1, newLine.utf16.count)])
        let offered = labels(completion)
        for column in ["sku", "demand", "safety_stock", "order_qty", "cover_days", "flagged"] {
            #expect(offered.contains(column), "completion lacks \(column): \(offered)")
        }
        #expect(!offered.contains("prior_velocity"), "a column of another table is offered bare")
        for other in ["series", "items", "service_level", "roundup", "wavg", "last", "half_life"] {
            #expect(offered.contains(other), "completion lacks \(other)")
        }
        // After `series.`: its columns.
        let dotted = try lsp.request("textDocument/completion", ["textDocument": ["uri": .string(uri)], "position": LSPFixture.position(use.line, use.character + "series.".count)])
        #expect(Set(labels(dotted)) == ["sku", "channel", "velocity", "sigma", "prior_velocity", "velocity_change", "exception"], "\(labels(dotted))")
        // Back to the example's text.
        lsp.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 4], "contentChanges": [["text": .string(current)]]])
        #expect(try lsp.diagnostics(uri).isEmpty)

        // Definition of `series.velocity`: the line defining it.
        let def = try #require(LSPFixture.find("velocity        = wavg", in: current))
        let definition = try lsp.request("textDocument/definition", ["textDocument": ["uri": .string(uri)], "position": LSPFixture.position(use.line, use.character + 8)])
        #expect(definition["result"]?["uri"]?.string == uri)
        #expect(definition["result"]?["range"]?["start"]?["line"]?.int == def.line)
        #expect(definition["result"]?["range"]?["start"]?["character"]?.int == def.character)

        // References of `velocity`: its definition, `velocity / prior_velocity`, `series.velocity`.
        let refs = try lsp.request("textDocument/references", ["textDocument": ["uri": .string(uri)], "position": LSPFixture.position(def.line, def.character + 1),
                                                               "context": ["includeDeclaration": true]])
        let refLines = (refs["result"]?.array ?? []).compactMap { $0["range"]?["start"]?["line"]?.int }.sorted()
        let change = try #require(LSPFixture.find("velocity / prior_velocity", in: current))
        // And the new-launch and gone-quiet flags: their conditions and a message.
        let launch = try #require(LSPFixture.find("prior_velocity == 0 and velocity > 0", in: current))
        let quiet = try #require(LSPFixture.find("velocity == 0 and prior_velocity > 0", in: current))
        let message = try #require(LSPFixture.find("{velocity:.1} a day now", in: current))
        #expect(refLines == [def.line, change.line, use.line, launch.line, quiet.line, message.line].sorted(), "\(refLines)")

        // Rename `velocity` -> `speed`: every reference; the edited text checks clean.
        let rename = try lsp.request("textDocument/rename", ["textDocument": ["uri": .string(uri)], "position": LSPFixture.position(def.line, def.character),
                                                             "newName": "speed"])
        let edits = rename["result"]?["changes"]?[uri]?.array ?? []
        #expect(edits.count == 6)
        let renamed = apply(edits, to: current)
        #expect(renamed.contains("  speed        = wavg"))
        #expect(renamed.contains("sum(series.speed)"))
        #expect(renamed.contains("speed / prior_velocity"))
        #expect(!Frontend.check(SourceFile(path: path, text: renamed)).diagnostics.hasErrors)
        // A clash with an existing column is refused.
        let clash = try lsp.request("textDocument/rename", ["textDocument": ["uri": .string(uri)], "position": LSPFixture.position(def.line, def.character),
                                                            "newName": "sigma"])
        #expect(clash["error"]?["code"]?.int == -32803)
        #expect(clash["error"]?["message"]?.string?.contains("already has a column `sigma`") == true)

        // Formatting: a misindented file comes back as `velo fmt` writes it.
        let messy = current.replacingOccurrences(of: "param service_level      = 95%", with: "param   service_level=95%   ")
        lsp.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 5], "contentChanges": [["text": .string(messy)]]])
        _ = try lsp.diagnostics(uri)
        let formatting = try lsp.request("textDocument/formatting", ["textDocument": ["uri": .string(uri)], "options": ["tabSize": 2, "insertSpaces": true]])
        let formatEdits = formatting["result"]?.array ?? []
        #expect(formatEdits.count == 1)
        #expect(apply(formatEdits, to: messy) == RuleFormatter.format(messy))
        #expect(RuleFormatter.format(messy) != messy)

        // Document symbols: the tables, with their columns.
        lsp.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 6], "contentChanges": [["text": .string(current)]]])
        _ = try lsp.diagnostics(uri)
        let symbols = try lsp.request("textDocument/documentSymbol", ["textDocument": ["uri": .string(uri)]])
        let top = symbols["result"]?.array ?? []
        #expect(Array(top.compactMap { $0["name"]?.string }.prefix(5)) == ["sales", "items", "inventory", "service_level", "velocity_threshold"])
        let series = try #require(top.first { $0["name"]?.string == "series" })
        #expect(series["children"]?.array?.compactMap { $0["name"]?.string } == ["sku", "channel", "velocity", "sigma", "prior_velocity", "velocity_change", "exception"])

        // Inlay hints: params at once, and with the data evaluated, the cells of a keyless table.
        current += "\ntable totals:\n  total_order = sum(plan.order_qty)\n"
        lsp.notify("textDocument/didChange", ["textDocument": ["uri": .string(uri), "version": 7], "contentChanges": [["text": .string(current)]]])
        #expect(try lsp.diagnostics(uri).isEmpty)
        let totalLine = try #require(LSPFixture.find("total_order", in: current)).line
        var hints: [JSONValue] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let r = try lsp.request("textDocument/inlayHint", ["textDocument": ["uri": .string(uri)],
                                                               "range": ["start": LSPFixture.position(0, 0), "end": LSPFixture.position(totalLine + 1, 0)]])
            hints = r["result"]?.array ?? []
            if hints.contains(where: { $0["position"]?["line"]?.int == totalLine }) { break }
            // The server asks for a refresh once the values are in; answer it, then ask again.
            if let refresh = lsp.inbox.take(timeout: 5, { $0["method"]?.string == "workspace/inlayHint/refresh" }), let id = refresh["id"] {
                lsp.sendMessage(["jsonrpc": "2.0", "id": id, "result": .null])
            }
        }
        let serviceLine = try #require(LSPFixture.find("param service_level", in: current)).line
        #expect(hints.contains { $0["position"]?["line"]?.int == serviceLine && $0["label"]?.string == "= 95%" }, "\(hints)")
        let total = try #require(hints.first { $0["position"]?["line"]?.int == totalLine })
        let label = total["label"]?.string ?? ""
        #expect(label.hasPrefix("= ") && label.dropFirst(2).allSatisfy { $0.isNumber || $0 == "," || $0 == "." }, "\(label)")
        // With the values in, hover also summarises a column's values.
        let orderQty = try #require(LSPFixture.find("order_qty      =", in: current))
        let valueHover = try lsp.request("textDocument/hover", ["textDocument": ["uri": .string(uri)], "position": LSPFixture.position(orderQty.line, orderQty.character + 1)])
        let valueText = valueHover["result"]?["contents"]?["value"]?.string ?? ""
        #expect(valueText.contains("**values** over"), "\(valueText)")
        #expect(valueText.contains("median"))

        // Malformed input: answered with errors, and the server lives on.
        lsp.writeRaw(Array("Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\"}".utf8))
        let badHeader = try #require(lsp.inbox.take { $0["error"]?["code"]?.int == -32700 })
        #expect(badHeader["id"]?.isNull == true)
        lsp.writeRaw(LSPFramer.frame("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": "))
        #expect(lsp.inbox.take { $0["error"]?["code"]?.int == -32700 } != nil)
        let unknown = try lsp.request("velo/noSuchMethod")
        #expect(unknown["error"]?["code"]?.int == -32601)
        let notAnObject = LSPFramer.frame("[1, 2]")
        lsp.writeRaw(notAnObject)
        #expect(lsp.inbox.take { $0["error"]?["code"]?.int == -32600 } != nil)
        let alive = try lsp.request("textDocument/hover", ["textDocument": ["uri": .string(uri)], "position": LSPFixture.position(def.line, def.character)])
        #expect(alive["result"]?["contents"] != nil)

        // Close: the diagnostics are cleared. Then shutdown and exit: status 0.
        lsp.notify("textDocument/didClose", ["textDocument": ["uri": .string(uri)]])
        #expect(try lsp.diagnostics(uri).isEmpty)
        let shutdown = try lsp.request("shutdown")
        #expect(shutdown["result"]?.isNull == true)
        #expect(shutdown["error"] == nil)
        lsp.notify("exit")
        #expect(lsp.waitForExit() == 0)
    }

    @Test func aTestFileNamesTheRuleFilesTablesColumnsAndParams() throws {
        let dir = try LSPFixture.replenishmentCopy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let planPath = dir + "/plan.velo", testPath = dir + "/plan.test.velo"
        let planURI = LSPDocument.uri(fromPath: planPath), testURI = LSPDocument.uri(fromPath: testPath)
        let plan = try String(contentsOfFile: planPath, encoding: .utf8)
        let tests = try String(contentsOfFile: testPath, encoding: .utf8)

        let lsp = try LSPProcess()
        _ = try lsp.initialize()
        lsp.notify("textDocument/didOpen", ["textDocument": ["uri": .string(testURI), "languageId": "velo", "version": 1, "text": .string(tests)]])
        #expect(try lsp.diagnostics(testURI).isEmpty)

        // A typo in the test file is reported there, and fixing it clears it.
        let use = try #require(LSPFixture.find("plan.need[", in: tests))
        let typo: JSONValue = ["range": ["start": LSPFixture.position(use.line, use.character + 5), "end": LSPFixture.position(use.line, use.character + 9)], "text": "ned"]
        lsp.notify("textDocument/didChange", ["textDocument": ["uri": .string(testURI), "version": 2], "contentChanges": [typo]])
        let broken = try lsp.diagnostics(testURI)
        #expect(broken.count == 1)
        #expect(broken.first?["range"]?["start"]?["line"]?.int == use.line)
        #expect(broken.first?["message"]?.string?.contains("`ned`") == true)
        lsp.notify("textDocument/didChange", ["textDocument": ["uri": .string(testURI), "version": 3], "contentChanges": [["text": .string(tests)]]])
        #expect(try lsp.diagnostics(testURI).isEmpty)

        // Hover and definition of `plan.need` in the test file: the rule file's formula and line.
        let at = LSPFixture.position(use.line, use.character + "plan.".count + 1)
        let hover = try lsp.request("textDocument/hover", ["textDocument": ["uri": .string(testURI)], "position": at])
        #expect(hover["result"]?["contents"]?["value"]?.string?.contains("plan.need = max(0, target - (inventory.on_hand ?? 0) - (inventory.on_order ?? 0))") == true)
        let definition = try lsp.request("textDocument/definition", ["textDocument": ["uri": .string(testURI)], "position": at])
        let def = try #require(LSPFixture.find("need           =", in: plan))
        #expect(definition["result"]?["uri"]?.string == planURI)
        #expect(definition["result"]?["range"]?["start"]?["line"]?.int == def.line)

        // References and rename reach both files.
        let refs = try lsp.request("textDocument/references", ["textDocument": ["uri": .string(testURI)], "position": at, "context": ["includeDeclaration": true]])
        let uris = Set((refs["result"]?.array ?? []).compactMap { $0["uri"]?.string })
        #expect(uris == [planURI, testURI])
        let rename = try lsp.request("textDocument/rename", ["textDocument": ["uri": .string(testURI)], "position": at, "newName": "shortfall"])
        let changes = rename["result"]?["changes"]
        let newPlan = apply(changes?[planURI]?.array ?? [], to: plan)
        let newTests = apply(changes?[testURI]?.array ?? [], to: tests)
        #expect(!newPlan.contains("need ") && newPlan.contains("  shortfall           = max(0"))
        #expect(newTests.contains("plan.shortfall[\"A\"] == 14"))
        try newPlan.write(toFile: planPath, atomically: true, encoding: .utf8)
        try newTests.write(toFile: testPath, atomically: true, encoding: .utf8)
        #expect(!Frontend.check(SourceFile(path: testPath, text: newTests)).diagnostics.hasErrors)

        // A param `set` in a test is a reference to the param.
        let set = try #require(LSPFixture.find("set service_level", in: tests))
        let param = try lsp.request("textDocument/definition", ["textDocument": ["uri": .string(testURI)], "position": LSPFixture.position(set.line, set.character + 5)])
        #expect(param["result"]?["range"]?["start"]?["line"]?.int == LSPFixture.find("param service_level", in: plan)?.line)

        _ = try lsp.request("shutdown")
        lsp.notify("exit")
        #expect(lsp.waitForExit() == 0)
    }

    @Test func requestsBeforeInitializeAndExitWithoutShutdown() throws {
        let lsp = try LSPProcess()
        let early = try lsp.request("textDocument/hover", ["textDocument": ["uri": "file:///x.velo"], "position": LSPFixture.position(0, 0)])
        #expect(early["error"]?["code"]?.int == -32002)
        _ = try lsp.initialize()
        let again = try lsp.request("initialize", ["capabilities": [:]])
        #expect(again["error"]?["code"]?.int == -32600)
        lsp.notify("exit")
        #expect(lsp.waitForExit() == 1)
    }

    @Test("definition and references reach into an imported rule file")
    func acrossImports() throws {
        // The production example imports the replenishment rules: `plan.safety_stock` is
        // declared there and used in both files.
        let root = NSTemporaryDirectory() + "velo-lsp-import-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for example in ["replenishment", "production"] {
            try FileManager.default.copyItem(atPath: FrontendHarness.root + "/Examples/" + example, toPath: root + "/" + example)
        }
        let path = root + "/production/production.velo", planPath = root + "/replenishment/plan.velo"
        let uri = LSPDocument.uri(fromPath: path), planURI = LSPDocument.uri(fromPath: planPath)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let plan = try String(contentsOfFile: planPath, encoding: .utf8)
        let lsp = try LSPProcess()
        _ = try lsp.initialize()
        lsp.notify("textDocument/didOpen", ["textDocument": ["uri": .string(uri), "languageId": "velo", "version": 1, "text": .string(text)]])
        #expect(try lsp.diagnostics(uri).isEmpty)
        let use = try #require(LSPFixture.find("plan.safety_stock", in: text))
        let at = LSPFixture.position(use.line, use.character + "plan.".count + 2)
        let definition = try lsp.request("textDocument/definition", ["textDocument": ["uri": .string(uri)], "position": at])
        let def = try #require(LSPFixture.find("safety_stock", in: plan, after: "table plan"))
        #expect(definition["result"]?["uri"]?.string == planURI, "\(definition)")
        #expect(definition["result"]?["range"]?["start"]?["line"]?.int == def.line)
        #expect(definition["result"]?["range"]?["start"]?["character"]?.int == def.character)
        let references = try lsp.request("textDocument/references", ["textDocument": ["uri": .string(uri)], "position": at,
                                                                     "context": ["includeDeclaration": true]])
        let uris = (references["result"]?.array ?? []).compactMap { $0["uri"]?.string }
        #expect(uris.contains(uri) && uris.contains(planURI), "\(references)")
        #expect(uris.filter { $0 == uri }.count == text.components(separatedBy: "plan.safety_stock").count - 1)
        lsp.notify("exit")
        _ = lsp.waitForExit()
    }

    /// Applies text edits (protocol positions; ASCII lines here) to a text.
    func apply(_ edits: [JSONValue], to text: String) -> String {
        let doc = LSPDocument(uri: "file:///edit.velo", text: text, version: 0)
        let ranges = edits.map { e -> (Int, Int, String) in
            (doc.offset(of: LSPPosition(e["range"]?["start"])!), doc.offset(of: LSPPosition(e["range"]?["end"])!), e["newText"]?.string ?? "")
        }.sorted { $0.0 > $1.0 }
        var bytes = Array(text.utf8)
        for (s, e, t) in ranges { bytes.replaceSubrange(s..<e, with: Array(t.utf8)) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// In process: the server's diagnostics on every golden fixture are those of `velo check --static`.
@Suite struct LSPDiagnosticAgreementTests {
    final class Sent: @unchecked Sendable {
        let lock = NSLock()
        var messages: [JSONValue] = []
        func add(_ m: JSONValue) { lock.lock(); messages.append(m); lock.unlock() }
    }

    @Test("LSP diagnostics agree with velo check --static", arguments: Golden.fixtures)
    func agree(_ name: String) throws {
        let path = Golden.sourcePath(name)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let file = SourceFile(path: path, text: text)
        let (expected, _) = CheckFrontend.findings(file, request: CheckRequest(files: [path], staticOnly: true), sources: [:])
        #expect(!expected.isEmpty)

        let sent = Sent()
        let server = LSPServer(evaluateData: false) { sent.add($0) }
        let uri = LSPDocument.uri(fromPath: path)
        server.receive(["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["capabilities": [:]]])
        server.receive(["jsonrpc": "2.0", "method": "textDocument/didOpen",
                        "params": ["textDocument": ["uri": .string(uri), "languageId": "velo", "version": 1, "text": .string(text)]]])
        let published = try #require(sent.messages.last { $0["method"]?.string == "textDocument/publishDiagnostics" })
        #expect(published["params"]?["uri"]?.string == uri)
        let diagnostics = published["params"]?["diagnostics"]?.array ?? []
        #expect(diagnostics.count == expected.count)
        for (lsp, d) in zip(diagnostics, expected) {
            let (line, column) = file.location(of: d.span.start)
            let start = lsp["range"]?["start"]
            let lspLine = (start?["line"]?.int ?? -1) + 1
            // UTF-16 units into the line -> Unicode scalars, 1-based, as `velo check` counts.
            let lineText = file.lineText(lspLine)
            let units = start?["character"]?.int ?? -1
            let scalars = String(decoding: Array(lineText.utf16.prefix(units)), as: UTF16.self).unicodeScalars.count + 1
            #expect(lspLine == line && scalars == column, "\(name): \(d.message) at \(line):\(column), LSP \(lspLine):\(scalars)")
            let message = lsp["message"]?.string ?? ""
            var shown = d.message
            if let o = d.origin {
                // In an imported file: the message says where, and the related information points there.
                let (l, c) = o.file.location(of: o.span.start)
                shown = "\(LSPServer.shownPath(o.file.path, from: path)):\(l):\(c): " + d.message
                let related = lsp["relatedInformation"]?.array?.first?["location"]
                #expect(related?["uri"]?.string == LSPDocument.uri(fromPath: o.file.path))
                #expect(related?["range"]?["start"]?["line"]?.int == l - 1)
            }
            #expect(message.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) == shown)
            if let hint = d.hint { #expect(message.contains("\nhint: " + hint)) }
            #expect(lsp["code"]?.string == d.code)
            #expect(lsp["severity"]?.int == (d.severity == .error ? 1 : d.severity == .warning ? 2 : 3))
        }
    }
}

/// The framing and JSON layers on their own: partial reads, several messages at once, bad
/// headers skipped, and UTF-16 positions.
@Suite struct LSPFramingTests {
    func frames(_ chunks: [[UInt8]]) -> [LSPFrame] {
        var framer = LSPFramer()
        var out: [LSPFrame] = []
        for c in chunks {
            framer.feed(c)
            while let f = framer.next() { out.append(f) }
        }
        return out
    }

    @Test func framesArriveWhateverTheReads() {
        let a = LSPFramer.frame("{\"a\":1}"), b = LSPFramer.frame("{\"b\":\"é\"}")
        let expected: [LSPFrame] = [.body(Array("{\"a\":1}".utf8)), .body(Array("{\"b\":\"é\"}".utf8))]
        #expect(frames([a + b]) == expected)
        #expect(frames((a + b).map { [$0] }) == expected)
        #expect(frames([Array((a + b)[0..<5]), Array((a + b)[5...])]) == expected)
        let typed = Array("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 7\r\n\r\n{\"a\":1}".utf8)
        #expect(frames([typed]) == [.body(Array("{\"a\":1}".utf8))])
    }

    @Test func aBadHeaderIsReportedAndSkipped() {
        let good = LSPFramer.frame("{\"a\":1}")
        let out = frames([Array("Content-Length: x\r\n\r\n{\"junk\":true}".utf8), Array(good.prefix(3)), Array(good.dropFirst(3))])
        #expect(out.count == 2)
        if case .badHeader = out.first {} else { Issue.record("expected a bad header first: \(out)") }
        #expect(out.last == .body(Array("{\"a\":1}".utf8)))
        let noLength = frames([Array("X-Other: 1\r\n\r\n".utf8) + good])
        #expect(noLength.count == 2 && noLength.last == .body(Array("{\"a\":1}".utf8)))
    }

    @Test func jsonRoundTripsAndRefusesGarbage() throws {
        let v = try JSONValue.parse("{\"s\": \"a\\\"b\\u00e9\\ud83d\\ude00\\n\", \"n\": -1.5e2, \"a\": [true, false, null, {}]}")
        #expect(v["s"]?.string == "a\"bé😀\n")
        #expect(v["n"]?.number == -150)
        #expect(v["a"]?[3] == .object([:]))
        #expect(try JSONValue.parse(v.serialized) == v)
        for bad in ["", "{", "{\"a\" 1}", "[1,]", "tru", "\"\\x\"", "01x", "{\"a\":1} x", String(repeating: "[", count: 10_000)] {
            #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(bad) }
        }
    }

    @Test func positionsCountUTF16Units() {
        let doc = LSPDocument(uri: "file:///tmp/a%20b.velo", text: "# é😀x\nparam p = 1\n", version: 1)
        #expect(doc.path == "/tmp/a b.velo")
        // `x` is byte 8 (after "# ", é (2 bytes), 😀 (4 bytes)), UTF-16 column 5.
        #expect(doc.position(of: 8) == LSPPosition(line: 0, character: 5))
        #expect(doc.offset(of: LSPPosition(line: 0, character: 5)) == 8)
        #expect(doc.offset(of: LSPPosition(line: 0, character: 99)) == 9)
        #expect(doc.offset(of: LSPPosition(line: 9, character: 0)) == doc.bytes.count)
        doc.replace(from: LSPPosition(line: 1, character: 6), to: LSPPosition(line: 1, character: 7), with: "q")
        #expect(doc.text == "# é😀x\nparam q = 1\n")
        #expect(LSPDocument.path(fromURI: LSPDocument.uri(fromPath: "/a b/ç.velo")) == "/a b/ç.velo")
    }
}
