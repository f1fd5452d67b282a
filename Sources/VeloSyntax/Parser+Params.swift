// A param's range: `param service_level = 95% between 50% and 99.9%` (Grammar/velo.lark, param_def).

extension Parser {
    /// After `between`: `LOW and HIGH`, each an additive expression (so `and` ends the first).
    mutating func paramRange() throws -> (low: Expr, high: Expr) {
        let low = try additive()
        _ = try expect(.and, "`and` and the largest value the param may take")
        let high = try additive()
        return (low, high)
    }
}
