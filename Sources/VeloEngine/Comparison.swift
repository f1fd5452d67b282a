// How Velo compares numbers.
//
// Binary floating point cannot hold most decimal fractions exactly, so a computed ratio
// that is exactly 1.25 in rational arithmetic may come out as 1.2500000000000002. A
// planner who writes `abs(change) > 25%` means "more than 25%", not "more than 25% or a
// tie that rounding pushed up". So Velo treats two numbers as equal when they agree to
// 12 significant digits — |a - b| <= 1e-12 * max(|a|, |b|) — and orders them only
// when they differ by more. Zero equals only zero. Planning quantities never need a finer
// distinction, and the rule is the same for ==, !=, <, <=, > and >=.

public enum NumberComparison {
    /// Relative tolerance of number comparisons.
    public static let relativeTolerance = 1e-12

    @inline(__always)
    public static func equal(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= relativeTolerance * max(abs(a), abs(b))
    }

    @inline(__always)
    public static func less(_ a: Double, _ b: Double) -> Bool {
        a < b && !equal(a, b)
    }
}
