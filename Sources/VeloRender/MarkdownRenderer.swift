// Markdown output: a GitHub-flavoured table to paste into an issue, a wiki or a report.
//
// Cells read as in the terminal table (key columns first, numbers with separators and
// aligned decimals, `— (reason)` for missing values) but nothing is truncated. Pipes are
// escaped and line breaks become `<br>`, so any text stays inside its cell. Columns are
// padded so the source reads as a table too.

/// Renders a table as a GitHub-flavoured Markdown table.
public struct MarkdownRenderer: Sendable {
    /// Creates a Markdown renderer.
    public init() {}

    /// The header, the alignment row (`---:` for numeric non-key columns) and one line per
    /// row, each ending in "\n". A table without columns renders as the empty string.
    public func render(_ table: OutputTable) -> String {
        let columns = table.columnsKeysFirst
        guard !columns.isEmpty else { return "" }
        var headers: [String] = []
        var cells: [[String]] = []
        var widths: [Int] = []
        var right: [Bool] = []
        for column in columns {
            let texts = Self.cellTexts(column, rows: table.rowCount)
            let header = Self.escaped(column.humanHeader)
            headers.append(header)
            cells.append(texts)
            right.append(column.isNumeric && !column.isKey)
            widths.append(max(3, texts.reduce(DisplayWidth.of(header)) { max($0, DisplayWidth.of($1)) }))
        }
        var out = line(headers, widths: widths, right: right)
        out += "|" + widths.indices.map { c in
            " " + String(repeating: "-", count: widths[c] - (right[c] ? 1 : 0)) + (right[c] ? ":" : "") + " "
        }.joined(separator: "|") + "|\n"
        for row in 0..<table.rowCount {
            out += line(cells.map { $0[row] }, widths: widths, right: right)
        }
        return out
    }

    private func line(_ texts: [String], widths: [Int], right: [Bool]) -> String {
        "|" + texts.indices.map { c in
            " " + DisplayWidth.pad(texts[c], to: widths[c], right: right[c]) + " "
        }.joined(separator: "|") + "|\n"
    }

    /// The human texts of a column's cells, escaped for a table cell.
    private static func cellTexts(_ column: OutputColumn, rows: Int) -> [String] {
        var raw = column
        // Escape before HumanColumn turns line breaks into arrows.
        if case .text(let values) = raw.values { raw.values = .text(values.map { $0.map(escaped) }) }
        raw.missingReasons = raw.missingReasons.mapValues(escaped)
        return HumanColumn(raw, rows: rows).entries.map(\.text)
    }

    /// `s` safe inside a table cell: `|` as `\|`, line breaks as `<br>`, other control
    /// characters dropped.
    static func escaped(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "|") || $0 < 0x20 || $0 == 0x7F }) else { return s }
        var out = ""
        for c in s {
            switch c {
            case "|": out += "\\|"
            case "\n", "\r\n", "\r": out += "<br>"
            case "\t": out += " "
            default:
                if let a = c.asciiValue, a < 0x20 || a == 0x7F { continue }
                out.append(c)
            }
        }
        return out
    }
}
