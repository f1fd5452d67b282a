// Matching rows of two tables on key columns, without hashing strings.
//
// Key values are interned ids. To align two tables we give every distinct key tuple a
// dense code: each key column's ids are first mapped to small local numbers through a
// flat array, then tuples are combined column by column (mixed radix while it stays small,
// a dictionary beyond that). Lookups become an array of target rows per context row;
// aggregates become groups in compressed-sparse-row form.

/// Dense codes for the key tuples of a combined row space.
struct KeyCodes {
    /// One code per row, -1 where a key value is missing.
    var codes: [Int32]
    /// Number of distinct codes.
    var count: Int

    /// Encodes rows given their key columns (each column the same length). `idLimit` bounds
    /// the interned ids (the interner's size).
    init(columns: [[Int32]], rowCount: Int, idLimit: Int) {
        var codes = [Int32](repeating: 0, count: rowCount)
        var count = 1
        var local = [Int32](repeating: -1, count: max(1, idLimit))
        for column in columns {
            // Local numbering of this column's ids, in order of appearance.
            var next: Int32 = 0
            var used: [Int32] = []
            var localCodes = [Int32](repeating: -1, count: rowCount)
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
}

/// How rows of a context table reach rows of another table: for a lookup, the one target
/// row of each context row; for an aggregate, the group (in a shared `GroupIndex`) of target
/// rows each context row reduces.
final class AlignmentIndex: @unchecked Sendable {
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
    init(lookupFrom contextKeys: [[Int32]], contextRows: Int, to targetKeys: [[Int32]], targetRows: Int, idLimit: Int) {
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
            let k = KeyCodes(columns: combined, rowCount: total, idLimit: idLimit)
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
