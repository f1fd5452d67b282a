// Wording the engine's results. The engine returns data — why a value is missing and the
// cell where it went missing, the values a flag's message interpolates, the cells a failing
// check read, a row's key values — and this is the one place they become text, for the
// terminal, CSV, JSON and the REPL alike.

import VeloCheck
import VeloData
import VeloEngine
import VeloRender

public enum ResultText {
    // MARK: - Missing values

    /// Why a value is missing: "division by zero", "no row in `inventory` for SKU9".
    public static func reason(_ r: MissingReason) -> String { reason(r.kind) }

    public static func reason(_ kind: MissingReason.Kind) -> String {
        switch kind {
        case .divisionByZero: return "division by zero"
        case .notFinite: return "the result is not a finite number"
        case .noValue: return "no value"
        case .dateOutOfRange: return "the date is out of range: more than 3,000,000 days (about 8,200 years) from 1970-01-01"
        case .outsideDomain(let b): return outsideDomain(b)
        case .missingByDefinition(let text): return text ?? "missing by definition"
        case .setToMissing: return "set to missing"
        case .noMatchingRow(let table, let keys): return "no row in `\(table)`" + (keys.map { " for \(self.keys($0))" } ?? "")
        case .noRowWithKeys(let table, let keys): return "no row [\(self.keys(keys))] in `\(table)`"
        case .missingInput(let table): return "a value in `\(table)` is missing"
        case .noRows(let table): return "no rows in `\(table)`"
        case .nothingToTake(let f): return "no rows to take the \(f.rawValue) of"
        case .tooFewValues(let found): return "needs at least 2 values, found \(found)"
        case .noAsOfDate: return "there is no as-of date: no dated data"
        case .windowAnchorMissing: return "the window's anchor date is missing"
        case .windowPastAsOf(let asOf): return "the window ends after the as-of date \(CivilDate(day: asOf).iso)"
        }
    }

    /// Why a builtin has no value for its arguments (empty for builtins that always have one
    /// when their arguments do, but overflowed).
    static func outsideDomain(_ b: Builtin) -> String {
        switch b {
        case .sqrt: return "square root of a negative number"
        case .round: return "cannot round to that many digits"
        case .exp: return "the result is too large"
        case .ln, .log10: return "logarithm of a number that is not positive"
        case .roundup, .rounddown: return "the multiple must be positive"
        case .z: return "z needs a probability strictly between 0 and 1 (a service level such as 95%)"
        case .eoq: return "eoq needs positive demand, order cost and holding cost"
        default: return ""
        }
    }

    /// The cell a value went missing in: "series.velocity_change[SKU1, web]"; a row of a table
    /// that no column names ("sales[A]"), or "totals.x" in a table without keys.
    public static func origin(_ o: MissingOrigin, in program: CheckedProgram) -> String {
        var name = "query"
        if o.table.index < program.tables.count {
            let t = program.table(o.table)
            name = t.name + (o.column.map { "." + t.columns[$0].name } ?? "")
        }
        return o.keys.isEmpty ? name : "\(name)[\(keys(o.keys))]"
    }

    /// A reason with where it started: "division by zero (at series.velocity_change[SKU1, web])".
    public static func described(_ r: MissingReason, in program: CheckedProgram) -> String {
        r.origin.map { "\(reason(r)) (at \(origin($0, in: program)))" } ?? reason(r)
    }

    /// Row -> reason, as the renderers take them.
    static func reasons(_ r: [Int: MissingReason]) -> [Int: String] { r.mapValues(reason) }

    // MARK: - Keys

    /// A row's key values: "SKU1, web" (a missing one is "?").
    public static func keys(_ values: [CellValue]) -> String { values.map(key).joined(separator: ", ") }

    static func key(_ v: CellValue) -> String {
        switch v {
        case .text(let s): return s
        case .number(let x): return NumberFormat.exact(x)
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        case .missing: return "?"
        }
    }

    // MARK: - Flags and checks

    /// A flag's message with its values filled in.
    public static func message(_ hit: FlagHit) -> String {
        hit.message.map { piece in
            switch piece {
            case .text(let s): return s
            case .value(let v): return shown(v)
            }
        }.joined()
    }

    /// What a failing check read: "order_qty = -5, need = 3.2" (empty when it read no cell of
    /// its table).
    public static func values(_ f: CheckFailure) -> String {
        f.values.map { "\($0.name) = \(shown($0.value))" }.joined(separator: ", ")
    }

    /// A failing check's detail: the values it read, or its condition when it read none.
    public static func detail(_ f: CheckFailure) -> String { f.values.isEmpty ? f.condition : values(f) }

    /// A value inside a flag's message or a check's failure. Numbers read as in tables for
    /// people, with the message's format; a missing number says why.
    public static func shown(_ v: ShownValue) -> String {
        switch v.value {
        case .number(let x): return messageNumber(x, v.format)
        case .text(let s): return s
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        case .missing(let r):
            switch v.type.base {
            case .number, .duration, .unknown: return "missing" + (r.map { " (\(reason($0)))" } ?? "")
            case .text, .date, .bool: return "missing"
            }
        }
    }

    /// Numbers inside flag messages and check failures: the same rules as tables for people
    /// (thousands separators, sensible decimals), with `{x:%}`, `{x:.1}` and `{x:+.1%}` formats.
    public static func messageNumber(_ x: Double, _ f: ValueFormat?) -> String {
        var value = x
        var suffix = ""
        var decimals = f?.decimals
        if f?.percent == true {
            value *= 100
            suffix = "%"
            decimals = decimals ?? 1
        }
        var text = NumberFormat.human(value, decimals: decimals)
        if f?.sign == true, value > 0, !text.hasPrefix("+") { text = "+" + text }
        return text + suffix
    }

    // MARK: - Tests

    /// How `velo test` words values in its failures.
    public static let testWording = TestWording(number: { NumberFormat.exact($0) }, reason: { reason($0) },
                                                flagMessage: { message($0) })
}
