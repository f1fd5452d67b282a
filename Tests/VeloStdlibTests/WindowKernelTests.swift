// WindowStats against wma.json (every case and every exponential variant, relative 1e-12, absolute
// 1e-12 near 0), and the bit-exactness contract on random whole-unit windows: sum, mean, LWMA and the
// variances must be the correctly rounded value of the exact rational.
import Foundation
import Testing
import VeloStdlib

/// Deterministic generator (SplitMix64) so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

@Suite("Window kernels")
struct WindowKernelTests {
    static let tol = 1e-12

    @Test("moments and LWMA match wma.json", arguments: Oracle.cases("wma.json"))
    func moments(_ c: JSON) {
        let v = c["values_oldest_first"].doubles
        let e = c["expected"]
        let id = c.testDescription
        expectClose(WindowStats.sum(v), e["sum"].double, rel: Self.tol, abs: Self.tol, "\(id) sum")
        expectClose(WindowStats.mean(v), e["mean"].double, rel: Self.tol, abs: Self.tol, "\(id) mean")
        expectClose(WindowStats.lwma(v), e["lwma"].double, rel: Self.tol, abs: Self.tol, "\(id) lwma")
        expectClose(WindowStats.varianceSample(v), e["variance_sample"].optionalDouble, rel: Self.tol, abs: Self.tol, "\(id) var.s")
        expectClose(WindowStats.variancePopulation(v), e["variance_population"].optionalDouble, rel: Self.tol, abs: Self.tol, "\(id) var.p")
        expectClose(WindowStats.stdevSample(v), e["stddev_sample"].optionalDouble, rel: Self.tol, abs: Self.tol, "\(id) sd.s")
        expectClose(WindowStats.stdevPopulation(v), e["stddev_population"].optionalDouble, rel: Self.tol, abs: Self.tol, "\(id) sd.p")
    }

    @Test("exponential averages match wma.json", arguments: Oracle.cases("wma.json"))
    func exponential(_ c: JSON) {
        let v = c["values_oldest_first"].doubles
        let id = c.testDescription
        for x in c["exponential"].array {
            let alpha = x["alpha"].double, h = x["halflife"].double, span = x["span"].double
            expectClose(WindowStats.ewmaAlpha(v, alpha: alpha), x["ewma_adjusted"].double, rel: Self.tol, abs: Self.tol, "\(id) ewma alpha \(alpha)")
            expectClose(WindowStats.ewmaRecursive(v, alpha: alpha), x["ewma_recursive"].double, rel: Self.tol, abs: Self.tol, "\(id) recursive alpha \(alpha)")
            expectClose(WindowStats.ewmaHalfLife(v, halfLife: h), x["ewma_halflife"].double, rel: Self.tol, abs: Self.tol, "\(id) halflife \(h)")
            expectClose(WindowStats.ewmaSpan(v, span: span), x["ewma_span"].double, rel: Self.tol, abs: Self.tol, "\(id) span \(span)")
        }
    }

    @Test func emptyAndInvalid() {
        let empty: [Double] = []
        #expect(WindowStats.sum(empty) == 0)
        #expect(WindowStats.mean(empty) == nil)
        #expect(WindowStats.lwma(empty) == nil)
        #expect(WindowStats.variancePopulation(empty) == nil)
        #expect(WindowStats.varianceSample([4]) == nil)
        #expect(WindowStats.stdevSample([4]) == nil)
        #expect(WindowStats.stdevPopulation([4]) == 0)
        #expect(WindowStats.min(empty) == nil)
        #expect(WindowStats.max(empty) == nil)
        #expect(WindowStats.countNonZero(empty) == 0)
        #expect(WindowStats.ewmaHalfLife(empty, halfLife: 7) == nil)
        #expect(WindowStats.ewmaHalfLife([1, 2], halfLife: 0) == nil)
        #expect(WindowStats.ewmaHalfLife([1, 2], halfLife: -1) == nil)
        #expect(WindowStats.ewmaAlpha([1, 2], alpha: 0) == nil)
        #expect(WindowStats.ewmaAlpha([1, 2], alpha: 1.5) == nil)
        #expect(WindowStats.ewmaSpan([1, 2], span: 0.5) == nil)
        #expect(WindowStats.ewmaRecursive(empty, alpha: 0.3) == nil)
        #expect(WindowStats.min([3, -2, 5]) == -2)
        #expect(WindowStats.max([3, -2, 5]) == 5)
        #expect(WindowStats.countNonZero([0, -1, 0, 2]) == 2)
    }

    @Test func bufferOverloadsAgreeWithArrays() {
        let v: [Double] = [14, 9, 11, 13, 22, 31, 27, 12.5, 10, -3]
        v.withUnsafeBufferPointer { b in
            #expect(WindowStats.sum(b) == WindowStats.sum(v))
            #expect(WindowStats.lwma(b) == WindowStats.lwma(v))
            #expect(WindowStats.stdevSample(b) == WindowStats.stdevSample(v))
            #expect(WindowStats.ewmaHalfLife(b, halfLife: 7) == WindowStats.ewmaHalfLife(v, halfLife: 7))
            // A slice of a larger buffer (how the engine passes a window of a long series).
            let tail = UnsafeBufferPointer(rebasing: b[3...])
            #expect(WindowStats.sum(tail) == WindowStats.sum(Array(v[3...])))
            #expect(WindowStats.lwma(tail) == WindowStats.lwma(Array(v[3...])))
        }
    }

    /// Exact integer reference values of one window.
    struct Exact {
        var n: Int, s1: Int, s2: Int, rw: Int
        init(_ x: [Int]) {
            n = x.count
            s1 = x.reduce(0, +)
            s2 = x.reduce(0) { $0 + $1 * $1 }
            rw = x.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }
        }
    }

    /// The 21-day contract spelled out in the brief: lwma == rw/231 and
    /// stdevSample == sqrt(Double(21·s2 − s1²)/420), bit for bit.
    @Test func twentyOneDayIdentitiesAreBitExact() {
        var rng = SplitMix64(state: 21)
        for trial in 0..<2000 {
            let range = [0...3, -5...40, -200...5000, 0...1_000_000][trial % 4]
            let x = (0..<21).map { _ in Int.random(in: range, using: &rng) }
            let v = x.map(Double.init)
            let e = Exact(x)
            #expect(WindowStats.lwma(v)! == Double(e.rw) / 231.0, "lwma \(x)")
            #expect(WindowStats.stdevSample(v)! == (Double(21 * e.s2 - e.s1 * e.s1) / 420.0).squareRoot(), "sd \(x)")
            #expect(WindowStats.mean(v)! == Double(e.s1) / 21.0)
            #expect(WindowStats.sum(v) == Double(e.s1))
        }
    }

    /// Any length 1…120, including negative values: every kernel equals one rounding of the exact
    /// rational built from integer sums.
    @Test func integerWindowsAreCorrectlyRounded() {
        var rng = SplitMix64(state: 0x5EED)
        for trial in 0..<4000 {
            let n = Int.random(in: 1...120, using: &rng)
            let range = [-3...3, 0...12, -50...500, -20_000...20_000][trial % 4]
            // Sparse windows (mostly zero days) are the common case for slow movers.
            let sparse = trial % 3 == 0
            let x = (0..<n).map { _ in sparse && Bool.random(using: &rng) ? 0 : Int.random(in: range, using: &rng) }
            let v = x.map(Double.init)
            let e = Exact(x)
            #expect(WindowStats.sum(v) == Double(e.s1))
            #expect(WindowStats.mean(v)! == Double(e.s1) / Double(n))
            #expect(WindowStats.lwma(v)! == Double(e.rw) / Double(n * (n + 1) / 2), "lwma \(x)")
            let numerator = n * e.s2 - e.s1 * e.s1
            #expect(WindowStats.variancePopulation(v)! == Double(numerator) / Double(n * n), "var.p \(x)")
            #expect(WindowStats.stdevPopulation(v)! == (Double(numerator) / Double(n * n)).squareRoot())
            if n >= 2 {
                #expect(WindowStats.varianceSample(v)! == Double(numerator) / Double(n * (n - 1)), "var.s \(x)")
                #expect(WindowStats.stdevSample(v)! == (Double(numerator) / Double(n * (n - 1))).squareRoot())
            }
        }
    }

    /// Past the exact range the stable two-pass path takes over: 1e9 + small noise, where the naive
    /// n·Σx² − (Σx)² loses every digit.
    @Test func largeOffsetUsesStableTwoPass() {
        var rng = SplitMix64(state: 9)
        for _ in 0..<200 {
            let n = Int.random(in: 2...60, using: &rng)
            let x = (0..<n).map { _ in 1_000_000_000 + Int.random(in: -20...20, using: &rng) }
            let e = Exact(x.map { $0 - 1_000_000_000 }) // shift-invariant reference
            let want = Double(n * e.s2 - e.s1 * e.s1) / Double(n * (n - 1))
            let got = WindowStats.varianceSample(x.map(Double.init))!
            #expect(isClose(got, want, rel: 1e-12, abs: 1e-12), "\(got) vs \(want)")
        }
    }

    /// Fractional data: results agree with exact rational arithmetic to ~1e-15.
    @Test func fractionalWindowsAreAccurate() {
        var rng = SplitMix64(state: 77)
        for _ in 0..<500 {
            let n = Int.random(in: 2...60, using: &rng)
            // Quarter units are exact in binary, so the exact reference is again integer arithmetic.
            let q = (0..<n).map { _ in Int.random(in: -400...4000, using: &rng) }
            let v = q.map { Double($0) / 4 }
            let e = Exact(q)
            // Σ i·(q/4) = rw/4 is exact in binary, so LWMA is again one correctly rounded division.
            #expect(WindowStats.lwma(v)! == (Double(e.rw) / 4) / Double(n * (n + 1) / 2))
            let want = Double(n * e.s2 - e.s1 * e.s1) / Double(16 * n * (n - 1))
            #expect(isClose(WindowStats.varianceSample(v), want, rel: 1e-14))
            // Tenths are not exact in binary: compare with a decimal-free reference at 1e-14.
            let t = q.map { Double($0) / 10 }
            let wantT = Double(n * e.s2 - e.s1 * e.s1) / Double(100 * n * (n - 1))
            #expect(isClose(WindowStats.varianceSample(t), wantT, rel: 1e-13))
            #expect(isClose(WindowStats.mean(t), Double(e.s1) / Double(10 * n), rel: 1e-15))
        }
    }
}
