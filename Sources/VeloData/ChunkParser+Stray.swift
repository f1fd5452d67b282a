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
        // A column with no values (a header-only file) was never stored as text: nothing stray.
        guard rowCount > 0, columns.kinds[c] == .text, columns.values[c] != nil else { return nil }
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
              total - count <= max(1, total / 50), total > count else { return nil }
        // Few values: the type is evident only when the odd ones are numbers gone wrong
        // (`--5`, `"1,000"`, `0x10`, `31/12/2024`, `1e999`, `inf`) among numbers.
        if count < 10 {
            guard dominant == .number else { return nil }
            for (id, kind) in kindOf where kind != .unknown && kind != dominant {
                let b = dictionary.bytes(Int(id))
                guard let base = b.baseAddress else { return nil }
                let (p, n) = FieldValue.trimmed(base, b.count)
                if !Self.looksLikeANumber(p, n) { return nil }
            }
        }
        for r in 0..<rowCount where ids[r] >= 0 {
            if let k = kindOf[ids[r]], k != .unknown, k != dominant { return (r, dominant, count) }
        }
        return nil
    }

    /// Digits with only the punctuation of numbers and dates around them (`--5`, `1,000`,
    /// `0x10`, `31/12/2024`, `1e999`), or an infinity or NaN: a number written wrongly, not a word.
    static func looksLikeANumber(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let word = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self).lowercased()
        if ["inf", "-inf", "+inf", "infinity", "-infinity", "nan", "-nan"].contains(word) { return true }
        var digits = 0
        for i in 0..<n {
            switch p[i] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "/"), UInt8(ascii: "_"),
                 UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: " "): continue
            default: return false
            }
        }
        return digits > 0
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
        case .number: plural = others == 1 ? "a number" : "numbers"
        case .date: plural = others == 1 ? "a date" : "dates"
        case .bool: plural = "true or false"
        default: plural = "values of one type"
        }
        let otherValues = others == 1 ? "the other value of the column is" : "\(others) other values of the column are"
        let name = layout.names[c]
        return DataError(path: layout.path, line: CSVTokenizer.lineNumber(base: base, offset: rowStart), column: c + 1,
                         columnName: name,
                         message: Messages.expected(kind.type, column: name, found: found)
                             + " (\(otherValues) \(plural); declare `\(name): text` to read it as text)",
                         kind: .badValue)
    }
}
