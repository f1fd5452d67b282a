// Decimal number parsing straight from CSV bytes, correctly rounded.
//
// Why: a load parses millions of numeric fields, so making a `String` per field and calling
// `Double(_:)` would dominate the cost. Almost every real value (prices, quantities) has at
// most 19 significant digits and a small exponent, where Clinger's exact fast path applies:
// a significand of at most 2^53 and a power of ten up to 10^22 are both exact doubles, so
// one IEEE multiply or divide rounds once and gives exactly what `Double("…")` gives. The
// rest (long mantissas, large exponents) goes to C `strtod` in the C locale, which is also
// correctly rounded.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses the number grammar `[+-]digits[.digits][(e|E)[+-]digits]` (with at least one digit
/// before or after the point). Rejects everything else: "", "1.2.3", "inf", "nan", "0x10", " 1",
/// and numbers too large for a double ("1e999").
public enum DecimalParser {
    /// The same parse for another module's bytes (an engine's result rows).
    public static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let p = bytes.baseAddress else { return nil }
        return parse(p, bytes.count)
    }

    /// The value of the `n` bytes at `p`, or nil when they are not a number.
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        if n == 0 { return nil }
        var i = 0
        var negative = false
        if p[0] == ASCII.minus {
            negative = true
            i = 1
        } else if p[0] == ASCII.plus {
            i = 1
        }
        var mantissa: UInt64 = 0
        var significant = 0     // digits from the first nonzero one on
        var digits = 0
        var exponent = 0
        while i < n {
            let d = p[i] &- ASCII.zero
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            if significant > 0 || d != 0 { significant += 1 }
            digits += 1
            i += 1
        }
        if i < n && p[i] == ASCII.dot {
            i += 1
            while i < n {
                let d = p[i] &- ASCII.zero
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                if significant > 0 || d != 0 { significant += 1 }
                digits += 1
                exponent -= 1
                i += 1
            }
        }
        if digits == 0 { return nil }
        if i < n && p[i] | 0x20 == ASCII.lowerE {
            i += 1
            var exponentNegative = false
            if i < n && (p[i] == ASCII.plus || p[i] == ASCII.minus) {
                exponentNegative = p[i] == ASCII.minus
                i += 1
            }
            var e = 0
            var exponentDigits = 0
            while i < n {
                let d = p[i] &- ASCII.zero
                if d > 9 { break }
                if e < 1_000_000 { e = e * 10 + Int(d) }
                exponentDigits += 1
                i += 1
            }
            if exponentDigits == 0 { return nil }
            exponent += exponentNegative ? -e : e
        }
        if i != n { return nil }
        if significant > 19 { return finite(correctlyRounded(p, n)) }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard let magnitude = exactValue(mantissa, exponent) else { return finite(correctlyRounded(p, n)) }
        return negative ? -magnitude : magnitude
    }

    /// A value too large for a double (`1e999`) is not a number: nil, so data holding it is
    /// an error ("out of range"), never an infinity.
    @inline(__always)
    static func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }

    /// `mantissa × 10^exponent` when it can be computed with one rounding; nil otherwise.
    @inline(__always)
    static func exactValue(_ mantissa: UInt64, _ exponent: Int) -> Double? {
        guard mantissa <= 1 << 53 else { return nil }
        if exponent == 0 { return Double(mantissa) }
        if exponent > 0 {
            if exponent <= 22 { return Double(mantissa) * powerOfTen(exponent) }
            // 123e25 = 123000e22: move zeros into the mantissa while it stays exact.
            guard exponent <= 22 + 15 else { return nil }
            let (shifted, overflow) = mantissa.multipliedReportingOverflow(by: UInt64(powerOfTen(exponent - 22)))
            guard !overflow, shifted <= 1 << 53 else { return nil }
            return Double(shifted) * 1e22
        }
        guard exponent >= -22 else { return nil }
        return Double(mantissa) / powerOfTen(-exponent)
    }

    /// 10^e for 0 ≤ e ≤ 22, all exactly representable.
    @inline(__always)
    static func powerOfTen(_ e: Int) -> Double {
        withUnsafeBytes(of: powersOfTen) { $0.load(fromByteOffset: e &* 8, as: Double.self) }
    }

    private static let powersOfTen: (Double, Double, Double, Double, Double, Double, Double, Double,
                                     Double, Double, Double, Double, Double, Double, Double, Double,
                                     Double, Double, Double, Double, Double, Double, Double) =
        (1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
         1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22)

    /// The slow path for text already known to match the grammar: `strtod` in the C locale
    /// on a NUL-terminated copy (on the stack for ordinary lengths).
    static func correctlyRounded(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buffer in
            for k in 0..<n { buffer[k] = CChar(bitPattern: p[k]) }
            buffer[n] = 0
            guard let start = buffer.baseAddress, let locale = cLocale.value else {
                return Double(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)) ?? .nan
            }
            // `uselocale` is per thread, so this cannot disturb other threads.
            let previous = uselocale(locale)
            defer { uselocale(previous) }
            return strtod(start, nil)
        }
    }
}

/// The C locale, so the decimal separator is "." whatever the process locale is.
private struct CLocale: @unchecked Sendable {
    let value: locale_t?
}

private let cLocale: CLocale = {
    #if canImport(Darwin)
    return CLocale(value: newlocale(LC_NUMERIC_MASK, "C", nil))
    #else
    return CLocale(value: newlocale(Int32(1) << LC_NUMERIC, "C", nil))
    #endif
}()

/// Byte values of the ASCII characters the parsers look for.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30
    static let lowerE: UInt8 = 0x65
}

extension Double {
    /// The shortest text that reads back as exactly this number, without a trailing `.0`
    /// (`120`, `0.1`, `1e-07`, `1e+21`). `-0.0` gives `0`; NaN gives `nan` and infinities
    /// `inf` / `-inf`. What CSV output and messages about data values write.
    public var exactText: String {
        guard isFinite else { return isNaN ? "nan" : (self < 0 ? "-inf" : "inf") }
        if self == 0 { return "0" }
        let s = description
        if s.hasSuffix(".0") { return String(s.dropLast(2)) }
        return s
    }
}
