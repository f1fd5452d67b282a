// Reading one CSV field's bytes as a value: trimming, booleans, UTF-8 checking, and the
// classification that drives type inference.
//
// Why separate from the parse loop: these rules ("what counts as a bool", "what is missing")
// are the contract of the file format, and keeping them in small pure functions makes them
// easy to test and keeps the loop about bytes and positions. Numbers live in
// NumberParsing.swift and dates in CivilDate.swift.

/// How a column is being read during a parse. `unknown` means no non-empty value seen yet.
enum ColumnKind: UInt8 {
    case unknown, number, date, bool, text

    init(_ type: ColumnType) {
        switch type {
        case .number: self = .number
        case .date: self = .date
        case .bool: self = .bool
        case .text: self = .text
        }
    }

    /// The public type; a column that never saw a value is text.
    var type: ColumnType {
        switch self {
        case .number: return .number
        case .date: return .date
        case .bool: return .bool
        case .text, .unknown: return .text
        }
    }

    /// Bytes per stored value.
    var stride: Int {
        switch self {
        case .number: return 8
        case .date, .text: return 4
        case .bool: return 1
        case .unknown: return 0
        }
    }

    /// The kind that can hold values of both: equal kinds stay, unknown yields, else text.
    func joined(with other: ColumnKind) -> ColumnKind {
        if self == other || other == .unknown { return self }
        if self == .unknown { return other }
        return .text
    }
}

/// Field-level value rules.
enum FieldValue {
    /// The bytes without leading and trailing spaces and tabs (numbers, dates and booleans
    /// tolerate them; text keeps them).
    @inline(__always)
    static func trimmed(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UnsafePointer<UInt8>, Int) {
        var s = p, count = n
        while count > 0 && (s[0] == ASCII.space || s[0] == ASCII.tab) {
            s += 1
            count -= 1
        }
        while count > 0 && (s[count - 1] == ASCII.space || s[count - 1] == ASCII.tab) { count -= 1 }
        return (s, count)
    }

    /// 1 for `true`, 0 for `false` (any letter case), nil for anything else.
    @inline(__always)
    static func bool(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt8? {
        if n == 4 && p[0] | 0x20 == 0x74 && p[1] | 0x20 == 0x72 && p[2] | 0x20 == 0x75 && p[3] | 0x20 == 0x65 {
            return 1
        }
        if n == 5 && p[0] | 0x20 == 0x66 && p[1] | 0x20 == 0x61 && p[2] | 0x20 == 0x6C && p[3] | 0x20 == 0x73
            && p[4] | 0x20 == 0x65 {
            return 0
        }
        return nil
    }

    /// The kind a single trimmed, non-empty value suggests: bool, then date (by shape: an
    /// impossible day still counts, and is reported later), then number, else text.
    static func classify(_ p: UnsafePointer<UInt8>, _ n: Int) -> ColumnKind {
        if bool(p, n) != nil { return .bool }
        switch CivilDate.readISO(p, n) {
        case .day, .impossible: return .date
        case .notADate: break
        }
        return DecimalParser.parse(p, n) != nil ? .number : .text
    }
}

/// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
enum UTF8Check {
    /// The first byte of the first invalid sequence, or nil when all `n` bytes are valid UTF-8.
    static func firstInvalidByte(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt8? {
        var i = 0
        while i < n {
            if i + 8 <= n && ByteHash.load64(p + i) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b = p[i]
            if b < 0x80 {
                i += 1
                continue
            }
            var low: UInt8 = 0x80, high: UInt8 = 0xBF   // range of the second byte
            let length: Int
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xED: length = 3; high = 0x9F
            case 0xE1...0xEF: length = 3
            case 0xF0: length = 4; low = 0x90
            case 0xF4: length = 4; high = 0x8F
            case 0xF1...0xF3: length = 4
            default: return b
            }
            guard i + length <= n, p[i + 1] >= low, p[i + 1] <= high else { return b }
            for k in 2..<length where p[i + k] & 0xC0 != 0x80 { return b }
            i += length
        }
        return nil
    }
}
