// A hash map from non-negative 64-bit keys (one or two packed key codes) to dense codes:
// open addressing with linear probing and a multiplicative hash. Group and alignment
// lookups do one per appended row or context row, where the standard dictionary's seeded
// hashing was the larger part of an append's cost.

struct PackedKeyMap {
    private static let empty: Int64 = -1
    private var keys: [Int64]
    private var values: [Int32]
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int = 8) {
        var slots = 8
        while slots < capacity * 2 { slots <<= 1 }
        keys = [Int64](repeating: PackedKeyMap.empty, count: slots)
        values = [Int32](repeating: 0, count: slots)
        shift = UInt64(64 - slots.trailingZeroBitCount)
    }

    @inline(__always) private func home(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// - Precondition: `key >= 0` (callers pass codes, which are).
    subscript(key: Int64) -> Int32? {
        get {
            let mask = keys.count - 1
            var i = home(key)
            while true {
                let k = keys[i]
                if k == key { return values[i] }
                if k == PackedKeyMap.empty { return nil }
                i = (i + 1) & mask
            }
        }
        set {
            guard let value = newValue else { return remove(key) }
            let mask = keys.count - 1
            var i = home(key)
            while true {
                let k = keys[i]
                if k == key { values[i] = value; return }
                if k == PackedKeyMap.empty { break }
                i = (i + 1) & mask
            }
            keys[i] = key
            values[i] = value
            count += 1
            if count * 2 > keys.count { grow() }
        }
    }

    private mutating func grow() {
        var bigger = PackedKeyMap(capacity: keys.count)
        for (i, k) in keys.enumerated() where k != PackedKeyMap.empty { bigger[k] = values[i] }
        self = bigger
    }

    /// Removes a key, moving later entries of its probe run back (no tombstones).
    private mutating func remove(_ key: Int64) {
        let mask = keys.count - 1
        var i = home(key)
        while keys[i] != key {
            if keys[i] == PackedKeyMap.empty { return }
            i = (i + 1) & mask
        }
        var hole = i
        var j = i
        while true {
            j = (j + 1) & mask
            let k = keys[j]
            if k == PackedKeyMap.empty { break }
            // Move k into the hole unless its home lies cyclically in (hole, j].
            let h = home(k)
            let between = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j)
            if !between {
                keys[hole] = k
                values[hole] = values[j]
                hole = j
            }
        }
        keys[hole] = PackedKeyMap.empty
        count -= 1
    }
}
