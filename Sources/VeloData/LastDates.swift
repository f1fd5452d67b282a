// The last date of each column of a dialect file that the row parser rewrote (ChunkParser,
// DialectValues), so that a date repeated row after row is read and written once.

/// The last date field of each column of a dialect file and what it was rewritten to: an
/// export sorted by date repeats each date row after row, so most date fields are read once.
struct LastDates {
    /// The longest field remembered (and the longest rewriting: ISO dates are 10 bytes).
    static let width = 16
    /// Per column: the field's bytes, then the rewritten bytes.
    private let bytes: UnsafeMutablePointer<UInt8>
    /// Per column: the field's length (-1: none yet), then the rewritten length (-1: as written).
    private let lengths: UnsafeMutablePointer<Int>

    init(columns: Int) {
        let n = max(columns, 1)
        bytes = .allocate(capacity: n * 2 * Self.width)
        lengths = .allocate(capacity: n * 2)
        lengths.initialize(repeating: -1, count: n * 2)
    }

    func deallocate() {
        bytes.deallocate()
        lengths.deallocate()
    }

    /// The rewriting of `f` if it is column `c`'s last field; `f` itself when that was kept as written.
    @inline(__always)
    func rewritten(_ f: FieldToken, column c: Int) -> FieldToken? {
        guard lengths[2 * c] == f.count else { return nil }
        guard ByteCompare.equal(bytes + 2 * Self.width * c, f.start, f.count) else { return nil }
        let n = lengths[2 * c + 1]
        return n < 0 ? f : FieldToken(start: UnsafePointer(bytes + 2 * Self.width * c + Self.width), count: n)
    }

    /// Remembers `f` (at most `width` bytes) as column `c`'s last field, rewritten to `out`
    /// (nil: kept as written); a rewriting longer than `width` is not remembered.
    @inline(__always)
    func remember(_ f: FieldToken, column c: Int, rewritten out: (UnsafePointer<UInt8>, Int)?) {
        if let out, out.1 > Self.width {
            lengths[2 * c] = -1
            return
        }
        (bytes + 2 * Self.width * c).update(from: f.start, count: f.count)
        lengths[2 * c] = f.count
        if let (p, n) = out {
            (bytes + 2 * Self.width * c + Self.width).update(from: p, count: n)
            lengths[2 * c + 1] = n
        } else {
            lengths[2 * c + 1] = -1
        }
    }
}
