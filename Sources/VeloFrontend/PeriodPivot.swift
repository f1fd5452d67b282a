// A period table read across: one row per series (the keys before the period key), one
// column per period holding one measure, and a sparkline of it — how planners read a
// projection (`velo run --table projection --pivot closing`, the REPL's
// `show projection pivot closing where sku == "SKU000004"`).

import VeloCheck
import VeloEngine
import VeloRender
import VeloSyntax

enum PeriodPivot {
    /// `full`'s rows `rows` (all when nil) pivoted on the table's period key; nil when the
    /// table has no periods. Throws a message when the measure is not a column.
    static func table(_ full: OutputTable, info: TableInfo, measure: String, rows: [Int]? = nil) -> Result<OutputTable, PivotError> {
        guard let axis = info.periods else {
            return .failure(PivotError("`\(info.name)` has no periods to pivot on; tables declared `over weeks(…)` do"))
        }
        guard let p = full.columns.firstIndex(where: { $0.name == axis.key }),
              let m = full.columns.firstIndex(where: { $0.name == measure && !$0.isKey }) else {
            let names = full.columns.filter { !$0.isKey }.map(\.name)
            let hint = Suggest.didYouMean(measure, in: names).map { ": \($0)" } ?? " (its columns: \(names.joined(separator: ", ")))"
            return .failure(PivotError("`\(info.name)` has no column `\(measure)` to show by \(axis.key)\(hint)"))
        }
        guard case .number(let periods) = full.columns[p].values else { return .failure(PivotError("the period key is not a number")) }
        let keyColumns = full.columns.indices.filter { full.columns[$0].isKey && $0 != p }
        let selected = rows ?? Array(0..<full.rowCount)
        // Series in row order (rows are laid out series after series).
        var seriesOf: [String: Int] = [:]
        var firstRow: [Int] = []
        var cells: [[Int: Int]] = []   // series -> period -> row
        var maxPeriod = 0
        for r in selected {
            let key = keyColumns.map { text(full.columns[$0].values, r) }.joined(separator: "\u{1}")
            let s: Int
            if let x = seriesOf[key] { s = x } else {
                s = firstRow.count
                seriesOf[key] = s
                firstRow.append(r)
                cells.append([:])
            }
            let period = periods[r].isFinite ? Int(periods[r]) : 0
            cells[s][period] = r
            maxPeriod = max(maxPeriod, period)
        }
        var columns = keyColumns.map { ValueOrder.subset(full.columns[$0], firstRow) }
        let source = full.columns[m]
        for period in 1...max(maxPeriod, 1) where maxPeriod > 0 {
            let picked = cells.map { $0[period] ?? -1 }
            var column = ValueOrder.subset(source, picked.map { max($0, 0) })
            column.name = "\(axis.key) \(period)"
            column.unit = nil   // said once, after the sparkline's name
            column.isKey = false
            blankAbsent(&column, picked)
            columns.append(column)
        }
        if case .number(let xs) = source.values {
            let lines = cells.map { c in sparkline((1...max(maxPeriod, 1)).map { c[$0].map { xs[$0] } ?? .nan }) }
            columns.append(OutputColumn(name: "\(measure) over \(axis.key)s", values: .text(lines), unit: source.unit))
        }
        return .success(OutputTable(name: "\(info.name).\(measure) by \(axis.key)", columns: columns, rowCount: firstRow.count))
    }

    /// "▁▃▅█": one bar per period, scaled from the series' lowest to its highest value
    /// (a missing value is a space).
    static func sparkline(_ xs: [Double]) -> String {
        let bars = Array("▁▂▃▄▅▆▇█")
        let known = xs.filter(\.isFinite)
        guard let lo = known.min(), let hi = known.max() else { return String(repeating: " ", count: xs.count) }
        return String(xs.map { x -> Character in
            guard x.isFinite else { return " " }
            if hi == lo { return bars[3] }
            return bars[min(bars.count - 1, Int((x - lo) / (hi - lo) * Double(bars.count - 1) + 0.5))]
        })
    }

    static func text(_ v: CellValues, _ r: Int) -> String {
        switch v {
        case .text(let t): return t[r] ?? ""
        case .number(let x): return "\(x[r])"
        case .date(let d): return "\(d[r])"
        case .bool(let b): return "\(b[r])"
        }
    }

    /// A series without a row for a period shows an empty cell.
    static func blankAbsent(_ c: inout OutputColumn, _ picked: [Int]) {
        for (i, r) in picked.enumerated() where r < 0 {
            switch c.values {
            case .number(var v): v[i] = .nan; c.values = .number(v)
            case .text(var v): v[i] = nil; c.values = .text(v)
            case .date(var v): v[i] = Int32.min; c.values = .date(v)
            case .bool(var v): v[i] = 2; c.values = .bool(v)
            }
            c.missingReasons[i] = nil
        }
    }
}

struct PivotError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
