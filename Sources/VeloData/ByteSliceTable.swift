// A hash table from byte strings to dense Int32 ids, keyed directly on raw bytes.
//
// Why: interning a text field must not build a `String` per field. Each load keeps one of
// these per chunk (ids local to that chunk, merged into the shared `Interner` afterwards), and
// the `Interner` keeps one as its own index. Keys are copied into an arena once, when new;
// lookups hash the field bytes in place. It is a plain struct over raw memory so the parse
// loop pays no reference counting or exclusivity checks; the owner calls `deallocate()`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hashing of short byte strings (wyhash-style multiply-fold mixing).
enum ByteHash {
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inline(__always)
    static func load64(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    @inline(__always)
    static func load32(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(UInt32(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt32.self)))
    }

    @inline(__always)
    static func load16(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(UInt16(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt16.self)))
    }

    /// A 64-bit hash of `n` bytes at `p`. Reads only those bytes.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let k0: UInt64 = 0xa076_1d64_78bd_642f, k1: UInt64 = 0xe703_7ed1_a0b4_28db
        var a: UInt64, b: UInt64
        if n <= 16 {
            if n >= 8 {
                a = load64(p)
                b = load64(p + n - 8)
            } else if n >= 4 {
                a = load32(p) << 32 | load32(p + ((n >> 3) << 2))
                b = load32(p + n - 4) << 32 | load32(p + n - 4 - ((n >> 3) << 2))
            } else if n > 0 {
                a = UInt64(p[0]) << 16 | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1])
                b = 0
            } else {
                a = 0
                b = 0
            }
        } else {
            var seed = k0
            var i = 0
            while n - i > 16 {
                seed = mix(load64(p + i) ^ k1, load64(p + i + 8) ^ seed)
                i += 16
            }
            a = load64(p + n - 16) ^ seed
            b = load64(p + n - 8)
        }
        return mix(k1 ^ UInt64(truncatingIfNeeded: n), mix(a ^ k1, b ^ k0))
    }
}

/// Equality of short byte strings without a call into libc.
enum ByteCompare {
    /// Whether the `n` bytes at `a` and at `b` are equal. Reads only those bytes.
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n >= 8 {
            if n > 16 { return memcmp(a, b, n) == 0 }
            return ByteHash.load64(a) == ByteHash.load64(b) && ByteHash.load64(a + n - 8) == ByteHash.load64(b + n - 8)
        }
        if n >= 4 {
            return ByteHash.load32(a) == ByteHash.load32(b) && ByteHash.load32(a + n - 4) == ByteHash.load32(b + n - 4)
        }
        var i = 0
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }
}

/// Byte strings → dense ids 0, 1, 2, … in insertion order. Not thread-safe.
struct ByteSliceTable {
    /// Number of distinct keys.
    private(set) var count: Int = 0
    /// Open addressing: each slot is 0 (empty) or `hashTag << 32 | (id + 1)`.
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int
    /// Key `i` occupies `arena[starts[i] ..< starts[i + 1]]`.
    private var starts: UnsafeMutablePointer<Int>
    private var startsCapacity: Int
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int

    init(expectedCount: Int = 64) {
        var slotCount = 64
        while slotCount < expectedCount * 2 { slotCount <<= 1 }
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        mask = slotCount - 1
        startsCapacity = max(expectedCount, 32) + 1
        starts = .allocate(capacity: startsCapacity)
        starts[0] = 0
        arenaCapacity = max(expectedCount, 32) * 16
        arena = .allocate(capacity: arenaCapacity)
    }

    /// Frees the memory. The table must not be used afterwards.
    func deallocate() {
        slots.deallocate()
        starts.deallocate()
        arena.deallocate()
    }

    /// The id of these bytes, or -1 when absent. `hash` is `ByteHash.hash(p, n)`.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64) -> Int32 {
        let tag = hash >> 32
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let s = slots[i]
            if s == 0 { return -1 }
            if s >> 32 == tag {
                let id = Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: s)) - 1
                let start = starts[id]
                if starts[id + 1] - start == n && ByteCompare.equal(arena + start, p, n) { return Int32(id) }
            }
            i = (i + 1) & mask
        }
    }

    /// Adds bytes known to be absent and returns their new id.
    mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64) -> Int32 {
        if (count + 1) * 2 > mask + 1 { rehash(slotCount: (mask + 1) * 2) }
        if count + 2 > startsCapacity {
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: startsCapacity * 2)
            grown.update(from: starts, count: count + 1)
            starts.deallocate()
            starts = grown
            startsCapacity *= 2
        }
        if arenaCount + n > arenaCapacity {
            var capacity = arenaCapacity * 2
            while capacity < arenaCount + n { capacity *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            grown.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = grown
            arenaCapacity = capacity
        }
        (arena + arenaCount).update(from: p, count: n)
        arenaCount += n
        let id = count
        starts[id + 1] = arenaCount
        count += 1
        place(tag: hash >> 32, index: Int(truncatingIfNeeded: hash), id: id)
        return Int32(id)
    }

    /// The bytes of key `id` (valid until the next insert).
    func bytes(_ id: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: arena + starts[id], count: starts[id + 1] - starts[id])
    }

    private func place(tag: UInt64, index: Int, id: Int) {
        var i = index & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = tag << 32 | UInt64(id + 1)
    }

    private mutating func rehash(slotCount: Int) {
        slots.deallocate()
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        mask = slotCount - 1
        for id in 0..<count {
            let start = starts[id]
            let h = ByteHash.hash(arena + start, starts[id + 1] - start)
            place(tag: h >> 32, index: Int(truncatingIfNeeded: h), id: id)
        }
    }
}
