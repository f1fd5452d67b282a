// The one error type of VeloData, and the wording of every message it carries.
//
// Why one place: a planner reads these messages, so they must name the file, the line, the
// column and what was expected, in plain English and in the same shape everywhere
// ("expected …, found …"). Keeping the wording here keeps it consistent and testable.

/// A problem with a data file: where it is and what is wrong.
public struct DataError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem it is, for callers that act on it (the text is in `message`).
    public enum Kind: Sendable, Equatable {
        /// The source cannot be read at all (missing, a directory, out of memory).
        case unreadable
        /// The source holds nothing, not even a header.
        case empty
        /// The header is malformed (an empty or repeated name, bad quoting or UTF-8).
        case badHeader
        /// A row is malformed as a whole (its field count, quoting, or too much distinct text).
        case badRow
        /// One field does not hold a value of its column's type, or is not valid text.
        case badValue
        /// The source changed in a way that rules out reading only what was added.
        case changed
    }

    /// What kind of problem it is.
    public var kind: Kind
    /// For `.unreadable`: the system's reason alone ("No such file or directory").
    public var reason: String?
    /// The file, as given to the reader.
    public var path: String
    /// The 1-based physical line the offending row starts on; 0 when the problem concerns the
    /// whole file (it cannot be read, or it is empty).
    public var line: Int
    /// The 1-based column (field) index, when the problem is in one field.
    public var column: Int?
    /// The header name of that column, when known.
    public var columnName: String?
    /// What is wrong, in plain English, e.g. "expected a number in column `units`, found \"12x\"".
    public var message: String

    /// An error at `path:line[:column]`. Without a `kind`, an error on line 0 is `.unreadable`,
    /// one in a field `.badValue`, any other `.badRow`.
    public init(path: String, line: Int, column: Int? = nil, columnName: String? = nil, message: String,
                kind: Kind? = nil, reason: String? = nil) {
        self.kind = kind ?? (line == 0 ? .unreadable : column == nil ? .badRow : .badValue)
        self.reason = reason
        self.path = path
        self.line = line
        self.column = column
        self.columnName = columnName
        self.message = message
    }

    /// `path:line:column: message`, e.g.
    /// `data/sales.csv:120:3: expected a date (YYYY-MM-DD) in column `date`, found "2024-13-01"`.
    public var description: String {
        var place = path
        if line > 0 {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        return "\(place): \(message)"
    }
}

/// Message texts. Each returns the `message` part of a `DataError`.
enum Messages {
    static func expected(_ type: ColumnType, column name: String, found: String, impossibleDay: Bool = false) -> String {
        let what: String
        switch type {
        case .number: what = "a number"
        case .date: what = "a date (YYYY-MM-DD)"
        case .bool: what = "true or false"
        case .text: what = "text"
        }
        var note = impossibleDay ? " (there is no such day)" : ""
        if type == .number { note += numberNote(found) }
        return "expected \(what) in column `\(name)`, found \(quoted(found))\(note)"
    }

    /// Why a value that looks like a number is none: an infinity, NaN, or out of range.
    static func numberNote(_ found: String) -> String {
        let t = String(found.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()).lowercased()
        let bare = t.hasPrefix("-") || t.hasPrefix("+") ? String(t.dropFirst()) : t
        if ["inf", "infinity", "nan"].contains(bare) {
            return " (infinities and NaN are not numbers of data; leave the cell empty for a missing value)"
        }
        if bare.first?.isNumber == true, let v = Double(t), v.isInfinite {
            return " (out of range: a number's magnitude must be below 1.8e308)"
        }
        return ""
    }

    static func fieldCount(found: Int, header: Int) -> String {
        "row has \(found) field\(found == 1 ? "" : "s"), the header has \(header)"
    }

    static func unterminatedQuote(column name: String) -> String {
        "unterminated quoted field in column `\(name)`: the closing quote is missing"
    }

    static func textAfterQuote(column name: String, found: String, delimiter: UInt8 = ASCII.comma) -> String {
        "expected \(CSVTranscoder.delimiterName(delimiter)) or a line end after the closing quote in column `\(name)`, found \(quoted(found))"
    }

    static func invalidUTF8(column name: String, byte: UInt8) -> String {
        "expected UTF-8 text in column `\(name)`, found the invalid byte \(hex(byte))"
    }

    static func invalidUTF8InHeader(byte: UInt8) -> String {
        "expected UTF-8 text in the header, found the invalid byte \(hex(byte))"
    }

    static let tooManyDistinctValues = "more than 2147483647 distinct text values in one file"

    static let emptyFile = "the file is empty; a header row is required"

    static func emptyHeaderName(index: Int) -> String {
        "column \(index) has an empty name in the header"
    }

    static func duplicateHeaderName(_ name: String, first: Int, second: Int) -> String {
        "duplicate column name `\(name)` in the header (columns \(first) and \(second))"
    }

    static func cannotRead(_ reason: String) -> String {
        "cannot read the file: \(reason)"
    }

    static let headerChanged = "the header changed since the file was loaded, so new rows cannot be appended"

    static func appendOffsetNotAtLineStart(_ offset: Int) -> String {
        "byte offset \(offset) is not at the start of a data line, so new rows cannot be appended from it"
    }

    static func fileShrank(loadedLength: Int) -> String {
        "the file is shorter than when it was loaded (\(loadedLength) bytes), so new rows cannot be appended"
    }

    /// A field value shown in a message: in double quotes, control characters and quotes
    /// escaped, long values shortened.
    static func quoted(_ text: String) -> String {
        var out = "\""
        var shown = 0
        for ch in text.unicodeScalars {
            if shown == 60 { out += "…"; break }
            shown += 1
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
    }
}
