// A table as an HTML <table>, its cells worded exactly as in the human terminal table
// (`HumanColumn`: the same decimals per column, thousands separators, `— (reason)`).

/// Renders an `OutputTable` as an HTML table (no styles of its own; classes `num`, `key`, `missing`).
public struct HTMLTableRenderer: Sendable {
    public var maxRows: Int?

    public init(maxRows: Int? = nil) { self.maxRows = maxRows }

    public func render(_ table: OutputTable, caption: String? = nil) -> String {
        let rows = min(table.rowCount, maxRows ?? table.rowCount)
        let columns = table.columnsKeysFirst.map { HumanColumn($0, rows: rows) }
        var out = "<table>\n"
        if let caption { out += "<caption>\(Self.escaped(caption))</caption>\n" }
        out += "<thead><tr>" + columns.map { "<th\($0.rightAligned ? " class=\"num\"" : "")>\(Self.escaped($0.header))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for r in 0..<rows {
            out += "<tr>"
            for c in columns {
                var classes: [String] = []
                if c.rightAligned { classes.append("num") }
                if c.isKey { classes.append("key") }
                if c.entries[r].missing { classes.append("missing") }
                out += "<td" + (classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"") + ">" + Self.escaped(c.entries[r].text) + "</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if rows < table.rowCount {
            out += "<p class=\"more\">\(NumberFormat.grouped(table.rowCount - rows)) more rows not shown</p>\n"
        }
        return out
    }

    /// Text safe inside HTML elements and attribute values.
    public static func escaped(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
