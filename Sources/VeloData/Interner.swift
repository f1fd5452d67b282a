// The workspace-wide text interner: every distinct text value gets one dense Int32 id.
//
// Why shared: joins and lookups across files ("SKU1" in sales.csv and in items.csv) become
// integer comparisons only if both tables use the same ids, so one `Interner` serves every
// table of a workspace. Loads intern each distinct value once per chunk (through
// `internAll`), so the lock is taken once per load, not once per field.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps text values to dense `Int32` ids (0, 1, 2, … in first-seen order), shared by all tables
/// of one workspace so "SKU1" has the same id in sales.csv and items.csv.
///
/// Thread-safe (internally locked). `string(_:)` is O(1).
public final class Interner: @unchecked Sendable {
    private let lock = Lock()
    private var table = ByteSliceTable(expectedCount: 1024)
    private var strings: [String] = []

    /// An empty interner.
    public init() {}

    deinit { table.deallocate() }

    /// The id of `s`, adding it when new.
    public func intern(_ s: String) -> Int32 {
        var s = s
        return s.withUTF8 { intern(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The id of the UTF-8 text in `bytes`, adding it when new. No `String` is made when the
    /// value is already present. Invalid UTF-8 is repaired (U+FFFD) before interning.
    public func intern(bytes: UnsafeRawBufferPointer) -> Int32 {
        let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        let found: Int32? = lock.withLock {
            guard let p else { return findOrInsertValid(emptyKey, 0) }
            let h = ByteHash.hash(p, n)
            let id = table.find(p, n, hash: h)
            if id >= 0 { return id }
            guard UTF8Check.firstInvalidByte(p, n) == nil else { return nil }
            return insert(p, n, hash: h)
        }
        if let found { return found }
        return intern(String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self))
    }

    /// The id of `s`, or nil when it was never interned.
    public func lookup(_ s: String) -> Int32? {
        var s = s
        return s.withUTF8 { buffer in
            lock.withLock {
                let p = buffer.baseAddress ?? emptyKey
                let id = table.find(p, buffer.count, hash: ByteHash.hash(p, buffer.count))
                return id >= 0 ? id : nil
            }
        }
    }

    /// The text of `id`; the empty string for an id never handed out (such as the missing-value -1).
    public func string(_ id: Int32) -> String {
        lock.withLock { id >= 0 && Int(id) < strings.count ? strings[Int(id)] : "" }
    }

    /// The number of distinct values interned so far.
    public var count: Int { lock.withLock { strings.count } }

    /// Every value interned so far, indexed by id (a copy: one lock for many look-ups).
    public var allStrings: [String] { lock.withLock { strings } }

    /// Interns every key of a load's local table, in order, under one lock; returns the global
    /// id of each local id. Keys were validated as UTF-8 when they entered `local`.
    func internAll(_ local: ByteSliceTable) -> [Int32] {
        lock.withLock {
            var map: [Int32] = []
            map.reserveCapacity(local.count)
            for i in 0..<local.count {
                let key = local.bytes(i)
                map.append(findOrInsertValid(key.baseAddress ?? emptyKey, key.count))
            }
            return map
        }
    }

    /// Caller holds the lock; the bytes are valid UTF-8.
    private func findOrInsertValid(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        let h = ByteHash.hash(p, n)
        let id = table.find(p, n, hash: h)
        return id >= 0 ? id : insert(p, n, hash: h)
    }

    /// Caller holds the lock; the bytes are absent and valid UTF-8.
    private func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64) -> Int32 {
        strings.append(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        return table.insert(p, n, hash: hash)
    }
}

/// A stand-in pointer for zero-length keys (never read).
nonisolated(unsafe) private let emptyKey: UnsafePointer<UInt8> = {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    p.initialize(to: 0)
    return UnsafePointer(p)
}()

/// A mutex (pthread), usable on every platform the package targets.
final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
