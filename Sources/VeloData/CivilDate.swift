// Calendar dates as a count of days since 1970-01-01 (proleptic Gregorian, no time zone).
//
// Every date in Velo — in data, in literals, in windows — is one `Int32` day number, so
// date arithmetic is integer arithmetic and a date column is a plain `[Int32]`.
// The conversions follow Howard Hinnant's `days_from_civil` / `civil_from_days`.

/// A calendar date stored as days since 1970-01-01.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public var day: Int32

    /// The date `day` days after 1970-01-01.
    public init(day: Int32) { self.day = day }

    /// The date `year-month-day`, or nil when that day does not exist (2023-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month),
              (-9999...9999).contains(year) else { return nil }
        self.day = Int32(CivilDate.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard let d = bytes.withUnsafeBufferPointer({ CivilDate.parseISO($0) }) else { return nil }
        self = d
    }

    /// Parses exactly ten bytes `YYYY-MM-DD`; nil on any other shape or an impossible day.
    public static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard let p = b.baseAddress, case .day(let day) = readISO(p, b.count) else { return nil }
        return CivilDate(day: day)
    }

    /// What `n` bytes at `p` are, read as `YYYY-MM-DD`. The CSV reader uses this directly.
    @inline(__always)
    static func readISO(_ p: UnsafePointer<UInt8>, _ n: Int) -> ISODateReading {
        guard n == 10, p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") else { return .notADate }
        let zero = UInt8(ascii: "0")
        let y0 = p[0] &- zero, y1 = p[1] &- zero, y2 = p[2] &- zero, y3 = p[3] &- zero
        let m0 = p[5] &- zero, m1 = p[6] &- zero, d0 = p[8] &- zero, d1 = p[9] &- zero
        guard y0 < 10, y1 < 10, y2 < 10, y3 < 10, m0 < 10, m1 < 10, d0 < 10, d1 < 10 else { return .notADate }
        let year = Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3)
        let month = Int(m0) * 10 + Int(m1)
        let day = Int(d0) * 10 + Int(d1)
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year: year, month: month) else {
            return .impossible
        }
        return .day(Int32(daysFromCivil(year: year, month: month, day: day)))
    }

    /// The calendar year, month (1–12) and day of the month (1–31).
    public var components: (year: Int, month: Int, day: Int) {
        CivilDate.civilFromDays(Int(day))
    }

    /// `YYYY-MM-DD` (years outside 0...9999 get as many digits as needed and a sign).
    public var iso: String {
        let (y, m, d) = components
        guard (0...9999).contains(y) else {
            let digits = String(abs(y))
            let year = (y < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            return year + "-" + (m < 10 ? "0" : "") + String(m) + "-" + (d < 10 ? "0" : "") + String(d)
        }
        return String(unsafeUninitializedCapacity: 10) { out in
            let zero = UInt8(ascii: "0")
            out[0] = zero + UInt8(y / 1000)
            out[1] = zero + UInt8(y / 100 % 10)
            out[2] = zero + UInt8(y / 10 % 10)
            out[3] = zero + UInt8(y % 10)
            out[4] = UInt8(ascii: "-")
            out[5] = zero + UInt8(m / 10)
            out[6] = zero + UInt8(m % 10)
            out[7] = UInt8(ascii: "-")
            out[8] = zero + UInt8(d / 10)
            out[9] = zero + UInt8(d % 10)
            return 10
        }
    }

    /// The ISO text, `YYYY-MM-DD`.
    public var description: String { iso }

    /// Earlier dates sort first.
    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.day < b.day }

    /// ISO weekday: Monday = 1 ... Sunday = 7. (1970-01-01 was a Thursday.)
    public var isoWeekday: Int {
        let r = (Int(day) + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// Whether year `y` has a February 29 (Gregorian rules).
    public static func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// The number of days in `month` (1–12) of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a year, month (1–12) and day (Hinnant's `days_from_civil`);
    /// days past the end of a month roll over.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The year, month and day of a day number (Hinnant's `civil_from_days`).
    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// The outcome of reading bytes as an ISO date.
enum ISODateReading {
    /// A real day.
    case day(Int32)
    /// Shaped like `YYYY-MM-DD` but no such day exists (2024-02-30, 2024-13-01).
    case impossible
    /// Not shaped like `YYYY-MM-DD` at all.
    case notADate
}
