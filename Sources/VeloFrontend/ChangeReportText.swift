// What an edit changed, as a planner reads it: cells with old → new and the delta, flags
// raised and cleared, checks now failing, and how much was recomputed.

import VeloData
import VeloEngine
import VeloRender

public enum ChangeReportText {
    /// The report as lines of text; at most `limit` changed cells are listed.
    public static func render(_ r: ChangeReport, limit: Int = 20) -> String {
        var lines: [String] = []
        for t in r.rebuiltTables { lines.append("  \(t): its rows changed (rebuilt)") }
        let shown = r.changes.prefix(limit)
        let labels = shown.map { $0.keys.isEmpty ? $0.name : "\($0.name)[\(ResultText.keys($0.keys))]" }
        let width = labels.map(\.count).max() ?? 0
        for (label, c) in zip(labels, shown) {
            var line = "  " + label + String(repeating: " ", count: width - label.count) + "  "
                + show(c.old) + " → " + show(c.new)
            if case .number(let a) = c.old, case .number(let b) = c.new {
                let d = b - a
                line += "  (" + NumberFormat.signed(d) + ")"
            }
            lines.append(line)
        }
        if r.changedCells > shown.count { lines.append("  … \(NumberFormat.grouped(r.changedCells - shown.count)) more changed cells") }
        for f in r.flagsRaised { lines.append("  flag raised: \(f.flag) [\(ResultText.keys(f.keys))]: \(ResultText.message(f))") }
        for f in r.flagsCleared { lines.append("  flag cleared: \(f.flag) [\(ResultText.keys(f.keys))]") }
        for c in r.failingChecks.prefix(limit) {
            lines.append("  check failing: \(c.check) [\(ResultText.keys(c.keys))]: \(ResultText.detail(c))")
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// "14 cells recomputed, 9 unchanged (4.2 ms)"
    public static func summary(_ r: ChangeReport) -> String {
        let ms = r.phases.map(\.seconds).reduce(0, +) * 1000
        return "\(NumberFormat.grouped(r.changedCells)) cell\(r.changedCells == 1 ? "" : "s") changed; "
            + "\(NumberFormat.grouped(r.cellsEvaluated)) recomputed, \(NumberFormat.grouped(r.cellsCutOff)) unchanged "
            + "(\(NumberFormat.human(ms, decimals: 1)) ms)"
    }

    static func show(_ v: CellValue) -> String {
        switch v {
        case .number(let x): return NumberFormat.human(x)
        case .text(let s): return s
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "yes" : "no"
        case .missing(let r): return "—" + (r.map { " (\(ResultText.reason($0)))" } ?? "")
        }
    }
}
