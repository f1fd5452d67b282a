// Writing an output file so that readers never see half of it.
//
// `velo run --out plan.csv` may be read by another tool while Velo writes, or Velo may be
// interrupted. Writing to a temporary file in the same directory, syncing it to disk and
// renaming it over the target means the path holds either the old content or the new, whole.
// On any failure the temporary file is removed and the error names the path and the OS reason.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an atomic write failed: the target path, the step, and the OS error.
public struct AtomicFileError: Error, CustomStringConvertible, Sendable {
    /// The path that was to be written.
    public var path: String
    /// The step that failed: "create", "write", "sync", "close" or "rename".
    public var operation: String
    /// The OS error number (`errno`).
    public var code: Int32
    /// The OS error message (`strerror`).
    public var reason: String

    /// `cannot write 'out/plan.csv': No such file or directory`
    public var description: String { "cannot write '\(path)': \(reason)" }
}

/// Atomic replacement of a file's content.
public enum AtomicFile {
    /// Writes `string` as UTF-8 to `path`, atomically; see `write(data:to:)`.
    public static func write(_ string: String, to path: String) throws {
        try write(data: Array(string.utf8), to: path)
    }

    /// Writes `data` to `path`, atomically: to a temporary file in the same directory,
    /// fsync, then rename over `path`. An existing file keeps its permission bits; a new one
    /// gets 0644. On failure the temporary file is removed and an `AtomicFileError` thrown.
    public static func write(data: [UInt8], to path: String) throws {
        let (directory, base) = split(path)
        guard !base.isEmpty else { throw failure(path, "create", EISDIR) }
        var template = Array("\(directory)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(path, "create", errno) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)

        var mode: mode_t = 0o644
        var existing = stat()
        if stat(path, &existing) == 0, (existing.st_mode & S_IFMT) == S_IFREG {
            mode = existing.st_mode & 0o7777
        }

        if let (operation, code) = fill(fd, with: data, mode: mode) {
            _ = close(fd)
            _ = unlink(temporary)
            throw failure(path, operation, code)
        }
        if close(fd) != 0 {
            let code = errno
            _ = unlink(temporary)
            throw failure(path, "close", code)
        }
        if rename(temporary, path) != 0 {
            let code = errno
            _ = unlink(temporary)
            throw failure(path, "rename", code)
        }
        // Make the rename itself durable; best effort, the data is already in place.
        let dirfd = open(directory, O_RDONLY)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            _ = close(dirfd)
        }
    }

    /// Writes all of `data` to `fd`, sets its mode and syncs it; the failing step on error.
    private static func fill(_ fd: Int32, with data: [UInt8], mode: mode_t) -> (String, Int32)? {
        var offset = 0
        let failed: Int32? = data.withUnsafeBytes { buffer -> Int32? in
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let failed { return ("write", failed) }
        if fchmod(fd, mode) != 0 { return ("write", errno) }
        if fsync(fd) != 0 { return ("sync", errno) }
        return nil
    }

    private static func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, buffer, count)
        #elseif canImport(Musl)
        return Musl.write(fd, buffer, count)
        #else
        return Darwin.write(fd, buffer, count)
        #endif
    }

    /// The directory (`.` when none) and the last component of `path`.
    private static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    private static func failure(_ path: String, _ operation: String, _ code: Int32) -> AtomicFileError {
        AtomicFileError(path: path, operation: operation, code: code, reason: String(cString: strerror(code)))
    }
}
