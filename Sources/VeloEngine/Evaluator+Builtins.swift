// Scalar builtins: one `switch` over `Builtin`, so a builtin without an implementation does
// not compile. The numeric kernels live in VeloStdlib.

import VeloCheck
import VeloData
import VeloStdlib

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension Evaluator {
    func call(_ builtin: Builtin, _ args: [Vector], type: VType, context: TableRef, rows: [Int32]?) -> Vector {
        let n = rowCount(context, rows)
        /// Maps number arguments to a number; nil (or a result that is not finite) from `f`
        /// means the builtin is undefined here.
        func numeric(_ f: ([Double]) -> Double?) -> Vector {
            let cols = args.map(\.numbers)
            var out = [Double](repeating: .nan, count: n)
            var v = Vector(.number([]))
            var xs = [Double](repeating: 0, count: cols.count)
            for i in 0..<n {
                var missing: MissingReason? = nil
                var anyMissing = false
                for (k, c) in cols.enumerated() {
                    xs[k] = c[i]
                    if c[i].isNaN {
                        anyMissing = true
                        if missing == nil { missing = args[k].reasons[i] }
                    }
                }
                if anyMissing {
                    v.reasons[i] = missing ?? reason(.noValue, context: context, row: rowAt(rows, i))
                    continue
                }
                if let r = f(xs), r.isFinite {
                    out[i] = r
                } else {
                    v.reasons[i] = reason(.outsideDomain(builtin), context: context, row: rowAt(rows, i))
                }
            }
            v.values = .number(out)
            return v
        }
        func dates(_ f: (Int32) -> Double?) -> Vector {
            let d = args[0].ids
            var out = [Double](repeating: .nan, count: n)
            var v = Vector(.number([]))
            for i in 0..<n {
                if d[i] == Values.missingDate { v.reasons[i] = args[0].reasons[i]; continue }
                out[i] = f(d[i]) ?? .nan
            }
            v.values = .number(out)
            return v
        }
        func dateToDate(_ f: (Int32) -> Int32) -> Vector {
            let d = args[0].ids
            var v = Vector(.date(d.map { $0 == Values.missingDate ? $0 : f($0) }))
            v.reasons = args[0].reasons
            return v
        }
        switch builtin {
        case .sqrt: return numeric { $0[0] >= 0 ? $0[0].squareRoot() : nil }
        case .abs: return numeric { Swift.abs($0[0]) }
        case .ceil: return numeric { $0[0].rounded(.up) }
        case .floor: return numeric { $0[0].rounded(.down) }
        case .round:
            return numeric { x in
                x.count > 1 ? Rounding.round(x[0], digits: Int(x[1].rounded())) : x[0].rounded(.toNearestOrAwayFromZero)
            }
        case .exp: return numeric { Glibc_exp($0[0]) }
        case .ln: return numeric { $0[0] > 0 ? Glibc_log($0[0]) : nil }
        case .log10: return numeric { $0[0] > 0 ? Glibc_log10($0[0]) : nil }
        case .roundup: return numeric { Rounding.roundUp($0[0], toMultiple: $0[1]) }
        case .rounddown: return numeric { Rounding.roundDown($0[0], toMultiple: $0[1]) }
        case .min, .max:
            if case .date = args[0].values {
                let cols = args.map(\.ids)
                var out = [Int32](repeating: Values.missingDate, count: n)
                var v = Vector(.date([]))
                for i in 0..<n {
                    var best: Int32? = nil
                    var missing: MissingReason? = nil
                    var anyMissing = false
                    for (k, c) in cols.enumerated() {
                        if c[i] == Values.missingDate { anyMissing = true; missing = missing ?? args[k].reasons[i]; continue }
                        best = best.map { builtin == .min ? Swift.min($0, c[i]) : Swift.max($0, c[i]) } ?? c[i]
                    }
                    if anyMissing { v.reasons[i] = missing ?? reason(.noValue, context: context, row: rowAt(rows, i)) } else { out[i] = best! }
                }
                v.values = .date(out)
                return v
            }
            return numeric { xs in builtin == .min ? xs.min() : xs.max() }
        case .z:
            return numeric { StandardNormal.ppf($0[0]) }
        case .normcdf: return numeric { StandardNormal.cdf($0[0]) }
        case .normpdf: return numeric { StandardNormal.pdf($0[0]) }
        case .loss: return numeric { StandardNormal.loss($0[0]) }
        case .eoq:
            return numeric { x in
                Inventory.eoq(fixedCostPerOrder: x[1], holdingCostPerUnitPerYear: x[2], demandPerYear: x[0])
            }
        case .asof:
            var v = Vector(.date(Array(repeating: asOf ?? Values.missingDate, count: n)))
            if asOf == nil {
                for i in 0..<n { v.reasons[i] = reason(.noAsOfDate, context: context, row: rowAt(rows, i)) }
            }
            return v
        case .days: return numeric { $0[0] }
        case .weekday: return dates { Double(DateMath.isoWeekday($0)) }
        case .week_start: return dateToDate { DateMath.weekStartMonday($0) }
        case .month_start: return dateToDate { DateMath.monthStart($0) }
        case .year: return dates { Double(DateMath.year($0)) }
        case .month: return dates { Double(DateMath.month($0)) }
        case .day: return dates { Double(DateMath.day($0)) }
        case .iso_week: return dates { Double(DateMath.isoWeek($0)) }
        case .days_between:
            let a = args[0].ids, b = args[1].ids
            var out = [Double](repeating: .nan, count: n)
            var v = Vector(.number([]))
            for i in 0..<n {
                if a[i] == Values.missingDate || b[i] == Values.missingDate {
                    v.reasons[i] = args[0].reasons[i] ?? args[1].reasons[i]
                    continue
                }
                out[i] = Double(DateMath.daysBetween(a[i], b[i]))
            }
            v.values = .number(out)
            return v
        }
    }
}

@inline(__always) func Glibc_exp(_ x: Double) -> Double { exp(x) }
@inline(__always) func Glibc_log(_ x: Double) -> Double { log(x) }
@inline(__always) func Glibc_log10(_ x: Double) -> Double { log10(x) }
