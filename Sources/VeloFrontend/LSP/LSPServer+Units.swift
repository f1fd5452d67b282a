// Completion of units on a source table's column line: after `moq: ` (or `units =
// "Quantity": `) the types and the unit words, and after `/` or `*` in a unit the unit words
// again (`unit_cost: USD/` → `unit`, `units`, …).

import VeloSyntax

extension LSPServer {
    /// The unit words (plural first), `percent`, then the usual currencies.
    static let unitLabels = UnitWords.names.filter { $0.hasSuffix("s") } + UnitWords.names.filter { !$0.hasSuffix("s") }
        + [UnitWords.percent, "USD", "EUR", "GBP"]
    static let columnTypes = ["number", "text", "date", "bool"]

    /// Completions where a column line's type or unit goes, given the line up to the word
    /// being completed; nil anywhere else.
    static func unitCompletions(linePrefix: String) -> JSONValue? {
        let labels: [String]
        switch UnitPosition(linePrefix) {
        case .type?: labels = columnTypes + unitLabels
        case .continued?: labels = unitLabels
        case nil: return nil
        }
        let items: [JSONValue] = labels.map { l in
            ["label": .string(l), "kind": columnTypes.contains(l) ? 25 : 12,
             "detail": .string(columnTypes.contains(l) ? "type" : l == UnitWords.percent ? "a plain number shown as a percentage" : "unit")]
        }
        return ["isIncomplete": false, "items": .array(items)]
    }

    /// Where on a column line the cursor is.
    enum UnitPosition {
        /// After `name:` or `name = "Header":`.
        case type
        /// After `/` or `*` in a unit (`USD/`).
        case continued

        init?(_ prefix: String) {
            var s = Substring(prefix)
            // A column line is indented: `  moq: …`.
            guard let first = s.first, first == " " || first == "\t" else { return nil }
            s = s.drop { $0 == " " || $0 == "\t" }
            let name = s.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            guard !name.isEmpty, !(name.first!.isNumber) else { return nil }
            s = s.dropFirst(name.count).drop { $0 == " " }
            if s.first == "=" {
                s = s.dropFirst().drop { $0 == " " }
                guard s.first == "\"", let close = s.dropFirst().firstIndex(of: "\"") else { return nil }
                s = s[s.index(after: close)...].drop { $0 == " " }
            }
            guard s.first == ":" else { return nil }
            let rest = s.dropFirst().drop { $0 == " " }
            if rest.isEmpty { self = .type; return }
            // `USD/`, `units^2/`: a unit so far, ending in an operator.
            guard let last = rest.last, last == "/" || last == "*",
                  rest.allSatisfy({ $0.isLetter || $0.isNumber || "/*^_".contains($0) }) else { return nil }
            self = .continued
        }
    }
}
