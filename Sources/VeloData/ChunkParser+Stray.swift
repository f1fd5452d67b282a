// A sampled column that is nearly all numbers (or dates, or true/false) but for a few values
// is not a text column: those few values are data errors, reported where they are.
//
// Why: the type of an undeclared column is inferred from a sample of rows, and one value
// such as `12x` among a thousand quantities used to make the whole column text — silently,
// if nothing summed it. Now the column keeps the type nearly all its values have, and the
// odd value is an error with its file, line and column, like one found past the sample.

extension ChunkParser {
    /// For column `c`, read as text: the row of the first value not of the kind nearly all the
    /// others are (at least 10 of them, and at most 1 in 50 values not), and that kind.
    func strayValue(column c: Int) -> (row: Int, kind: ColumnKind, others: Int)? {
        // Only a column this parser holds as text has values to look at: one with no value
        // yet (every cell blank, e.g. after `skip` and `trailer`) has no storage at all.
        guard columns.kinds[c] == .text else { return nil }
        let ids = columns.int32s(c)
        var kindOf: [Int32: ColumnKind] = [:]
        var counts: [ColumnKind: Int] = [:]
        var total = 0
        for r in 0..<rowCount where ids[r] >= 0 {
            let id = ids[r]
            let kind: ColumnKind
            if let k = kindOf[id] {
                kind = k
            } else {
                let b = dictionary.bytes(Int(id))
                guard let base = b.baseAddress else { continue }
                let (p, n) = FieldValue.trimmed(base, b.count)
                kind = n == 0 ? .unknown : FieldValue.classify(p, n)
                kindOf[id] = kind
            }
            if kind == .unknown { continue }
            counts[kind, default: 0] += 1
            total += 1
        }
        guard let (dominant, count) = counts.filter({ $0.key != .text }).max(by: { $0.value < $1.value }),
              count >= 10, total - count <= max(1, total / 50), total > count else { return nil }
        for r in 0..<rowCount where ids[r] >= 0 {
            if let k = kindOf[ids[r]], k != .unknown, k != dominant { return (r, dominant, count) }
        }
        return nil
    }

    /// The error for such a value.
    mutating func strayError(column c: Int, row: Int, kind: ColumnKind, others: Int) -> DataError {
        var p = start
        tokenizer.skipBlankLines(&p)
        var r = 0
        var rowStart = p
        while r <= row && p < end {
            rowStart = p
            while true {
                guard (try? tokenizer.field(at: &p, scratch: &scratch)) != nil else { break }
                if !tokenizer.passTerminator(&p) { break }
            }
            tokenizer.skipBlankLines(&p)
            r += 1
        }
        let b = dictionary.bytes(Int(columns.int32s(c)[row]))
        let found = String(decoding: b, as: UTF8.self)
        let plural: String
        switch kind {
        case .number: plural = "numbers"
        case .date: plural = "dates"
        case .bool: plural = "true or false"
        default: plural = "values of one type"
        }
        let name = layout.names[c]
        return DataError(path: layout.path, line: CSVTokenizer.lineNumber(base: base, offset: rowStart), column: c + 1,
                         columnName: name,
                         message: Messages.expected(kind.type, column: name, found: found)
                             + " (\(others) other values of the column are \(plural); declare `\(name): text` to read it as text)",
                         kind: .badValue)
    }
}
