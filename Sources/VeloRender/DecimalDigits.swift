// Exact decimal rounding on the shortest round-trip digits of a Double.
//
// People expect 2.675 to two decimals to read 2.68, the way it was typed, not 2.67 (what the
// binary value 2.67499999... strictly rounds to). So the human formats start from the shortest
// digits that identify the double (Swift's `description`) and round those half away from zero.
// Pure Swift, no Foundation or printf, hence identical output on every platform.

/// A finite double as sign, significant decimal digits and the position of the decimal point.
struct DecimalDigits {
    var negative: Bool
    /// Significant digits 0...9, no leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// value = 0.d1 d2 d3 ... × 10^point
    var point: Int

    var isZero: Bool { digits.isEmpty }

    /// The shortest round-trip digits of `x`, which must be finite.
    init(_ x: Double) {
        negative = x.sign == .minus
        digits = []
        point = 0
        var intCount = 0
        var exponent = 0
        var exponentNegative = false
        var state = 0 // 0 integer part, 1 fraction, 2 exponent
        for u in x.magnitude.description.utf8 {
            switch u {
            case UInt8(ascii: "."): state = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): state = 2
            case UInt8(ascii: "-"): exponentNegative = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let d = u - UInt8(ascii: "0")
                if state == 2 {
                    exponent = exponent * 10 + Int(d)
                } else {
                    digits.append(d)
                    if state == 0 { intCount += 1 }
                }
            default: break
            }
        }
        point = intCount + (exponentNegative ? -exponent : exponent)
        var leading = 0
        while leading < digits.count, digits[leading] == 0 { leading += 1 }
        digits.removeFirst(leading)
        point -= leading
        normalize()
    }

    private mutating func normalize() {
        while let last = digits.last, last == 0 { digits.removeLast() }
        if digits.isEmpty { point = 0 }
    }

    /// Rounds half away from zero to `decimals` digits after the point.
    mutating func round(decimals: Int) {
        let keep = point + decimals
        if keep >= digits.count { return }
        if keep < 0 {
            digits = []
            normalize()
            return
        }
        let roundUp = digits[keep] >= 5
        digits.removeSubrange(keep...)
        if roundUp {
            var i = keep - 1
            while i >= 0, digits[i] == 9 {
                digits[i] = 0
                i -= 1
            }
            if i < 0 {
                digits.insert(1, at: 0)
                point += 1
            } else {
                digits[i] += 1
            }
        }
        normalize()
    }

    /// Rounds half away from zero to `significant` significant digits.
    mutating func round(significant: Int) {
        guard !isZero else { return }
        round(decimals: significant - point)
    }

    /// The number of digits after the point needed to show every significant digit.
    var fractionDigits: Int { max(0, digits.count - point) }

    /// Fixed notation with exactly `decimals` digits after the point (the value should already
    /// be rounded to that many). A zero shows no minus sign.
    func fixed(decimals: Int, grouping: Bool) -> String {
        var integer: [UInt8] = []
        if point <= 0 {
            integer = [UInt8(ascii: "0")]
        } else {
            for i in 0..<point {
                integer.append(UInt8(ascii: "0") + (i < digits.count ? digits[i] : 0))
            }
        }
        var out: [UInt8] = []
        if negative && !isZero { out.append(UInt8(ascii: "-")) }
        if grouping {
            for (i, c) in integer.enumerated() {
                if i > 0, (integer.count - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
                out.append(c)
            }
        } else {
            out += integer
        }
        if decimals > 0 {
            out.append(UInt8(ascii: "."))
            for i in 0..<decimals {
                let index = point + i
                let d: UInt8 = index >= 0 && index < digits.count ? digits[index] : 0
                out.append(UInt8(ascii: "0") + d)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Scientific notation `m.mmme±x` with trailing zeros of the mantissa dropped (`1.2e+16`).
    func scientific() -> String {
        guard !isZero else { return "0" }
        var out = negative ? "-" : ""
        out += String(digits[0])
        if digits.count > 1 {
            out += "." + digits.dropFirst().map(String.init).joined()
        }
        let e = point - 1
        out += e < 0 ? "e-\(-e)" : "e+\(e)"
        return out
    }
}
