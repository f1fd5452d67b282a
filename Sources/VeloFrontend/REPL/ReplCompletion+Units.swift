// Completing units: after a number (`5_000 u` → `units`), the unit words and the currencies
// the rule file uses.

import VeloCheck
import VeloSyntax

extension ReplCompleter {
    /// Whether the word being completed follows a number and a space (`max(need, 500 `).
    static func followsNumber(_ before: String) -> Bool {
        guard before.last == " " else { return false }
        let trimmed = before.dropLast(while: { $0 == " " })
        guard let last = trimmed.last, last.isNumber else { return false }
        // The number is a whole word: `p2 ` is a name, not a number.
        let word = trimmed.reversed().prefix { !ReplCompleter.wordBreaks.contains($0) }
        return word.allSatisfy { $0.isNumber || $0 == "_" || $0 == "." }
    }

    /// Unit words (plural) and the program's currencies, then USD and EUR.
    func unitNames() -> [String] {
        var currencies = Set(program.units.columns.values.compactMap(\.currency))
        currencies.formUnion(program.units.params.values.compactMap(\.currency))
        let words = UnitWords.names.filter { $0.hasSuffix("s") }
        return words + currencies.sorted() + ["USD", "EUR"].filter { !currencies.contains($0) }
    }
}

extension BidirectionalCollection {
    fileprivate func dropLast(while predicate: (Element) -> Bool) -> SubSequence {
        var end = endIndex
        while end != startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[startIndex..<end]
    }
}
