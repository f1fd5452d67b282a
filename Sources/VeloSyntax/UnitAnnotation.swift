// Units of measure as written: after a number (`5_000 units`, `2.5 USD/unit`) and on a
// source table's column line (`lead_time_days: days`, `unit_cost: USD/unit`). The syntax
// only records the text; the checker (VeloCheck/Units.swift) gives it a dimension.

/// A unit as written, without spaces: `units`, `units/day`, `USD/unit`, `units^2/day`.
public struct UnitAnnotation: Sendable, Equatable {
    public var text: String
    public var span: Span
    public init(text: String, span: Span) {
        self.text = text
        self.span = span
    }
}

/// The words that name units. A number followed by one of them is a quantity.
public enum UnitWords {
    /// Product units, packs and days; money is any three-letter currency code (`USD`, `EUR`).
    public static let names: [String] = ["unit", "units", "case", "cases", "pack", "packs", "pallet", "pallets",
                                         "day", "days"]

    /// On a source column line only (`margin: percent`): a plain number shown as a
    /// percentage. Not a unit after a number: `5 percent` is not a way to write `5%`.
    public static let percent = "percent"

    public static func isUnitWord(_ word: String) -> Bool {
        names.contains(word) || isCurrencyCode(word)
    }

    /// Three capital letters: `USD`, `EUR`, `GBP`.
    public static func isCurrencyCode(_ word: String) -> Bool {
        word.utf8.count == 3 && word.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }
}

extension Parser {
    /// Whether the next token starts a unit after a number: a unit word on the same line.
    func unitAhead() -> Bool {
        guard check(TokenKind.identifier) else { return false }
        return UnitWords.isUnitWord(file.text(of: peek.span))
    }

    // unit: unit_factor (("*" | "/") unit_factor)*
    // unit_factor: NAME ("^" NUMBER)?
    /// A unit, its first name next. `anyName`: after `/` or `*` any name continues it (a
    /// column line, where the checker names an unknown unit); after a number only unit words
    /// do, so `10 USD / items.case_pack` stays a division.
    mutating func unitAnnotation(anyName: Bool) throws -> UnitAnnotation {
        let first = advance()
        var text = file.text(of: first.span)
        var end = first.span
        while true {
            if match(.caret) != nil {
                guard case .number = peek.kind else {
                    throw fail(.unexpectedToken(peek, expected: "a whole number after `^`, such as `units^2`", file: file))
                }
                let n = advance()
                text += "^" + file.text(of: n.span)
                end = n.span
            }
            guard check(.slash) || check(.star) else { break }
            let next = peek(1)
            guard next.kind == .identifier, anyName || UnitWords.isUnitWord(file.text(of: next.span)) else { break }
            text += file.text(of: advance().span)
            let name = advance()
            text += file.text(of: name.span)
            end = name.span
        }
        return UnitAnnotation(text: text, span: first.span.through(end))
    }
}
