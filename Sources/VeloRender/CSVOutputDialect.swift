// How CSV output is written for a program that reads another dialect (an ERP upload): the
// field separator, the decimal mark and the date format, from `velo run --csv-delimiter ";"
// --csv-decimal "," --csv-dates dd.mm.yyyy`.
//
// Why declared on the command line, not in the rule file: the plan is the same whoever reads
// it; only the file written for one system differs.

import VeloData

/// The dialect of CSV output; the defaults are RFC 4180 with ISO dates and a decimal point.
public struct CSVOutputDialect: Sendable, Equatable {
    public var delimiter: UInt8 = UInt8(ascii: ",")
    public var decimal: UInt8 = UInt8(ascii: ".")
    /// nil: `yyyy-mm-dd`.
    public var dates: DateFormat?

    public init() {}

    /// The defaults.
    public var isPlain: Bool { delimiter == UInt8(ascii: ",") && decimal == UInt8(ascii: ".") && dates == nil }

    /// What is wrong with a flag's value, as `velo: MESSAGE` says it.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    /// The dialect the three flags give (nil: not given).
    public static func parse(delimiter: String?, decimal: String?, dates: String?) -> Result<CSVOutputDialect, Problem> {
        var d = CSVOutputDialect()
        if let delimiter {
            guard let b = CSVDialect.delimiterByte(delimiter), b != UInt8(ascii: " ") else {
                return .failure(Problem(message: "--csv-delimiter takes one character such as \";\", \"|\" or tab, found \(shown(delimiter))"))
            }
            d.delimiter = b
        }
        if let decimal {
            guard decimal == "." || decimal == "," else {
                return .failure(Problem(message: "--csv-decimal takes \".\" or \",\", found \(shown(decimal))"))
            }
            d.decimal = UInt8(ascii: decimal == "," ? "," : ".")
        }
        if let dates {
            guard let format = DateFormat(dates) else {
                return .failure(Problem(message: "--csv-dates: \(shown(dates)) is not a date format; write it with yyyy, mm and dd, e.g. dd.mm.yyyy"))
            }
            d.dates = format
        }
        if d.decimal == d.delimiter {
            return .failure(Problem(message: "--csv-decimal \",\" needs another separator than the comma, e.g. --csv-delimiter \";\""))
        }
        return .success(d)
    }

    private static func shown(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }
}
