// The ways CSV exports differ: the separator, the decimal mark and thousands separators,
// the date format, the text encoding, line ends, a header row or none, comment and trailer
// lines. A `CSVDialect` is what a source declaration says (or Velo guessed) about them.
//
// Why declared rather than always guessed: `1.234` is a thousand and more in a German export
// and a little over one in an English one, `03/04/2024` is March or April; guessing those
// gives silently wrong answers. What is safe to guess (the separator, from the header line;
// CR-only line ends) is guessed, and `describe` says so.

/// A date format such as `dd.mm.yyyy`: `yyyy` (four digits), `yy` (two, 20yy), `mm` / `dd`
/// (one or two digits), any other character literally.
public struct DateFormat: Sendable, Hashable, CustomStringConvertible {
    /// A four-digit year, a two-digit one (20yy), a month or a day (one or two digits), or a
    /// character written as is.
    public enum Part: Sendable, Hashable { case year4, year2, month, day, literal(UInt8) }
    public let parts: [Part]
    public let description: String

    /// Nil when the format lacks a year, a month or a day, or has one twice.
    public init?(_ text: String) {
        var parts: [Part] = []
        let b = Array(text.utf8)
        var i = 0
        while i < b.count {
            func run(_ c: UInt8) -> Int { var n = 0; while i + n < b.count && b[i + n] | 0x20 == c { n += 1 }; return n }
            switch b[i] | 0x20 {
            case UInt8(ascii: "y"):
                let n = run(UInt8(ascii: "y"))
                guard n == 4 || n == 2 else { return nil }
                parts.append(n == 4 ? .year4 : .year2); i += n
            case UInt8(ascii: "m"):
                let n = run(UInt8(ascii: "m"))
                guard n <= 2 else { return nil }
                parts.append(.month); i += n
            case UInt8(ascii: "d"):
                let n = run(UInt8(ascii: "d"))
                guard n <= 2 else { return nil }
                parts.append(.day); i += n
            default:
                guard b[i] < 0x80, !(b[i] | 0x20 >= 0x61 && b[i] | 0x20 <= 0x7A), !(b[i] >= 0x30 && b[i] <= 0x39) else { return nil }
                parts.append(.literal(b[i])); i += 1
            }
        }
        let years = parts.filter { $0 == .year4 || $0 == .year2 }.count
        guard years == 1, parts.filter({ $0 == .month }).count == 1, parts.filter({ $0 == .day }).count == 1 else { return nil }
        // Two numbers side by side with no separator must have fixed widths to be read apart.
        for k in 1..<parts.count {
            if case .literal = parts[k] { continue }
            if case .literal = parts[k - 1] { continue }
            return nil
        }
        self.parts = parts
        self.description = text
    }

    /// What a value in this format reads as.
    enum Reading { case day(Int32), impossible, notADate }

    /// Reads the `n` bytes at `p` (already trimmed).
    func read(_ p: UnsafePointer<UInt8>, _ n: Int) -> Reading {
        var i = 0
        var year = -1, month = -1, day = -1
        func digits(_ minCount: Int, _ maxCount: Int) -> Int? {
            var v = 0, k = 0
            while k < maxCount && i < n && p[i] >= 0x30 && p[i] <= 0x39 { v = v * 10 + Int(p[i] - 0x30); i += 1; k += 1 }
            return k >= minCount ? v : nil
        }
        for part in parts {
            switch part {
            case .year4: guard let v = digits(4, 4) else { return .notADate }; year = v
            case .year2: guard let v = digits(2, 2) else { return .notADate }; year = 2000 + v
            case .month: guard let v = digits(1, 2) else { return .notADate }; month = v
            case .day: guard let v = digits(1, 2) else { return .notADate }; day = v
            case .literal(let c): guard i < n, p[i] == c else { return .notADate }; i += 1
            }
        }
        guard i == n else { return .notADate }
        guard month >= 1, month <= 12, day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else { return .impossible }
        return .day(Int32(CivilDate.daysFromCivil(year: year, month: month, day: day)))
    }
}

/// A text encoding of a CSV file.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
    case latin1 = "latin-1"

    /// The names a rule file may use for each.
    static func named(_ text: String) -> TextEncoding? {
        switch text.lowercased() {
        case "utf-8", "utf8": return .utf8
        case "windows-1252", "cp1252", "cp-1252", "win-1252": return .windows1252
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1": return .latin1
        default: return nil
        }
    }
}

/// How a CSV source is written.
public struct CSVDialect: Sendable, Hashable {
    /// The field separator; nil: guessed from the header line.
    public var delimiter: UInt8?
    /// The decimal mark of numbers: `.` or `,`.
    public var decimal: UInt8 = UInt8(ascii: ".")
    /// The thousands separator of numbers (nil: none).
    public var thousands: UInt8?
    /// The date format of every date column without one of its own (nil: `yyyy-mm-dd`).
    public var dates: DateFormat?
    public var encoding: TextEncoding = .utf8
    /// Whether the first line (after `skip`) is a header row.
    public var header = true
    /// Lines that start with this are skipped.
    public var comment: [UInt8]?
    /// Lines skipped before the header (a report title, say).
    public var skip = 0
    /// Lines at the end skipped (totals, "end of report").
    public var trailer = 0

    public static let labels = ["delimiter", "decimal", "thousands", "dates", "encoding", "header", "comment", "skip", "trailer"]

    public init() {}

    /// Reads a dialect from settings whose `problems` are empty (anything wrong is ignored).
    public init(_ settings: SourceSettings) {
        for (label, value) in settings.options {
            switch (label, value) {
            case ("delimiter", .text(let s)): delimiter = CSVDialect.delimiterByte(s)
            case ("decimal", .text(let s)): decimal = s == "," ? UInt8(ascii: ",") : UInt8(ascii: ".")
            case ("thousands", .text(let s)): thousands = s.utf8.count == 1 ? s.utf8.first : nil
            case ("dates", .text(let s)): dates = DateFormat(s)
            case ("encoding", .text(let s)): encoding = TextEncoding.named(s) ?? .utf8
            case ("header", .bool(let b)): header = b
            case ("comment", .text(let s)): comment = s.isEmpty ? nil : Array(s.utf8)
            case ("skip", .number(let x)): skip = Int(x)
            case ("trailer", .number(let x)): trailer = Int(x)
            default: break
            }
        }
    }

    /// The defaults, except what might be guessed: the plain fast path reads such a file.
    var isPlain: Bool {
        (delimiter == nil || delimiter == ASCII.comma) && decimal == ASCII.dot && thousands == nil && dates == nil
            && encoding == .utf8 && header && comment == nil && skip == 0 && trailer == 0
    }

    /// Numbers need rewriting (a decimal comma, thousands separators).
    var rewritesNumbers: Bool { decimal != ASCII.dot || thousands != nil }

    static func delimiterByte(_ s: String) -> UInt8? {
        switch s {
        case "tab", "\t": return ASCII.tab
        default:
            let b = Array(s.utf8)
            guard b.count == 1, b[0] != ASCII.quote, b[0] != ASCII.lf, b[0] != ASCII.cr, b[0] < 0x80 else { return nil }
            return b[0]
        }
    }

    static func problems(_ settings: SourceSettings) -> [SettingProblem] {
        var out: [SettingProblem] = []
        func bad(_ label: String, _ message: String, _ hint: String? = nil) {
            out.append(SettingProblem(label: label, message: message, hint: hint))
        }
        var decimalMark = "."
        if case .text(let s)? = settings.options["decimal"] { decimalMark = s }
        for label in settings.options.keys.sorted() {
            let value = settings.options[label]!
            switch label {
            case "delimiter":
                guard case .text(let s) = value, delimiterByte(s) != nil else {
                    bad(label, "the delimiter must be one character, found \(value.shown)", "for example `delimiter: \";\"`, `delimiter: \"\\t\"` or `delimiter: \"|\"`")
                    continue
                }
            case "decimal":
                guard case .text(let s) = value, s == "." || s == "," else {
                    bad(label, "the decimal mark must be \".\" or \",\", found \(value.shown)")
                    continue
                }
            case "thousands":
                guard case .text(let s) = value, [",", ".", " ", "'", "_"].contains(s) else {
                    bad(label, "the thousands separator must be one of \",\", \".\", \" \", \"'\" or \"_\", found \(value.shown)")
                    continue
                }
                if s == decimalMark { bad(label, "the thousands separator \(value.shown) is also the decimal mark", "declare `decimal: \"\(s == "," ? "." : ",")\"`") }
            case "dates":
                guard case .text(let s) = value, DateFormat(s) != nil else {
                    bad(label, "\(value.shown) is not a date format", "write the format with `yyyy`, `mm` and `dd`, e.g. `dates: \"dd.mm.yyyy\"`")
                    continue
                }
            case "encoding":
                guard case .text(let s) = value, TextEncoding.named(s) != nil else {
                    bad(label, "unknown encoding \(value.shown)", "use \"utf-8\", \"windows-1252\" or \"latin-1\"")
                    continue
                }
            case "header":
                guard case .bool = value else { bad(label, "`header` is `true` or `false`, found \(value.shown)"); continue }
            case "comment":
                guard case .text(let s) = value, !s.isEmpty, !s.contains("\n") else {
                    bad(label, "the comment prefix must be a non-empty text, found \(value.shown)", "for example `comment: \"#\"`")
                    continue
                }
            case "skip", "trailer":
                guard case .number(let x) = value, x >= 0, x == x.rounded(), x < 1_000_000 else {
                    bad(label, "`\(label)` is a whole number of lines, found \(value.shown)")
                    continue
                }
            default:
                bad(label, "`csv` takes no argument `\(label)`",
                    Suggest.closest(label, in: labels).map { "did you mean `\($0)`?" } ?? "it takes \(labels.map { "`\($0)`" }.joined(separator: ", "))")
            }
        }
        for (i, spec) in settings.columns.enumerated() {
            if let f = spec.dateFormat, DateFormat(f) == nil {
                out.append(SettingProblem(label: nil, columnIndex: i, message: "\"\(f)\" is not a date format",
                                          hint: "write the format with `yyyy`, `mm` and `dd`, e.g. `date(\"dd.mm.yyyy\")`"))
            }
        }
        if settings.options["header"] == .bool(false) {
            if let i = settings.columns.firstIndex(where: { $0.header != nil }) {
                out.append(SettingProblem(label: nil, columnIndex: i, message: "a file without a header row has no column names to map",
                                          hint: "list its columns in file order as `name: type`"))
            } else if settings.columns.isEmpty {
                out.append(SettingProblem(label: "header", message: "a file without a header row needs its columns listed",
                                          hint: "list them in file order in the block, as `name: type`"))
            }
        }
        return out
    }
}

/// Did-you-mean for labels (VeloData has no dependency on the language's `Suggest`).
enum Suggest {
    static func closest(_ word: String, in candidates: [String]) -> String? {
        var best: (String, Int)? = nil
        for c in candidates {
            let d = distance(Array(word.lowercased()), Array(c))
            if d <= max(1, c.count / 3), best == nil || d < best!.1 { best = (c, d) }
        }
        return best?.0
    }

    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
