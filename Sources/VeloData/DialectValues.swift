// A dialect's values in the plain form: a number with a decimal comma or thousands
// separators as plain digits with a decimal point, a date in a declared format as ISO.
//
// Why one place: the row parser rewrites each field this way as it reads a dialect file
// (no extra pass over the bytes), and the transcoder (for what the row parser does not read
// directly: other encodings, comment, skipped and trailer lines, a file without a header)
// writes the same rewritten text. Both must give the same table and the same errors, so
// both call `DialectValues.rewrite`.

/// How one column's values are rewritten.
enum ValuePlan: Sendable, Equatable {
    case text
    case number(enforced: Bool)
    case date(DatePattern?, enforced: Bool)
    /// Undeclared: numbers and dates rewritten when they match the dialect, else as written.
    case guess(DatePattern?)

    /// The plan for the column the program calls `name`.
    init(column name: String, dialect: CSVDialect, settings: SourceSettings, options: ReadOptions) {
        let spec = settings.column(named: name)
        let format = (spec?.dateFormat.flatMap(DateFormat.init) ?? dialect.dates)?.pattern
        switch options.declaredTypes[name] {
        case .number?: self = .number(enforced: true)
        case .date?: self = .date(format, enforced: true)
        case .text?, .bool?: self = .text
        case nil:
            if options.textColumns.contains(name) {
                self = .text
            } else if spec?.dateFormat != nil {
                self = .date(format, enforced: false)
            } else if options.keyColumns.contains(name) {
                self = format.map { .guess($0) } ?? .text
            } else {
                self = .guess(format)
            }
        }
    }
}

/// A value that the dialect cannot read as its column's type: "expected `what`…`note`".
struct ValueRewriteFailure: Error {
    var what: String
    var note: String = ""

    /// The message for the value `found` in column `name`.
    func message(column name: String, found: String) -> String {
        "expected \(what) in column `\(name)`, found \(Messages.quoted(found))\(note)"
    }
}

struct DialectValues: Sendable {
    let decimal: UInt8
    let thousands: UInt8?

    init(_ dialect: CSVDialect) {
        decimal = dialect.decimal
        thousands = dialect.thousands
    }

    /// Numbers need rewriting (a decimal comma, thousands separators).
    var rewritesNumbers: Bool { decimal != ASCII.dot || thousands != nil }

    /// The bytes `rewrite` may write for a value of `n` bytes.
    static func capacity(for n: Int) -> Int { max(n, 16) }

    /// Rewrites `p[..<n]` by `plan` into `out` (room for `capacity(for: n)` bytes). Nil when
    /// the value stays as written, else the number of bytes written (0: an empty field).
    @inline(__always)
    func rewrite(_ p: UnsafePointer<UInt8>, _ n: Int, plan: ValuePlan,
                 into out: UnsafeMutablePointer<UInt8>) throws(ValueRewriteFailure) -> Int? {
        switch plan {
        case .text:
            return nil
        case .number(let enforced):
            guard rewritesNumbers else { return nil }
            if DialectValues.isPlainInteger(p, n) { return nil }   // rewritten to itself
            if let k = canonicalNumber(p, n, into: out) { return k }
            if FieldValue.trimmed(p, n).1 == 0 { return 0 }
            if enforced { throw ValueRewriteFailure(what: numberDescription) }
            return nil
        case .date(let format, let enforced):
            guard let format else { return nil }
            let (s, k) = FieldValue.trimmed(p, n)
            if k == 0 { return 0 }
            switch format.readCivil(s, k) {
            case .civil(let y, let m, let d): return DialectValues.writeISO(year: y, month: m, day: d, into: out)
            case .impossible: throw ValueRewriteFailure(what: "a date (\(format))", note: " (there is no such day)")
            case .notADate:
                if enforced { throw ValueRewriteFailure(what: "a date (\(format))") }
                return nil
            }
        case .guess(let format):
            if let format {
                let (s, k) = FieldValue.trimmed(p, n)
                switch format.readCivil(s, k) {
                case .civil(let y, let m, let d): return DialectValues.writeISO(year: y, month: m, day: d, into: out)
                case .impossible: throw ValueRewriteFailure(what: "a date (\(format))", note: " (there is no such day)")
                case .notADate: break
                }
            }
            // Without a decimal mark, thousands separator or surrounding blank the number would
            // be rewritten to itself (most quantities): left as written.
            guard rewritesNumbers, hasMarkOrBlank(p, n) else { return nil }
            if let k = canonicalNumber(p, n, into: out) { return k }
            return nil
        }
    }

    /// Whether `p[..<n]` holds the decimal mark or the thousands separator, or starts or ends
    /// with a space or a tab.
    @inline(__always)
    func hasMarkOrBlank(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard n > 0 else { return false }
        if p[0] == ASCII.space || p[0] == ASCII.tab || p[n - 1] == ASCII.space || p[n - 1] == ASCII.tab { return true }
        let t = thousands ?? decimal
        for i in 0..<n where p[i] == decimal || p[i] == t { return true }
        return false
    }

    /// Whether `p[..<n]` is `[+-]digits`, which `canonicalNumber` writes as it is (most
    /// quantities): checked first, so that such a value is parsed where it lies.
    @inline(__always)
    static func isPlainInteger(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        var i = n > 0 && (p[0] == ASCII.minus || p[0] == ASCII.plus) ? 1 : 0
        guard i < n else { return false }
        while i < n {
            guard p[i] >= 0x30 && p[i] <= 0x39 else { return false }
            i += 1
        }
        return true
    }

    var numberDescription: String {
        var parts: [String] = []
        if decimal == ASCII.commaByte { parts.append("decimal comma") }
        if let t = thousands { parts.append("thousands separator \(Messages.quoted(String(UnicodeScalar(t))))") }
        return "a number" + (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")
    }

    /// A number of this dialect (surrounding spaces allowed) as plain digits with a decimal
    /// point, written to `out`; nil when `p[..<n]` is not one. Writes at most `n` bytes.
    func canonicalNumber(_ v: UnsafePointer<UInt8>, _ n: Int, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        var s = 0, e = n
        while s < e && (v[s] == ASCII.space || v[s] == ASCII.tab) { s += 1 }
        while e > s && (v[e - 1] == ASCII.space || v[e - 1] == ASCII.tab) { e -= 1 }
        guard s < e else { return nil }
        var k = 0
        var i = s
        if v[i] == ASCII.minus || v[i] == ASCII.plus { out[k] = v[i]; k += 1; i += 1 }
        var digits = 0, group = -1
        while i < e {
            let b = v[i]
            if b >= 0x30 && b <= 0x39 {
                out[k] = b; k += 1; digits += 1
                if group >= 0 { group += 1 }
                i += 1
            } else if let t = thousands, b == t, digits > 0, group == -1 || group == 3 {
                group = 0
                i += 1
            } else {
                break
            }
        }
        if group >= 0 && group != 3 { return nil }
        if digits == 0 { return nil }
        if i < e && v[i] == decimal {
            out[k] = ASCII.dot; k += 1
            i += 1
            var frac = 0
            while i < e && v[i] >= 0x30 && v[i] <= 0x39 { out[k] = v[i]; k += 1; i += 1; frac += 1 }
            if frac == 0 { return nil }
        }
        return i == e ? k : nil
    }

    /// A date as `YYYY-MM-DD` (a date format's years are 0…9999); returns 10.
    @inline(__always)
    static func writeISO(year y: Int, month m: Int, day: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        let zero = UInt8(ascii: "0"), dash = UInt8(ascii: "-")
        out[0] = zero + UInt8(y / 1000 % 10); out[1] = zero + UInt8(y / 100 % 10)
        out[2] = zero + UInt8(y / 10 % 10); out[3] = zero + UInt8(y % 10)
        out[4] = dash; out[5] = zero + UInt8(m / 10); out[6] = zero + UInt8(m % 10)
        out[7] = dash; out[8] = zero + UInt8(day / 10); out[9] = zero + UInt8(day % 10)
        return 10
    }
}
