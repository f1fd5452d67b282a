// Getting a file's bytes into memory: memory-mapped when large, read when small.
//
// Why mapped: a 200 MB sales file is parsed once, front to back, by all cores; mapping it
// avoids copying it through a read buffer and lets each core fault in its own half. Small
// files, pipes and anything that cannot be mapped are read into an owned buffer instead.
// Either way the parser sees one contiguous, immutable byte range.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The immutable bytes of a file (or of a prefix of it).
final class FileBytes: @unchecked Sendable {
    /// Valid for `count` bytes (a one-byte dummy allocation when the file is empty).
    let base: UnsafePointer<UInt8>
    let count: Int
    private let mappedLength: Int   // 0 when `base` is a malloc'd buffer

    private init(base: UnsafePointer<UInt8>, count: Int, mappedLength: Int) {
        self.base = base
        self.count = count
        self.mappedLength = mappedLength
    }

    deinit {
        if mappedLength > 0 {
            munmap(UnsafeMutableRawPointer(mutating: base), mappedLength)
        } else {
            free(UnsafeMutableRawPointer(mutating: base))
        }
    }

    /// Files at least this large are mapped rather than read.
    static let mapThreshold = 1 << 20

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// The whole file.
    static func read(path: String) throws(DataError) -> FileBytes {
        let fd = try openFile(path)
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && Int(info.st_size) >= mapThreshold {
            let size = Int(info.st_size)
            if let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED {
                _ = madvise(mapped, size, MADV_WILLNEED)
                return FileBytes(base: UnsafePointer(mapped.assumingMemoryBound(to: UInt8.self)),
                                 count: size, mappedLength: size)
            }
        }
        return try readAll(fd, path: path, limit: Int.max).bytes
    }

    /// At most `limit` bytes from the start of the file, and whether that is the whole file.
    static func readPrefix(path: String, limit: Int) throws(DataError) -> (bytes: FileBytes, isWholeFile: Bool) {
        let fd = try openFile(path)
        defer { close(fd) }
        return try readAll(fd, path: path, limit: limit)
    }

    private static func openFile(_ path: String) throws(DataError) -> Int32 {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError(path: path, line: 0, message: Messages.cannotRead(errorText())) }
        return fd
    }

    /// Reads until end of file or `limit` bytes, into a malloc'd buffer.
    private static func readAll(_ fd: Int32, path: String, limit: Int) throws(DataError) -> (bytes: FileBytes, isWholeFile: Bool) {
        var capacity = min(limit, 1 << 16)
        var count = 0
        guard var buffer = malloc(max(capacity, 1)) else {
            throw DataError(path: path, line: 0, message: Messages.cannotRead("out of memory"))
        }
        var atEnd = false
        while count < limit {
            if count == capacity {
                capacity = min(limit, capacity * 2)
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    throw DataError(path: path, line: 0, message: Messages.cannotRead("out of memory"))
                }
                buffer = grown
            }
            let n = systemRead(fd, buffer + count, capacity - count)
            if n < 0 {
                if errno == EINTR { continue }
                let reason = errorText()
                free(buffer)
                throw DataError(path: path, line: 0, message: Messages.cannotRead(reason))
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
        let bytes = FileBytes(base: UnsafePointer(buffer.assumingMemoryBound(to: UInt8.self)),
                              count: count, mappedLength: 0)
        return (bytes, atEnd)
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
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
