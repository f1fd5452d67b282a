// A set of row numbers as a bitmap: what incremental recomputation passes around. Marking
// 30,000 rows dirty is 30,000 bit sets, not 30,000 hash-table inserts.

struct RowBits: Equatable, Sequence {
    private(set) var words: [UInt64] = []

    init() {}

    init(_ range: Range<Int32>) {
        for r in range { insert(r) }
    }

    init(_ rows: some Sequence<Int32>) {
        for r in rows { insert(r) }
    }

    mutating func insert(_ r: Int32) {
        let w = Int(r) >> 6
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w + 1 - words.count)) }
        words[w] |= 1 << UInt64(Int(r) & 63)
    }

    func contains(_ r: Int32) -> Bool {
        let w = Int(r) >> 6
        return r >= 0 && w < words.count && words[w] & (1 << UInt64(Int(r) & 63)) != 0
    }

    var isEmpty: Bool { !words.contains { $0 != 0 } }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    func union(_ other: RowBits) -> RowBits {
        var (long, short) = words.count >= other.words.count ? (self, other) : (other, self)
        for i in short.words.indices { long.words[i] |= short.words[i] }
        return long
    }

    func filter(_ keep: (Int32) -> Bool) -> RowBits {
        var out = RowBits()
        for r in self where keep(r) { out.insert(r) }
        return out
    }

    /// The rows in ascending order.
    func sorted() -> [Int32] { Array(self) }

    static func == (a: RowBits, b: RowBits) -> Bool {
        let n = Swift.max(a.words.count, b.words.count)
        for i in 0..<n where (i < a.words.count ? a.words[i] : 0) != (i < b.words.count ? b.words[i] : 0) { return false }
        return true
    }

    struct Iterator: IteratorProtocol {
        let words: [UInt64]
        var index = 0
        var current: UInt64

        init(_ words: [UInt64]) {
            self.words = words
            current = words.first ?? 0
        }

        mutating func next() -> Int32? {
            while current == 0 {
                index += 1
                guard index < words.count else { return nil }
                current = words[index]
            }
            let bit = current.trailingZeroBitCount
            current &= current - 1
            return Int32(index * 64 + bit)
        }
    }

    func makeIterator() -> Iterator { Iterator(words) }
}
