// Operators over vectors: arithmetic, comparisons, logic, `??`.

import VeloCheck
import VeloSyntax

extension Evaluator {
    func binary(_ op: BinaryOp, _ a: CExpr, _ b: CExpr, type: VType, context: TableRef, rows: [Int32]?) -> Vector {
        let x = evaluate(a, in: context, rows: rows)
        let y = evaluate(b, in: context, rows: rows)
        let n = x.count
        switch op {
        case .coalesce:
            return coalesce(x, y)
        case .and, .or:
            let p = x.bools, q = y.bools
            var out = [UInt8](repeating: 0, count: n)
            for i in 0..<n {
                if op == .and {
                    out[i] = (p[i] == 0 || q[i] == 0) ? 0 : (p[i] == 2 || q[i] == 2) ? 2 : 1
                } else {
                    out[i] = (p[i] == 1 || q[i] == 1) ? 1 : (p[i] == 2 || q[i] == 2) ? 2 : 0
                }
            }
            return Vector(.bool(out))
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return compare(op, x, y)
        case .add, .subtract, .multiply, .divide, .power:
            return arithmetic(op, x, y, type: type, context: context, rows: rows)
        }
    }

    /// A comparison with a missing operand is false.
    func compare(_ op: BinaryOp, _ x: Vector, _ y: Vector) -> Vector {
        let n = x.count
        var out = [UInt8](repeating: 0, count: n)
        func decide(_ less: Bool, _ equal: Bool) -> UInt8 {
            let r: Bool
            switch op {
            case .equal: r = equal
            case .notEqual: r = !equal
            case .less: r = less
            case .lessEqual: r = less || equal
            case .greater: r = !less && !equal
            default: r = !less
            }
            return r ? 1 : 0
        }
        switch (x.values, y.values) {
        case (.number(let a), .number(let b)):
            for i in 0..<n where !a[i].isNaN && !b[i].isNaN {
                let eq = NumberComparison.equal(a[i], b[i])
                out[i] = decide(!eq && a[i] < b[i], eq)
            }
        case (.date(let a), .date(let b)):
            for i in 0..<n where a[i] != Values.missingDate && b[i] != Values.missingDate {
                out[i] = decide(a[i] < b[i], a[i] == b[i])
            }
        case (.text(let a), .text(let b)):
            for i in 0..<n where a[i] >= 0 && b[i] >= 0 {
                if a[i] == b[i] {
                    out[i] = decide(false, true)
                } else if op == .equal || op == .notEqual {
                    out[i] = decide(false, false)
                } else {
                    out[i] = decide(interner.string(a[i]) < interner.string(b[i]), false)
                }
            }
        case (.bool(let a), .bool(let b)):
            for i in 0..<n where a[i] != 2 && b[i] != 2 {
                out[i] = decide(a[i] < b[i], a[i] == b[i])
            }
        default:
            break   // a bare `missing` on one side: every comparison is false
        }
        return Vector(.bool(out))
    }

    func coalesce(_ x: Vector, _ y: Vector) -> Vector {
        var out = x
        out.reasons = [:]
        switch (x.values, y.values) {
        case (.number(var a), .number(let b)):
            for i in a.indices where a[i].isNaN { a[i] = b[i]; if let r = y.reasons[i] { out.reasons[i] = r } }
            out.values = .number(a)
        case (.text(var a), .text(let b)):
            for i in a.indices where a[i] < 0 { a[i] = b[i]; if let r = y.reasons[i] { out.reasons[i] = r } }
            out.values = .text(a)
        case (.date(var a), .date(let b)):
            for i in a.indices where a[i] == Values.missingDate { a[i] = b[i]; if let r = y.reasons[i] { out.reasons[i] = r } }
            out.values = .date(a)
        case (.bool(var a), .bool(let b)):
            for i in a.indices where a[i] == 2 { a[i] = b[i]; if let r = y.reasons[i] { out.reasons[i] = r } }
            out.values = .bool(a)
        default:
            // One side is a bare `missing` (number-typed): the other side's type wins.
            if x.values.isNumber { return y }
            return x.masked(where: { x.values.isMissing($0) }, reasonsFrom: y)
        }
        return out
    }

    func arithmetic(_ op: BinaryOp, _ x: Vector, _ y: Vector, type: VType, context: TableRef, rows: [Int32]?) -> Vector {
        let n = x.count
        // Dates: date ± duration, date - date.
        if case .date(let a) = x.values {
            if case .date(let b) = y.values {
                var out = [Double](repeating: .nan, count: n)
                for i in 0..<n where a[i] != Values.missingDate && b[i] != Values.missingDate { out[i] = Double(a[i]) - Double(b[i]) }
                return withReasons(Vector(.number(out)), x, y)
            }
            let d = y.numbers
            var out = [Int32](repeating: Values.missingDate, count: n)
            var overflowed: [Int] = []
            for i in 0..<n where a[i] != Values.missingDate && d[i].isFinite {
                // Whole days: the fraction of a duration is dropped (toward zero).
                let shift = (op == .subtract ? -1 : 1) * d[i].rounded(.towardZero)
                let r = Double(a[i]) + shift
                if abs(r) < 3_000_000 { out[i] = Int32(r) } else { overflowed.append(i) }
            }
            return outOfRange(withReasons(Vector(.date(out)), x, y), overflowed, context: context, rows: rows)
        }
        if case .date(let b) = y.values {   // duration + date
            let d = x.numbers
            var out = [Int32](repeating: Values.missingDate, count: n)
            var overflowed: [Int] = []
            for i in 0..<n where b[i] != Values.missingDate && d[i].isFinite {
                let r = Double(b[i]) + d[i].rounded(.towardZero)
                if abs(r) < 3_000_000 { out[i] = Int32(r) } else { overflowed.append(i) }
            }
            return outOfRange(withReasons(Vector(.date(out)), x, y), overflowed, context: context, rows: rows)
        }
        let a = x.numbers, b = y.numbers
        var out = [Double](repeating: 0, count: n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    switch op {
                    case .add: for i in 0..<n { o[i] = a[i] + b[i] }
                    case .subtract: for i in 0..<n { o[i] = a[i] - b[i] }
                    case .multiply: for i in 0..<n { o[i] = a[i] * b[i] }
                    case .divide: for i in 0..<n { o[i] = a[i] / b[i] }
                    default: for i in 0..<n { o[i] = Evaluator.power(a[i], b[i]) }
                    }
                }
            }
        }
        var v = Vector(.number(out))
        for i in 0..<n where !out[i].isFinite {
            out[i] = .nan
            if let r = x.reasons[i] ?? y.reasons[i] {
                v.reasons[i] = r
            } else if a[i].isNaN || b[i].isNaN {
                v.reasons[i] = reason(.noValue, context: context, row: rowAt(rows, i))
            } else if op == .divide && b[i] == 0 {
                v.reasons[i] = reason(.divisionByZero, context: context, row: rowAt(rows, i))
            } else {
                v.reasons[i] = reason(.notFinite, context: context, row: rowAt(rows, i))
            }
        }
        v.values = .number(out)
        return v
    }

    /// `x ^ y`, with integer exponents computed by repeated multiplication so that `s ^ 2`
    /// is exactly `s * s`.
    @inline(__always)
    static func power(_ x: Double, _ y: Double) -> Double {
        if y == 2 { return x * x }
        if y == 1 { return x }
        if y == 0.5 { return x < 0 ? .nan : x.squareRoot() }
        return libmPow(x, y)
    }

    /// Date arithmetic past the calendar: those cells are missing with that reason.
    func outOfRange(_ v: Vector, _ cells: [Int], context: TableRef, rows: [Int32]?) -> Vector {
        guard !cells.isEmpty else { return v }
        var out = v
        for i in cells { out.reasons[i] = reason(.dateOutOfRange, context: context, row: rowAt(rows, i)) }
        return out
    }

    /// Result missing where either operand is missing, with its reason.
    func withReasons(_ v: Vector, _ x: Vector, _ y: Vector) -> Vector {
        var out = v
        for i in 0..<v.count where v.values.isMissing(i) {
            if let r = x.reasons[i] ?? y.reasons[i] { out.reasons[i] = r }
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func libmPow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
import Darwin
@inline(__always) func libmPow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
