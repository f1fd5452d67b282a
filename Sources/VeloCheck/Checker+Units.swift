// Units of measure, checked: after names and types, every numeric expression gets a
// dimension (Units.swift) from the units declared on source columns (`moq: units`), on
// literals (`5_000 units`, `21 days`) and on params, and mixing two dimensions where one
// is needed is an error at the operator. A column without a declared unit has an unknown
// dimension, and nothing unknown is ever an error, so rule files without units check as
// before. Nothing here reaches the engine: the program only gains labels for the renderers.

import VeloSyntax

extension Checker {
    /// Infers the units of a checked program's formulas; returns the mistakes found.
    static func checkUnits(_ ast: Program, file: SourceFile, program: inout CheckedProgram) -> [Diagnostic] {
        var checker = UnitChecker(file: file, program: program)
        checker.collect(ast)
        // A program that writes no unit is not checked for units at all: rule files from
        // before units check exactly as they did (durations alone opt nothing in).
        guard checker.declaresUnits else { return checker.diagnostics }
        checker.run()
        checker.findPercentages()
        program.units = checker.units
        return checker.diagnostics
    }
}

struct UnitChecker {
    let file: SourceFile
    let program: CheckedProgram
    var diagnostics: [Diagnostic] = []
    var units = ProgramUnits()
    /// Number literals written with a unit, by their span.
    var literals: [Span: Dimension] = [:]
    /// Formula columns being inferred (a recurrence reads itself: unknown).
    var inProgress: Set<ColumnRef> = []
    var done: Set<ColumnRef> = []
    /// Declared quantities, for hints: "`items.case_pack` (units/case)".
    var declared: [(name: String, dimension: Dimension)] = []

    /// Whether the program (its imports included) writes a unit anywhere.
    var declaresUnits: Bool { !units.columns.isEmpty || !literals.isEmpty }

    init(file: SourceFile, program: CheckedProgram) {
        self.file = file
        self.program = program
    }

    // MARK: - Declarations

    mutating func collect(_ ast: Program) {
        for s in ast.statements {
            switch s {
            case .source(let d):
                guard let t = program.table(named: d.name.text) else { continue }
                for c in d.columnTypes {
                    guard let u = c.unit else { continue }
                    let percent = u.text == UnitWords.percent
                    guard let dim = percent ? .scalar : dimension(u) else { continue }
                    guard let i = program.table(t).columnIndex(c.column.text) else { continue }   // reported by the checker
                    let column = program.table(t).columns[i]
                    guard column.type == .number else {
                        diagnostics.append(.unitOnNonNumber(c.column.text, column.type, at: u.span))
                        continue
                    }
                    units.columns[ColumnRef(t, i)] = dim
                    if percent { units.percentColumns.insert(ColumnRef(t, i)); continue }
                    declared.append(("\(d.name.text).\(c.column.text)", dim))
                }
                if let f = d.filter { collectLiterals(f) }
            case .table(let d):
                for c in d.columns { collectLiterals(c.formula) }
            case .param(let p):
                collectLiterals(p.value)
                guard let i = program.param(named: p.name.text) else { continue }
                if let dim = paramDimension(p.value) {
                    units.params[i] = dim
                    if !dim.isDimensionless { declared.append((p.name.text, dim)) }
                }
            case .flag(let f):
                collectLiterals(f.condition)
            case .check(let c):
                collectLiterals(c.condition)
            default:
                break
            }
        }
        inheritFilteredUnits()
    }

    mutating func dimension(_ u: UnitAnnotation) -> Dimension? {
        switch Dimension.parse(u.text) {
        case .success(let d): return d
        case .failure(.unknownWord(let w)):
            diagnostics.append(.unknownUnit(w, at: u.span))
        case .failure(.malformed):
            diagnostics.append(.unknownUnit(u.text, at: u.span))
        }
        return nil
    }

    mutating func collectLiterals(_ e: Expr) {
        if let u = e.unit, let d = dimension(u) { literals[e.span] = d }
        switch e.kind {
        case .text(let t):
            for case .interpolation(let x, _) in t.parts { collectLiterals(x) }
        case .call(_, let args):
            for a in args { if case .expr(let x) = a.value { collectLiterals(x) } }
        case .index(let b, let keys): collectLiterals(b); keys.forEach { collectLiterals($0) }
        case .unary(_, let x), .isMissing(let x, _): collectLiterals(x)
        case .binary(_, let a, let b): collectLiterals(a); collectLiterals(b)
        case .conditional(let c, let a, let b): collectLiterals(c); collectLiterals(a); collectLiterals(b)
        default: break
        }
    }

    /// A param's unit: its literal's (`21 days`, `2.5 USD/unit`); percentages and plain
    /// numbers are dimensionless; zero and `missing` take any.
    func paramDimension(_ e: Expr) -> Dimension? {
        if let u = e.unit { return (try? Dimension.parse(u.text).get()) }
        switch e.kind {
        case .duration: return .days
        case .percent: return .scalar
        case .number: return nil   // no unit written: takes the unit of what it is added to
        case .unary(.negate, let x): return paramDimension(x)
        default: return nil
        }
    }

    // MARK: - Formulas

    mutating func run() {
        for ref in program.formulaOrder { _ = columnDimension(ref) }
        for f in program.flags {
            _ = infer(f.condition)
            for case .value(let x, _) in f.message { _ = infer(x) }
        }
        for c in program.checks { _ = infer(c.condition) }
        for t in program.tables { if let f = t.source?.filter { _ = infer(f) } }
    }

    mutating func columnDimension(_ ref: ColumnRef) -> Dimension? {
        let column = program.column(ref)
        guard let formula = column.formula else { return units.columns[ref] }
        if done.contains(ref) || inProgress.contains(ref) { return units.columns[ref] }
        inProgress.insert(ref)
        let d = infer(formula)
        inProgress.remove(ref)
        done.insert(ref)
        if let d, column.type == .number || column.type == .duration { units.columns[ref] = d }
        return units.columns[ref]
    }

    /// The dimension of a numeric expression; nil when unknown (or not a number).
    mutating func infer(_ e: CExpr) -> Dimension? {
        switch e.kind {
        case .literal(let l):
            switch l {
            case .number: return literals[e.span]
            case .duration: return .days
            default: return nil
            }
        case .param(let i):
            return units.params[i]
        case .column(let ref), .lookup(let ref, _):
            return columnDimension(ref)
        case .cell(let ref, let keys):
            keys.forEach { _ = infer($0) }
            return columnDimension(ref)
        case .aggregate(let a):
            return aggregate(a)
        case .negate(let x):
            return infer(x)
        case .not(let x), .isMissing(let x, _):
            _ = infer(x)
            return nil
        case .binary(let op, let a, let b):
            return binary(op, a, b, e)
        case .conditional(let c, let a, let b):
            _ = infer(c)
            let x = infer(a), y = infer(b)
            guard numeric(a) || numeric(b) else { return nil }
            return same(x, y, at: b.span, a, b) { .unitsBranchMismatch($0, $1, at: b.span, hint: $2) }
        case .call(let f, let args):
            return call(f, args, e)
        case .shift(let s):
            let d = columnDimension(s.column)
            switch s.mode {
            case .previous(let first):
                let f = infer(first)
                return same(d, f, at: first.span, nil, first) { .unitsMismatch("`previous` and its `first:` value", $0, $1, at: first.span, hint: $2) }
            case .by(let k):
                _ = infer(k)   // a count of periods, often worked out from days (`lead_time_days / 7`)
                return d
            case .cumulative:
                return d
            case .firstWhere(let condition):
                _ = infer(condition)   // a period number: no unit
                return nil
            }
        case .periodDate:
            return nil
        }
    }

    /// A number written without a unit (a literal, or a param set to one): a plain factor in
    /// `*` and `/` (`2 * demand` is in demand's unit), any unit beside `+`, `-` and comparisons
    /// (`cover_days < 60`).
    func free(_ e: CExpr) -> Dimension? {
        switch e.kind {
        case .literal(.number): return literals[e.span] == nil ? .scalar : nil
        case .negate(let x): return free(x)
        case .param(let i): return units.params[i] == nil && program.params[i].type == .number ? .scalar : nil
        default: return nil
        }
    }

    func numeric(_ e: CExpr) -> Bool { e.type == .number || e.type == .duration }

    mutating func aggregate(_ a: AggregateCall) -> Dimension? {
        switch a.window?.anchor {
        case .after(let x)?, .before(let x)?: _ = infer(x)
        default: break
        }
        let d = infer(a.argument)
        let window = a.window != nil
        switch a.function {
        case .count: return .scalar
        case .any, .all: return nil
        case .sum: return d
        case .avg, .wavg, .min, .max:
            // Over a window: of the daily totals, a quantity per day.
            return window ? d.map { $0 / .days } : d
        case .stdev:
            // The noise of the daily totals grows with √days: units/day^0.5.
            return window ? d.map { $0 / Dimension(halves: ["day": 1]) } : d
        case .variance:
            return window ? d.map { $0.power(2) / .days } : d.map { $0.power(2) }
        }
    }

    mutating func binary(_ op: BinaryOp, _ a: CExpr, _ b: CExpr, _ e: CExpr) -> Dimension? {
        let x = infer(a), y = infer(b)
        switch op {
        case .add, .subtract:
            if a.type == .date || b.type == .date {
                return a.type == .date && b.type == .date ? .days : nil
            }
            let at = operatorSpan(op, a, b, e)
            return same(x, y, at: at, a, b) { l, r, hint in
                .unitsOperands(op, l, r, at: at, hint: hint ?? UnitChecker.productHint(l, r))
            }
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            guard numeric(a) && numeric(b) else { return nil }
            let at = operatorSpan(op, a, b, e)
            _ = same(x, y, at: at, a, b) { .unitsOperands(op, $0, $1, at: at, hint: $2) }
            return nil
        case .coalesce:
            guard numeric(a) || numeric(b) else { return nil }
            let at = operatorSpan(op, a, b, e)
            return same(x, y, at: at, a, b) { .unitsOperands(op, $0, $1, at: at, hint: $2) }
        case .multiply:
            guard let x = x ?? free(a), let y = y ?? free(b) else { return nil }
            return x * y
        case .divide:
            // `/ 1 day` reads a duration as its number of days: the dimension stays.
            if a.type == .duration, case .literal(.duration(1)) = b.kind { return x }
            guard let x = x ?? free(a), let y = y ?? free(b) else { return nil }
            return x / y
        case .power:
            guard let x, !x.isDimensionless else { return x }
            var exponent = b
            var sign = 1.0
            if case .negate(let inner) = b.kind { exponent = inner; sign = -1 }
            if case .literal(.number(let m)) = exponent.kind {
                let n = sign * m
                if n == n.rounded(), abs(n) <= 64 { return x.power(Int(n)) }
                if n == 0.5, let r = x.squareRoot { return r }
            }
            diagnostics.append(.unitsPower(x, at: b.span))
            return nil
        case .and, .or:
            return nil
        }
    }

    mutating func call(_ f: Builtin, _ args: [CExpr], _ e: CExpr) -> Dimension? {
        let dims = args.map { infer($0) }
        func arg(_ i: Int) -> Dimension? { i < dims.count ? dims[i] : nil }
        switch f {
        case .sqrt:
            guard let d = arg(0) else { return nil }
            guard let r = d.squareRoot else {
                diagnostics.append(.unitsSqrt(d, at: args[0].span))
                return nil
            }
            return r
        case .abs, .ceil, .floor:
            return arg(0)
        case .round:
            if args.count > 1 { requireDimensionless(arg(1), "the digits of `round`", at: args[1].span) }
            return arg(0)
        case .exp, .ln, .log10, .z, .normcdf, .normpdf, .loss:
            requireDimensionless(arg(0), "`\(f.rawValue)`", at: args.first?.span ?? e.span)
            return .scalar
        case .roundup, .rounddown:
            guard args.count == 2 else { return arg(0) }
            if let x = arg(0), let m = arg(1), x != m, m.withoutPackDenominator == x {
                return x   // a pack size: `roundup(need, items.case_pack)` with units and units/case
            }
            return same(arg(0), arg(1), at: args[1].span, args[0], args[1]) {
                .unitsMismatch("`\(f.rawValue)` of a value and its multiple", $0, $1, at: args[1].span, hint: $2)
            }
        case .min, .max:
            var d = arg(0)
            for i in args.indices.dropFirst() {
                d = same(d, arg(i), at: args[i].span, args[0], args[i]) {
                    .unitsMismatch("the values of `\(f.rawValue)`", $0, $1, at: args[i].span, hint: $2)
                }
            }
            return d
        case .eoq:
            guard dims.count == 3, let dd = dims[0], let k = dims[1], let h = dims[2] else { return nil }
            return (dd * k / h).squareRoot
        case .days:
            if let d = arg(0), d != .scalar, d != .days {
                diagnostics.append(.unitsWrong("`days`", expected: "a plain number or days", d, at: args[0].span))
            }
            return .days
        case .weekday, .year, .month, .day, .iso_week:
            return .scalar
        case .days_between:
            return .days
        case .asof, .week_start, .month_start:
            return nil
        }
    }

    mutating func requireDimensionless(_ d: Dimension?, _ what: String, at span: Span) {
        guard let d, !d.isDimensionless else { return }
        diagnostics.append(.unitsWrong(what, expected: "a plain number", d, at: span))
    }

    /// The common dimension of two sides that need one; unknown on either side takes the other.
    mutating func same(_ x: Dimension?, _ y: Dimension?, at span: Span, _ a: CExpr?, _ b: CExpr,
                       _ error: (Dimension, Dimension, String?) -> Diagnostic) -> Dimension? {
        guard let x else { return y }
        guard let y else { return x }
        if x == y { return x }
        diagnostics.append(error(x, y, conversionHint(from: y, to: x, b) ?? a.flatMap { conversionHint(from: x, to: y, $0) }))
        return nil
    }

    /// "multiply `moq` by `items.case_pack` (units/case) to get units": a declared column or
    /// param that turns one side's dimension into the other's.
    func conversionHint(from: Dimension, to: Dimension, _ side: CExpr) -> String? {
        let text = file.text(of: side.span)
        let shown = text.count <= 40 ? "`\(text)`" : "it"
        for (name, q) in declared {
            if from * q == to { return "multiply \(shown) by `\(name)` (\(q)) to get \(to)" }
            if from / q == to { return "divide \(shown) by `\(name)` (\(q)) to get \(to)" }
        }
        return nil
    }

    static func productHint(_ l: Dimension, _ r: Dimension) -> String {
        let p = l * r
        return "both sides need one unit; did you mean `*`? \(l) times \(r) is \(p.isDimensionless ? "a plain number" : p.description)"
    }

    /// The operator's own token, between the two operands (past parentheses and line breaks).
    func operatorSpan(_ op: BinaryOp, _ a: CExpr, _ b: CExpr, _ e: CExpr) -> Span {
        let lo = a.span.end, hi = b.span.start
        guard lo < hi, hi <= file.bytes.count else { return e.span }
        let symbol = Array(op.rawValue.utf8)
        var i = lo
        while i + symbol.count <= hi {
            if Array(file.bytes[i..<(i + symbol.count)]) == symbol { return Span(start: i, length: symbol.count) }
            i += 1
        }
        return e.span
    }
}

// MARK: - Messages

extension Diagnostic {
    static func unknownUnit(_ word: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-unit", "unknown unit `\(word)`", at: span,
                   hint: Suggest.didYouMean(word, in: UnitWords.names)
                       ?? "units are built from unit(s), case(s), pack(s), pallet(s), day(s) and currency codes such as USD, with `/`, `*` and `^`")
    }

    static func unitOnNonNumber(_ column: String, _ type: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "units", "`\(column)` is \(type.withArticle): only numbers have units", at: span,
                   hint: "remove the unit, or declare the column `\(column): number`")
    }

    static func unitsOperands(_ op: BinaryOp, _ a: Dimension, _ b: Dimension, at span: Span, hint: String?) -> Diagnostic {
        let verb: String
        switch op {
        case .add: verb = "adds \(b) to \(a)"
        case .subtract: verb = "subtracts \(b) from \(a)"
        case .coalesce: verb = "falls back from \(a) to \(b)"
        default: verb = "compares \(a) with \(b)"
        }
        return Diagnostic(code: "units", "`\(op.rawValue)` \(verb)", at: span,
                          hint: hint ?? "both sides of `\(op.rawValue)` need one unit")
    }

    static func unitsBranchMismatch(_ a: Dimension, _ b: Dimension, at span: Span, hint: String?) -> Diagnostic {
        Diagnostic(code: "units", "the branches of `if` have different units: \(a) and \(b)", at: span,
                   hint: hint ?? "both branches need one unit")
    }

    static func unitsMismatch(_ what: String, _ a: Dimension, _ b: Dimension, at span: Span, hint: String?) -> Diagnostic {
        Diagnostic(code: "units", "\(what) need one unit: \(a) and \(b)", at: span, hint: hint ?? "convert one to the other's unit")
    }

    static func unitsWrong(_ what: String, expected: String, _ found: Dimension, at span: Span) -> Diagnostic {
        Diagnostic(code: "units", "\(what) needs \(expected), found \(found)", at: span,
                   hint: "divide by a value in \(found) to make it a plain number")
    }

    static func unitsSqrt(_ d: Dimension, at span: Span) -> Diagnostic {
        Diagnostic(code: "units", "`sqrt` of \(d) has no unit: its exponents are not even", at: span,
                   hint: "take the square root of a square (units^2, units^2/day)")
    }

    static func unitsPower(_ d: Dimension, at span: Span) -> Diagnostic {
        Diagnostic(code: "units", "a value in \(d) is raised only to a whole number written in the formula", at: span,
                   hint: "write the exponent as a number (`x ^ 2`), or divide out the unit first")
    }
}
