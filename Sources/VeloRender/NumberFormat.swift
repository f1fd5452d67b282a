// The two ways Velo writes a number: exactly for machines, readably for people.
//
// Public so the REPL and the frontend format numbers with the same rules as the renderers.
//
// Exact (CSV, JSON): Swift's shortest round-trip `description`, minus a trailing ".0"
// (`120`, not `120.0`; `-0.0` becomes `0`). Exponents stay as Swift prints them
// (`1e-07`, `1e+21`, `1.2345678901234568e+20`): that is valid JSON and Python's `float()`,
// Swift's `Double(_:)` and every CSV reader we care about parse it back to the same double.
//
// Human (terminal table, Markdown) — the rule:
//   * 1e-6 <= |x| < 1e15 is shown in fixed notation with thousands separators (`12,345`);
//     anything else non-zero is shown in scientific notation with 4 significant digits
//     (`1.235e-7`, `1e+16`).
//   * The preferred number of decimals of one value is: 0 for an integral value; 2 for
//     |x| >= 1; for |x| < 1 enough to show 4 significant digits (trailing zeros dropped),
//     but at least 2 (`0.50`, `0.1234`, `0.0001235`).
//   * A column uses one count for all its values, the largest preferred count among them,
//     so decimal points line up (`120.00`, `3.25`, `0.50`).
//   * Rounding is half away from zero on the shortest decimal digits (2.675 -> `2.68`);
//     a value that rounds to zero shows no minus sign. NaN shows `—`, infinities `∞`/`-∞`.

import VeloData

/// Number formatting shared by all renderers.
public enum NumberFormat {
    /// The fewest significant digits a small number (|x| < 1) is shown with.
    public static let significantDigits = 4

    /// The shortest representation that reads back as exactly `x`, without a trailing `.0`
    /// (`120`, `0.1`, `1e-07`, `1e+21`). `-0.0` gives `0`; NaN gives `nan` and infinities
    /// `inf` / `-inf` (renderers show NaN as missing and never call this for it).
    public static func exact(_ x: Double) -> String { x.exactText }

    /// `x` formatted for people with `decimals` digits after the point (`nil`: the value's
    /// preferred count, see `preferredDecimals`), with thousands separators. Values outside
    /// 1e-6 ... 1e15 in magnitude use scientific notation with 4 significant digits.
    public static func human(_ x: Double, decimals: Int? = nil) -> String {
        if x.isNaN { return "—" }
        if x.isInfinite { return x < 0 ? "-∞" : "∞" }
        var digits = DecimalDigits(x)
        if usesScientific(x) {
            digits.round(significant: significantDigits)
            return digits.scientific()
        }
        let d = min(max(decimals ?? preferredDecimals(x), 0), 20)
        digits.round(decimals: d)
        return digits.fixed(decimals: d, grouping: true)
    }

    /// The number of decimals `x` prefers on its own: 0 when integral, 2 when |x| >= 1,
    /// otherwise enough for 4 significant digits (at least 2). 0 for NaN, infinities and
    /// values shown in scientific notation.
    public static func preferredDecimals(_ x: Double) -> Int {
        // |x| < 1e15 past this guard, so the Int64 conversion is exact for integral values.
        guard x.isFinite, !usesScientific(x), Double(Int64(x)) != x else { return 0 }
        if x.magnitude >= 1 { return 2 }
        var digits = DecimalDigits(x)
        digits.round(significant: significantDigits)
        return max(2, digits.fractionDigits)
    }

    /// The decimals a whole column is shown with: the largest preferred count of its values,
    /// so every value of the column has the same number of digits after the point.
    /// A column of quantities (any value of 1 or more) reads best at 2 decimals, even when
    /// a few tiny values would want more; a column of small values (rates, changes) keeps the
    /// decimals its values need.
    public static func columnDecimals<S: Sequence>(_ values: S) -> Int where S.Element == Double {
        var best = 0
        var large = false
        for x in values where x.isFinite {
            if x.magnitude >= 1 { large = true }
            best = max(best, preferredDecimals(x))
        }
        return large ? min(best, 2) : best
    }

    /// Whether `human` writes `x` in scientific notation (non-zero, outside 1e-6 ..< 1e15).
    public static func usesScientific(_ x: Double) -> Bool {
        let m = x.magnitude
        return x.isFinite && x != 0 && (m >= 1e15 || m < 1e-6)
    }

    /// `human` with a `+` on positive numbers: `+1,234.50`, `-3`, `0` (for deltas).
    public static func signed(_ x: Double, decimals: Int? = nil) -> String {
        let s = human(x, decimals: decimals)
        return x > 0 && !s.hasPrefix("+") ? "+" + s : s
    }

    /// An integer with thousands separators (`9,990`), for counts in titles and footers.
    public static func grouped(_ n: Int) -> String {
        let digits = Array(String(n.magnitude).utf8)
        var out: [UInt8] = n < 0 ? [UInt8(ascii: "-")] : []
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(UInt8(ascii: ",")) }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
