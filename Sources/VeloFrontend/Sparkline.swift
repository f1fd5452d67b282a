// A sparkline of the recent daily units (`▁▂▃▄▅▆▇█`, one character a day, scaled to the
// row's own maximum; a day without units is `·`), added as a column to human output of a
// table whose formulas read a window over an event table. `velo run --no-sparkline` drops it.

import VeloCheck
import VeloEngine
import VeloRender

enum Sparkline {
    static let days = 28
    static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func line(_ totals: [Double]) -> String {
        let top = totals.max() ?? 0
        return String(totals.map { v -> Character in
            guard v > 0, top > 0 else { return "·" }
            return bars[min(bars.count - 1, Int((v / top * Double(bars.count - 1)).rounded()))]
        })
    }

    /// `table` with a sparkline column when `ref` reads windows over an event table.
    static func adding(to table: OutputTable, _ ws: Workspace, _ ref: TableRef) -> OutputTable {
        guard let (column, totals) = ws.recentDailyTotals(ref, days: days), totals.count == table.rowCount else { return table }
        var t = table
        t.columns.append(OutputColumn(name: "\(column), last \(days) days", values: .text(totals.map(line))))
        return t
    }
}
