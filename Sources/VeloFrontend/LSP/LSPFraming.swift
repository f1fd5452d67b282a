// The base protocol of LSP: messages framed by `Content-Length: N` headers, a blank line,
// then N bytes of UTF-8 JSON.
//
// The framer is fed whatever bytes arrive (partial reads, several messages at once) and
// hands back complete frames. A header block without a usable Content-Length is reported
// and skipped: the framer resynchronises on the next `Content-Length:` it sees, so one bad
// message never wedges the stream.

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum LSPFrame: Equatable {
    /// A complete body.
    case body([UInt8])
    /// A header block that could not be used (why), skipped.
    case badHeader(String)
}

struct LSPFramer {
    private var buffer: [UInt8] = []
    private var start = 0
    /// A header block longer than this without its blank line is garbage.
    static let maxHeaderBytes = 8192
    /// Larger bodies are refused (and skipped).
    static let maxBodyBytes = 64 << 20
    /// Bytes of a refused body still to skip.
    private var skipping = 0
    /// After a bad header: looking for the next `Content-Length:`.
    private var resyncing = false

    mutating func feed(_ bytes: some Collection<UInt8>) { buffer.append(contentsOf: bytes) }

    /// The next complete frame, or nil when more bytes are needed.
    mutating func next() -> LSPFrame? {
        defer { compact() }
        if skipping > 0 {
            let n = min(skipping, buffer.count - start)
            start += n
            skipping -= n
            if skipping > 0 { return nil }
        }
        if resyncing {
            _ = resync(after: start)
            if resyncing { return nil }
        }
        // Leading line breaks between messages are tolerated.
        while start < buffer.count, buffer[start] == 0x0D || buffer[start] == 0x0A { start += 1 }
        guard start < buffer.count else { return nil }
        guard let (headerEnd, bodyStart) = findBlankLine() else {
            if buffer.count - start > LSPFramer.maxHeaderBytes {
                let skipped = resync(after: start + 1)
                return .badHeader("a header block without an end (\(skipped) bytes skipped)")
            }
            return nil
        }
        let header = String(decoding: buffer[start..<headerEnd], as: UTF8.self)
        var length: Int?
        var problem: String?
        for rawLine in header.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            guard let colon = line.firstIndex(of: ":") else { problem = "a header line without `:`: \(line.prefix(40))"; continue }
            let name = line[..<colon].trimmingSpaces.lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            if name == "content-length" {
                if let n = Int(value), n >= 0 { length = n } else { problem = "a Content-Length that is not a number: \(value.prefix(40))" }
            }
        }
        guard let n = length else {
            _ = resync(after: bodyStart)
            return .badHeader(problem ?? "a message without Content-Length")
        }
        if n > LSPFramer.maxBodyBytes {
            start = bodyStart
            skipping = n
            return .badHeader("a message of \(n) bytes is too large")
        }
        guard buffer.count - bodyStart >= n else { return nil }
        let body = Array(buffer[bodyStart..<bodyStart + n])
        start = bodyStart + n
        return .body(body)
    }

    /// The end of the header text and the start of the body: after `\r\n\r\n` (or `\n\n`).
    private func findBlankLine() -> (Int, Int)? {
        var i = start
        let limit = min(buffer.count, start + LSPFramer.maxHeaderBytes)
        while i < limit {
            if buffer[i] == 0x0A {
                if i + 1 < buffer.count, buffer[i + 1] == 0x0A { return (i, i + 2) }
                if i + 2 < buffer.count, buffer[i + 1] == 0x0D, buffer[i + 2] == 0x0A { return (i, i + 3) }
            }
            i += 1
        }
        return nil
    }

    /// Drops bytes up to the next `Content-Length:` at or after `from`; returns how many were dropped.
    private mutating func resync(after from: Int) -> Int {
        let needle = Array("content-length:".utf8)
        var i = max(from, start)
        while i + needle.count <= buffer.count {
            var match = true
            for (j, c) in needle.enumerated() {
                var b = buffer[i + j]
                if b >= 0x41, b <= 0x5A { b += 0x20 }
                if b != c { match = false; break }
            }
            if match { break }
            i += 1
        }
        resyncing = i + needle.count > buffer.count
        if resyncing { i = max(start, buffer.count - needle.count + 1) }
        let dropped = i - start
        start = i
        return dropped
    }

    private mutating func compact() {
        if start > 0, start >= buffer.count / 2 || start > 1 << 16 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    /// A message framed for the wire.
    static func frame(_ body: String) -> [UInt8] {
        let bytes = Array(body.utf8)
        return Array("Content-Length: \(bytes.count)\r\n\r\n".utf8) + bytes
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

/// Writes framed messages to a file descriptor; safe to call from any thread.
final class LSPWriter: @unchecked Sendable {
    private let fd: Int32
    private var lock = pthread_mutex_t()

    init(fd: Int32) {
        self.fd = fd
        pthread_mutex_init(&lock, nil)
    }

    func send(_ message: JSONValue) {
        let bytes = LSPFramer.frame(message.serialized)
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}
