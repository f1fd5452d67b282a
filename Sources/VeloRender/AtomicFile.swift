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
    /// The step that failed: "create", "open", "write", "sync", "close" or "rename".
    public var operation: String
    /// The OS error number (`errno`).
    public var code: Int32
    /// The OS error message (`strerror`).
    public var reason: String

    /// `cannot write 'out/plan.csv': No such file or directory`
    public var description: String { "cannot write '\(path)': \(reason)" }
}

/// Atomic replacement of a file's content.
///
/// What a path names decides how it is written: a symbolic link is followed and its target
/// replaced (the link stays); a device, a named pipe or a socket (`/dev/stdout`, `/dev/null`,
/// a FIFO) is written directly, never renamed over; `/dev/stdout`, `/dev/stderr` and
/// `/dev/fd/N` are the process's own descriptors; a directory is refused. Only regular files
/// (or paths that do not exist yet) are replaced by renaming a temporary file over them.
public enum AtomicFile {
    /// Writes `string` as UTF-8 to `path`, atomically; see `write(data:to:)`.
    public static func write(_ string: String, to path: String) throws {
        try write(data: Array(string.utf8), to: path)
    }

    /// Writes `data` to `path`, atomically: to a temporary file in the same directory,
    /// fsync, then rename over `path`. An existing file keeps its permission bits; a new one
    /// gets 0644. On failure the temporary file is removed and an `AtomicFileError` thrown.
    public static func write(data: [UInt8], to path: String) throws {
        try writeAll([(path: path, data: data)])
    }

    /// Writes every file or none: each to a temporary file next to its target first, then all
    /// renamed in one step; when a rename fails, the files already renamed get their previous
    /// content back (kept as hard links until the end) and new ones are removed. Devices and
    /// pipes among the targets are written after the renames succeeded.
    public static func writeAll(_ files: [(path: String, data: [UInt8])]) throws {
        try writeAll(files, failingRenameAt: nil)
    }

    /// Where one file's bytes go.
    enum Destination: Equatable {
        /// A descriptor of the process (`/dev/stdout`).
        case stream(Int32)
        /// Opened and written in place: a device, a pipe, a socket.
        case direct(String)
        /// A regular file (or none yet) replaced by a rename.
        case replace(String)
    }

    /// `failingRenameAt`: tests make the rename of that file fail, to see the rollback.
    static func writeAll(_ files: [(path: String, data: [UInt8])], failingRenameAt: Int?) throws {
        let destinations = try files.map { try destination($0.path) }
        var prepared: [(index: Int, temporary: String, target: String)] = []
        func discardTemporaries() { for p in prepared { _ = unlink(p.temporary) } }
        for (i, d) in destinations.enumerated() {
            guard case .replace(let target) = d else { continue }
            do {
                prepared.append((i, try temporaryCopy(files[i].data, for: target, path: files[i].path), target))
            } catch {
                discardTemporaries()
                throw error
            }
        }
        // The renames, each with a hard link to what it replaces, so that all can be undone.
        var done: [(target: String, backup: String?)] = []
        func rollBack() {
            for d in done.reversed() {
                if let b = d.backup { _ = rename(b, d.target) } else { _ = unlink(d.target) }
            }
        }
        for (k, p) in prepared.enumerated() {
            var backup: String? = nil
            var st = stat()
            if lstat(p.target, &st) == 0 {
                let name = uniqueName(besides: p.target, tag: "old")
                if link(p.target, name) == 0 { backup = name }
            }
            let failed: Int32? = failingRenameAt == p.index ? EIO : (rename(p.temporary, p.target) != 0 ? errno : nil)
            if let code = failed {
                if let backup { _ = unlink(backup) }
                rollBack()
                for q in prepared[k...] { _ = unlink(q.temporary) }
                throw failure(files[p.index].path, "rename", code)
            }
            done.append((p.target, backup))
        }
        for d in done { if let b = d.backup { _ = unlink(b) } }
        // Make the renames durable; best effort, the data is already in place.
        for directory in Set(prepared.map { split($0.target).0 }) {
            let dirfd = open(directory, O_RDONLY)
            if dirfd >= 0 {
                _ = fsync(dirfd)
                _ = close(dirfd)
            }
        }
        for (i, d) in destinations.enumerated() {
            switch d {
            case .replace: continue
            case .stream(let fd):
                if let code = writeFully(fd, files[i].data) { throw failure(files[i].path, "write", code) }
            case .direct(let target):
                let fd = open(target, O_WRONLY | O_NOCTTY)
                guard fd >= 0 else { throw failure(files[i].path, "open", errno) }
                let code = writeFully(fd, files[i].data)
                _ = close(fd)
                if let code { throw failure(files[i].path, "write", code) }
            }
        }
    }

    /// What writing to `path` means (see the type's comment); a directory is an error.
    static func destination(_ path: String) throws -> Destination {
        if let fd = standardStream(path) { return .stream(fd) }
        let target = try followLinks(path)
        var st = stat()
        guard stat(target, &st) == 0 else { return .replace(target) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .replace(target)
        case S_IFDIR: throw failure(path, "create", EISDIR)
        default: return .direct(target)
        }
    }

    /// 1 for `/dev/stdout`, 2 for `/dev/stderr`, N for `/dev/fd/N` and `/proc/self/fd/N`.
    static func standardStream(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count))
            }
            return nil
        }
    }

    /// The path a chain of symbolic links at `path` ends at (the path itself when it is none);
    /// the target need not exist. A loop of links is an error (ELOOP).
    static func followLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: 4097)
            let n = readlink(current, &buffer, 4096)
            guard n > 0 else { throw failure(path, "create", errno) }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : split(current).0 + "/" + link
        }
        throw failure(path, "create", ELOOP)
    }

    /// Writes `data` to a new temporary file next to `target`, synced and closed; its path.
    private static func temporaryCopy(_ data: [UInt8], for target: String, path: String) throws -> String {
        let (directory, base) = split(target)
        guard !base.isEmpty else { throw failure(path, "create", EISDIR) }
        var template = Array("\(directory)/.\(base).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let p = buffer.baseAddress else { return -1 }
            return mkstemp(p)
        }
        guard fd >= 0 else { throw failure(path, "create", errno) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)

        var mode: mode_t = 0o644
        var existing = stat()
        if stat(target, &existing) == 0, (existing.st_mode & S_IFMT) == S_IFREG {
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
        return temporary
    }

    /// A name that does not exist yet in `target`'s directory.
    private static func uniqueName(besides target: String, tag: String) -> String {
        let (directory, base) = split(target)
        var template = Array("\(directory)/.\(base).\(tag)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let p = buffer.baseAddress else { return -1 }
            return mkstemp(p)
        }
        let name = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if fd >= 0 {
            _ = close(fd)
            _ = unlink(name)
        }
        return name
    }

    /// Writes all of `data` to `fd`; errno on failure.
    private static func writeFully(_ fd: Int32, _ data: [UInt8]) -> Int32? {
        var offset = 0
        return data.withUnsafeBytes { buffer -> Int32? in
            guard let base = buffer.baseAddress else { return nil }
            while offset < buffer.count {
                let n = systemWrite(fd, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
    }

    /// Writes all of `data` to `fd`, sets its mode and syncs it; the failing step on error.
    private static func fill(_ fd: Int32, with data: [UInt8], mode: mode_t) -> (String, Int32)? {
        if let failed = writeFully(fd, data) { return ("write", failed) }
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
