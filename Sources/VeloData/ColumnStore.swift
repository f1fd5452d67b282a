// The growing value buffers of one chunk's columns while it is parsed.
//
// Why raw memory: the parse loop writes one value per field, tens of millions of times. Plain
// malloc'd buffers (one per column, all with room for `capacity` rows, grown together with
// realloc) cost one store per value — no bounds, uniqueness or capacity checks, no reference
// counting. A column's kind can change mid-parse (inference falling back to text), which
// swaps its buffer. The buffers become Swift arrays once, when the table is assembled.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One chunk's columns: a kind and a value buffer each. Not thread-safe; the owner calls
/// `deallocate()`.
struct ColumnStore {
    let count: Int
    let kinds: UnsafeMutablePointer<ColumnKind>
    /// Declared (or appended-to) columns: a value of another kind is an error, not a fallback.
    let enforced: UnsafeMutablePointer<Bool>
    /// An `unknown` column saw a field of only spaces (missing for typed columns, text otherwise).
    let sawBlank: UnsafeMutablePointer<Bool>
    /// Room for `capacity` values of the column's kind; nil while the kind is `unknown`.
    let values: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// The last value read per column, to skip the work when the next row repeats it (sorted
    /// files repeat dates and keys): for dates the 10 bytes (8 + 2) and the day, for text
    /// the field's address and length and its id.
    let lastKey: UnsafeMutablePointer<UInt64>
    let lastKey2: UnsafeMutablePointer<Int>
    let lastValue: UnsafeMutablePointer<Int32>
    private(set) var capacity: Int

    init(kinds initial: [ColumnKind], enforced initialEnforced: [Bool], capacity: Int) {
        count = initial.count
        self.capacity = max(capacity, 16)
        kinds = .allocate(capacity: count)
        enforced = .allocate(capacity: count)
        sawBlank = .allocate(capacity: count)
        values = .allocate(capacity: count)
        lastKey = .allocate(capacity: count)
        lastKey2 = .allocate(capacity: count)
        lastValue = .allocate(capacity: count)
        for c in 0..<count {
            forgetLastValue(c)
            kinds[c] = initial[c]
            enforced[c] = initialEnforced[c]
            sawBlank[c] = false
            values[c] = initial[c] == .unknown ? nil : ColumnStore.allocate(self.capacity * initial[c].stride)
        }
    }

    func deallocate() {
        for c in 0..<count { free(values[c]) }
        kinds.deallocate()
        enforced.deallocate()
        sawBlank.deallocate()
        values.deallocate()
        lastKey.deallocate()
        lastKey2.deallocate()
        lastValue.deallocate()
    }

    /// Clears column `c`'s last-value cache (no date or field matches it).
    func forgetLastValue(_ c: Int) {
        lastKey[c] = .max
        lastKey2[c] = -1
        lastValue[c] = 0
    }

    /// Makes room for more rows (half as many again).
    mutating func grow() {
        capacity += capacity / 2 + 1024
        for c in 0..<count where values[c] != nil {
            guard let grown = realloc(values[c], capacity * kinds[c].stride) else { outOfMemory() }
            preferHugePages(grown, bytes: capacity * kinds[c].stride)
            values[c] = grown
        }
    }

    /// Gives column `c` a new, uninitialised buffer for `kind`, dropping its old values.
    func reset(_ c: Int, to kind: ColumnKind) {
        free(values[c])
        forgetLastValue(c)
        kinds[c] = kind
        values[c] = kind == .unknown ? nil : ColumnStore.allocate(capacity * kind.stride)
    }

    /// Writes the missing-value sentinel of column `c`'s kind into `rows`.
    func fillMissing(_ c: Int, rows: Range<Int>) {
        switch kinds[c] {
        case .number: (doubles(c) + rows.lowerBound).update(repeating: .nan, count: rows.count)
        case .text: (int32s(c) + rows.lowerBound).update(repeating: ColumnData.missingText, count: rows.count)
        case .date: (int32s(c) + rows.lowerBound).update(repeating: ColumnData.missingDate, count: rows.count)
        case .bool: (bytes(c) + rows.lowerBound).update(repeating: ColumnData.missingBool, count: rows.count)
        case .unknown: break
        }
    }

    /// The values of a number column.
    @inline(__always)
    func doubles(_ c: Int) -> UnsafeMutablePointer<Double> {
        values[c].unsafelyUnwrapped.assumingMemoryBound(to: Double.self)
    }

    /// The values of a text or date column.
    @inline(__always)
    func int32s(_ c: Int) -> UnsafeMutablePointer<Int32> {
        values[c].unsafelyUnwrapped.assumingMemoryBound(to: Int32.self)
    }

    /// The values of a bool column.
    @inline(__always)
    func bytes(_ c: Int) -> UnsafeMutablePointer<UInt8> {
        values[c].unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)
    }

    private static func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        guard let p = malloc(max(size, 1)) else { outOfMemory() }
        preferHugePages(p, bytes: size)
        return p
    }
}

private func outOfMemory() -> Never {
    fatalError("VeloData: out of memory while loading a table")
}

/// Asks the kernel to back a large, not yet touched buffer with huge pages, so filling it
/// takes a few hundred page faults instead of tens of thousands. A hint only (Linux).
func preferHugePages(_ p: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    let huge = 2 << 20
    guard bytes >= 2 * huge else { return }
    let start = (Int(bitPattern: p) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: p) + bytes) & ~(huge - 1)
    guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    #endif
}

/// A rough row count for `length` bytes starting at `p`, from the line lengths in the first
/// 64 KB; used to size buffers up front so they rarely grow.
func estimatedRowCount(_ p: UnsafePointer<UInt8>, length: Int) -> Int {
    let sample = min(length, 1 << 16)
    var lines = 0
    var q = 0
    while q < sample, let hit = memchr(p + q, Int32(ASCII.lf), sample - q) {
        lines += 1
        q = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - p + 1
    }
    guard lines > 0 else { return 16 }
    let estimate = Double(length) / Double(sample) * Double(lines) * 1.02 + 16
    return Int(min(estimate, Double(1 << 26)))
}
