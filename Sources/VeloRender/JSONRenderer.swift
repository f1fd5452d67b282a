// JSON output (RFC 8259) for programs.
//
// A table is an array of objects, one per row, keys in column order; several tables are one
// object keyed by table name. Numbers use `NumberFormat.exact` (a valid JSON number for every
// finite double); missing values and non-finite numbers are `null`. Output is one row object
// per line: still one JSON document, but diffable and greppable.
//
// With `units` (`--units`) a table is an object instead: its units, column -> unit text for
// the columns that have one, then its rows as above —
//   {"units": {"need": "units", "spend": "USD"}, "rows": [ {...}, ... ]}
// (several tables: `{"plan": {"units": ..., "rows": ...}, ...}`). Numbers stay exact; a
// `percent` column holds fractions (0.29 for 29%).

import VeloData

/// Renders tables as JSON.
public struct JSONRenderer: Sendable {
    /// Whether each table is `{"units": {...}, "rows": [...]}` instead of its array of rows.
    public var units: Bool

    /// Creates a JSON renderer; `units`: each table carries its columns' units.
    public init(units: Bool = false) { self.units = units }

    /// `[` one object per row `]`, ending in "\n"; `[]` for a table without rows.
    public func render(_ table: OutputTable) -> String {
        var out = ""
        appendTable(table, indent: "", to: &out)
        return out + "\n"
    }

    /// Several tables as one object, `{"plan": [...], "series": [...]}`, keys in the given
    /// order (a repeated table name is written twice; callers should keep names unique).
    public func render(tables: [OutputTable]) -> String {
        guard !tables.isEmpty else { return "{}\n" }
        var out = "{\n"
        for (i, table) in tables.enumerated() {
            out += "  " + Self.quoted(table.name) + ": "
            appendTable(table, indent: "  ", to: &out)
            out += i == tables.count - 1 ? "\n" : ",\n"
        }
        return out + "}\n"
    }

    /// The table's rows, or with `units` its units object and rows.
    private func appendTable(_ table: OutputTable, indent: String, to out: inout String) {
        guard units else {
            appendArray(table, indent: indent, to: &out)
            return
        }
        let pairs = table.columns.compactMap { c -> String? in
            guard let unit = c.unit, !unit.isEmpty else { return nil }
            return Self.quoted(c.name) + ": " + Self.quoted(unit)
        }
        out += "{\n" + indent + "  \"units\": {" + pairs.joined(separator: ", ") + "},\n"
        out += indent + "  \"rows\": "
        appendArray(table, indent: indent + "  ", to: &out)
        out += "\n" + indent + "}"
    }

    private func appendArray(_ table: OutputTable, indent: String, to out: inout String) {
        guard table.rowCount > 0 else {
            out += "[]"
            return
        }
        let keys = table.columns.map { Self.quoted($0.name) + ": " }
        out += "[\n"
        for row in 0..<table.rowCount {
            out += indent + "  {"
            for (c, column) in table.columns.enumerated() {
                if c > 0 { out += ", " }
                out += keys[c]
                out += Self.value(column.cell(row))
            }
            out += row == table.rowCount - 1 ? "}\n" : "},\n"
        }
        out += indent + "]"
    }

    static func value(_ cell: Cell) -> String {
        switch cell {
        case .missing: return "null"
        case .number(let x): return x.isFinite ? NumberFormat.exact(x) : "null"
        case .text(let s): return quoted(s)
        case .date(let d): return "\"" + CivilDate(day: d).iso + "\""
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// `s` as a JSON string literal: quotes and backslashes escaped, `\n` `\r` `\t` as short
    /// escapes, other control characters as `\u00XX`, and U+2028/U+2029 escaped so the output
    /// is also safe inside JavaScript. Everything else is written as UTF-8.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x00..<0x20, 0x2028, 0x2029:
                out += "\\u" + hex4(u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(digits[Int((v >> UInt32(shift)) & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
