// The human table a planner reads in a terminal.
//
// plan (5 rows)
// sku    week        qty (units)     cover_days (days)  urgent  note
// ─────  ──────────  ───────────  ────────────────────  ──────  ─────────────
// A-100  2024-01-01          120                 12.50  yes     reorder, soon
// B-200  2024-01-08          -35  — (division by zero)  no      say "hi"
// … 3 more rows
//
// Key columns come first and are left-aligned; numbers are right-aligned with the column's
// decimals (see `NumberFormat`). To fit a terminal width the widest truncatable columns are
// shrunk first (text and reasons end in `…`; numbers are never cut), and columns that still
// do not fit are dropped from the right and named in a footer. A row limit shows the first
// rows and says how many more there are. Colour is off unless the caller turns it on.

/// Renders a table for a terminal.
public struct TableRenderer: Sendable {
    /// The terminal width in columns; `nil` never shrinks or drops columns.
    public var width: Int?
    /// The most rows shown; `nil` shows all. Further rows are counted in a footer.
    public var maxRows: Int?
    /// ANSI styling: bold header, dim missing values. The caller decides (isatty, NO_COLOR).
    public var color: Bool

    /// Columns between two cells.
    static let gap = 2
    /// A truncatable column is not shrunk below this width (or its natural width if smaller).
    static let minimumShrunkWidth = 6

    /// Creates a renderer; see the properties.
    public init(width: Int? = nil, maxRows: Int? = nil, color: Bool = false) {
        self.width = width
        self.maxRows = maxRows
        self.color = color
    }

    /// The title line, header, rule, rows and footers, each line ending in "\n".
    /// With a width, no line is wider than `max(width, 10)` columns.
    public func render(_ table: OutputTable) -> String {
        let limit = width.map { max($0, 10) }
        let shownRows = min(table.rowCount, max(0, maxRows ?? table.rowCount))
        let all = table.columnsKeysFirst
        var out = DisplayWidth.singleLine(table.name)
        out += " (\(NumberFormat.grouped(table.rowCount)) \(table.rowCount == 1 ? "row" : "rows"))"
        out = (limit.map { DisplayWidth.truncate(out, to: $0) } ?? out) + "\n"
        guard !all.isEmpty else { return out }

        let columns = all.map { HumanColumn($0, rows: shownRows) }
        let layout = Self.layout(columns, limit: limit)
        let kept = Array(columns.prefix(layout.count))

        // Header and rule.
        var header = ""
        var rule = ""
        for (c, column) in kept.enumerated() {
            let w = layout[c]
            let last = c == kept.count - 1
            if c > 0 {
                header += String(repeating: " ", count: Self.gap)
                rule += String(repeating: " ", count: Self.gap)
            }
            let text = DisplayWidth.truncate(column.header, to: w)
            header += last && !column.rightAligned ? text : DisplayWidth.pad(text, to: w, right: column.rightAligned)
            rule += String(repeating: "─", count: w)
        }
        out += paint(header, "1") + "\n" + rule + "\n"

        // Rows.
        for row in 0..<shownRows {
            var line = ""
            for (c, column) in kept.enumerated() {
                let w = layout[c]
                let last = c == kept.count - 1
                if c > 0 { line += String(repeating: " ", count: Self.gap) }
                let entry = column.entries[row]
                let text = DisplayWidth.truncate(entry.text, to: w)
                let gap = w - DisplayWidth.of(text)
                let styled = entry.missing ? paint(text, "2") : column.emphasis[row].map { paint(text, $0.sgr) } ?? text
                if column.rightAligned {
                    line += String(repeating: " ", count: gap) + styled
                } else {
                    line += styled
                    if !last { line += String(repeating: " ", count: gap) }
                }
            }
            out += line + "\n"
        }

        // Footers.
        var footers: [String] = []
        if shownRows < table.rowCount {
            let more = table.rowCount - shownRows
            footers.append("… \(NumberFormat.grouped(more)) more \(more == 1 ? "row" : "rows")")
        }
        if kept.count < all.count {
            let dropped = all[kept.count...].map { DisplayWidth.singleLine($0.name) }
            footers.append("\(NumberFormat.grouped(dropped.count)) more \(dropped.count == 1 ? "column" : "columns"): "
                + dropped.joined(separator: ", "))
        }
        for footer in footers {
            out += (limit.map { DisplayWidth.truncate(footer, to: $0) } ?? footer) + "\n"
        }
        return out
    }

    private func paint(_ s: String, _ code: String) -> String {
        color && !s.isEmpty ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }

    /// The widths of the columns kept, in order; the columns after them are dropped.
    ///
    /// A column's natural width is its widest cell or header; its minimum is its widest
    /// non-truncatable cell, and at least `minimumShrunkWidth` (or its natural width if that
    /// is smaller). Columns are kept from the left while their minimums fit; then every kept
    /// column gets `min(natural, cap)` (never below its minimum) for the largest cap that
    /// fits, and any columns left over go, one each, to the still-shrunk columns.
    static func layout(_ columns: [HumanColumn], limit: Int?) -> [Int] {
        var natural: [Int] = []
        var minimum: [Int] = []
        for column in columns {
            var nat = DisplayWidth.of(column.header)
            var fixed = 0
            for e in column.entries {
                let w = DisplayWidth.of(e.text)
                nat = max(nat, w)
                if !e.truncatable { fixed = max(fixed, w) }
            }
            natural.append(nat)
            // Keys are never shortened, and neither is the header of a column of numbers,
            // dates or yes/no: a column whose name is cut off cannot be read.
            let headerFixed = column.entries.allSatisfy { !$0.truncatable } ? DisplayWidth.of(column.header) : 0
            minimum.append(column.isKey ? nat : max(fixed, headerFixed, min(nat, minimumShrunkWidth)))
        }
        guard let limit else { return natural }
        if natural.reduce(0, +) + gap * (columns.count - 1) <= limit { return natural }

        // Keep columns from the left while their minimum widths fit.
        var kept = 0
        var used = 0
        while kept < columns.count {
            let need = minimum[kept] + (kept == 0 ? 0 : gap)
            if used + need > limit { break }
            used += need
            kept += 1
        }
        if kept == 0 { return [min(natural[0], limit)] }
        let available = limit - gap * (kept - 1)
        let nat = Array(natural.prefix(kept))
        let mins = Array(minimum.prefix(kept))
        func total(_ cap: Int) -> Int {
            var t = 0
            for i in 0..<kept { t += max(mins[i], min(nat[i], cap)) }
            return t
        }
        // The largest cap whose total fits (total(0) == sum of minimums fits by construction).
        var lo = 0
        var hi = nat.max() ?? 0
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if total(mid) <= available { lo = mid } else { hi = mid - 1 }
        }
        var widths = (0..<kept).map { max(mins[$0], min(nat[$0], lo)) }
        var spare = available - widths.reduce(0, +)
        for i in 0..<kept where spare > 0 && widths[i] < nat[i] {
            widths[i] += 1
            spare -= 1
        }
        return widths
    }
}
