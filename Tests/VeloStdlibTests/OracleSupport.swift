// Loading the oracle vectors (copied verbatim from shared/oracles into Oracles/) and comparing
// doubles. The JSON is decoded into a small Sendable tree so test cases can be passed straight
// to `@Test(arguments:)`; "Infinity"/"-Infinity"/"NaN" strings and null are read as the README
// describes (null = undefined, which our kernels express as nil).
import Foundation
import Testing
import VeloData

/// A decoded JSON value.
enum JSON: Decodable, Sendable, CustomTestStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }

    subscript(key: String) -> JSON {
        if case .object(let o) = self, let v = o[key] { return v }
        Issue.record("missing key \(key)")
        return .null
    }

    /// The value at `key`, or nil when the object has no such key (no issue recorded).
    func optional(_ key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var array: [JSON] {
        if case .array(let a) = self { return a }
        Issue.record("not an array: \(self)")
        return []
    }

    /// A number; "Infinity", "-Infinity" and "NaN" strings become the IEEE values; null is nil.
    var optionalDouble: Double? {
        switch self {
        case .number(let d): return d
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string("NaN"): return .nan
        case .null: return nil
        default:
            Issue.record("not a number: \(self)")
            return nil
        }
    }

    var double: Double {
        guard let d = optionalDouble else {
            Issue.record("unexpected null")
            return .nan
        }
        return d
    }

    var int: Int { Int(exactly: double) ?? Int.min }

    var string: String {
        if case .string(let s) = self { return s }
        Issue.record("not a string: \(self)")
        return ""
    }

    var doubles: [Double] { array.map(\.double) }

    /// A day number parsed from an ISO date string.
    var day: Int32 {
        guard let d = CivilDateParse.day(string) else {
            Issue.record("bad date \(self)")
            return 0
        }
        return d
    }

    var testDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return "\(b)"
        case .number(let d): return "\(d)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.testDescription).joined(separator: ", ") + "]"
        case .object(let o):
            if case .string(let id)? = o["id"] { return id }
            let keys = o.keys.sorted().filter { key in
                if case .number = o[key]! { return true }
                if case .string = o[key]! { return true }
                return false
            }.prefix(4)
            return "{" + keys.map { "\($0): \(o[$0]!.testDescription)" }.joined(separator: ", ") + "}"
        }
    }
}

enum CivilDateParse {
    static func day(_ iso: String) -> Int32? { CivilDate(iso: iso)?.day }
}

enum Oracle {
    /// The oracle file `name` from the Oracles folder next to this source file.
    static func load(_ name: String, filePath: String = #filePath) -> JSON {
        let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("Oracles").appendingPathComponent(name)
        do {
            let data = try Data(contentsOf: url)
            return try JSONDecoder().decode(JSON.self, from: data)
        } catch {
            Issue.record("cannot load oracle \(name): \(error)")
            return .null
        }
    }

    /// The list `list` of oracle file `name`.
    static func cases(_ name: String, _ list: String = "cases") -> [JSON] {
        load(name)[list].array
    }
}

/// Distance in units in the last place between two finite doubles (0 when equal, also for ±0).
func ulpDistance(_ a: Double, _ b: Double) -> UInt64 {
    func ordered(_ x: Double) -> Int64 {
        let bits = Int64(bitPattern: x.bitPattern)
        return bits < 0 ? Int64.min &- bits : bits
    }
    let (da, db) = (ordered(a), ordered(b))
    return da >= db ? UInt64(bitPattern: da &- db) : UInt64(bitPattern: db &- da)
}

/// Relative error |got − want|/|want| (absolute error when want is 0).
func relativeError(_ got: Double, _ want: Double) -> Double {
    if got == want { return 0 }
    return want == 0 ? abs(got) : abs(got - want) / abs(want)
}

/// True when both are nil, or both are numbers within `rel`·|want| or `abs` of each other.
func isClose(_ got: Double?, _ want: Double?, rel: Double, abs absTol: Double = 0) -> Bool {
    switch (got, want) {
    case (nil, nil): return true
    case let (g?, w?):
        if g == w { return true }
        return Swift.abs(g - w) <= Swift.max(rel * Swift.abs(w), absTol)
    default: return false
    }
}

/// `#expect(isClose(...))` with a message that shows both values.
func expectClose(
    _ got: Double?, _ want: Double?, rel: Double, abs absTol: Double = 0, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(isClose(got, want, rel: rel, abs: absTol),
            "\(what): got \(got.map { "\($0)" } ?? "nil"), want \(want.map { "\($0)" } ?? "nil")",
            sourceLocation: sourceLocation)
}
