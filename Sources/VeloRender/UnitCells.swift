// How a column's unit shows in people-facing formats: in the cell or in the header, never both.
//
//   money (a currency code alone, `USD`)   in the cell: `$1,234.50`, `€980.00`, `1,234.50 CHF`
//   `percent` (a fraction)                 in the cell: `29%`, `12.5%` (0.29, 0.125 stored)
//   any other unit (`units`, `units/day`)  in the header: `need (units)`, cells plain
//
// Money always has two decimals; a percentage at most one (two below 1%), the same count for
// the whole column so the points line up. Machine formats (CSV, JSON) never change a cell:
// they carry the unit text as it is (`USD`, `percent`, `units/day`) when asked to.

/// Where a column's unit goes when people read it.
enum UnitCells: Equatable {
    /// No unit, or one shown in the header.
    case plain
    /// An amount of money in this currency (three capitals).
    case money(String)
    /// A fraction shown as a percentage.
    case percent

    init(_ unit: String?) {
        guard let unit, !unit.isEmpty else { self = .plain; return }
        if unit == UnitText.percent { self = .percent; return }
        if unit.utf8.count == 3, unit.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
            self = .money(unit)
            return
        }
        self = .plain
    }

    /// Whether the unit goes in the header (`need (units)`) rather than in each cell.
    var unitInHeader: Bool { self == .plain }
}

/// The unit texts the renderers know by name.
public enum UnitText {
    /// The unit of a fraction shown as a percentage (`0.29` shows `29%`).
    public static let percent = "percent"
}

extension NumberFormat {
    /// The symbols of the currencies people write with one (`$1,234.50`); others are
    /// written after the amount (`1,234.50 CHF`).
    static let currencySymbols = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"]

    /// An amount of money with two decimals and thousands separators: `$1,234.50`,
    /// `-$20.00`, `€3.10`, `1,234.50 CHF`. NaN shows `—`.
    public static func money(_ x: Double, currency: String) -> String {
        if x.isNaN { return "—" }
        var digits = human(x.magnitude, decimals: 2)
        let negative = x < 0 && digits.contains(where: { $0 != "0" && $0 != "." && $0 != "," })
        if let symbol = currencySymbols[currency] {
            digits = symbol + digits
        } else {
            digits += " " + currency
        }
        return negative ? "-" + digits : digits
    }

    /// The decimals a column of fractions shown as percentages takes: 0 when every
    /// percentage is whole at one decimal, 1 otherwise, 2 when one below 1% needs them.
    public static func percentDecimals<S: Sequence>(_ fractions: S) -> Int where S.Element == Double {
        var best = 0
        for x in fractions where x.isFinite && !usesScientific(x * 100) {
            let p = (x * 100).magnitude
            let tenths = (p * 10).rounded()
            if tenths.truncatingRemainder(dividingBy: 10) != 0 { best = max(best, 1) }
            if p > 0, p < 1, ((p * 100).rounded()).truncatingRemainder(dividingBy: 10) != 0 { best = 2 }
        }
        return best
    }

    /// A fraction as a percentage with `decimals` digits (`nil`: its own count): `29%`, `-4.5%`.
    public static func percent(_ x: Double, decimals: Int? = nil) -> String {
        if x.isNaN { return "—" }
        return human(x * 100, decimals: decimals ?? percentDecimals([x])) + "%"
    }
}
