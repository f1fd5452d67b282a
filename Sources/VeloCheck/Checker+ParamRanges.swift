// A param's declared range (`between LOW and HIGH`): bounds are constants of the param's
// type (numbers, percentages, durations or dates), LOW ≤ HIGH, and the declared value lies
// within; a new value outside (`--set`, REPL `set`, a test's `set`) is refused.

import VeloSyntax

extension ParamInfo {
    /// Why `value` is outside the declared range, or nil.
    public func rangeRefusal(_ value: Literal) -> Refusal? {
        guard let range, let x = value.rangeNumber else { return nil }
        guard x < range.low.rangeNumber! || x > range.high.rangeNumber! else { return nil }
        return Refusal(message: "`\(name)` must be between \(rangeText(range.low)) and \(rangeText(range.high)), found \(rangeText(value))",
                       hint: "the param's declaration says `between \(rangeText(range.low)) and \(rangeText(range.high))`")
    }

    func rangeText(_ l: Literal) -> String {
        switch l {
        case .number(let x): return isPercentage ? Formatted.plain(x * 100) + "%" : Formatted.plain(x)
        case .duration(let d): return Formatted.plain(d) + " days"
        default: return "\(l)"
        }
    }
}

extension Literal {
    /// A number the range compares: numbers, durations (days) and dates (day numbers).
    var rangeNumber: Double? {
        switch self {
        case .number(let x), .duration(let x): return x
        case .date(let d): return Double(d)
        default: return nil
        }
    }
}

extension Checker {
    /// Checks `decl.range` against the param's value; the range, or nil after a diagnostic.
    mutating func checkRange(_ decl: ParamDecl, value: Literal) -> (low: Literal, high: Literal)? {
        guard let (lowExpr, highExpr) = decl.range else { return nil }
        guard let low = constantValue(lowExpr), let high = constantValue(highExpr) else {
            diagnostics.append(Diagnostic(code: "param-range", "a param's range is written with constants", at: lowExpr.span.through(highExpr.span),
                                          hint: "for example `param service_level = 95% between 50% and 99.9%`"))
            return nil
        }
        for (bound, e) in [(low, lowExpr), (high, highExpr)] where bound.rangeNumber == nil || bound.type.base != value.type.base {
            diagnostics.append(Diagnostic(code: "param-range", "the range of `\(decl.name.text)` must be \(value.type.withArticle) like its value, found \(bound.type.withArticle)",
                                          at: e.span, hint: "write both bounds like the value: `between 7 days and 91 days` for a duration, `between 50% and 99.9%` for a percentage"))
            return nil
        }
        if low.rangeNumber! > high.rangeNumber! {
            diagnostics.append(Diagnostic(code: "param-range", "the range of `\(decl.name.text)` is empty: its low bound is above its high bound",
                                          at: lowExpr.span.through(highExpr.span), hint: "write the smaller bound first"))
            return nil
        }
        if let x = value.rangeNumber, x < low.rangeNumber! || x > high.rangeNumber! {
            diagnostics.append(Diagnostic(code: "param-range", "the value of `\(decl.name.text)` is outside its own range", at: decl.value.span,
                                          hint: "change the value or widen the range"))
            return nil
        }
        return (low, high)
    }
}
