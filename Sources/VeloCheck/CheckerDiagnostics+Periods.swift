// The checker's messages about period tables and reads along time. Pinned by the golden
// files under Tests/Fixtures/diagnostics (period_*.velo).

import VeloSyntax

extension Diagnostic {
    static func unknownPeriodUnit(_ name: String, at span: Span) -> Diagnostic {
        let units = PeriodAxis.Unit.allCases.map(\.rawValue)
        return Diagnostic(code: "periods", "unknown calendar `\(name)`", at: span,
                   hint: Suggest.didYouMean(name, in: units) ?? "periods are \(list(units)), as in `over weeks(12)`")
    }

    static func badHorizon(_ unit: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "the horizon must be a whole number of periods, a duration or a param holding one", at: span,
                   hint: unit == "months" ? "write `over months(6)`, or `over months(horizon)` with `param horizon = 6`"
                       : "write `over \(unit)(12)`, `over \(unit)(horizon)` with `param horizon = 12`, or a duration such as `over \(unit)(12 weeks)`")
    }

    static func periodTableNeedsKey(_ table: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "`\(table)` has periods but no key to number them", at: span,
                   hint: "name the period key last in `by`: `table \(table) by sku, week from items over weeks(12):`")
    }

    static func periodKeyFromRows(_ key: String, source: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "the period key `\(key)` is also a column of `\(source)`", at: span,
                   hint: "the periods come from the calendar; rename the key (e.g. `period`) or take the rows from a table without `\(key)`")
    }

    static func timeReadOutsidePeriods(_ fn: String, table: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "`\(fn)` reads along time, but `\(table)` is not a period table", at: span,
                   hint: "use it in a table declared `over weeks(…)` (or another calendar)")
    }

    static func timeReadNeedsColumn(_ fn: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "`\(fn)` reads a column of this table along time", at: span,
                   hint: "name a column of the table, as in `\(fn == "shift" ? "shift(planned_receipt, lt_weeks)" : fn + "(closing" + (fn == "previous" ? ", first: 0)" : ")"))`")
    }

    static func previousNeedsFirst(at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "a recurrence needs its first period's value", at: span,
                   hint: "give it with `first:`, as in `opening = previous(closing, first: inventory.on_hand ?? 0)`")
    }

    static func previousTypeMismatch(_ column: String, _ columnType: VType, _ firstType: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "`\(column)` is \(columnType.withArticle) but the first period's value is \(firstType.withArticle)", at: span,
                   hint: "give `first:` a value of the column's type")
    }

    static func shiftNotWhole(at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "a shift must be a whole number of periods", at: span,
                   hint: "write `shift(x, 2)` or a column of whole numbers such as `ceil(items.lead_time_days / 7)`")
    }

    static func shiftNotNumber(_ type: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "a shift is a number of periods, not \(type.withArticle)", at: span,
                   hint: "for a lead time in days, count the periods: `ceil(items.lead_time_days / 7)`")
    }

    static func timeReadArity(_ fn: String, example: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "arguments", "wrong arguments for `\(fn)`", at: span, hint: "write `\(example)`")
    }

    static func firstPeriodNeedsPeriods(at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "`first_period` needs a condition on a period table", at: span,
                   hint: "for example `stockout_week = first_period(projection.closing < 0)` in a table by sku")
    }

    static func firstPeriodNotCondition(_ type: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "`first_period` needs a condition (true or false), not \(type.withArticle)", at: span,
                   hint: "compare it, as in `stockout_week = first_period(closing < 0)`")
    }

    static func badEarly(at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "`early:` is `first` (count rows dated before the first period in it) or `drop`", at: span,
                   hint: "for example `sum(purchase_orders.qty, early: first)`")
    }

    static func earlyWithoutPeriods(at span: Span) -> Diagnostic {
        Diagnostic(code: "periods", "`early:` applies to event rows summed into a period table", at: span,
                   hint: "use it in a table declared `over weeks(…)`, over an event table with a date column")
    }
}
