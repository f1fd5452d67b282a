// The types of Velo values.
//
// Number (a Double), text, date, bool and duration (a whole or fractional number of days).
// Percentages are numbers. `VType` is a struct rather than a bare enum so that units of
// measure (units, days, units/day, money) can be added as a field without touching every
// switch over the base types.

public struct VType: Hashable, Sendable, CustomStringConvertible {
    public enum Base: String, Sendable, CaseIterable {
        case number, text, date, bool, duration
        /// The type of a bare `missing`: it takes the type of whatever it is combined with.
        case unknown
    }

    public var base: Base

    public init(_ base: Base) { self.base = base }

    public static let number = VType(.number)
    public static let text = VType(.text)
    public static let date = VType(.date)
    public static let bool = VType(.bool)
    public static let duration = VType(.duration)
    public static let unknown = VType(.unknown)

    public var description: String {
        switch base {
        case .number: return "number"
        case .text: return "text"
        case .date: return "date"
        case .bool: return "true/false"
        case .duration: return "duration"
        case .unknown: return "missing"
        }
    }

    /// "a number", "a text", ... for messages.
    public var withArticle: String {
        switch base {
        case .number: return "a number"
        case .text: return "a text"
        case .date: return "a date"
        case .bool: return "a true/false value"
        case .duration: return "a duration"
        case .unknown: return "a missing value"
        }
    }

    /// The common type of two branches (`if`, `??`): equal types, or a bare `missing` on one side.
    public func unified(with other: VType) -> VType? {
        if self == other { return self }
        if base == .unknown { return other }
        if other.base == .unknown { return self }
        return nil
    }
}

/// A constant value.
public enum Literal: Sendable, Equatable {
    case number(Double)
    case text(String)
    /// Days since 1970-01-01.
    case date(Int32)
    case bool(Bool)
    /// Days.
    case duration(Double)
    case missing(reason: String?)

    public var type: VType {
        switch self {
        case .number: return .number
        case .text: return .text
        case .date: return .date
        case .bool: return .bool
        case .duration: return .duration
        case .missing: return .unknown
        }
    }
}
