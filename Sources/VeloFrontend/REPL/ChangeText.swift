// What an edit changed, as the REPL prints it: per column, how many cells moved and how
// the column's total moved, then the largest moves (old → new and the delta); flags raised
// and cleared; checks failing; how many cells were recomputed. In csv/json mode the
// changed cells are one machine-readable table with exact numbers.

import VeloCheck
import VeloEngine
import VeloRender

extension ReplSession {
    /// Changed cells listed per column in table mode (`changes` lists them all).
    static let changesPerColumn = 5

    func printChanges(_ report: ChangeReport, limit: Int? = ReplSession.changesPerColumn) {
        var text = ""
        for c in lastColumnsAdded { text += "\(c): new column\n" }
        for c in lastColumnsRemoved { text += "\(c): removed\n" }
        for t in report.rebuiltTables { text += "\(t): its rows changed\n" }
        if exact {
            if !report.changes.isEmpty { text += render(changesTable(report)) }
        } else {
            text += changeLines(report, limit: limit)
        }
        for f in report.flagsRaised { text += "flag raised: \(f.flag) [\(ResultText.keys(f.keys))]: \(ResultText.message(f))\n" }
        for f in report.flagsCleared { text += "flag cleared: \(f.flag) [\(ResultText.keys(f.keys))]\n" }
        for c in report.failingChecks.prefix(limit ?? Int.max) {
            text += "check failing: \(c.check) on \(c.table) [\(ResultText.keys(c.keys))]: \(ResultText.detail(c))\n"
        }
        if let limit, report.failingChecks.count > limit { text += "… \(report.failingChecks.count - limit) more failing checks (`checks`)\n" }
        let cut = report.cellsCutOff > 0 ? ", \(NumberFormat.grouped(report.cellsCutOff)) of them unchanged" : ""
        if report.changes.isEmpty && (!lastColumnsAdded.isEmpty || !lastColumnsRemoved.isEmpty) {
            text += "\(NumberFormat.grouped(report.cellsEvaluated)) cell\(report.cellsEvaluated == 1 ? "" : "s") computed\n"
        } else if report.changes.isEmpty && report.rebuiltTables.isEmpty {
            text += "no computed cell changed (\(NumberFormat.grouped(report.cellsEvaluated)) recomputed)\n"
        } else {
            text += "\(NumberFormat.grouped(report.changes.count)) cell\(report.changes.count == 1 ? "" : "s") changed; "
                + "\(NumberFormat.grouped(report.cellsEvaluated)) recomputed\(cut)\n"
        }
        out(text)
    }

    /// Grouped by column, the largest moves first.
    func changeLines(_ report: ChangeReport, limit: Int?) -> String {
        var order: [ColumnRef] = []
        var byColumn: [ColumnRef: [CellChange]] = [:]
        for c in report.changes {
            if byColumn[c.column] == nil { order.append(c.column) }
            byColumn[c.column, default: []].append(c)
        }
        var text = ""
        let ws = workspace
        for ref in order {
            var changes = byColumn[ref]!
            let name = changes[0].name
            let rows = ref.table.index < ws.program.tables.count ? ws.rowCount(ref.table) : changes.count
            var header = "\(name): \(NumberFormat.grouped(changes.count)) of \(NumberFormat.grouped(rows)) "
                + "cell\(rows == 1 ? "" : "s") changed"
            let deltas = changes.map { c -> Double? in
                guard let a = ValueText.number(c.old), let b = ValueText.number(c.new) else { return nil }
                return b - a
            }
            if deltas.contains(where: { $0 != nil }), ws.program.qualifiedName(ref) == name,
               case .number(let values) = ws.column(ref).values {
                // Totals skip missing cells, so a cell that went missing (or came back) counts too.
                let total = values.filter { !$0.isNaN }.reduce(0, +)
                let delta = changes.reduce(0.0) { $0 + (ValueText.number($1.new) ?? 0) - (ValueText.number($1.old) ?? 0) }
                header += ", total \(NumberFormat.human(total - delta)) → \(NumberFormat.human(total)) (\(NumberFormat.signed(delta)))"
            }
            text += header + "\n"
            // The largest moves first; cells that are not numbers after them, in row order.
            let indexed = changes.indices.sorted { i, j in
                let a = deltas[i].map { abs($0) } ?? -1, b = deltas[j].map { abs($0) } ?? -1
                return a != b ? a > b : changes[i].row < changes[j].row
            }
            changes = indexed.map { changes[$0] }
            let shown = Array(changes.prefix(limit ?? changes.count))
            let numbers = shown.flatMap { [ValueText.number($0.old), ValueText.number($0.new)] }.compactMap { $0 }
            let decimals = NumberFormat.columnDecimals(numbers)
            func show(_ v: CellValue) -> String {
                if case .number(let x) = v { return NumberFormat.human(x, decimals: decimals) }
                return ValueText.show(v)
            }
            let keys = shown.map { ResultText.keys($0.keys) }
            let olds = shown.map { show($0.old) }, news = shown.map { show($0.new) }
            let kw = keys.map(\.count).max() ?? 0, ow = olds.map(\.count).max() ?? 0, nw = news.map(\.count).max() ?? 0
            for (i, c) in shown.enumerated() {
                var line = "  " + pad(keys[i], kw) + (kw > 0 ? "  " : "") + pad(olds[i], ow, right: true) + " → " + pad(news[i], nw, right: true)
                if let a = ValueText.number(c.old), let b = ValueText.number(c.new) { line += "  (\(NumberFormat.signed(b - a, decimals: decimals)))" }
                while line.last == " " { line.removeLast() }
                text += line + "\n"
            }
            if shown.count < changes.count {
                text += "  … \(NumberFormat.grouped(changes.count - shown.count)) more (`changes` lists them all)\n"
            }
        }
        return text
    }

    /// The changed cells as one table: column, keys, old, new, delta.
    func changesTable(_ report: ChangeReport) -> OutputTable {
        let c = report.changes
        let deltas = c.map { ch -> Double in
            guard let a = ValueText.number(ch.old), let b = ValueText.number(ch.new) else { return .nan }
            return b - a
        }
        return OutputTable(name: "changes", columns: [
            OutputColumn(name: "column", values: .text(c.map(\.name)), isKey: true),
            OutputColumn(name: "keys", values: .text(c.map { ResultText.keys($0.keys) }), isKey: true),
            OutputColumn(name: "old", values: .text(c.map { ValueText.show($0.old, exact: true) })),
            OutputColumn(name: "new", values: .text(c.map { ValueText.show($0.new, exact: true) })),
            OutputColumn(name: "delta", values: .number(deltas)),
        ], rowCount: c.count)
    }

    func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let gap = String(repeating: " ", count: max(0, width - s.count))
        return right ? gap + s : s + gap
    }
}
