// The output formats a user can ask for (`--format table|csv|json|markdown`) and one entry
// point that renders a table in any of them, so the frontend needs no switch of its own.

/// An output format.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// The aligned human table for terminals (`TableRenderer`).
    case table
    /// RFC 4180 CSV (`CSVRenderer`).
    case csv
    /// JSON, an array of row objects (`JSONRenderer`).
    case json
    /// A GitHub-flavoured Markdown table (`MarkdownRenderer`).
    case markdown
}

extension OutputTable {
    /// The table rendered in `format`. `width`, `maxRows` and `color` apply only to
    /// `.table`; the other formats always write every row and column, without colour.
    /// `units` (`--units`) applies to CSV (headers `need (units)`) and JSON (a units object);
    /// the people-facing formats always show units.
    public func rendered(as format: OutputFormat, width: Int? = nil, maxRows: Int? = nil,
                         color: Bool = false, units: Bool = false) -> String {
        switch format {
        case .table: return TableRenderer(width: width, maxRows: maxRows, color: color).render(self)
        case .csv: return CSVRenderer(unitHeaders: units).render(self)
        case .json: return JSONRenderer(units: units).render(self)
        case .markdown: return MarkdownRenderer().render(self)
        }
    }
}
