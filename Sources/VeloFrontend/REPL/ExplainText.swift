// `explain`: a cell, its formula, and the values it read, as a tree; a window aggregate
// shows its days as a sparkline of the daily totals with the days that had no rows marked.
//
//   plan.order_qty[SKU000012] = 1,356
//     = if need == 0 then 0 else roundup(max(need, items.moq), items.case_pack)
//   ├─ plan.need[SKU000012] = 1,234.50
//   │    = max(0, target - (inventory.on_hand ?? 0) - (inventory.on_order ?? 0))
//   └─ items.moq[SKU000012] = 500  (data)

import VeloCheck
import VeloData
import VeloEngine
import VeloRender

struct ExplainText {
    var exact: Bool
    var width: Int?
    /// The unit of a cell (`plan.need[SKU1]` → `units`), shown after its value.
    var units: (String) -> String? = { _ in nil }

    init(exact: Bool, width: Int?) {
        self.exact = exact
        self.width = width
    }

    /// The units the checker inferred, by an explanation's cell text: `table.column[keys]`
    /// or `param name`.
    static func unitLabels(_ program: CheckedProgram) -> (String) -> String? {
        { cell in
            if cell.hasPrefix("param ") {
                guard let i = program.param(named: String(cell.dropFirst(6))), let d = program.units.params[i],
                      !d.isDimensionless, program.params[i].type == .number else { return nil }
                return d.label
            }
            let name = cell.split(separator: "[", maxSplits: 1).first.map(String.init) ?? cell
            let parts = name.split(separator: ".")
            guard parts.count == 2, let t = program.table(named: String(parts[0])),
                  let c = program.table(t).columnIndex(String(parts[1])) else { return nil }
            return program.units.label(ColumnRef(t, c))
        }
    }

    static let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// A day without rows in a sparkline.
    static let noRows: Character = "·"

    func render(_ e: Explanation) -> String {
        var lines: [String] = []
        node(e, first: "", rest: "", into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    func value(_ v: CellValue) -> String {
        let shown = ValueText.show(v, exact: exact)
        return shown.isEmpty ? "missing" : shown
    }

    func node(_ e: Explanation, first: String, rest: String, into lines: inout [String]) {
        var head = first + e.cell + " = " + value(e.value)
        if case .number = e.value, let unit = units(e.cell) { head += " " + unit }
        if let note = e.note, e.window == nil { head += "  (\(note))" }
        lines.append(head)
        let body = rest + (e.inputs.isEmpty ? "   " : "│  ")
        if let f = e.formula { lines.append(body + "= " + InputContinuation.join(f.split(separator: "\n").map(String.init))) }
        if let w = e.window {
            if let note = e.note { lines.append(body + note) }
            for l in window(w) { lines.append(body + l) }
        }
        for (i, input) in e.inputs.enumerated() {
            let last = i == e.inputs.count - 1
            node(input, first: rest + (last ? "└─ " : "├─ "), rest: rest + (last ? "   " : "│  "), into: &lines)
        }
    }

    /// The days of a window: dates, sparkline, weights and the daily totals.
    func window(_ w: WindowExplanation) -> [String] {
        var lines: [String] = []
        let days = w.daily.count
        var range = "\(CivilDate(day: w.first).iso) … \(CivilDate(day: w.last).iso) (\(days) day\(days == 1 ? "" : "s"))"
        range += "  " + Self.sparkline(w.daily, zeroFilled: w.zeroFilled)
        lines.append(range)
        if let weights = w.weights, let a = weights.first, let b = weights.last {
            lines.append("weights \(number(a)) (oldest) … \(number(b)) (newest)")
        }
        let values = w.daily.indices.map { w.zeroFilled[$0] ? String(Self.noRows) : number(w.daily[$0]) }
        let prefix = "daily totals: "
        let limit = max(40, (width ?? 100) - 12)
        var line = prefix
        for (i, v) in values.enumerated() {
            let piece = v + (i == values.count - 1 ? "" : " ")
            if line.count + piece.count > limit && line != prefix {
                lines.append(line.trimmingWhitespace())
                line = String(repeating: " ", count: prefix.count)
            }
            line += piece
        }
        lines.append(line.trimmingWhitespace().isEmpty ? prefix : line)
        if w.zeroFilled.contains(true) {
            let n = w.zeroFilled.filter { $0 }.count
            lines.append("\(Self.noRows) = no rows that day, counted as 0 (\(n) day\(n == 1 ? "" : "s"))")
        }
        return lines
    }

    func number(_ x: Double) -> String { exact ? NumberFormat.exact(x) : ValueText.trimmed(NumberFormat.human(x)) }

    /// One bar per day, scaled from 0 (or the lowest value, if negative) to the highest;
    /// days without rows are `·`.
    static func sparkline(_ daily: [Double], zeroFilled: [Bool]) -> String {
        let finite = daily.filter(\.isFinite)
        let lo = min(0, finite.min() ?? 0), hi = finite.max() ?? 0
        return String(daily.indices.map { i -> Character in
            if i < zeroFilled.count && zeroFilled[i] { return noRows }
            guard daily[i].isFinite, hi > lo else { return bars[0] }
            let level = Int(((daily[i] - lo) / (hi - lo) * Double(bars.count - 1)).rounded())
            return bars[min(max(level, 0), bars.count - 1)]
        })
    }
}
