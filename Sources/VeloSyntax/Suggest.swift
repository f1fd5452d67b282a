// "Did you mean ...?" — candidates ranked by edit distance, as Elm's Reporting/Suggest does.

public enum Suggest {
    /// Damerau-Levenshtein (optimal string alignment) distance, case-insensitive.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased().unicodeScalars), y = Array(b.lowercased().unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev2 = [Int](repeating: 0, count: y.count + 1)
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { v = min(v, prev2[j - 2] + 1) }
                cur[j] = v
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[y.count]
    }

    /// The closest candidates to `name`, best first; only those close enough to be a plausible typo.
    public static func closest(to name: String, in candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let threshold = max(1, min(3, name.count / 3 + 1))
        let ranked = candidates
            .filter { $0 != name }
            .map { (name: $0, d: distance(name, $0)) }
            .filter { c in
                c.d <= threshold || c.name.lowercased() == name.lowercased()
                    // `warn` for `warning`: a prefix of at least three letters.
                    || (name.count >= 3 && c.name.lowercased().hasPrefix(name.lowercased()))
            }
            .sorted { $0.d != $1.d ? $0.d < $1.d : $0.name < $1.name }
        var seen = Set<String>()
        return ranked.map(\.name).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// "did you mean `a`?" / "did you mean `a` or `b`?", or nil when nothing is close.
    public static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> String? {
        let best = closest(to: name, in: candidates, limit: 2)
        switch best.count {
        case 0: return nil
        case 1: return "did you mean `\(best[0])`?"
        default: return "did you mean `\(best[0])` or `\(best[1])`?"
        }
    }
}
