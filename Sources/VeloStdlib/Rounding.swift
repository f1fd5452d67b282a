// Rounding quantities to case packs, order multiples and decimal places.
//
// Why the snap: quantities reach these functions after floating-point arithmetic, so a true 36 can
// arrive as (0.1 + 0.2) * 120 = 36.00000000000001, and a plain ceiling would then buy a whole extra
// case. Before taking the ceiling (or floor), the ratio x/m is snapped to the nearest integer when it
// is within 1e-9 relative of it (|x/m − round(x/m)| ≤ 1e-9·max(1, |x/m|)). Genuine fractions of a
// case are far larger than that (36.0000001 / 12 is off by 8e-9 and still buys a fourth case).
// Decimal rounding uses the same idea with a tighter tolerance (1e-12 relative) to decide ties, so
// round(2.675, 2) gives 2.68 as a planner expects, although the double nearest 2.675 is slightly
// below it (2.675 * 100 = 267.49999999999997).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Rounding to multiples (case packs, order multiples, MOQ) and to decimal places.
public enum Rounding {
    /// Relative tolerance within which a ratio counts as an integer (or a decimal as a tie): 1e-9.
    public static let snapTolerance = 1e-9

    /// x/m, snapped to the nearest integer when it is within `snapTolerance` (relative) of it.
    @inline(__always)
    static func snappedRatio(_ x: Double, _ m: Double) -> Double {
        let ratio = x / m
        let nearest = ratio.rounded(.toNearestOrAwayFromZero)
        return abs(ratio - nearest) <= snapTolerance * max(1, abs(ratio)) ? nearest : ratio
    }

    /// The smallest multiple of `m` that is ≥ `x` (x/m is snapped to an integer first, see the file
    /// comment). Works for negative x too (−5 rounds up to 0 for m = 12). The result is k·m for an
    /// integer k, rounded once, and never −0.
    /// - Returns: `nil` when `m <= 0`, `x` or `m` is not finite, or x/m overflows (x = 1e308, m = 1e-10).
    public static func roundUp(_ x: Double, toMultiple m: Double) -> Double? {
        guard m > 0, m.isFinite, x.isFinite else { return nil }
        let result = snappedRatio(x, m).rounded(.up) * m + 0.0
        return result.isFinite ? result : nil
    }

    /// The largest multiple of `m` that is ≤ `x` (x/m is snapped to an integer first, so
    /// 0.7 * 60 = 42.00000000000001 rounds down to 42 for m = 6, and 41.99999999999999 to 42 as well).
    /// - Returns: `nil` when `m <= 0`, `x` or `m` is not finite, or x/m overflows.
    public static func roundDown(_ x: Double, toMultiple m: Double) -> Double? {
        guard m > 0, m.isFinite, x.isFinite else { return nil }
        let result = snappedRatio(x, m).rounded(.down) * m + 0.0
        return result.isFinite ? result : nil
    }

    /// The order quantity for a need of `quantity` units bought in whole case packs with a minimum
    /// order quantity: 0 when `quantity <= 0` (nothing needed, nothing ordered, whatever the MOQ);
    /// otherwise the smallest multiple of `casePack` that is ≥ max(quantity, moq), with the snap of
    /// `roundUp`. E.g. quantity 25, pack 12, MOQ 50 → 60.
    /// - Parameters:
    ///   - quantity: units needed (any sign; ≤ 0 orders nothing).
    ///   - casePack: units per case, > 0 (1 for "no pack constraint"; fractional packs such as 0.5 kg work).
    ///   - moq: minimum order quantity in units, ≥ 0 (0 for none).
    /// - Returns: `nil` when `casePack <= 0`, `moq < 0`, or any argument is not finite.
    public static func roundUpToPack(_ quantity: Double, casePack: Double, moq: Double = 0) -> Double? {
        guard casePack > 0, casePack.isFinite, moq >= 0, moq.isFinite, quantity.isFinite else { return nil }
        if quantity <= 0 { return 0 }
        return roundUp(Swift.max(quantity, moq), toMultiple: casePack)
    }

    /// Relative tolerance within which a scaled decimal counts as an exact tie in `round(_:digits:)`: 1e-12.
    public static let tieTolerance = 1e-12

    /// Exact powers of ten 10⁰ … 10²² (all exactly representable as doubles).
    static let powersOfTen: [Double] = (0...22).map { n in
        var p = 1.0
        for _ in 0..<n { p *= 10 }
        return p
    }

    /// `x` rounded to `digits` decimal places, halves away from zero (2.5 → 3, −2.5 → −3,
    /// round(2.675, 2) → 2.68). Negative `digits` round to tens, hundreds, …: round(1234, −2) → 1200.
    ///
    /// x·10^digits is computed in one rounding; a fractional part within 1e-12 (relative) of one half is
    /// treated as an exact tie, so decimal inputs whose double is a hair below the half still round up.
    /// The result is the double nearest the rounded decimal.
    /// - Returns: `nil` when `x` is not finite or `digits` is outside −22 … 22.
    public static func round(_ x: Double, digits: Int) -> Double? {
        guard x.isFinite, (-22...22).contains(digits) else { return nil }
        let scale = powersOfTen[abs(digits)]
        let y = digits >= 0 ? x * scale : x / scale
        guard y.isFinite else { return x } // x·10^digits overflows: x has no digits that far right
        let magnitude = abs(y)
        if magnitude >= 4503599627370496 { return x } // 2^52: already an integer at this scale
        let floorPart = magnitude.rounded(.down)
        let fraction = magnitude - floorPart
        let isTie = abs(fraction - 0.5) <= tieTolerance * max(1, magnitude)
        let roundedMagnitude = (isTie || fraction > 0.5) ? floorPart + 1 : floorPart
        let r = y < 0 ? -roundedMagnitude : roundedMagnitude
        let result = digits >= 0 ? r / scale : r * scale
        return result + 0.0
    }
}
