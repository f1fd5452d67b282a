// CSV output (RFC 4180) for spreadsheets and scripts.
//
// Columns keep their given order; numbers use `NumberFormat.exact` so a reader gets back the
// very doubles the engine computed. Missing values are empty fields (reasons are for people
// and are not written). Lines end in "\n", the header included.

import VeloData

/// Renders a table as RFC 4180 CSV.
public struct CSVRenderer: Sendable {
    /// Creates a CSV renderer.
    public init() {}

    /// The header row and one record per row, each ending in "\n". A table without columns
    /// renders as the empty string.
    public func render(_ table: OutputTable) -> String {
        let columns = table.columns
        guard !columns.isEmpty else { return "" }
        var out = ""
        appendRecord(columns.map(\.name), to: &out)
        var fields: [String] = []
        fields.reserveCapacity(columns.count)
        for row in 0..<table.rowCount {
            fields.removeAll(keepingCapacity: true)
            for column in columns { fields.append(Self.field(column.cell(row))) }
            appendRecord(fields, to: &out)
        }
        return out
    }

    private func appendRecord(_ fields: [String], to out: inout String) {
        // A record of one empty field would be a blank line, which many readers skip.
        if fields.count == 1, fields[0].isEmpty {
            out += "\"\"\n"
            return
        }
        for (i, f) in fields.enumerated() {
            if i > 0 { out += "," }
            out += Self.quoted(f)
        }
        out += "\n"
    }

    /// The unquoted text of one cell: exact numbers, `true`/`false`, ISO dates, "" when missing.
    static func field(_ cell: Cell) -> String {
        switch cell {
        case .missing: return ""
        case .number(let x): return NumberFormat.exact(x)
        case .text(let s): return s
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// `field` as RFC 4180 writes it: in double quotes, inner quotes doubled, when it
    /// contains a comma, a double quote, CR or LF; unchanged otherwise.
    public static func quoted(_ field: String) -> String {
        var needsQuotes = false
        for u in field.utf8 where u == UInt8(ascii: ",") || u == UInt8(ascii: "\"") || u == 0x0A || u == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return field }
        var out = "\""
        for u in field.unicodeScalars {
            if u == "\"" { out += "\"\"" } else { out.unicodeScalars.append(u) }
        }
        return out + "\""
    }
}
