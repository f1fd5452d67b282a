// A column's cells as people read them, shared by the terminal table and Markdown.
//
// Numbers get the column-wide decimal count of `NumberFormat` so points line up (money and
// percentages their own, with the unit in the cell: UnitCells.swift), booleans
// read yes/no, dates ISO, and a missing value is a dash followed by its reason when known.
// Each cell also records whether it may be shortened with `…` when the table must fit a
// terminal: text and reasons may, numbers, dates, booleans and bare dashes may not, since a
// cut number would be a wrong number.

import VeloData

struct HumanColumn {
    struct Entry {
        var text: String
        var missing: Bool
        var truncatable: Bool
    }

    var header: String
    var entries: [Entry]
    var rightAligned: Bool
    /// Keys identify rows: they are never shortened.
    var isKey: Bool
    var emphasis: [Int: Emphasis]

    /// The cells of `column` for rows `0..<rows`, each on a single line.
    init(_ column: OutputColumn, rows: Int) {
        header = DisplayWidth.singleLine(column.humanHeader)
        rightAligned = column.isNumeric && !column.isKey
        isKey = column.isKey
        emphasis = column.emphasis
        let style = UnitCells(column.unit)
        var decimals = 0
        if case .number(let values) = column.values {
            switch style {
            case .plain: decimals = NumberFormat.columnDecimals(values.prefix(rows))
            case .money: decimals = 2
            case .percent: decimals = NumberFormat.percentDecimals(values.prefix(rows))
            }
        }
        entries = []
        entries.reserveCapacity(rows)
        for row in 0..<rows {
            switch column.cell(row) {
            case .missing:
                if let reason = column.missingReasons[row], !reason.isEmpty {
                    entries.append(Entry(text: "— (\(DisplayWidth.singleLine(reason)))", missing: true, truncatable: true))
                } else {
                    entries.append(Entry(text: "—", missing: true, truncatable: false))
                }
            case .number(let x):
                // An integer key is an identifier (a week, a store): no thousands separators.
                let text: String
                switch style {
                case _ where isKey: text = NumberFormat.exact(x)
                case .plain: text = NumberFormat.human(x, decimals: decimals)
                case .money(let currency): text = NumberFormat.money(x, currency: currency)
                case .percent: text = NumberFormat.percent(x, decimals: decimals)
                }
                entries.append(Entry(text: text, missing: false, truncatable: false))
            case .text(let s):
                entries.append(Entry(text: DisplayWidth.singleLine(s), missing: false, truncatable: true))
            case .date(let d):
                entries.append(Entry(text: CivilDate(day: d).iso, missing: false, truncatable: false))
            case .bool(let b):
                entries.append(Entry(text: b ? "yes" : "no", missing: false, truncatable: false))
            }
        }
    }
}
