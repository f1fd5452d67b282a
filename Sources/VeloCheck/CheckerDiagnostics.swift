// Every message the checker can give, as named constructors. The wording is pinned by the
// golden files under Tests/Fixtures/diagnostics.

import VeloData
import VeloSyntax

extension Diagnostic {
    static func list(_ names: [String]) -> String {
        let quoted = names.map { "`\($0)`" }
        switch quoted.count {
        case 0: return ""
        case 1: return quoted[0]
        default: return quoted.dropLast().joined(separator: ", ") + " and " + quoted.last!
        }
    }

    static func orList(_ types: [VType]) -> String {
        let names = types.map(\.withArticle)
        return names.count <= 1 ? (names.first ?? "") : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    // MARK: Declarations

    static func duplicateDefinition(_ kind: String, _ name: String, at span: Span, first: Span) -> Diagnostic {
        Diagnostic(code: "duplicate", "\(kind) `\(name)` is defined twice", at: span,
                   hint: "rename one of them or remove the extra definition",
                   notes: [.init(span: first, message: "first defined here")])
    }

    static func unknownReader(_ name: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-reader", "unknown data source `\(name)`", at: span,
                   hint: Suggest.didYouMean(name, in: SourceReaders.kinds) ?? "tables are read with `\(SourceReaders.example)`")
    }

    static func unknownTypeName(_ name: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-type", "unknown column type `\(name)`", at: span,
                   hint: Suggest.didYouMean(name, in: ["number", "text", "date", "bool"]) ?? "the column types are number, text, date and bool")
    }

    /// "text", "an integer", "a date": what a key column holds.
    static func keyKind(_ t: VType) -> String {
        switch t.base {
        case .text: return "text"
        case .number: return "an integer"
        default: return t.withArticle
        }
    }

    static func keyType(_ name: String, _ type: VType.Base, at span: Span) -> Diagnostic {
        Diagnostic(code: "key-type", "key column `\(name)` cannot be \(VType(type).withArticle)", at: span,
                   hint: "keys are text (SKU codes), integers (weeks) or dates; declare it `\(name): text` or drop the declaration")
    }

    static func keyTypeMismatch(_ name: String, _ a: String, _ typeA: VType.Base, _ b: String, _ typeB: VType.Base,
                                at span: Span, first: Span) -> Diagnostic {
        Diagnostic(code: "key-type", "`\(b).\(name)` is \(keyKind(VType(typeB))) but `\(a).\(name)` is \(keyKind(VType(typeA))): rows are matched on `\(name)`, so it needs one type",
                   at: span, hint: "declare the same type for `\(name)` in both sources (e.g. `\(name): text`), or fix the data",
                   notes: [.init(span: first, message: "`\(a).\(name)` is \(keyKind(VType(typeA))) here")])
    }

    static func unreadableSource(_ path: String, _ message: String, at span: Span) -> Diagnostic {
        let isMissing = message.contains("No such file") || message.contains("cannot read the file")
        var text = message
        if text.hasPrefix("cannot read the file: ") { text = String(text.dropFirst("cannot read the file: ".count)) }
        let namesNothing = text.contains("the database has no table") || text.contains("` names no column of the")
        return Diagnostic(code: "unreadable-source", "cannot read `\(path)`: \(text)", at: span,
                          hint: isMissing ? "paths are relative to the rule file's folder; `velo run --source NAME=PATH` reads another file"
                              : namesNothing ? "check the name against the database (`velo check --verbose` shows what the source reads)"
                              : "fix the data, or declare the column's type to match it")
    }

    static func unknownSourceColumn(_ column: String, table: String, path: String, columns: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-column", "`\(path)` has no column `\(column)`", at: span,
                   hint: Suggest.didYouMean(column, in: columns) ?? "its columns are \(list(columns))")
    }

    static func duplicateKey(_ name: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "duplicate-key", "key `\(name)` is listed twice", at: span, hint: "list each key once")
    }

    static func columnShadowsKey(_ name: String, table: String, at span: Span, key: Span) -> Diagnostic {
        Diagnostic(code: "column-shadows-key", "`\(name)` is a key of `\(table)`; it cannot also be a formula", at: span,
                   hint: "key values come from the table's rows; give the formula another name",
                   notes: [.init(span: key, message: "the key")])
    }

    static func paramNotConstant(_ name: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "param-not-constant", "param `\(name)` must be a single value", at: span,
                   hint: "a param is an input such as `95%`, `21 days`, `2024-12-31` or \"weekly\"; put formulas in a table")
    }

    static func invalidDate(_ text: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "invalid-date", "`\(text)` is not a calendar date", at: span,
                   hint: "dates are written YYYY-MM-DD and must exist (months 01-12, days within the month)")
    }

    // MARK: Names

    static func cycle(_ path: [String], at span: Span, notes: [Note]) -> Diagnostic {
        Diagnostic(code: "cycle", "`\(path[0])` depends on itself: \(path.joined(separator: " -> "))", at: span,
                   hint: "break the cycle: one of these formulas must not read the others", notes: notes)
    }

    static func unknownName(_ name: String, table: String, candidates: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-name", "unknown name `\(name)` in table `\(table)`", at: span,
                   hint: Suggest.didYouMean(name, in: candidates)
                       ?? "a bare name is a column of `\(table)` or a param; write `table.column` for another table's column")
    }

    static func tableUsedAsValue(_ name: String, columns: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "table-as-value", "`\(name)` is a table, not a value", at: span,
                   hint: "name one of its columns, e.g. `\(name).\(columns.first(where: { _ in true }) ?? "column")`")
    }

    static func unknownTable(_ name: String, candidates: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-table", "unknown table `\(name)`", at: span,
                   hint: Suggest.didYouMean(name, in: candidates) ?? "the tables are \(list(candidates))")
    }

    static func unknownColumn(_ name: String, table: String, candidates: [String], isSource: Bool, at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-column", "table `\(table)` has no column `\(name)`", at: span,
                   hint: Suggest.didYouMean(name, in: candidates) ?? "its columns are \(list(candidates))")
    }

    // MARK: Keys

    static func needsAggregate(_ name: String, context: String, contextKeys: [String], extra: [String], isEvents: Bool,
                               type: VType, at span: Span) -> Diagnostic {
        let rowDesc = contextKeys.isEmpty ? "its one row" : "one row per \(list(contextKeys))"
        let fn = type == .bool ? "any" : type == .number ? "sum" : type == .date ? "max" : "count"
        let hint = isEvents && type == .number
            ? "aggregate it, e.g. `sum(\(name))` or over a window: `sum(\(name), last 21 days)`"
            : "aggregate it over \(isEvents ? "its rows" : list(extra)), e.g. `\(fn)(\(name))`"
        let message = isEvents
            ? "`\(name)` has many rows for each row of `\(context)` (\(rowDesc))"
            : "`\(name)` has several values for each row of `\(context)` (\(rowDesc)): \(list(extra)) \(extra.count == 1 ? "varies" : "vary")"
        return Diagnostic(code: "needs-aggregate", message, at: span, hint: hint)
    }

    /// `sum(po.qty)` in a table by sku, when `po` is keyed by po and has no sku column:
    /// matching nothing would silently read every row.
    static func noSharedKey(_ table: String, keys: [String], context: String, contextKeys: [String], reference: String,
                            total: String, name: String, isAggregate: Bool, at span: Span) -> Diagnostic {
        let what = isAggregate ? "`\(total)` would reduce every row of `\(table)` for each row of `\(context)`"
            : "`\(reference)` has many rows for each row of `\(context)`"
        let has = keys.isEmpty ? "`\(table)` has no key columns" : "`\(table)` has \(list(keys))"
        let mine = contextKeys.isEmpty ? "`\(context)` has none" : "`\(context)` has \(list(contextKeys))"
        return Diagnostic(code: "no-shared-key",
                          "\(what): the tables share no key to match rows on (\(has); \(mine))", at: span,
                          hint: "give `\(table)` a column named like a key of `\(context)`, or ask for a grand total "
                              + "explicitly: compute it in a table without keys, `table totals: \(name) = \(total)`, "
                              + "and read `totals.\(name)`")
    }

    static func indexNeedsColumn(at span: Span) -> Diagnostic {
        Diagnostic(code: "bad-index", "only a column can be indexed by key values", at: span,
                   hint: "write `table.column[\"KEY\"]`, e.g. `plan.order[\"SKU00012\"]`")
    }

    static func wrongKeyCount(_ table: String, keys: [String], found: Int, at span: Span) -> Diagnostic {
        if keys.isEmpty {
            return Diagnostic(code: "bad-index", "`\(table)` has no keys, so its cells cannot be picked by key", at: span,
                              hint: "refer to its column directly")
        }
        return Diagnostic(code: "bad-index", "`\(table)` is keyed by \(list(keys)): give \(keys.count) key value\(keys.count == 1 ? "" : "s"), found \(found)",
                          at: span, hint: "e.g. `\(table).column[\(keys.map { "\"\($0.uppercased())1\"" }.joined(separator: ", "))]`")
    }

    static func keyValueType(_ expected: VType, _ t: VType, at span: Span) -> Diagnostic {
        let hint: String
        switch expected.base {
        case .number: hint = "this key is an integer: write it without quotes, e.g. `[12]`"
        case .date: hint = "this key is a date: write it as one, e.g. `[2024-06-03]`"
        default: hint = "write key values in quotes: `[\"SKU00012\"]`"
        }
        return Diagnostic(code: "bad-index", "a key value must be \(keyKind(expected)), found \(t.withArticle)", at: span, hint: hint)
    }

    // MARK: Types

    static func badOperand(_ op: String, _ t: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "`\(op)` needs a number, found \(t.withArticle)", at: span)
    }

    static func nonBoolean(_ what: String, _ t: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "\(what) must be true or false, found \(t.withArticle)", at: span,
                   hint: t == .number ? "compare it, e.g. `x > 0`" : "compare it with `==`, or test `x is missing`")
    }

    static func branchMismatch(_ a: VType, _ b: VType, at span: Span, thenSpan: Span) -> Diagnostic {
        Diagnostic(code: "type", "the `else` branch is \(b.withArticle) but the `then` branch is \(a.withArticle)", at: span,
                   hint: "both branches must give the same type", notes: [.init(span: thenSpan, message: "the `then` branch")])
    }

    static func coalesceMismatch(_ a: VType, _ b: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "`??` replaces a missing \(a) with \(b.withArticle)", at: span,
                   hint: "the fallback must have the same type as the value, e.g. `x ?? 0`")
    }

    static func operandTypes(_ op: BinaryOp, _ a: VType, _ b: VType, at span: Span) -> Diagnostic {
        let verb: String
        switch op {
        case .add: verb = "add"
        case .subtract: verb = "subtract"
        case .multiply: verb = "multiply"
        case .divide: verb = "divide"
        case .power: verb = "raise"
        default: verb = "compare"
        }
        var hint: String? = nil
        if a == .text || b == .text {
            hint = op.isComparison ? "text compares only with text" : "text cannot take part in arithmetic; to show a value in a flag's message, write `{value}` inside the text"
        } else if (a == .date && b == .number) || (a == .number && b == .date) {
            hint = "add a duration: `7 days`, or `days(n)` for a number of days"
        } else if a == .bool || b == .bool {
            hint = "true/false values combine with `and`, `or` and `not`"
        }
        let message = op.isComparison
            ? "cannot compare \(a.withArticle) with \(b.withArticle) using `\(op.rawValue)`"
            : "cannot \(verb) \(a.withArticle) and \(b.withArticle) with `\(op.rawValue)`"
        return Diagnostic(code: "type", message, at: span, hint: hint)
    }

    // MARK: Calls

    static func unknownFunction(_ name: String, candidates: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-function", "unknown function `\(name)`", at: span,
                   hint: Suggest.didYouMean(name, in: candidates) ?? "`velo repl` and `help functions` list every function")
    }

    static func unknownNamedArgument(_ label: String, function: String, candidates: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-argument", "`\(function)` has no argument named `\(label)`", at: span,
                   hint: Suggest.didYouMean(label, in: candidates)
                       ?? (candidates.isEmpty ? "`\(function)` takes no named arguments" : "its named arguments are \(list(candidates))"))
    }

    static func windowInScalarCall(_ fn: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "window-in-scalar", "`\(fn)` does not take a time window", at: span,
                   hint: "windows go into aggregates: sum, avg, wavg, stdev, variance, min, max, count")
    }

    static func wrongArgumentCount(_ fn: String, signature: Builtin.Signature, found: Int, at span: Span) -> Diagnostic {
        let names = signature.parameters.map(\.name)
        let expected: String
        if names.isEmpty {
            return Diagnostic(code: "argument-count", "`\(fn)` takes no arguments, found \(found)", at: span,
                              hint: "write `\(signature.example)`")
        }
        if signature.variadic {
            expected = "at least \(signature.required) arguments"
        } else if signature.required == names.count {
            expected = "\(names.count) argument\(names.count == 1 ? "" : "s")"
        } else {
            expected = "\(signature.required) to \(names.count) arguments"
        }
        return Diagnostic(code: "argument-count", "`\(fn)` takes \(expected), found \(found)", at: span,
                          hint: "for example `\(signature.example)`")
    }

    static func argumentType(_ fn: String, parameter: String, expected: [VType], found: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "argument-type", "`\(fn)` expects \(orList(expected)) for `\(parameter)`, found \(found.withArticle)", at: span)
    }

    static func aggregateArity(_ fn: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "argument-count", "`\(fn)` takes one value and at most one time window", at: span,
                   hint: "for example `\(AggregateFunction(rawValue: fn)?.example ?? "sum(series.velocity)")`")
    }

    static func aggregateNeedsFinerTable(_ fn: String, context: String, hasWindow: Bool, at span: Span) -> Diagnostic {
        Diagnostic(code: "aggregate-level",
                   hasWindow ? "a time window needs a column of a dated table, e.g. `sales.units`"
                       : "`\(fn)` needs values from a more finely keyed table; this has one value per row of `\(context)`",
                   at: span,
                   hint: hasWindow ? "write the column with its table: `\(fn)(sales.units, last 21 days)`"
                       : "aggregate another table's column, e.g. `\(fn)(series.velocity)` in a table by sku")
    }

    static func aggregateMixesTables(_ fn: String, _ a: String, _ b: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "aggregate-level", "`\(fn)` reads rows of both `\(a)` and `\(b)`", at: span,
                   hint: "aggregate each table separately and combine the results")
    }

    static func aggregateArgumentType(_ fn: String, expected: [VType], found: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "argument-type", "`\(fn)` expects \(orList(expected)), found \(found.withArticle)", at: span,
                   hint: found == .bool ? "to count rows where something holds, write `count(...)` of a column, or `any(...)`" : nil)
    }

    static func wavgNeedsWindow(at span: Span) -> Diagnostic {
        Diagnostic(code: "wavg-window", "`wavg` weights days, so it needs a time window", at: span,
                   hint: "for example `wavg(sales.units, last 21 days, weights: linear)`")
    }

    static func wavgNeedsWeights(at span: Span) -> Diagnostic {
        Diagnostic(code: "wavg-weights", "`wavg` needs its weights: `weights: linear` or `half_life: 7 days`", at: span,
                   hint: "linear weights give the newest day weight N and the oldest 1")
    }

    static func badWeights(at span: Span) -> Diagnostic {
        Diagnostic(code: "wavg-weights", "`weights:` is `linear` or `exponential`", at: span,
                   hint: "exponential weights also need `half_life: 7 days`")
    }

    static func badHalfLife(at span: Span) -> Diagnostic {
        Diagnostic(code: "wavg-weights", "`half_life:` must be a positive duration such as `7 days`", at: span)
    }

    static func halfLifeWithLinear(at span: Span) -> Diagnostic {
        Diagnostic(code: "wavg-weights", "`half_life:` applies to exponential weights, not linear ones", at: span,
                   hint: "drop `half_life:` or write `weights: exponential`")
    }

    // MARK: Windows

    static func windowWithoutDates(_ table: String, isSource: Bool, at span: Span) -> Diagnostic {
        Diagnostic(code: "window-without-dates", "`\(table)` has no date column, so it cannot be read over a time window", at: span,
                   hint: isSource ? "windows need a table with one column of dates (YYYY-MM-DD)"
                       : "windows read a dated source table such as `sales`; aggregate that table instead")
    }

    static func badWindowLength(_ d: Double, ending: Bool, at span: Span) -> Diagnostic {
        let what = ending ? "`ending … ago`" : "a window"
        let message: String
        if d > 100_000 {
            message = "\(what) is at most 100000 days, found \(d.formatted)"
        } else if d != d.rounded() {
            message = "\(what) must be a whole number of days, found \(d.formatted)"
        } else {
            message = "a window is at least 1 day long, found \(d.formatted)"
        }
        return Diagnostic(code: "window-length", message, at: span,
                          hint: ending ? "for example `last 21 days ending 14 days ago`" : "for example `last 21 days` or `last 3 weeks`")
    }

    static func exponentialNeedsHalfLife(at span: Span) -> Diagnostic {
        Diagnostic(code: "wavg-weights", "exponential weights need a half-life", at: span,
                   hint: "add `half_life: 7 days`: a day 7 days older weighs half as much")
    }

    static func positionalOnly(_ fn: String, example: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-argument", "`\(fn)` takes its arguments by position, without names", at: span,
                   hint: "for example `\(example)`")
    }

    static func duplicateNamedArgument(_ label: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "duplicate-argument", "the argument `\(label)` is given twice", at: span,
                   hint: "give each named argument once")
    }

    static func windowAnchorNotDate(_ t: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "window-anchor", "a window is anchored at a date, found \(t.withArticle)", at: span,
                   hint: "for example `30 days after runs.date`")
    }

    // MARK: Rows

    static func fromWithoutKeys(_ table: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "rows", "`\(table)` has no keys, so it has exactly one row; `from` needs `by`", at: span,
                   hint: "write `table \(table) by sku from items:` or drop the `from` clause")
    }

    static func rowsSourceLacksKeys(_ source: String, table: String, missing: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "rows", "`\(source)` has no column \(list(missing)), so it cannot give the rows of `\(table)`", at: span,
                   hint: "take the rows from a table that has every key of `\(table)`")
    }

    static func rowsFromItself(_ table: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "rows", "`\(table)` cannot take its rows from itself", at: span)
    }

    static func rowsWindowMustBeLast(at span: Span) -> Diagnostic {
        Diagnostic(code: "rows", "a table's rows are chosen with `in last N days`", at: span,
                   hint: "for example `from sales in last 35 days`")
    }

    static func cannotInferRows(_ table: String, keys: [String], candidates: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "rows", "cannot tell which rows `\(table)` has: none of the data it reads has the column\(keys.count == 1 ? "" : "s") \(list(keys))",
                   at: span, hint: candidates.isEmpty ? "say where the rows come from: `table \(table) by \(keys.joined(separator: ", ")) from TABLE:`"
                       : "say where the rows come from, e.g. `table \(table) by \(keys.joined(separator: ", ")) from \(candidates[0]):`")
    }

    static func rowsCycle(_ names: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "cycle", "the rows of `\(names[0])` come from themselves: \(names.joined(separator: " -> "))", at: span,
                   hint: "take the rows of one of these tables from a source table")
    }

    // MARK: Flags

    static func unknownSeverity(_ s: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-severity", "unknown severity `\(s)`", at: span,
                   hint: Suggest.didYouMean(s, in: FlagSeverity.allCases.map(\.rawValue)) ?? "the severities are error, warning and info")
    }

    static func badFormat(_ f: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "bad-format", "unknown format `\(f)`", at: span,
                   hint: "formats are `%` (percent), `.2` (decimals), `+` (always show the sign), combined as in `+.1%`")
    }

    static func formatNeedsNumber(_ f: String, _ t: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "bad-format", "the format `\(f)` applies to numbers, found \(t.withArticle)", at: span)
    }
}

extension Double {
    /// `21`, `1.5`: for messages.
    var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
