// Params that refuse nonsense: a param declared as a percentage (`param service_level =
// 95%`) takes a new value as a percentage (`98%`) or a fraction (`0.98`); a plain number
// above 1 (`98`, meant as 98%) is refused with a hint rather than read as 9,800%.

import VeloSyntax

extension ParamInfo {
    /// Whether a param's declared value is written as a percentage, possibly negated.
    static func isPercentLiteral(_ e: Expr) -> Bool {
        switch e.kind {
        case .percent: return true
        case .unary(.negate, let inner): return isPercentLiteral(inner)
        default: return false
        }
    }

    public struct Refusal: Sendable {
        public var message: String
        public var hint: String
        /// Message and hint on one line.
        public var text: String { message + "; " + hint }
    }

    /// Why `value` (as written) is refused for this param, or nil when it is fine.
    public func refusal(of value: Expr) -> Refusal? {
        guard isPercentage else { return nil }
        var e = value
        if case .unary(.negate, let inner) = e.kind { e = inner }
        guard case .number(let x) = e.kind, abs(x) > 1 else { return nil }
        let written = Formatted.plain(x)
        return Refusal(message: "`\(name)` is a percentage: `\(written)` would be \(Formatted.plain(x * 100))%",
                       hint: "did you mean \(written)%? (write \(Formatted.plain(x * 100))% if you mean it)")
    }
}

enum Formatted {
    /// A number as a person writes it: no trailing `.0`.
    static func plain(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }
}
