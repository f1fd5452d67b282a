// `velo lsp`: the Language Server Protocol over stdio.
//
// The server is a message handler (`receive`) that answers through `send`, so tests drive
// it in process as well as over a pipe. Requests are answered in order on the message
// loop; parsing and checking a rule file is fast enough to run on every change, so
// diagnostics are published synchronously. Evaluating the plan over its data (for inlay
// hints and the values in hover) runs on LSPEvaluator's thread and never blocks typing.

import VeloCheck
import VeloEngine
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// JSON-RPC and LSP error codes.
enum LSPErrorCode: Int {
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    case serverNotInitialized = -32002
    case requestFailed = -32803
}

struct LSPError: Error {
    var code: LSPErrorCode
    var message: String
    init(_ code: LSPErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// A document parsed, checked and indexed at one generation.
struct LSPAnalysis {
    var generation: Int
    var file: SourceFile
    var ast: Program
    var diagnostics: [Diagnostic]
    /// The program checked from this text, nil when it has errors.
    var program: CheckedProgram?
    var model: LSPModel
    /// Where the declarations are: this document, or the rule file a test file tests.
    var definitionsURI: String
    /// With `import`s: the document's text followed by the imported files' (the model's
    /// definitions), and where each imported file lies in it.
    var imports: RuleCompiler.ImportedText? = nil
}

public final class LSPServer: @unchecked Sendable {
    let send: @Sendable (JSONValue) -> Void
    var initialized = false
    var shutdownRequested = false
    /// Set by `exit`: the status the process ends with.
    public private(set) var exitStatus: Int32?
    var documents: [String: LSPDocument] = [:]
    var analyses: [String: LSPAnalysis] = [:]
    /// The last program without errors per document, for types and columns while the text has errors.
    var lastGood: [String: CheckedProgram] = [:]
    var inlayRefresh = false
    /// Evaluate plans over their data (off in tests that only look at diagnostics).
    let evaluateData: Bool
    private(set) var evaluator: LSPEvaluator!
    private let requestIDs = LSPCounter()

    public init(evaluateData: Bool = true, send: @escaping @Sendable (JSONValue) -> Void) {
        self.send = send
        self.evaluateData = evaluateData
        let flag = LSPFlag()
        refreshFlag = flag
        let ids = requestIDs
        evaluator = LSPEvaluator { _ in
            // Ask the client to pull inlay hints again now that values are known.
            guard flag.value else { return }
            send(["jsonrpc": "2.0", "id": .int(ids.next()), "method": "workspace/inlayHint/refresh"])
        }
    }

    private let refreshFlag: LSPFlag

    deinit { evaluator.stop() }

    // MARK: - The stdio loop

    /// Reads framed messages from standard input until `exit` (or end of input); returns the exit status.
    public static func runStdio() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let writer = LSPWriter(fd: 1)
        let server = LSPServer { writer.send($0) }
        var framer = LSPFramer()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(0, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            framer.feed(buffer[0..<n])
            while let frame = framer.next() {
                switch frame {
                case .body(let bytes): server.receive(bytes)
                case .badHeader(let why): server.respondError(nil, LSPError(.parseError, "malformed message header: \(why)"))
                }
                if let status = server.exitStatus { return status }
            }
        }
        // The client went away without `exit`.
        return server.shutdownRequested ? 0 : 1
    }

    // MARK: - Dispatch

    /// Handles one message body.
    public func receive(_ body: [UInt8]) {
        let message: JSONValue
        do {
            message = try JSONValue.parse(body)
        } catch {
            respondError(nil, LSPError(.parseError, "malformed JSON at byte \(error.offset): \(error.message)"))
            return
        }
        receive(message)
    }

    public func receive(_ message: JSONValue) {
        guard case .object(let o) = message else {
            respondError(nil, LSPError(.invalidRequest, "a message must be a JSON object"))
            return
        }
        let id = o["id"]
        if let id, !(id.string != nil || id.int != nil) {
            respondError(nil, LSPError(.invalidRequest, "a request id must be a number or a string"))
            return
        }
        guard let method = o["method"]?.string else {
            // The client's answer to a request of ours (inlay hint refresh): nothing to do.
            if id != nil, o["result"] != nil || o["error"] != nil { return }
            respondError(id, LSPError(.invalidRequest, "a message needs a `method`"))
            return
        }
        let params = o["params"] ?? .null
        if let id {
            do {
                let result = try request(method, params)
                send(["jsonrpc": "2.0", "id": id, "result": result])
            } catch let error as LSPError {
                respondError(id, error)
            } catch {
                respondError(id, LSPError(.internalError, "\(error)"))
            }
        } else {
            notification(method, params)
        }
    }

    func respondError(_ id: JSONValue?, _ error: LSPError) {
        send(["jsonrpc": "2.0", "id": id ?? .null,
              "error": ["code": .int(error.code.rawValue), "message": .string(error.message)]])
    }

    func request(_ method: String, _ params: JSONValue) throws -> JSONValue {
        if method == "initialize" {
            if initialized { throw LSPError(.invalidRequest, "the server is already initialized") }
            initialized = true
            refreshFlag.value = params["capabilities"]?["workspace"]?["inlayHint"]?["refreshSupport"]?.bool ?? false
            return initializeResult
        }
        guard initialized else { throw LSPError(.serverNotInitialized, "the server is not initialized: send `initialize` first") }
        guard !shutdownRequested else { throw LSPError(.invalidRequest, "the server is shutting down") }
        switch method {
        case "shutdown":
            shutdownRequested = true
            evaluator.stop()
            return .null
        case "textDocument/hover": return try hover(params)
        case "textDocument/completion": return try completion(params)
        case "textDocument/definition": return try definition(params)
        case "textDocument/references": return try references(params)
        case "textDocument/prepareRename": return try prepareRename(params)
        case "textDocument/rename": return try rename(params)
        case "textDocument/formatting": return try formatting(params)
        case "textDocument/documentSymbol": return try documentSymbols(params)
        case "textDocument/inlayHint": return try inlayHints(params)
        default:
            throw LSPError(.methodNotFound, "unknown method `\(method)`")
        }
    }

    func notification(_ method: String, _ params: JSONValue) {
        if method == "exit" {
            exitStatus = shutdownRequested ? 0 : 1
            evaluator.stop()
            return
        }
        guard initialized, !shutdownRequested else { return }
        switch method {
        case "textDocument/didOpen":
            guard let item = params["textDocument"], let uri = item["uri"]?.string, let text = item["text"]?.string else { return }
            let doc = LSPDocument(uri: uri, text: text, version: item["version"]?.int ?? 0)
            documents[uri] = doc
            changed(doc)
        case "textDocument/didChange":
            guard let uri = params["textDocument"]?["uri"]?.string, let doc = documents[uri],
                  let changes = params["contentChanges"]?.array else { return }
            for change in changes {
                guard let text = change["text"]?.string else { continue }
                if let range = change["range"], let from = LSPPosition(range["start"]), let to = LSPPosition(range["end"]) {
                    doc.replace(from: from, to: to, with: text)
                } else {
                    doc.replaceAll(text)
                }
            }
            if let v = params["textDocument"]?["version"]?.int { doc.version = v }
            changed(doc)
        case "textDocument/didClose":
            guard let uri = params["textDocument"]?["uri"]?.string else { return }
            documents[uri] = nil
            analyses[uri] = nil
            evaluator.forget(uri)
            send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                  "params": ["uri": .string(uri), "diagnostics": []]])
        case "textDocument/didSave":
            // A test file is checked against its rule file on disk: check open test files again.
            for doc in documents.values where doc.isTestFile {
                analyses[doc.uri] = nil
                publishDiagnostics(doc, analysis(doc))
            }
        default:
            break // `initialized`, `$/cancelRequest`, `$/setTrace`, didSave...: nothing to do.
        }
    }

    var initializeResult: JSONValue {
        [
            "capabilities": [
                "positionEncoding": "utf-16",
                "textDocumentSync": ["openClose": true, "change": 2],
                "hoverProvider": true,
                "completionProvider": ["triggerCharacters": ["."], "resolveProvider": false],
                "definitionProvider": true,
                "referencesProvider": true,
                "renameProvider": ["prepareProvider": true],
                "documentFormattingProvider": true,
                "documentSymbolProvider": true,
                "inlayHintProvider": true,
            ],
            "serverInfo": ["name": "velo", "version": .string(VeloCommand.version)],
        ]
    }

    // MARK: - Documents

    /// A change to a document: check it, publish its diagnostics, evaluate it in the background.
    func changed(_ doc: LSPDocument) {
        let a = analysis(doc)
        publishDiagnostics(doc, a)
        if evaluateData, !doc.isTestFile, let program = a.program {
            evaluator.submit(LSPEvaluator.Job(uri: doc.uri, generation: a.generation, program: program))
        }
    }

    func document(_ params: JSONValue) throws -> LSPDocument {
        guard let uri = params["textDocument"]?["uri"]?.string else { throw LSPError(.invalidParams, "missing textDocument.uri") }
        guard let doc = documents[uri] else { throw LSPError(.invalidParams, "the document \(uri) is not open") }
        return doc
    }

    func documentAndOffset(_ params: JSONValue) throws -> (LSPDocument, Int) {
        let doc = try document(params)
        guard let p = LSPPosition(params["position"]) else { throw LSPError(.invalidParams, "missing position") }
        return (doc, doc.offset(of: p))
    }

    /// Parse, check and index (cached per edit).
    func analysis(_ doc: LSPDocument) -> LSPAnalysis {
        if let a = analyses[doc.uri], a.generation == doc.generation { return a }
        let file = doc.sourceFile
        let rules = Frontend.check(file)
        let ast = Parser.parse(file).program
        var model: LSPModel
        var definitionsURI = doc.uri
        var imports: RuleCompiler.ImportedText? = nil
        if let rulePath = TestFiles.ruleFile(forTestFile: doc.path) {
            // A test file names the tables, columns and params of its rule file.
            let ruleURI = LSPDocument.uri(fromPath: rulePath)
            definitionsURI = documents.values.first { $0.path == rulePath }?.uri ?? ruleURI
            let ruleText = documents[definitionsURI]?.text
                ?? Frontend.readFile(rulePath).flatMap { String(validating: $0, as: UTF8.self) } ?? ""
            let ruleFile = SourceFile(path: rulePath, text: ruleText)
            if let p = rules.program { lastGood[doc.uri] = p }
            let program = rules.program ?? lastGood[doc.uri] ?? lastGood[definitionsURI] ?? RuleCompiler.compile(ruleFile).program
            model = LSPModel.declarations(Parser.parse(ruleFile).program, definitions: ruleFile, program: program)
            model.index(ast, isDefinitionsFile: false)
        } else if let imported = RuleCompiler.importedText(file) {
            // Imported tables and params are declared in the combined text; their places map
            // back to the imported files (`location`, `importedOccurrences`).
            if let p = rules.program { lastGood[doc.uri] = p }
            let all = Parser.parse(imported.combined).program
            model = LSPModel.declarations(all, definitions: imported.combined, program: rules.program ?? lastGood[doc.uri])
            model.index(all, isDefinitionsFile: true)
            imports = imported
        } else {
            if let p = rules.program { lastGood[doc.uri] = p }
            model = LSPModel.declarations(ast, definitions: file, program: rules.program ?? lastGood[doc.uri])
            model.index(ast, isDefinitionsFile: true)
        }
        let a = LSPAnalysis(generation: doc.generation, file: file, ast: ast, diagnostics: rules.diagnostics,
                            program: rules.program, model: model, definitionsURI: definitionsURI, imports: imports)
        analyses[doc.uri] = a
        return a
    }

    /// The diagnostics of a document in the protocol's form.
    func lspDiagnostics(_ doc: LSPDocument, _ a: LSPAnalysis) -> [JSONValue] {
        a.diagnostics.map { d in
            var message = d.message
            if let o = d.origin {
                // In an imported file: shown at the import, saying where; the place itself is related information.
                let (line, column) = o.file.location(of: o.span.start)
                message = "\(LSPServer.shownPath(o.file.path, from: doc.path)):\(line):\(column): " + message
            }
            if let hint = d.hint { message += "\nhint: " + hint }
            let severity: Int
            switch d.severity {
            case .error: severity = 1
            case .warning: severity = 2
            case .note: severity = 3
            }
            // A point (an empty span) is widened to the character under it, so editors show it.
            var span = d.span
            if span.length == 0, span.start < doc.bytes.count, doc.bytes[span.start] != 0x0A, doc.bytes[span.start] != 0x0D {
                span = Span(start: span.start, length: LSPDocument.scalar(at: span.start, in: doc.bytes).0)
            }
            var out: [String: JSONValue] = [
                "range": doc.range(of: span), "severity": .int(severity), "code": .string(d.code),
                "source": "velo", "message": .string(message),
            ]
            var related: [JSONValue] = []
            func place(_ o: Diagnostic.Origin) -> JSONValue {
                let other = LSPDocument(uri: LSPDocument.uri(fromPath: o.file.path), text: o.file.text, version: 0)
                return ["uri": .string(other.uri), "range": other.range(of: o.span)]
            }
            if let o = d.origin { related.append(["location": place(o), "message": .string(d.message)]) }
            for n in d.notes {
                let location: JSONValue = n.origin.map(place) ?? ["uri": .string(doc.uri), "range": doc.range(of: n.span)]
                related.append(["location": location, "message": .string(n.message)])
            }
            if !related.isEmpty { out["relatedInformation"] = .array(related) }
            return .object(out)
        }
    }

    /// A path as shown in a message about the document at `from`: relative to its folder
    /// when it lies under it or next to it (`../replenishment/plan.velo`), else as it is.
    static func shownPath(_ path: String, from: String) -> String {
        let folder = from.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard path.hasPrefix("/"), from.hasPrefix("/") else { return path }
        var common = 0
        while common < folder.count, common < parts.count - 1, folder[folder.startIndex + common] == parts[common] { common += 1 }
        let up = folder.count - common
        guard common > 1, up <= 1 else { return path }
        return (Array(repeating: "..", count: up) + parts[common...].map(String.init)).joined(separator: "/")
    }

    func publishDiagnostics(_ doc: LSPDocument, _ a: LSPAnalysis) {
        send(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
              "params": ["uri": .string(doc.uri), "version": .int(doc.version), "diagnostics": .array(lspDiagnostics(doc, a))]])
    }

    /// A span of the definitions file as a protocol location.
    func location(_ span: Span, _ a: LSPAnalysis) -> JSONValue {
        if let imports = a.imports, span.start > a.file.bytes.count, let (path, offset) = imports.place(span.start),
           let other = openOrRead(path) {
            return ["uri": .string(other.uri), "range": other.range(of: Span(start: offset, length: span.length))]
        }
        if let doc = documents[a.definitionsURI] {
            return ["uri": .string(doc.uri), "range": doc.range(of: span)]
        }
        let doc = LSPDocument(uri: a.definitionsURI, text: a.model.definitions.text, version: 0)
        return ["uri": .string(doc.uri), "range": doc.range(of: span)]
    }
}

final class LSPCounter: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var value = 0
    init() { pthread_mutex_init(&lock, nil) }
    func next() -> Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        value += 1
        return value
    }
}

final class LSPFlag: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var stored = false
    init() { pthread_mutex_init(&lock, nil) }
    var value: Bool {
        get { pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }; return stored }
        set { pthread_mutex_lock(&lock); stored = newValue; pthread_mutex_unlock(&lock) }
    }
}

extension LSPServer {
    /// A file as the editor has it open, else as it is on disk.
    func openOrRead(_ path: String) -> LSPDocument? {
        if let open = documents.values.first(where: { $0.path == path }) { return open }
        guard let bytes = Frontend.readFile(path), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return LSPDocument(uri: LSPDocument.uri(fromPath: path), text: text, version: 0)
    }

    /// The document's own occurrences, and those in each file it imports (spans in that file).
    func ownAndImportedOccurrences(_ doc: LSPDocument, _ a: LSPAnalysis) -> [(LSPDocument, [LSPOccurrence])] {
        let length = a.file.bytes.count
        var out = [(doc, a.model.occurrences.filter { $0.span.start <= length })]
        guard let imports = a.imports else { return out }
        for part in imports.parts {
            guard let other = openOrRead(part.file) else { continue }
            let inside = a.model.occurrences.filter { $0.span.start >= part.start && $0.span.end <= part.start + part.length }
            out.append((other, inside.map { var o = $0; o.span = Span(start: o.span.start - part.start, length: o.span.length); return o }))
        }
        return out
    }
}
