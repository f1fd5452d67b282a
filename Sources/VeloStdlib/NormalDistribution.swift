// The standard normal distribution: quantile, CDF, survival, density and the loss functions
// that inventory formulas are built on (safety stock, fill rate, newsvendor, MOQ decisions).
//
// Why these choices:
// - The quantile `ppf` is Wichura's AS241 (PPND16), accurate to about 1e-16 relative over the whole
//   double range; it needs no refinement step and has no iteration.
// - Tail probabilities come from `erfc`, never from `1 - cdf`, so 1 - Φ(z) keeps its full relative
//   precision out to z = 38. The argument z/√2 is rounded when formed, and erfc amplifies that
//   rounding about z²-fold in the tail; `sf` corrects it to first order with the exactly known
//   rounding error (one fma), so the result stays within a few ulps even at |z| = 20.
// - The loss function G(z) = φ(z) − z(1 − Φ(z)) subtracts two nearly equal numbers when z is large
//   (G ~ φ/z²). For z ≥ 2 it is evaluated instead through Laplace's continued fraction for the Mills
//   ratio, in a form with no subtraction at all (see `tail`), so it is accurate to a few ulps up to
//   z = 38 and beyond, where the subtractive form (stockpyl's) is off by orders of magnitude.
// - Undefined results are `nil`, never NaN or ±infinity: the engine turns `nil` into a planner-facing
//   error. Total functions (cdf, sf, pdf, loss) return plain `Double`; they return NaN only for a NaN
//   argument, which the engine never produces.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard normal distribution N(0, 1) and its inventory loss functions.
public enum StandardNormal {
    /// 1/√(2π)
    static let invSqrt2Pi = 0.3989422804014327
    /// ln √(2π)
    static let logSqrt2Pi = 0.9189385332046728
    /// 2/√π
    static let twoOverSqrtPi = 1.1283791670955126
    /// 1/√2 split into a double and its rounding error, so that z/√2 can be formed with its error known.
    static let sqrtHalfHi = 0.7071067811865476
    static let sqrtHalfLo = -4.833646656726457e-17

    // MARK: Quantile

    /// Inverse standard normal CDF: the z with Φ(z) = p (the "service factor" of a cycle service level).
    ///
    /// Wichura's algorithm AS241 (PPND16), double precision: within a few ulps of the exact quantile for
    /// every p in (0, 1), including subnormal p. `ppf(0.5) == 0` exactly; `ppf(1 - p) == -ppf(p)` up to
    /// the rounding of `1 - p`.
    /// - Returns: `nil` when `p <= 0`, `p >= 1` or p is NaN (the quantile is ±infinity or undefined there).
    public static func ppf(_ p: Double) -> Double? {
        guard p > 0, p < 1 else { return nil }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num = (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
                + 67265.770927008700853) * r + 45921.953931549871457) * r
                + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
            let den = (((((((r * 5226.495278852545925 + 28729.085735721942674) * r
                + 39307.89580009271061) * r + 21213.794301586595867) * r
                + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
            return q * num / den
        }
        // Tail: r = sqrt(-log(min(p, 1 - p))); 1 - p is exact for p >= 0.5.
        var r = (q < 0 ? p : 1 - p)
        r = (-log(r)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            let num = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
                + 0.24178072517745061177) * r + 1.27045825245236838258) * r
                + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
            let den = (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
                + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
            value = num / den
        } else {
            r -= 5
            let num = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
                + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
                + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
            let den = (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
                + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
                + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
            value = num / den
        }
        return q < 0 ? -value : value
    }

    // MARK: CDF, survival, density

    /// Standard normal CDF Φ(z) = P(Z ≤ z) = 0.5·erfc(−z/√2).
    ///
    /// Accurate to a few ulps in both tails (Φ(−38) ≈ 2.9e-316 is still resolved, as a subnormal).
    /// `cdf(-.infinity) == 0`, `cdf(.infinity) == 1`. NaN in, NaN out.
    public static func cdf(_ z: Double) -> Double {
        sf(-z)
    }

    /// Survival function 1 − Φ(z) = P(Z > z) = 0.5·erfc(z/√2), computed directly (never as `1 - cdf(z)`),
    /// so it keeps full relative precision for large z (sf(10) ≈ 7.6e-24).
    ///
    /// The rounding error of forming z/√2 is corrected to first order, which keeps the far tail
    /// (|z| ≳ 8) within a few ulps. `sf(.infinity) == 0`, `sf(-.infinity) == 1`. NaN in, NaN out.
    public static func sf(_ z: Double) -> Double {
        let x = z * sqrtHalfHi
        guard x.isFinite else { return 0.5 * erfc(x) }
        // Exact error of the product plus the error of the constant: x + dx = z/√2 to ~1e-32.
        let dx = fma(z, sqrtHalfHi, -x) + z * sqrtHalfLo
        let e = erfc(x)
        // erfc'(x) = -(2/√π)·exp(-x²)
        let correction = twoOverSqrtPi * exp(-x * x) * dx
        return 0.5 * (e - correction)
    }

    /// Standard normal density φ(z) = exp(−z²/2)/√(2π).
    ///
    /// z² is split exactly (fma) into a double and its rounding error, so the exponent carries no
    /// rounding and φ stays within about an ulp even at |z| = 37. `pdf(±.infinity) == 0`.
    public static func pdf(_ z: Double) -> Double {
        let hi = z * z
        guard hi.isFinite else { return z.isNaN ? z : 0 }
        let lo = fma(z, z, -hi)
        if hi > 1400 {
            // The result is subnormal or nearly so: fold the constant into the exponent to avoid a
            // second rounding at subnormal resolution.
            return exp(-0.5 * hi - (logSqrt2Pi + 0.5 * lo))
        }
        return invSqrt2Pi * exp(-0.5 * hi) * (1 - 0.5 * lo)
    }

    // MARK: Loss functions

    /// From this z on, the loss functions use the continued fraction of `tail` (no subtraction).
    static let tailThreshold = 2.0

    /// Backward evaluation of Laplace's continued fraction for the Mills ratio, for z ≥ 2:
    /// t_k = k/(z + t_{k+1}), so that (1 − Φ(z))/φ(z) = 1/(z + t₁). Returns (t₁, t₂).
    /// The number of terms (16 + 540/z², 151 at z = 2) keeps the truncation error below double
    /// precision for every z ≥ 2 (checked against 60-digit references).
    @inline(__always)
    static func tail(_ z: Double) -> (t1: Double, t2: Double) {
        let terms = z >= 1e4 ? 4 : 16 + Int(540 / (z * z))
        var t = 0.0
        var k = terms
        while k > 2 {
            t = Double(k) / (z + t)
            k -= 1
        }
        let t2 = 2 / (z + t)
        let t1 = 1 / (z + t2)
        return (t1, t2)
    }

    /// Standard normal (first-order) loss function G(z) = E[(Z − z)⁺] = φ(z) − z·(1 − Φ(z)):
    /// the expected units short, in standard deviations, when stock sits z standard deviations above
    /// the mean. Expected shortage of N(μ, σ) demand against stock x is σ·G((x − μ)/σ).
    ///
    /// Strictly decreasing and positive; G(0) = 1/√(2π); G(z) → −z as z → −∞; G(z) ~ φ(z)/z² as z → +∞.
    /// For z ≥ 2 it is computed without subtraction (continued fraction), so it keeps full relative
    /// precision far into the tail. `loss(.infinity) == 0`, `loss(-.infinity) == .infinity`.
    public static func loss(_ z: Double) -> Double {
        if z.isInfinite { return z > 0 ? 0 : .infinity }
        if z >= tailThreshold {
            let (t1, _) = tail(z)
            // G = φ·(1 − z·R) with R = 1/(z + t1)  ⇒  G = φ·t1/(z + t1)
            return pdf(z) * (t1 / (z + t1))
        }
        return pdf(z) - z * sf(z)
    }

    /// Complementary loss function Ḡ(z) = E[(z − Z)⁺] = G(z) + z: expected leftover units (in standard
    /// deviations) when stock sits z standard deviations above the mean.
    ///
    /// Computed as G(−z), which equals G(z) + z exactly in real arithmetic but does not cancel when z is
    /// very negative. `complementaryLoss(-.infinity) == 0`.
    public static func complementaryLoss(_ z: Double) -> Double {
        loss(-z)
    }

    /// Second-order loss function G₂(z) = ½·E[((Z − z)⁺)²] = ½·((z² + 1)(1 − Φ(z)) − z·φ(z)).
    ///
    /// Used for expected backorders over time. Positive and decreasing; G₂(0) = 1/4;
    /// G₂(z) ~ z²/2 as z → −∞. For z ≥ 2 it is computed without subtraction (continued fraction), and for
    /// 0 < z < 2 through the milder identity G₂ = ½·((1 − Φ(z)) − z·G(z)).
    public static func secondOrderLoss(_ z: Double) -> Double {
        if z.isInfinite { return z > 0 ? 0 : .infinity }
        if z >= tailThreshold {
            let (t1, t2) = tail(z)
            // (z²+1)R − z = t2 / ((z + t2)(z + t1))
            return 0.5 * pdf(z) * (t2 / ((z + t2) * (z + t1)))
        }
        if z > 0 {
            return 0.5 * (sf(z) - z * loss(z))
        }
        return 0.5 * ((z * z + 1) * sf(z) - z * pdf(z))
    }

    /// log G(z) for z ≥ 0 without underflow (G(40) is below the smallest double), and the ratio
    /// (1 − Φ(z))/G(z) = −d log G/dz.
    @inline(__always)
    static func logLossAndSlope(_ z: Double) -> (logG: Double, slope: Double) {
        if z >= tailThreshold {
            let (t1, _) = tail(z)
            let hi = z * z
            let lo = fma(z, z, -hi)
            let logG = -0.5 * hi - 0.5 * lo - logSqrt2Pi + log(t1 / (z + t1))
            return (logG, 1 / t1)
        }
        let g = loss(z)
        return (log(g), sf(z) / g)
    }

    /// Inverse of the loss function: the unique z with G(z) = g. This is the safety factor k of a
    /// fill-rate (type 2) target: G(k) = expected shortage per cycle / σ.
    ///
    /// Safeguarded Newton iteration that converges monotonically from a starting point on a known side
    /// of the root: on G itself when g > G(0) (z < 0, where G is convex), on log G when g ≤ G(0)
    /// (z ≥ 0, where log G is concave). Accurate to about 1e-15 relative in z (1e-16 absolute near 0),
    /// for g from the smallest subnormal up to 1e300.
    /// - Returns: `nil` when g ≤ 0 (no z gives zero or negative expected shortage), g is infinite or NaN.
    public static func lossInverse(_ g: Double) -> Double? {
        guard g > 0, g.isFinite else { return nil }
        let g0 = invSqrt2Pi // G(0)
        if g > g0 {
            // Root is at z < 0. f(z) = G(z) − g is convex and decreasing; starting at z = −g where
            // f > 0 (G(−g) = g + G(g) > g) the Newton iterates increase monotonically to the root.
            var z = -g
            for _ in 0..<200 {
                let f = loss(z) - g
                if f <= 0 { break }
                let next = z + f / sf(z)
                if !(next > z) { break }
                z = next
            }
            return z
        }
        // Root is at z ≥ 0. h(z) = log G(z) − log g is concave and decreasing. Start where φ(z0) = g:
        // G(z0) < φ(z0) = g, so z0 lies right of the root and the iterates decrease monotonically.
        let logTarget = log(g)
        var z = max(0, (-2 * (logTarget + logSqrt2Pi)).squareRoot())
        if z.isNaN { z = 0 }
        for _ in 0..<200 {
            let (logG, slope) = logLossAndSlope(z)
            let h = logG - logTarget
            if h >= 0 { break }
            let next = z + h / slope
            if !(next < z) { break }
            z = next
        }
        return z
    }
}
