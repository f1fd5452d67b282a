// A scripted LSP client for the language server tests: it starts the built `velo lsp`
// as a subprocess and talks to it over pipes the way an editor does (Content-Length
// framed JSON-RPC), or drives an in-process LSPServer. Every wait is bounded.

import Foundation
import Testing
@testable import VeloFrontend

struct LSPClientError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Messages received, in order, with a way to wait for one.
final class LSPInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var messages: [JSONValue] = []
    private(set) var closed = false

    func append(_ m: JSONValue) {
        condition.lock()
        messages.append(m)
        condition.broadcast()
        condition.unlock()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    var all: [JSONValue] {
        condition.lock()
        defer { condition.unlock() }
        return messages
    }

    /// The first message not yet taken that matches, waiting up to `timeout` seconds; messages before it stay.
    func take(timeout: Double = 30, _ matches: (JSONValue) -> Bool) -> JSONValue? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let i = messages.indices.first(where: { matches(messages[$0]) }) {
                let m = messages.remove(at: i)
                return m
            }
            if closed { return nil }
            if !condition.wait(until: deadline) { return nil }
        }
    }
}

/// The `velo lsp` binary, driven over its standard input and output.
final class LSPProcess {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    let inbox = LSPInbox()
    private var nextID = 100

    init() throws {
        guard let velo = ReplHarness.veloBinary else { throw LSPClientError("the velo binary was not built next to the tests") }
        process.executableURL = URL(fileURLWithPath: velo)
        process.arguments = ["lsp"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let fd = output.fileHandleForReading.fileDescriptor
        let inbox = self.inbox
        let reader = Thread {
            var framer = LSPFramer()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                framer.feed(buffer[0..<n])
                while let frame = framer.next() {
                    if case .body(let body) = frame, let m = try? JSONValue.parse(body) { inbox.append(m) }
                }
            }
            inbox.close()
        }
        reader.start()
    }

    func writeRaw(_ bytes: [UInt8]) {
        input.fileHandleForWriting.write(Data(bytes))
    }

    func sendMessage(_ m: JSONValue) { writeRaw(LSPFramer.frame(m.serialized)) }

    func notify(_ method: String, _ params: JSONValue = [:]) {
        sendMessage(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    /// Sends a request and waits for its response (the whole response: result or error).
    @discardableResult
    func request(_ method: String, _ params: JSONValue = [:], timeout: Double = 30) throws -> JSONValue {
        nextID += 1
        let id = nextID
        sendMessage(["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params])
        return try response(id: id, timeout: timeout)
    }

    func response(id: Int, timeout: Double = 30) throws -> JSONValue {
        guard let r = inbox.take(timeout: timeout, { $0["id"]?.int == id && $0["method"] == nil }) else {
            throw LSPClientError("no response to request \(id); unanswered messages: \(inbox.all.suffix(5).map(\.serialized))")
        }
        return r
    }

    /// The next diagnostics published for a document.
    func diagnostics(_ uri: String, timeout: Double = 30) throws -> [JSONValue] {
        guard let m = inbox.take(timeout: timeout, { $0["method"]?.string == "textDocument/publishDiagnostics" && $0["params"]?["uri"]?.string == uri }) else {
            throw LSPClientError("no diagnostics for \(uri)")
        }
        return m["params"]?["diagnostics"]?.array ?? []
    }

    /// Waits for the process to end (bounded); its exit status, or nil if it did not end.
    func waitForExit(timeout: Double = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    func initialize(inlayRefresh: Bool = true) throws -> JSONValue {
        let r = try request("initialize", ["processId": .null, "rootUri": .null,
                                           "capabilities": ["workspace": ["inlayHint": ["refreshSupport": .bool(inlayRefresh)]]]])
        notify("initialized")
        return r
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

enum LSPFixture {
    /// A copy of the replenishment example (rule file, test file and data) in a fresh temporary folder.
    static func replenishmentCopy() throws -> String {
        let dir = NSTemporaryDirectory() + "velo-lsp-\(getpid())-\(UUID().uuidString.prefix(8))"
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try fm.copyItem(atPath: FrontendHarness.root + "/Examples/replenishment/data", toPath: dir + "/data")
        for file in ["plan.velo", "plan.test.velo"] {
            try fm.copyItem(atPath: FrontendHarness.root + "/Examples/replenishment/" + file, toPath: dir + "/" + file)
        }
        return dir
    }

    static func position(_ line: Int, _ character: Int) -> JSONValue { ["line": .int(line), "character": .int(character)] }

    /// The 0-based line and UTF-16 column of the first occurrence of `needle` (after `after`).
    static func find(_ needle: String, in text: String, after: String? = nil) -> (line: Int, character: Int)? {
        var search = text.startIndex..<text.endIndex
        if let after, let a = text.range(of: after) { search = a.upperBound..<text.endIndex }
        guard let r = text.range(of: needle, range: search) else { return nil }
        let before = text[..<r.lowerBound]
        let line = before.filter { $0 == "\n" }.count
        let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        return (line, text[lineStart..<r.lowerBound].utf16.count)
    }
}
