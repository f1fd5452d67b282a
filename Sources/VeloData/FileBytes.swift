// Getting a file's bytes into memory, fast, as one owned buffer.
//
// Why read rather than map: a mapped file that another program truncates while we parse it
// kills the process with SIGBUS, and planners' export tools do rewrite files in place. Reading
// costs one copy, which for large files is spread over all cores (one `pread` per core into
// its part of the buffer, backed by huge pages), about a tenth of the parse time. Pipes and
// other unsized inputs are read in a loop.

import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The immutable bytes of a file (or of a prefix of it), in a malloc'd buffer.
final class FileBytes: @unchecked Sendable {
    /// Valid for `count` bytes until `release()` (at least one byte is allocated).
    let base: UnsafePointer<UInt8>
    private(set) var count: Int
    private var released = false

    private init(base: UnsafeMutableRawPointer, count: Int) {
        self.base = UnsafePointer(base.assumingMemoryBound(to: UInt8.self))
        self.count = count
    }

    deinit { release() }

    /// Frees the bytes early (the parse is done with them); `base` must not be used afterwards.
    func release() {
        if released { return }
        released = true
        free(UnsafeMutableRawPointer(mutating: base))
    }

    /// The file from byte `start` to its end (empty when `start` is at or past the end).
    static func read(path: String, from start: Int = 0) throws(DataError) -> FileBytes {
        let fd = try openFile(path)
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG {
            guard Int(info.st_size) <= maximumBytes else { throw tooLarge(path) }
            return try readRange(fd, from: start, to: max(start, Int(info.st_size)), path: path)
        }
        let (whole, isWhole) = try readToEnd(fd, path: path, limit: maximumBytes)
        guard isWhole else { throw tooLarge(path) }
        guard start > 0 else { return whole }
        let tail = UnsafeMutableRawPointer(mutating: whole.base)
        let kept = max(0, whole.count - start)
        if kept > 0 { memmove(tail, tail + start, kept) }
        whole.count = kept
        return whole
    }

    /// An open regular file and its size, for reading in blocks; nil for a pipe (which
    /// cannot be read at an offset). Refuses what `read` refuses. The caller closes `fd`.
    static func openRegular(path: String) throws(DataError) -> (fd: Int32, size: Int)? {
        let fd = try openFile(path)
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        guard Int(info.st_size) <= maximumBytes else {
            close(fd)
            throw tooLarge(path)
        }
        return (fd, Int(info.st_size))
    }

    /// Up to `count` bytes of an open regular file from byte `start` (fewer at its end).
    static func read(fd: Int32, from start: Int, count: Int, path: String) throws(DataError) -> FileBytes {
        try readRange(fd, from: start, to: start + max(0, count), path: path)
    }

    /// The number of line feeds in the first `end` bytes of the file (for error line numbers).
    static func countLineFeeds(path: String, before end: Int) throws(DataError) -> Int {
        let fd = try openFile(path)
        defer { close(fd) }
        let block = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: block)
        defer { buffer.deallocate() }
        var count = 0, done = 0
        while done < end {
            let n = pread(fd, buffer, min(block, end - done), off_t(done))
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw failure(path, errno) }
            if n == 0 { break }
            for i in 0..<n where buffer[i] == ASCII.lf { count += 1 }
            done += n
        }
        return count
    }

    /// At most `limit` bytes from the start of the file, and whether that is the whole file.
    static func readPrefix(path: String, limit: Int) throws(DataError) -> (bytes: FileBytes, isWholeFile: Bool) {
        let fd = try openFile(path)
        defer { close(fd) }
        let read = try readToEnd(fd, path: path, limit: min(limit, maximumBytes))
        if !read.isWholeFile && limit > maximumBytes { throw tooLarge(path) }
        return read
    }

    /// The most bytes a data source may have (64 GiB; `VELO_MAX_INPUT_BYTES` sets another):
    /// a larger regular file is refused before it is read, and a pipe that sends more is cut
    /// off with an error rather than read until memory runs out.
    static let maximumBytes: Int = {
        if let v = getenv("VELO_MAX_INPUT_BYTES"), let n = Int(String(cString: v)), n > 0 { return n }
        return 64 << 30
    }()

    /// Opens a data source: a regular file or a named pipe (read on purpose); a device
    /// (`/dev/zero`), a directory or a socket is refused with what it is.
    private static func openFile(_ path: String) throws(DataError) -> Int32 {
        let fd = open(path, O_RDONLY | O_NOCTTY)
        guard fd >= 0 else { throw failure(path, errno) }
        var info = stat()
        if fstat(fd, &info) == 0, let what = InputFileKind.refusal(info.st_mode) {
            close(fd)
            throw DataError(path: path, line: 0, message: Messages.cannotRead(what), kind: .unreadable, reason: what)
        }
        return fd
    }

    /// Reads bytes `start..<end` of a regular file, in parallel pieces when large. A file that
    /// shrank meanwhile gives the bytes up to its new end; bytes appended meanwhile are left
    /// for a later `loadAppended`.
    private static func readRange(_ fd: Int32, from start: Int, to end: Int, path: String) throws(DataError) -> FileBytes {
        let size = end - start
        guard let buffer = malloc(max(size, 1)) else { throw DataError(path: path, line: 0, message: Messages.cannotRead("out of memory")) }
        preferHugePages(buffer, bytes: size)
        let pieces = max(1, min(Parallelism.standard.maximumChunks, size / (16 << 20)))
        let bounds = (0...pieces).map { size / pieces * $0 + ($0 == pieces ? size % pieces : 0) }
        let outcomes = ReadOutcomes(count: pieces)
        let target = SharedPointer(buffer)
        let readPiece: @Sendable (Int) -> Void = { i in
            var done = bounds[i]
            while done < bounds[i + 1] {
                let n = pread(fd, target.pointer + done, bounds[i + 1] - done, off_t(start + done))
                if n < 0 && errno == EINTR { continue }
                if n < 0 {
                    outcomes.set(i, end: done, error: errno)
                    return
                }
                if n == 0 { break }
                done += n
            }
            outcomes.set(i, end: done, error: 0)
        }
        if pieces == 1 {
            readPiece(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: pieces, execute: readPiece)
        }
        var count = 0
        for i in 0..<pieces {
            let (end, error) = outcomes.get(i)
            if error != 0 {
                free(buffer)
                throw failure(path, error)
            }
            count = end
            if end < bounds[i + 1] { break }   // the file shrank: stop at the first short piece
        }
        return FileBytes(base: buffer, count: count)
    }

    /// Reads until end of file or `limit` bytes.
    private static func readToEnd(_ fd: Int32, path: String, limit: Int) throws(DataError) -> (bytes: FileBytes, isWholeFile: Bool) {
        var capacity = min(limit, 1 << 16)
        var count = 0
        guard var buffer = malloc(max(capacity, 1)) else {
            throw DataError(path: path, line: 0, message: Messages.cannotRead("out of memory"))
        }
        var atEnd = false
        while count < limit {
            if count == capacity {
                capacity = capacity > limit / 2 ? limit : capacity * 2
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    throw DataError(path: path, line: 0, message: Messages.cannotRead("out of memory"))
                }
                buffer = grown
            }
            let n = systemRead(fd, buffer + count, capacity - count)
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                free(buffer)
                throw failure(path, code)
            }
            if n == 0 {
                atEnd = true
                break
            }
            count += n
        }
        if !atEnd {
            // Exactly `limit` bytes read: whole only if nothing follows.
            var probe: UInt8 = 0
            atEnd = systemRead(fd, &probe, 1) == 0
        }
        return (FileBytes(base: buffer, count: count), atEnd)
    }

    private static func tooLarge(_ path: String) -> DataError {
        let why = "it is larger than \(maximumBytes) bytes, the most Velo reads from a source (VELO_MAX_INPUT_BYTES sets another limit)"
        return DataError(path: path, line: 0, message: Messages.cannotRead(why), kind: .unreadable, reason: why)
    }

    private static func failure(_ path: String, _ code: Int32) -> DataError {
        DataError(path: path, line: 0, message: Messages.cannotRead(String(cString: strerror(code))),
                  kind: .unreadable, reason: String(cString: strerror(code)))
    }
}

/// Lets the reader threads write into their own parts of one buffer.
private struct SharedPointer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}

/// Where each parallel read stopped, and its errno (0 when it succeeded).
private final class ReadOutcomes: @unchecked Sendable {
    private let lock = Lock()
    private var slots: [(end: Int, error: Int32)]

    init(count: Int) { slots = Array(repeating: (0, 0), count: count) }

    func set(_ i: Int, end: Int, error: Int32) { lock.withLock { slots[i] = (end, error) } }

    func get(_ i: Int) -> (end: Int, error: Int32) { lock.withLock { slots[i] } }
}

/// `read(2)`, named so it does not collide with `FileBytes.read(path:)`.
@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Darwin)
    return Darwin.read(fd, buffer, count)
    #elseif canImport(Musl)
    return Musl.read(fd, buffer, count)
    #else
    return Glibc.read(fd, buffer, count)
    #endif
}
