// Statistics over a window of daily values ("last 28 days of sales"), oldest first, newest last.
//
// These kernels run about 100k times per plan (once per item and window), so each is one or two
// passes over an `UnsafeBufferPointer<Double>` with no allocation; the `[Double]` overloads only
// borrow the array's storage.
//
// Exactness: sales are usually whole units, and planners compare results across tools, so when the
// data allow it the result is the correctly rounded value of the exact rational answer:
// - `sum`, `mean` and `lwma` use compensated (error-free) summation: Neumaier's running sum plus,
//   for LWMA, the exact rounding error of each product i·x (fma). With integer data whose sums stay
//   below 2^53 every step is exact, so `lwma` is exactly (Σ i·xᵢ) / (n(n+1)/2), one division.
// - `variance*`/`stdev*` use (n·Σx² − (Σx)²) / (n·(n−1)) — each term an exact integer, one final
//   division — when every value is an integer and n·Σx² and (Σ|x|)² stay below 2^53 (checked, not
//   assumed). Otherwise, for fractional data or large magnitudes (1e9 + small noise), they use the
//   stable corrected two-pass algorithm: mean first, then Σ(x − m)² − (Σ(x − m))²/n, which does not
//   suffer the catastrophic cancellation of the naive sum-of-squares formula.
// Empty windows and other undefined results return `nil`. Values are expected to be finite (the
// engine drops missing values before building a window); an infinity or NaN in the window makes the
// result NaN.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Kernels over a window of daily values, oldest first (index 0), newest last (index n − 1).
public enum WindowStats {
    /// 2^53: integers of smaller magnitude are exact doubles and add exactly.
    static let exactIntegerLimit = 9007199254740992.0

    /// x is a whole number. A conversion instruction where it is safe, rather than `rounded`,
    /// which may be a library call on baseline x86-64.
    @inline(__always) static func isWhole(_ x: Double) -> Bool {
        abs(x) < 9.2e18 ? Double(Int64(x)) == x : x == x.rounded(.towardZero)
    }

    // MARK: Building the window

    /// The zero-filled daily vector of a window: `days` calendar days starting at day number
    /// `firstDay` (days since 1970-01-01), element i holding the sum of all `units` whose date is
    /// `firstDay + i`. Rows dated before or after the window are ignored; days with no row are 0;
    /// negative rows (returns) are kept. Rows need not be sorted.
    /// - Precondition: `dates.count == units.count`.
    /// - Returns: an empty array when `days <= 0`.
    public static func dailyValues(dates: [Int32], units: [Double], firstDay: Int32, days: Int) -> [Double] {
        guard days > 0 else { return [] }
        return [Double](unsafeUninitializedCapacity: days) { buffer, count in
            buffer.initialize(repeating: 0)
            dates.withUnsafeBufferPointer { d in
                units.withUnsafeBufferPointer { u in
                    fillDailyValues(into: buffer, dates: d, units: u, firstDay: firstDay)
                }
            }
            count = days
        }
    }

    /// Allocation-free form of `dailyValues`: adds each row's units into `window[date − firstDay]`
    /// when that index is inside the window. The caller zeroes `window` first (so several row sets
    /// can be accumulated into one window).
    /// - Precondition: `dates.count == units.count`.
    public static func fillDailyValues(
        into window: UnsafeMutableBufferPointer<Double>,
        dates: UnsafeBufferPointer<Int32>, units: UnsafeBufferPointer<Double>, firstDay: Int32
    ) {
        precondition(dates.count == units.count, "dailyValues: dates and units differ in length")
        let n = window.count
        let first = Int(firstDay)
        for i in 0..<dates.count {
            let index = Int(dates[i]) - first
            if index >= 0 && index < n {
                window[index] += units[i]
            }
        }
    }

    // MARK: Sum, mean, LWMA

    /// Σx. Compensated (Neumaier) summation: exact whenever the exact sum of the values and all
    /// partial sums are representable (always for whole units below 2^53), and otherwise within
    /// about one rounding of the exact sum. 0 for an empty window.
    public static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        var c = 0.0
        for x in values {
            let t = s + x
            if abs(s) >= abs(x) { c += (s - t) + x } else { c += (x - t) + s }
            s = t
        }
        return s + c
    }

    /// Mean per day: Σx / n, where n counts every day of the window (zero days included), with one
    /// final division of the compensated sum (so with whole units it is the correctly rounded mean).
    /// - Returns: `nil` for an empty window.
    public static func mean(_ values: UnsafeBufferPointer<Double>) -> Double? {
        guard !values.isEmpty else { return nil }
        return sum(values) / Double(values.count)
    }

    /// Linearly weighted moving average: weights 1, 2, …, n from oldest to newest (the newest day
    /// weighs n), LWMA = Σ i·xᵢ / (n(n+1)/2).
    ///
    /// The numerator is an error-free dot product (fma + Neumaier), so with whole units and sums below
    /// 2^53 the result is exactly the correctly rounded rational, e.g. `Double(Σ i·xᵢ) / 231` for
    /// 21 days.
    /// - Returns: `nil` for an empty window.
    public static func lwma(_ values: UnsafeBufferPointer<Double>) -> Double? {
        let n = values.count
        guard n > 0 else { return nil }
        // Whole units (the common case): Σ i·xᵢ in plain doubles is exact while every term and
        // partial sum stays below 2^53, which |x| ≤ 2^53 / (n²) guarantees; one final division.
        let bound = lwmaExactBound(n)
        var exact = 0.0
        var allSmallIntegers = true
        var weight = 0.0
        for x in values {
            weight += 1
            // `abs` first: the conversion to Int64 is only defined for small values (and no NaN).
            if !(abs(x) <= bound) || Double(Int64(x)) != x {
                allSmallIntegers = false
                break
            }
            exact += weight * x
        }
        if allSmallIntegers { return lwma(weightedSum: exact, count: n) }
        var s = 0.0
        var c = 0.0
        var w = 0.0
        for x in values {
            w += 1
            let p = w * x
            c += fma(w, x, -p) // exact rounding error of the product
            let t = s + p
            if abs(s) >= abs(p) { c += (s - t) + p } else { c += (p - t) + s }
            s = t
        }
        return lwma(weightedSum: s + c, count: n)
    }

    /// The largest |x| for which `lwma` sums whole units exactly in plain doubles: every term
    /// i·x and every partial sum stays below 2^53.
    @inline(__always) public static func lwmaExactBound(_ n: Int) -> Double {
        exactIntegerLimit / (Double(n) * Double(n + 1))
    }

    /// LWMA from its numerator Σ i·xᵢ (weights 1…n): one division by n(n+1)/2. `lwma` ends
    /// here, and so do running sums that follow a window day by day (the engine's warm path),
    /// so both give the same bits.
    @inline(__always) public static func lwma(weightedSum: Double, count n: Int) -> Double {
        weightedSum / (Double(n) * Double(n + 1) / 2)
    }

    // MARK: Exponentially weighted averages

    /// Normalised exponentially weighted average with per-day decay factor `decay`:
    /// Σ decay^age·x / Σ decay^age, age 0 = newest.
    @inline(__always)
    static func ewma(_ values: UnsafeBufferPointer<Double>, decay: Double) -> Double {
        var weight = 1.0
        var numerator = 0.0
        var denominator = 0.0
        var i = values.count
        while i > 0 {
            i -= 1
            numerator += weight * values[i]
            denominator += weight
            weight *= decay
        }
        return numerator / denominator
    }

    /// Exponentially weighted average with a half-life in days (pandas `ewm(halflife:, adjust: true)`):
    /// the weight of a value `age` days old (age 0 = newest) is 0.5^(age/halfLife), and the weights are
    /// normalised to sum to 1. A value one half-life old counts half as much as today's.
    /// - Returns: `nil` for an empty window, or when `halfLife` is not a finite number > 0.
    public static func ewmaHalfLife(_ values: UnsafeBufferPointer<Double>, halfLife: Double) -> Double? {
        guard !values.isEmpty, halfLife > 0, halfLife.isFinite else { return nil }
        return ewma(values, decay: exp(-M_LN2 / halfLife))
    }

    /// Exponentially weighted average with smoothing factor `alpha` in the normalised ("adjusted")
    /// form (pandas `ewm(alpha:, adjust: true)`): weights (1 − alpha)^age, age 0 = newest, normalised.
    /// alpha = 1 returns the newest value.
    /// - Returns: `nil` for an empty window, or when `alpha` is not in (0, 1].
    public static func ewmaAlpha(_ values: UnsafeBufferPointer<Double>, alpha: Double) -> Double? {
        guard !values.isEmpty, alpha > 0, alpha <= 1 else { return nil }
        return ewma(values, decay: 1 - alpha)
    }

    /// Exponentially weighted average with a span of N days, alpha = 2/(N + 1), normalised form
    /// (pandas `ewm(span:, adjust: true)`). span = 1 returns the newest value.
    /// - Returns: `nil` for an empty window, or when `span` is not a finite number ≥ 1.
    public static func ewmaSpan(_ values: UnsafeBufferPointer<Double>, span: Double) -> Double? {
        guard span >= 1, span.isFinite else { return nil }
        return ewmaAlpha(values, alpha: 2 / (span + 1))
    }

    /// Recursive exponential smoothing (simple exponential smoothing, pandas `adjust: false`): level
    /// s₁ = x₁ (the oldest value), sₜ = alpha·xₜ + (1 − alpha)·sₜ₋₁; returns the level after the newest
    /// day, i.e. the one-step-ahead forecast.
    /// - Returns: `nil` for an empty window, or when `alpha` is not in (0, 1].
    public static func ewmaRecursive(_ values: UnsafeBufferPointer<Double>, alpha: Double) -> Double? {
        guard let first = values.first, alpha > 0, alpha <= 1 else { return nil }
        var level = first
        let keep = 1 - alpha
        for i in 1..<values.count {
            level = alpha * values[i] + keep * level
        }
        return level
    }

    // MARK: Variance and standard deviation

    /// Σ of squared deviations from the mean, by the exact integer formula when the data allow it.
    /// Returns the numerator of the variance and a flag telling which form was used:
    /// exact: n·Σx² − (Σx)² (to be divided by n·(n−1) or n²); else: Σ(x − m)² (divided by n−1 or n).
    @inline(__always)
    static func deviationSum(_ values: UnsafeBufferPointer<Double>) -> (numerator: Double, exact: Bool) {
        let n = Double(values.count)
        var allIntegers = true
        var s1 = 0.0 // Σx
        var a1 = 0.0 // Σ|x|
        var s2 = 0.0 // Σx²
        for x in values {
            allIntegers = allIntegers && isWhole(x)
            s1 += x
            a1 += abs(x)
            s2 += x * x
        }
        // Non-negative running sums only grow, and rounding is monotone: if the computed totals are
        // below 2^53 every partial sum was an exact integer, and so are n·Σx² and (Σx)².
        if allIntegers, let numerator = exactDeviationNumerator(count: n, sum: s1, absoluteSum: a1, sumOfSquares: s2) {
            return (numerator, true)
        }
        // Corrected two-pass: m from a compensated sum, then Σd² − (Σd)²/n with d = x − m.
        let m = sum(values) / n
        var d1 = 0.0
        var d2 = 0.0
        for x in values {
            let d = x - m
            d1 += d
            d2 += d * d
        }
        return (Swift.max(0, d2 - d1 * d1 / n), false)
    }

    /// n·Σx² − (Σx)² of whole numbers from their sums, when every term is exact (n·Σx² and
    /// (Σ|x|)² below 2^53); nil otherwise. `deviationSum` and running sums kept day by day
    /// both end here.
    @inline(__always)
    public static func exactDeviationNumerator(count n: Double, sum s1: Double, absoluteSum a1: Double,
                                               sumOfSquares s2: Double) -> Double? {
        let ns2 = n * s2
        guard ns2 < exactIntegerLimit && a1 * a1 < exactIntegerLimit else { return nil }
        return ns2 - s1 * s1
    }

    /// The sample variance from an exact numerator n·Σx² − (Σx)²: one division by n·(n − 1).
    @inline(__always) public static func varianceSample(exactNumerator: Double, count n: Int) -> Double {
        let nd = Double(n)
        return exactNumerator / (nd * (nd - 1))
    }

    /// Sample variance Σ(x − mean)² / (n − 1) (Bessel-corrected, as Excel VAR.S and pandas `var()`).
    /// With whole units (and n·Σx² < 2^53) it is exactly the correctly rounded
    /// (n·Σx² − (Σx)²) / (n·(n − 1)).
    /// - Returns: `nil` when the window has fewer than 2 days.
    public static func varianceSample(_ values: UnsafeBufferPointer<Double>) -> Double? {
        let n = values.count
        guard n >= 2 else { return nil }
        let (numerator, exact) = deviationSum(values)
        return exact ? varianceSample(exactNumerator: numerator, count: n) : numerator / (Double(n) - 1)
    }

    /// Population variance Σ(x − mean)² / n (Excel VAR.P, numpy `var()`); 0 for a single day.
    /// With whole units (and n·Σx² < 2^53) it is exactly the correctly rounded (n·Σx² − (Σx)²) / n².
    /// - Returns: `nil` for an empty window.
    public static func variancePopulation(_ values: UnsafeBufferPointer<Double>) -> Double? {
        let n = values.count
        guard n >= 1 else { return nil }
        let (numerator, exact) = deviationSum(values)
        let nd = Double(n)
        return exact ? numerator / (nd * nd) : numerator / nd
    }

    /// Sample standard deviation √varianceSample (n − 1 denominator; Excel STDEV.S, pandas `std()`).
    /// - Returns: `nil` when the window has fewer than 2 days.
    public static func stdevSample(_ values: UnsafeBufferPointer<Double>) -> Double? {
        varianceSample(values).map { $0.squareRoot() }
    }

    /// Population standard deviation √variancePopulation (n denominator; Excel STDEV.P).
    /// - Returns: `nil` for an empty window.
    public static func stdevPopulation(_ values: UnsafeBufferPointer<Double>) -> Double? {
        variancePopulation(values).map { $0.squareRoot() }
    }

    // MARK: Extremes and counts

    /// Smallest daily value. - Returns: `nil` for an empty window.
    public static func min(_ values: UnsafeBufferPointer<Double>) -> Double? {
        guard var m = values.first else { return nil }
        for x in values where x < m { m = x }
        return m
    }

    /// Largest daily value. - Returns: `nil` for an empty window.
    public static func max(_ values: UnsafeBufferPointer<Double>) -> Double? {
        guard var m = values.first else { return nil }
        for x in values where x > m { m = x }
        return m
    }

    /// Number of days whose value is not zero (returns, i.e. negative days, count). 0 when empty.
    public static func countNonZero(_ values: UnsafeBufferPointer<Double>) -> Int {
        var count = 0
        for x in values where x != 0 { count += 1 }
        return count
    }
}

// MARK: - [Double] conveniences

extension WindowStats {
    /// Σx of an array; see `sum(_: UnsafeBufferPointer<Double>)`.
    public static func sum(_ values: [Double]) -> Double { values.withUnsafeBufferPointer { sum($0) } }
    /// Mean per day of an array; see `mean(_: UnsafeBufferPointer<Double>)`. `nil` when empty.
    public static func mean(_ values: [Double]) -> Double? { values.withUnsafeBufferPointer { mean($0) } }
    /// LWMA of an array (newest last, weight n); see `lwma(_: UnsafeBufferPointer<Double>)`. `nil` when empty.
    public static func lwma(_ values: [Double]) -> Double? { values.withUnsafeBufferPointer { lwma($0) } }
    /// Half-life EWMA of an array; see `ewmaHalfLife(_:halfLife:)`. `nil` when empty or halfLife ≤ 0.
    public static func ewmaHalfLife(_ values: [Double], halfLife: Double) -> Double? {
        values.withUnsafeBufferPointer { ewmaHalfLife($0, halfLife: halfLife) }
    }
    /// Adjusted alpha EWMA of an array; see `ewmaAlpha(_:alpha:)`. `nil` when empty or alpha ∉ (0, 1].
    public static func ewmaAlpha(_ values: [Double], alpha: Double) -> Double? {
        values.withUnsafeBufferPointer { ewmaAlpha($0, alpha: alpha) }
    }
    /// Span EWMA of an array; see `ewmaSpan(_:span:)`. `nil` when empty or span < 1.
    public static func ewmaSpan(_ values: [Double], span: Double) -> Double? {
        values.withUnsafeBufferPointer { ewmaSpan($0, span: span) }
    }
    /// Recursive smoothing of an array; see `ewmaRecursive(_:alpha:)`. `nil` when empty or alpha ∉ (0, 1].
    public static func ewmaRecursive(_ values: [Double], alpha: Double) -> Double? {
        values.withUnsafeBufferPointer { ewmaRecursive($0, alpha: alpha) }
    }
    /// Sample variance of an array; see `varianceSample(_: UnsafeBufferPointer<Double>)`. `nil` when n < 2.
    public static func varianceSample(_ values: [Double]) -> Double? {
        values.withUnsafeBufferPointer { varianceSample($0) }
    }
    /// Population variance of an array; see `variancePopulation(_: UnsafeBufferPointer<Double>)`. `nil` when empty.
    public static func variancePopulation(_ values: [Double]) -> Double? {
        values.withUnsafeBufferPointer { variancePopulation($0) }
    }
    /// Sample standard deviation of an array; see `stdevSample(_: UnsafeBufferPointer<Double>)`. `nil` when n < 2.
    public static func stdevSample(_ values: [Double]) -> Double? { values.withUnsafeBufferPointer { stdevSample($0) } }
    /// Population standard deviation of an array; see `stdevPopulation(_: UnsafeBufferPointer<Double>)`. `nil` when empty.
    public static func stdevPopulation(_ values: [Double]) -> Double? {
        values.withUnsafeBufferPointer { stdevPopulation($0) }
    }
    /// Smallest value of an array. `nil` when empty.
    public static func min(_ values: [Double]) -> Double? { values.withUnsafeBufferPointer { min($0) } }
    /// Largest value of an array. `nil` when empty.
    public static func max(_ values: [Double]) -> Double? { values.withUnsafeBufferPointer { max($0) } }
    /// Number of non-zero values of an array.
    public static func countNonZero(_ values: [Double]) -> Int { values.withUnsafeBufferPointer { countNonZero($0) } }
}
