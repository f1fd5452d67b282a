// Units of measure: the dimension of a number, built from base units — product units,
// packs (cases, packs, pallets: each its own), days and money in one currency — as a
// product of powers (units/day = unit¹·day⁻¹). Purely static: the checker infers a
// dimension for every numeric formula (Checker+Units.swift), the engine never sees one,
// and the renderers show them as labels.

import VeloSyntax

/// A product of powers of base units. Exponents are kept in halves so that a standard
/// deviation over the days of a window (units per √day) has one; `sqrt` of a half power
/// is refused.
public struct Dimension: Hashable, Sendable, CustomStringConvertible {
    /// Base unit → twice its exponent; no zero entries.
    public private(set) var halves: [String: Int]

    public init(halves: [String: Int] = [:]) { self.halves = halves.filter { $0.value != 0 } }

    public static let scalar = Dimension()
    public static let units = Dimension.base("unit")
    public static let days = Dimension.base("day")
    public static func base(_ name: String, power: Int = 1) -> Dimension { Dimension(halves: [name: 2 * power]) }

    public var isDimensionless: Bool { halves.isEmpty }

    public static func * (a: Dimension, b: Dimension) -> Dimension {
        Dimension(halves: a.halves.merging(b.halves, uniquingKeysWith: +))
    }
    public static func / (a: Dimension, b: Dimension) -> Dimension { a * b.power(-1) }

    /// Raised to a whole power.
    public func power(_ n: Int) -> Dimension { Dimension(halves: halves.mapValues { $0 * n }) }

    /// The square root, when every exponent is even — except days: a variance per day gives
    /// a standard deviation per √day (units²/day → units/day^0.5), the noise of a sum of days.
    public var squareRoot: Dimension? {
        guard halves.allSatisfy({ $0.value % 4 == 0 || ($0.key == "day" && $0.value % 2 == 0) }) else { return nil }
        return Dimension(halves: halves.mapValues { $0 / 2 })
    }

    /// The money in it, when there is a currency (`USD` in `USD/unit`).
    public var currency: String? { halves.keys.first { UnitWords.isCurrencyCode($0) } }
    /// Whether the base is a pack (a case, pack or pallet).
    static func isPack(_ base: String) -> Bool { ["case", "pack", "pallet"].contains(base) }

    /// This dimension without a pack in the denominator (`units/case` → `units`): the
    /// multiple `roundup` takes may be a pack size.
    var withoutPackDenominator: Dimension {
        Dimension(halves: halves.filter { !(Dimension.isPack($0.key) && $0.value == -2) })
    }

    // MARK: - Text

    /// `units`, `units/day`, `USD/unit`, `units^2/day`, `units/day^0.5`; `dimensionless`.
    public var description: String { isDimensionless ? "dimensionless" : label }

    /// As a label in a table's header: empty for a dimensionless number.
    public var label: String {
        let order: (String) -> Int = { UnitWords.isCurrencyCode($0) ? 0 : (["unit", "case", "pack", "pallet", "day"].firstIndex(of: $0) ?? 6) + 1 }
        let keys = halves.keys.sorted { (order($0), $0) < (order($1), $1) }
        func exponent(_ h: Int) -> String { h % 2 == 0 ? (h / 2 == 1 ? "" : "^\(h / 2)") : "^\(Double(h) / 2)" }
        let up = keys.filter { halves[$0]! > 0 }
        let down = keys.filter { halves[$0]! < 0 }
        var numerator = up.enumerated().map { i, k -> String in
            let h = halves[k]!
            let plural = i == 0 && !UnitWords.isCurrencyCode(k)
            return (plural ? k + "s" : k) + exponent(h)
        }.joined(separator: "*")
        if numerator.isEmpty { numerator = "1" }
        let denominator = down.map { $0 + exponent(-halves[$0]!) }
        return ([numerator] + denominator).joined(separator: "/")
    }

    // MARK: - Parsing

    /// The base unit a word names: `units` → `unit`, `USD` → `USD`; nil for another word.
    public static func baseName(_ word: String) -> String? {
        if UnitWords.isCurrencyCode(word) { return word }
        guard UnitWords.names.contains(word) else { return nil }
        return word.hasSuffix("s") ? String(word.dropLast()) : word
    }

    /// Parses a unit as written (`units/day`, `units^2/day`, `USD/unit`). On failure, the
    /// word that is not a unit.
    public static func parse(_ text: String) -> Result<Dimension, UnitParseError> {
        var result = Dimension.scalar
        var dividing = false
        var word = ""
        var pendingPower: String? = nil
        func flush() -> UnitParseError? {
            guard !word.isEmpty else { return .malformed }
            guard let base = baseName(word) else { return .unknownWord(word) }
            var n = 1
            if let p = pendingPower {
                guard let v = Int(p), v != 0 else { return .malformed }
                n = v
            }
            let d = Dimension.base(base, power: n)
            result = dividing ? result / d : result * d
            word = ""
            pendingPower = nil
            return nil
        }
        for ch in text {
            switch ch {
            case "/", "*":
                if let e = flush() { return .failure(e) }
                dividing = ch == "/"
            case "^": pendingPower = ""
            default:
                if pendingPower != nil { pendingPower!.append(ch) } else { word.append(ch) }
            }
        }
        if let e = flush() { return .failure(e) }
        return .success(result)
    }
}

public enum UnitParseError: Error, Equatable, Sendable {
    case unknownWord(String)
    case malformed
}

/// The units of a checked program: what each numeric column and param is measured in,
/// for the renderers' labels. Columns and params of unknown unit are absent.
public struct ProgramUnits: Sendable {
    public var columns: [ColumnRef: Dimension] = [:]
    public var params: [Int: Dimension] = [:]
    /// Plain-number columns that are percentages (Checker+Percentages.swift): labelled
    /// `percent`, shown as `29%`.
    public var percentColumns: Set<ColumnRef> = []
    public init() {}

    /// The unit a renderer shows: `units/day`, `USD`, `percent`; nil for a plain number.
    public func label(_ ref: ColumnRef) -> String? {
        if percentColumns.contains(ref) { return UnitWords.percent }
        guard let d = columns[ref], !d.isDimensionless else { return nil }
        return d.label
    }
}
