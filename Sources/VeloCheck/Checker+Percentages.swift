// Which plain-number columns are percentages, for the renderers (`29%` in a table, the
// `percent` unit in CSV and JSON with `--units`). A display matter only: a percentage is a
// dimensionless number for the unit checks and the engine.
//
// A column is a percentage when its source line says so (`margin: percent`), or when it is
// dimensionless (or of unknown unit) and its formula is one — a percentage param or
// literal (`25%`), a percentage column, their negation, `abs`, `round`, `min`/`max` or
// sum, or an `if` whose branches both are — or when a comparison sets it against one
// (`abs(velocity_change) > velocity_threshold` with `velocity_threshold = 25%`).

import VeloSyntax

extension UnitChecker {
    /// Marks the percentage columns in `units.percentColumns` (after `run`).
    mutating func findPercentages() {
        propagatePercentages()
        var compared: [CExpr] = []
        for ref in program.formulaOrder { if let f = program.column(ref).formula { compared.append(f) } }
        compared += program.flags.map(\.condition) + program.checks.map(\.condition)
        for e in compared { markComparedWithPercentages(e) }
        propagatePercentages()
    }

    /// Formula columns that compute a percentage, in evaluation order.
    mutating func propagatePercentages() {
        for ref in program.formulaOrder {
            guard let f = program.column(ref).formula, mayBePercent(ref), isPercent(f) else { continue }
            units.percentColumns.insert(ref)
        }
    }

    /// Only a plain number (or one of unknown unit) can be shown as a percentage.
    func mayBePercent(_ ref: ColumnRef) -> Bool {
        program.column(ref).type == .number && (units.columns[ref]?.isDimensionless ?? true)
    }

    func isPercent(_ e: CExpr) -> Bool {
        switch e.kind {
        case .literal(.number): return file.text(of: e.span).hasSuffix("%")
        case .param(let i): return program.params[i].isPercentage
        case .column(let ref), .lookup(let ref, _), .cell(let ref, _): return units.percentColumns.contains(ref)
        case .negate(let x): return isPercent(x)
        case .conditional(_, let a, let b): return isPercent(a) && isPercent(b)
        case .binary(.add, let a, let b), .binary(.subtract, let a, let b), .binary(.coalesce, let a, let b):
            return isPercent(a) && isPercent(b)
        case .call(.abs, let args), .call(.round, let args): return args.first.map(isPercent) ?? false
        case .call(.min, let args), .call(.max, let args): return !args.isEmpty && args.allSatisfy(isPercent)
        default: return false
        }
    }

    /// `x > 25%`, `abs(x) <= threshold`: the column `x` reads as a percentage too.
    mutating func markComparedWithPercentages(_ e: CExpr) {
        e.forEachChild { markComparedWithPercentages($0) }
        guard case .binary(let op, let a, let b) = e.kind,
              [.less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual].contains(op) else { return }
        if isPercent(b), let ref = comparedColumn(a), mayBePercent(ref) { units.percentColumns.insert(ref) }
        if isPercent(a), let ref = comparedColumn(b), mayBePercent(ref) { units.percentColumns.insert(ref) }
    }

    /// The formula column a comparison side reads, directly or through `abs` or a negation.
    func comparedColumn(_ e: CExpr) -> ColumnRef? {
        switch e.kind {
        case .column(let ref), .lookup(let ref, _): return program.column(ref).formula == nil ? nil : ref
        case .negate(let x): return comparedColumn(x)
        case .call(.abs, let args) where args.count == 1: return comparedColumn(args[0])
        default: return nil
        }
    }
}
