// The rows of a table grouped by key values: the heart of every aggregate.
//
// For a table and a list of key columns, `GroupIndex` gives each distinct key tuple a
// dense code and lists the table's rows per code (compressed sparse rows, rows in table
// order). It is built once per (table, columns) and shared by every aggregate over that
// table; an event table that grows by appended rows is extended in place — new rows join
// their groups without regrouping millions of old ones — and a context table only looks
// its key tuples up, which costs one hash lookup per context row.

/// Key tuples (key codes: interned ids, offset integers or dates) to dense codes.
struct TupleMap {
    /// Tuples of one or two non-negative codes, packed into one key.
    private var packed = PackedKeyMap()
    /// Longer tuples, and any with a negative code.
    private var many: [[Int32]: Int32] = [:]
    let width: Int

    init(width: Int) { self.width = width }

    subscript(tuple: [Int32]) -> Int32? {
        get {
            switch width {
            case 0: return 0
            case 1 where tuple[0] >= 0: return packed[Int64(tuple[0])]
            case 2 where tuple[0] >= 0 && tuple[1] >= 0: return packed[TupleMap.pack(tuple[0], tuple[1])]
            default: return many[tuple]
            }
        }
        set {
            switch width {
            case 0: break
            case 1 where tuple[0] >= 0: packed[Int64(tuple[0])] = newValue
            case 2 where tuple[0] >= 0 && tuple[1] >= 0: packed[TupleMap.pack(tuple[0], tuple[1])] = newValue
            default: many[tuple] = newValue
            }
        }
    }

    @inline(__always) static func pack(_ a: Int32, _ b: Int32) -> Int64 {
        Int64(a) << 32 | Int64(UInt32(bitPattern: b))
    }
}

final class GroupIndex {
    /// How many rows of the table the grouping covers (grouped or with a missing key).
    private(set) var rowCount: Int
    /// Rows of code c: `rows[start[c] ..< start[c] + size[c]]`, in table order. Each group
    /// has spare slots up to `start[c+1]`, so appended rows usually fit in place.
    private(set) var start: [Int32]
    private(set) var size: [Int32]
    private(set) var rows: [Int32]
    private var map: TupleMap

    var count: Int { size.count }

    /// Whether every group's rows are in date order (cached; kept across appends).
    private var sortedCache: (dates: Int, sorted: Bool)? = nil

    /// Copies of the table's date column and number columns in group order (slot by slot,
    /// aligned with `rows`), so window aggregates read memory sequentially. Built on first
    /// use, kept up to date by `extend`, dropped when the groups are laid out again or the
    /// table's values change.
    private var clusteredDates: [Int32]? = nil
    private var clusteredNumbers: [Int: [Double]] = [:]

    func dates(inGroupOrder dates: [Int32]) -> [Int32] {
        if let c = clusteredDates { return c }
        let c = GroupIndex.inSlotOrder(rows, dates, missing: Values.missingDate)
        clusteredDates = c
        return c
    }

    func numbers(inGroupOrder column: Int, _ values: [Double]) -> [Double] {
        if let c = clusteredNumbers[column] { return c }
        let c = GroupIndex.inSlotOrder(rows, values, missing: .nan)
        clusteredNumbers[column] = c
        return c
    }

    /// `values` of the rows in `rows`' slots (`missing` for an empty slot), with spare
    /// capacity: groups added by an append grow the copy without copying it whole.
    static func inSlotOrder<T>(_ rows: [Int32], _ values: [T], missing: T) -> [T] {
        [T](unsafeUninitializedCapacity: spareCapacity(rows.count)) { out, initialized in
            for (i, r) in rows.enumerated() { (out.baseAddress! + i).initialize(to: r < 0 ? missing : values[Int(r)]) }
            initialized = rows.count
        }
    }

    /// Room for a few appended days, as loaded columns leave.
    @inline(__always) static func spareCapacity(_ n: Int) -> Int { n + n / 16 + 16 }

    /// Running sums of windows over the grouped rows (WindowSums.swift), made on first use
    /// by an evaluator that keeps them; they take appended rows themselves.
    private(set) var windowSums: [WindowSums.Key: WindowSums] = [:]

    func windowSums(_ key: WindowSums.Key) -> WindowSums {
        if let s = windowSums[key] { return s }
        let s = WindowSums(length: key.length)
        windowSums[key] = s
        return s
    }

    /// The table's values changed in place (an edited cell): forget the copies.
    func forgetClusteredValues() {
        clusteredDates = nil
        clusteredNumbers = [:]
        sortedCache = nil
        windowSums = [:]
    }

    /// Groups `rowCount` rows by the tuples of `keys` (one array per key column).
    init(keys: [[Int32]], rowCount: Int, idLimit: Int, ranged: [Bool] = []) {
        map = TupleMap(width: keys.count)
        let codes: [Int32]
        let count: Int
        if keys.isEmpty {
            // No key: every row is in the one group (grand totals).
            codes = [Int32](repeating: 0, count: rowCount)
            count = 1
        } else {
            let k = KeyCodes(columns: keys, rowCount: rowCount, idLimit: idLimit, ranged: ranged)
            codes = k.codes
            count = k.count
            var seen = [Bool](repeating: false, count: count)
            for r in 0..<rowCount {
                let c = k.codes[r]
                if c >= 0, !seen[Int(c)] {
                    seen[Int(c)] = true
                    map[keys.map { $0[r] }] = c
                }
            }
        }
        self.rowCount = rowCount
        var size = [Int32](repeating: 0, count: count)
        for c in codes where c >= 0 { size[Int(c)] += 1 }
        (start, rows) = GroupIndex.layout(size: size, codes: codes, extra: [])
        self.size = size
    }

    /// Lays groups out with spare slots, rows in order: `codes` for rows 0..., then `extra`
    /// (row, code) pairs appended after them.
    static func layout(size: [Int32], codes: [Int32], extra: [(row: Int32, code: Int32)]) -> ([Int32], [Int32]) {
        var start = [Int32](repeating: 0, count: size.count + 1)
        for c in 0..<size.count { start[c + 1] = start[c] + size[c] + GroupIndex.slack(size[c]) }
        var fill = start
        let slots = Int(start[size.count])
        var rows = [Int32](unsafeUninitializedCapacity: spareCapacity(slots)) { out, initialized in
            out.baseAddress!.initialize(repeating: -1, count: slots)
            initialized = slots
        }
        rows.withUnsafeMutableBufferPointer { rows in
            for (r, c) in codes.enumerated() where c >= 0 {
                rows[Int(fill[Int(c)])] = Int32(r)
                fill[Int(c)] += 1
            }
            for (r, c) in extra where c >= 0 {
                rows[Int(fill[Int(c)])] = r
                fill[Int(c)] += 1
            }
        }
        return (start, rows)
    }

    /// Spare slots for a group of `n` rows: room for a few appended days.
    @inline(__always) static func slack(_ n: Int32) -> Int32 { max(4, n / 16) }

    /// True when, within every group, the rows' dates never decrease — then a window
    /// anchored at the as-of date can scan each group backwards from its newest row and stop
    /// at the window's first day.
    func isSorted(by dates: [Int32]) -> Bool {
        if let c = sortedCache, c.dates == dates.count { return c.sorted }
        var sorted = true
        rows.withUnsafeBufferPointer { rows in
            dates.withUnsafeBufferPointer { dates in
                outer: for c in 0..<count {
                    let lo = Int(start[c]), hi = lo + Int(size[c])
                    guard hi - lo > 1 else { continue }
                    for p in (lo + 1)..<hi where dates[Int(rows[p])] < dates[Int(rows[p - 1])] {
                        sorted = false
                        break outer
                    }
                }
            }
        }
        sortedCache = (dates.count, sorted)
        return sorted
    }

    /// The code of a key tuple, if the table has it.
    func code(of tuple: [Int32]) -> Int32? {
        if tuple.contains(where: { $0 < 0 }) { return nil }
        return map[tuple]
    }

    /// The key tuple of group c: the codes in `keys` (the grouped key columns) of its first row.
    func tuple(ofCode c: Int32, keys: [[Int32]]) -> [Int32] {
        let first = Int(rows[Int(start[Int(c)])])
        return keys.map { $0[first] }
    }

    @inline(__always) func range(ofCode c: Int32) -> Range<Int> {
        c < 0 ? 0..<0 : Int(start[Int(c)])..<Int(start[Int(c)] + size[Int(c)])
    }

    /// Adds `n` rows appended to the table (rows `firstRow..<firstRow+n`) to their groups;
    /// `keys` holds their key columns; with the table's `dates`, date order is kept track of.
    /// Rows go into their group's spare slots.
    /// Returns false when a group has no room left: the caller then drops this grouping and
    /// builds it anew.
    @discardableResult
    func extend(keys: [[Int32]], firstRow: Int, count n: Int, dates: [Int32]? = nil, columns: [Values] = []) -> Bool {
        guard n > 0 else { return true }
        var newCodes = [Int32](repeating: keys.isEmpty ? 0 : -1, count: n)
        let oldCount = count
        if !keys.isEmpty {
            var tuple = [Int32](repeating: 0, count: keys.count)
            for r in 0..<n {
                for k in keys.indices { tuple[k] = keys[k][r] }
                if tuple.contains(where: { $0 < 0 }) { continue }
                if let c = map[tuple] {
                    newCodes[r] = c
                } else {
                    let c = Int32(size.count)
                    map[tuple] = c
                    size.append(0)
                    newCodes[r] = c
                }
            }
        }
        rowCount += n
        var sorted = sortedCache?.sorted == true && dates != nil
        // New groups start empty at the end, with room for their rows.
        if count > oldCount {
            var need = [Int32](repeating: 0, count: count - oldCount)
            for c in newCodes where Int(c) >= oldCount { need[Int(c) - oldCount] += 1 }
            for k in need.indices {
                let from = start[start.count - 1]
                start.append(from + need[k] + GroupIndex.slack(need[k]))
            }
            rows.append(contentsOf: [Int32](repeating: -1, count: Int(start[count]) - rows.count))
        }
        var overflow = false
        // Work on local copies so the big arrays are mutated in place, not copied per row.
        var localDates = dates == nil ? nil : clusteredDates
        clusteredDates = nil
        if localDates != nil, localDates!.count < rows.count {
            localDates!.append(contentsOf: [Int32](repeating: Values.missingDate, count: rows.count - localDates!.count))
        }
        var localNumbers: [(column: Int, values: [Double], source: [Double])] = []
        let cached = clusteredNumbers
        clusteredNumbers = [:]
        for (k, v) in cached {
            guard k < columns.count, case .number(let source) = columns[k] else { continue }
            localNumbers.append((k, v, source))
        }
        _ = consume cached
        for k in localNumbers.indices where localNumbers[k].values.count < rows.count {
            localNumbers[k].values.append(contentsOf: [Double](repeating: .nan, count: rows.count - localNumbers[k].values.count))
        }
        for (r, c) in newCodes.enumerated() where c >= 0 {
            let ci = Int(c)
            if start[ci] + size[ci] >= start[ci + 1] {
                overflow = true
                break
            }
            let row = Int32(firstRow + r)
            let slot = Int(start[ci] + size[ci])
            if sorted, size[ci] > 0, let dates, dates[Int(row)] < dates[Int(rows[slot - 1])] { sorted = false }
            rows[slot] = row
            size[ci] += 1
            if let dates, localDates != nil { localDates![slot] = dates[Int(row)] }
            for k in localNumbers.indices { localNumbers[k].values[slot] = localNumbers[k].source[Int(row)] }
        }
        clusteredDates = localDates
        for entry in localNumbers { clusteredNumbers[entry.column] = entry.values }
        if overflow { return false }
        // Unknown stays unknown; a known order is updated.
        if sortedCache != nil { sortedCache = dates.map { ($0.count, sorted) } }
        return true
    }

    /// How many rows the groups hold.
    var groupedRows: Int { size.reduce(0) { $0 + Int($1) } }
}
