// Matching rows of two tables on key columns, without hashing strings.
//
// Key values are Int32 codes: interned ids for text, and for integers and dates the value
// offset to be non-negative (`KeyValue`), so every key column is one flat Int32 array and
// -1 is a missing key. To align two tables we give every distinct key tuple a dense code:
// each key column's values are first mapped to small local numbers through a flat array
// (bounded by the interner's size for text, by the column's min...max range for integers
// and dates, or a dictionary when that range is large), then tuples are combined column by
// column (mixed radix while it stays small, a dictionary beyond that). Lookups become an
// array of target rows per context row; aggregates become groups in compressed-sparse-row form.

import VeloCheck

/// Integer and date keys as Int32 codes that sort like the values: the value plus `offset`,
/// -1 when missing. Integer keys must lie in `-offset ..< offset`.
enum KeyValue {
    static let offset: Int32 = 1 << 30

    @inline(__always) static func encode(day d: Int32) -> Int32 {
        d == Values.missingDate || d <= -offset || d >= offset ? -1 : d + offset
    }

    @inline(__always) static func encode(integer x: Double) -> Int32 {
        guard x == x.rounded(), x > -Double(offset), x < Double(offset) else { return -1 }
        return Int32(x) + offset
    }

    /// Whether a number can be an integer key.
    static func isInteger(_ x: Double) -> Bool { x.isNaN || encode(integer: x) >= 0 }

    @inline(__always) static func decode(_ code: Int32) -> Int32 { code - offset }

    /// Codes of a key column's storage: interned ids as they are, dates and integers offset.
    static func codes(_ v: Values) -> [Int32]? {
        switch v {
        case .text(let ids): return ids
        case .date(let d): return d.map { encode(day: $0) }
        case .number(let x): return x.map { encode(integer: $0) }
        case .bool: return nil
        }
    }

    /// Key codes back into a key column's storage.
    static func values(_ codes: [Int32], as type: VType) -> Values {
        switch type.base {
        case .date: return .date(codes.map { $0 < 0 ? Values.missingDate : decode($0) })
        case .number: return .number(codes.map { $0 < 0 ? .nan : Double(decode($0)) })
        default: return .text(codes)
        }
    }
}

/// Dense codes for the key tuples of a combined row space.
struct KeyCodes {
    /// One code per row, -1 where a key value is missing.
    var codes: [Int32]
    /// Number of distinct codes.
    var count: Int

    /// Encodes rows given their key columns (each column the same length). `idLimit` bounds
    /// the interned ids (the interner's size); columns marked `ranged` hold integer or date
    /// codes instead, numbered through their own min...max range.
    init(columns: [[Int32]], rowCount: Int, idLimit: Int, ranged: [Bool] = []) {
        var codes = [Int32](repeating: 0, count: rowCount)
        var count = 1
        var local = [Int32](repeating: -1, count: max(1, idLimit))
        for (k, column) in columns.enumerated() {
            // Local numbering of this column's ids, in order of appearance.
            var next: Int32 = 0
            var localCodes: [Int32]
            if k < ranged.count && ranged[k] {
                (localCodes, next) = KeyCodes.localCodes(ofRanged: column, rowCount: rowCount)
            } else {
                var used: [Int32] = []
                localCodes = [Int32](repeating: -1, count: rowCount)
                column.withUnsafeBufferPointer { col in
                    for r in 0..<rowCount {
                        let id = col[r]
                        guard id >= 0, Int(id) < local.count else { continue }
                        var l = local[Int(id)]
                        if l < 0 {
                            l = next
                            local[Int(id)] = l
                            used.append(id)
                            next += 1
                        }
                        localCodes[r] = l
                    }
                }
                for id in used { local[Int(id)] = -1 }
            }
            let card = Int(next)
            // Combine with the codes so far, then renumber densely.
            let product = count * max(1, card)
            if product <= 1 << 24 {
                var dense = [Int32](repeating: -1, count: max(1, product))
                var n: Int32 = 0
                for r in 0..<rowCount {
                    let c = codes[r], l = localCodes[r]
                    if c < 0 || l < 0 { codes[r] = -1; continue }
                    let combined = Int(c) * card + Int(l)
                    var d = dense[combined]
                    if d < 0 { d = n; dense[combined] = d; n += 1 }
                    codes[r] = d
                }
                count = Int(n)
            } else {
                var dense: [Int: Int32] = [:]
                dense.reserveCapacity(min(rowCount, 1 << 20))
                for r in 0..<rowCount {
                    let c = codes[r], l = localCodes[r]
                    if c < 0 || l < 0 { codes[r] = -1; continue }
                    let combined = Int(c) * card + Int(l)
                    if let d = dense[combined] {
                        codes[r] = d
                    } else {
                        let d = Int32(dense.count)
                        dense[combined] = d
                        codes[r] = d
                    }
                }
                count = dense.count
            }
        }
        self.codes = codes
        self.count = count
    }

    /// Local numbers (in order of appearance) of integer or date codes: through a flat array
    /// over the column's min...max when that range is small, else a dictionary.
    static func localCodes(ofRanged column: [Int32], rowCount: Int) -> ([Int32], Int32) {
        var lo = Int32.max, hi = Int32.min
        for r in 0..<rowCount where column[r] >= 0 {
            lo = min(lo, column[r])
            hi = max(hi, column[r])
        }
        var localCodes = [Int32](repeating: -1, count: rowCount)
        var next: Int32 = 0
        guard lo <= hi else { return (localCodes, 0) }
        let span = Int(hi) - Int(lo) + 1
        if span <= max(1 << 16, 4 * rowCount) {
            var local = [Int32](repeating: -1, count: span)
            column.withUnsafeBufferPointer { col in
                for r in 0..<rowCount where col[r] >= 0 {
                    let i = Int(col[r] - lo)
                    var l = local[i]
                    if l < 0 {
                        l = next
                        local[i] = l
                        next += 1
                    }
                    localCodes[r] = l
                }
            }
        } else {
            var local: [Int32: Int32] = [:]
            for r in 0..<rowCount where column[r] >= 0 {
                if let l = local[column[r]] {
                    localCodes[r] = l
                } else {
                    local[column[r]] = next
                    localCodes[r] = next
                    next += 1
                }
            }
        }
        return (localCodes, next)
    }
}

/// How rows of a context table reach rows of another table: for a lookup, the one target
/// row of each context row; for an aggregate, the group (in a shared `GroupIndex`) of target
/// rows each context row reduces.
final class AlignmentIndex {
    /// For lookups: the target row per context row, -1 when there is none.
    var lookup: [Int32] = []
    /// For aggregates: the target rows grouped by key, and each context row's group.
    var group: GroupIndex? = nil
    var contextCodes: [Int32] = []
    /// Target row -> context rows that read it, in CSR form, built on first use by
    /// incremental recomputation (see Dependencies.swift).
    var readerOffsets: [Int32] = []
    var readerRows: [Int32] = []

    /// A lookup: `contextKeys`/`targetKeys` are the `on` columns of each table.
    init(lookupFrom contextKeys: [[Int32]], contextRows: Int, to targetKeys: [[Int32]], targetRows: Int, idLimit: Int,
         ranged: [Bool] = []) {
        var combined: [[Int32]] = []
        for (a, b) in zip(contextKeys, targetKeys) { combined.append(a + b) }
        let total = contextRows + targetRows
        let codes: [Int32]
        let count: Int
        if combined.isEmpty {
            // No key: the target's one row (a table without keys) for every context row.
            codes = [Int32](repeating: 0, count: total)
            count = 1
        } else {
            let k = KeyCodes(columns: combined, rowCount: total, idLimit: idLimit, ranged: ranged)
            codes = k.codes
            count = k.count
        }
        var rowOfCode = [Int32](repeating: -1, count: max(1, count))
        for t in 0..<targetRows {
            let c = codes[contextRows + t]
            if c >= 0 { rowOfCode[Int(c)] = Int32(t) }
        }
        lookup = (0..<contextRows).map { r in
            let c = codes[r]
            return c < 0 ? -1 : rowOfCode[Int(c)]
        }
    }

    /// An aggregate: each context row's group in `group`, found by its key tuple.
    init(group: GroupIndex, contextKeys: [[Int32]], contextRows: Int) {
        self.group = group
        var tuple = [Int32](repeating: 0, count: contextKeys.count)
        contextCodes = (0..<contextRows).map { r in
            for k in contextKeys.indices { tuple[k] = contextKeys[k][r] }
            return group.code(of: tuple) ?? -1
        }
    }

    /// The positions in `rows` of context row r's group.
    @inline(__always) func range(_ r: Int) -> Range<Int> { group!.range(ofCode: contextCodes[r]) }

    /// The group positions of the selected context rows (all when nil), computed in one tight
    /// loop: hot loops must not touch class properties per row.
    func ranges(_ rows: [Int32]?) -> [Range<Int>] {
        guard let group else { return [] }
        let codes = contextCodes, starts = group.start, sizes = group.size
        func one(_ r: Int) -> Range<Int> {
            let c = codes[r]
            return c < 0 ? 0..<0 : Int(starts[Int(c)])..<Int(starts[Int(c)] + sizes[Int(c)])
        }
        if let rows { return rows.map { one(Int($0)) } }
        return (0..<codes.count).map(one)
    }

    /// The grouped target rows (aggregates only).
    var rows: [Int32] { group!.rows }
}
