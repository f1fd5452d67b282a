// The standard library as the checker sees it: one exhaustive list of builtin functions
// with declarative signatures. The engine dispatches on these enums with one `switch`, so
// a builtin without an implementation does not compile.

/// Scalar functions: one value per row in, one value out.
public enum Builtin: String, CaseIterable, Sendable {
    // Math and rounding
    case sqrt, abs, ceil, floor, round, exp, ln, log10, roundup, rounddown, min, max
    // Statistics
    case z, normcdf, normpdf, loss
    // Inventory
    case eoq
    // Dates
    case asof, days, weekday, week_start, month_start, year, month, day, iso_week, days_between

    public struct Signature: Sendable {
        /// Parameter names and the types each accepts.
        public var parameters: [(name: String, types: [VType])]
        /// How many leading parameters are required; the rest are optional.
        public var required: Int
        /// The last parameter repeats (min, max).
        public var variadic: Bool
        /// Result type; nil means "the type of the first argument".
        public var result: VType?
        public var summary: String
        public var example: String
    }

    public var signature: Signature {
        let n: [VType] = [.number]
        func sig(_ p: [(String, [VType])], required: Int? = nil, variadic: Bool = false, _ result: VType?,
                 _ summary: String, _ example: String) -> Signature {
            Signature(parameters: p.map { (name: $0.0, types: $0.1) }, required: required ?? p.count, variadic: variadic,
                      result: result, summary: summary, example: example)
        }
        switch self {
        case .sqrt: return sig([("x", n)], .number, "square root (missing for a negative number)", "sqrt(sum(series.sigma ^ 2))")
        case .abs: return sig([("x", n)], .number, "absolute value", "abs(change)")
        case .ceil: return sig([("x", n)], .number, "smallest whole number not below x", "ceil(need)")
        case .floor: return sig([("x", n)], .number, "largest whole number not above x", "floor(cover_days)")
        case .round: return sig([("x", n), ("digits", n)], required: 1, .number,
                                "round half away from zero, to `digits` decimals (default 0)", "round(velocity, 1)")
        case .exp: return sig([("x", n)], .number, "e to the power x", "exp(-days / 30)")
        case .ln: return sig([("x", n)], .number, "natural logarithm (missing for x <= 0)", "ln(growth)")
        case .log10: return sig([("x", n)], .number, "base-10 logarithm (missing for x <= 0)", "log10(units)")
        case .roundup: return sig([("x", n), ("multiple", n)], .number,
                                  "smallest multiple of `multiple` that is >= x; floating-point noise never adds a case",
                                  "roundup(max(need, items.moq), items.case_pack)")
        case .rounddown: return sig([("x", n), ("multiple", n)], .number, "largest multiple of `multiple` that is <= x",
                                    "rounddown(on_hand, items.case_pack)")
        case .min: return sig([("a", [.number, .date, .duration]), ("b", [.number, .date, .duration])], variadic: true, nil,
                              "the smallest of two or more values (with one argument: an aggregate)", "min(need, 500)")
        case .max: return sig([("a", [.number, .date, .duration]), ("b", [.number, .date, .duration])], variadic: true, nil,
                              "the largest of two or more values (with one argument: an aggregate)", "max(0, target - on_hand)")
        case .z: return sig([("p", n)], .number, "inverse standard normal CDF: the z-score of a service level",
                            "z(service_level)")
        case .normcdf: return sig([("x", n)], .number, "standard normal CDF", "normcdf(1.96)")
        case .normpdf: return sig([("x", n)], .number, "standard normal density", "normpdf(0)")
        case .loss: return sig([("z", n)], .number, "standard normal loss function G(z) = E[(Z - z)+]",
                               "sigma_lt * loss(k)")
        case .eoq: return sig([("annual_demand", n), ("order_cost", n), ("holding_cost", n)], .number,
                              "economic order quantity sqrt(2·D·K / h)", "eoq(demand * 365, 150, items.unit_cost * 25%)")
        case .asof: return sig([], .date, "the as-of date of the plan (latest sales date unless set)", "asof()")
        case .days: return sig([("n", n)], .duration, "a number of days as a duration", "runs.date + days(items.lead_time_days)")
        case .weekday: return sig([("d", [.date])], .number, "ISO weekday: Monday 1 ... Sunday 7", "weekday(runs.date)")
        case .week_start: return sig([("d", [.date])], .date, "the Monday on or before d", "week_start(runs.date)")
        case .month_start: return sig([("d", [.date])], .date, "the first day of d's month", "month_start(runs.date)")
        case .year: return sig([("d", [.date])], .number, "calendar year", "year(runs.date)")
        case .month: return sig([("d", [.date])], .number, "month 1-12", "month(runs.date)")
        case .day: return sig([("d", [.date])], .number, "day of the month", "day(runs.date)")
        case .iso_week: return sig([("d", [.date])], .number, "ISO 8601 week number", "iso_week(runs.date)")
        case .days_between: return sig([("from", [.date]), ("to", [.date])], .number, "to - from in days (signed)",
                                       "days_between(runs.date, asof())")
        }
    }
}

/// Functions that reduce many rows (or the days of a time window) to one value.
public enum AggregateFunction: String, CaseIterable, Sendable {
    case sum, avg, wavg, stdev, variance, min, max, count, any, all

    /// The types the aggregated value may have.
    public var argumentTypes: [VType] {
        switch self {
        case .sum, .avg, .wavg, .stdev, .variance: return [.number]
        case .min, .max: return [.number, .date]
        case .count: return [.number, .text, .date, .bool, .duration]
        case .any, .all: return [.bool]
        }
    }

    /// The result type for an argument of type `t`.
    public func resultType(for t: VType) -> VType {
        switch self {
        case .min, .max: return t
        case .any, .all: return .bool
        default: return .number
        }
    }

    /// Named arguments the aggregate accepts.
    public var namedArguments: [String] {
        self == .wavg ? ["weights", "half_life"] : []
    }

    public var summary: String {
        switch self {
        case .sum: return "total over the rows (or the days of a window)"
        case .avg: return "mean; over a window, the total divided by the window's days (missing days count as 0)"
        case .wavg: return "weighted mean per day over a window: `weights: linear` (newest day heaviest) or `half_life: 7 days`"
        case .stdev: return "sample standard deviation (n-1); over a window, of the daily totals"
        case .variance: return "sample variance (n-1); over a window, of the daily totals"
        case .min: return "smallest value (over a window: smallest daily total)"
        case .max: return "largest value (over a window: largest daily total)"
        case .count: return "number of rows with a value"
        case .any: return "true when the condition holds for at least one row"
        case .all: return "true when the condition holds for every row"
        }
    }

    public var example: String {
        switch self {
        case .sum: return "sum(series.velocity)"
        case .avg: return "avg(sales.units, last 28 days)"
        case .wavg: return "wavg(sales.units, last 21 days, weights: linear)"
        case .stdev: return "stdev(sales.units, last 21 days)"
        case .variance: return "variance(sales.units, last 21 days)"
        case .min: return "min(series.cover_days)"
        case .max: return "max(sales.units, last 7 days)"
        case .count: return "count(sales.units, last 35 days)"
        case .any: return "any(series.exception)"
        case .all: return "all(series.velocity > 0)"
        }
    }
}

/// The weighting of `wavg`.
public enum Weighting: Sendable, Equatable {
    /// Weight N for the newest day down to 1 for the oldest.
    case linear
    /// Weight 0.5^(age / halfLife), age 0 = the newest day.
    case exponential(halfLifeDays: Double)
}
