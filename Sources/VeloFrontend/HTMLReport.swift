// `velo report FILE --html OUT.html`: one self-contained page for the review meeting —
// inline CSS and SVG, nothing from the network, no JavaScript. The reports (or every table)
// as tables worded as in the terminal; per flagged row whose table reads windows over an
// event table, a chart of the daily units over its windows (window days shaded, zero-filled
// days marked, each window's aggregate as a level line: velocity against prior); per series
// of a period table, its level against thresholds with planned runs, and loads against
// limits (HTMLReport+Periods.swift); with --compare, the what-if's deltas per column and the
// rows that moved most.
//
// Marks carry classes the tests count: svg.chart (one per flagged row), rect.day (a day
// with rows), circle.zero-day (a zero-filled day), rect.window, line.level, rect.delta.

import VeloCheck
import VeloData
import VeloEngine
import VeloRender

enum HTMLReport {
    static let style = """
        body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d2733; margin: 2em auto; max-width: 1100px; padding: 0 1em; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #d8dee6; padding-bottom: 0.2em; }
        h3 { font-size: 1.05em; margin: 1.4em 0 0.3em; } .meta { color: #5b6775; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.5em 0 1em; font-variant-numeric: tabular-nums; }
        caption { text-align: left; font-weight: 600; padding: 0.3em 0; }
        th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e6eaef; text-align: left; white-space: nowrap; }
        th { background: #f3f5f8; font-weight: 600; } td.num, th.num { text-align: right; } td.key { font-weight: 500; }
        td.missing { color: #8a94a0; } .more { color: #5b6775; font-size: 0.9em; }
        .severity-error { color: #b3261e; font-weight: 600; } .severity-warning { color: #9a6700; font-weight: 600; } .severity-info { color: #5b6775; }
        svg.chart { display: block; margin: 0.3em 0 1.2em; background: #fff; border: 1px solid #e6eaef; }
        rect.window { fill: #e8f0fb; } rect.window.w1 { fill: #fdf1e0; } rect.day { fill: #4a78c2; } circle.zero-day { fill: #fff; stroke: #b3261e; stroke-width: 1.2; }
        line.level { stroke: #1d2733; stroke-width: 2; } line.level.w1 { stroke: #c2702a; } .axis { stroke: #8a94a0; stroke-width: 1; }
        text { font-size: 11px; fill: #1d2733; } text.muted { fill: #5b6775; }
        rect.delta.up { fill: #2e7d4f; } rect.delta.down { fill: #b3261e; }
        .legend span { display: inline-block; margin-right: 1.2em; } .swatch { display: inline-block; width: 0.9em; height: 0.9em; vertical-align: -0.1em; margin-right: 0.3em; }
        """

    struct Input {
        var path: String
        var workspace: Workspace
        var params: [String: Literal]
        /// `--compare`: the second param set and its workspace.
        var compare: (label: String, workspace: Workspace)?
    }

    static func page(_ input: Input) -> String {
        let ws = input.workspace
        let program = ws.program
        let e = HTMLTableRenderer.escaped
        var body = "<h1>\(e(input.path))</h1>\n"
        var meta: [String] = []
        if let a = ws.asOf { meta.append("as of \(CivilDate(day: a).iso)") }
        for p in program.params {
            let v = input.params[p.name] ?? p.value
            meta.append("\(p.name) = \(ValueText.show(v, asPercent: p.isPercentage || ValueText.isPercent(p, in: program.file)))")
        }
        body += "<p class=\"meta\">" + e(meta.joined(separator: " · ")) + "</p>\n"

        // The reports, or every computed table and the flags.
        body += "<h2>Reports</h2>\n"
        if program.reports.isEmpty {
            for (i, t) in program.tables.enumerated() where !t.isSource {
                body += HTMLTableRenderer(maxRows: 200).render(ResultTables.table(ws, TableRef(i)), caption: t.name)
            }
            body += HTMLTableRenderer(maxRows: 200).render(ResultTables.flags(ws.flags(), program: program), caption: "flags")
        } else {
            for i in program.reports.indices {
                let r = ResultTables.report(ws, i)
                body += HTMLTableRenderer(maxRows: 200).render(r.table, caption: r.title)
            }
        }

        // A chart per flagged row.
        let hits = ws.flags()
        var rows: [(table: String, row: Int, hits: [FlagHit])] = []
        for h in hits {
            if let i = rows.firstIndex(where: { $0.table == h.table && $0.row == h.row }) { rows[i].hits.append(h) } else { rows.append((h.table, h.row, [h])) }
        }
        var charts = ""
        for r in rows {
            guard let t = program.table(named: r.table) else { continue }
            let series = ws.dailySeries(t, row: r.row)
            guard !series.isEmpty else { continue }
            let keys = ResultText.keys(ws.keyValues(t, row: r.row))
            charts += "<h3>\(e(r.table))\(keys.isEmpty ? "" : " [" + e(keys) + "]")</h3>\n<ul>\n"
            for h in r.hits {
                charts += "<li><span class=\"severity-\(h.severity.rawValue)\">\(e(h.flag))</span> (\(h.severity.rawValue)): \(e(ResultText.message(h)))</li>\n"
            }
            charts += "</ul>\n"
            for s in series { charts += chart(s, title: "\(r.table) [\(keys)]") }
        }
        if !charts.isEmpty {
            body += "<h2>Flagged series</h2>\n"
            body += "<p class=\"legend\"><span><i class=\"swatch\" style=\"background:#4a78c2\"></i>units a day</span>"
                + "<span><i class=\"swatch\" style=\"border:1.5px solid #b3261e;border-radius:50%;background:#fff\"></i>no sales that day (counted as zero)</span>"
                + "<span><i class=\"swatch\" style=\"background:#e8f0fb\"></i><i class=\"swatch\" style=\"background:#fdf1e0\"></i>window days</span>"
                + "<span><i class=\"swatch\" style=\"background:#1d2733;height:0.2em\"></i>the window's value</span></p>\n"
            body += charts
        }

        body += periodCharts(ws)
        if let (label, other) = input.compare { body += compareSection(ws, other, label: label) }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(input.path)) — Velo report</title>
            <style>
            \(style)
            \(periodStyle)
            </style>
            </head>
            <body>
            \(body)<p class="meta">Written by velo report.</p>
            </body>
            </html>

            """
    }

    /// Daily units over the windows: shaded window days, a bar per day with rows, a ring at
    /// the baseline for each zero-filled day, and each window's aggregate as a level line.
    static func chart(_ s: DailySeries, title: String) -> String {
        let e = HTMLTableRenderer.escaped
        let width = 760.0, height = 230.0, left = 48.0, right = 12.0, top = 26.0, bottom = 30.0
        let plotW = width - left - right, plotH = height - top - bottom
        let n = s.totals.count
        let levels = s.windows.flatMap { $0.columns.compactMap(\.value) }
        let maxValue = max(1, (s.totals + levels).max() ?? 1) * 1.1
        let step = plotW / Double(max(n, 1))
        func x(_ day: Int32) -> Double { left + Double(day - s.firstDay) * step }
        func y(_ v: Double) -> Double { top + plotH - v / maxValue * plotH }
        func f(_ v: Double) -> String { NumberFormat.exact((v * 10).rounded() / 10) }
        var svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">\n"
        svg += "<title>\(e(title)): \(e(s.eventTable)).\(e(s.column)) per day</title>\n"
        for (i, w) in s.windows.enumerated() {
            let x0 = x(w.first), x1 = x(w.last + 1)
            svg += "<rect class=\"window w\(i % 2)\" x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(x1 - x0))\" height=\"\(f(plotH))\" opacity=\"\(i == 0 ? "1" : "0.75")\"><title>\(e(w.label))</title></rect>\n"
            svg += "<text class=\"muted\" x=\"\(f(x0 + 3))\" y=\"\(f(top - 6 - Double(i % 2) * 0))\">\(e(w.label))</text>\n"
        }
        for i in 0..<n {
            let day = s.firstDay + Int32(i)
            let date = CivilDate(day: day).iso
            if s.hadRows[i] {
                let v = max(0, s.totals[i])
                svg += "<rect class=\"day\" x=\"\(f(x(day) + step * 0.12))\" y=\"\(f(y(v)))\" width=\"\(f(step * 0.76))\" height=\"\(f(top + plotH - y(v)))\" data-units=\"\(NumberFormat.exact(s.totals[i]))\"><title>\(date): \(e(NumberFormat.human(s.totals[i])))</title></rect>\n"
            } else {
                svg += "<circle class=\"zero-day\" cx=\"\(f(x(day) + step / 2))\" cy=\"\(f(top + plotH - 3))\" r=\"\(f(min(3, step * 0.35)))\"><title>\(date): no rows (zero)</title></circle>\n"
            }
        }
        for (i, w) in s.windows.enumerated() {
            for c in w.columns {
                guard let v = c.value else { continue }
                svg += "<line class=\"level w\(i % 2)\" x1=\"\(f(x(w.first)))\" x2=\"\(f(x(w.last + 1)))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\"><title>\(e(c.name)) = \(e(NumberFormat.human(v)))</title></line>\n"
                svg += "<text x=\"\(f(x(w.first) + 3))\" y=\"\(f(y(v) - 4))\">\(e(c.name)) \(e(NumberFormat.human(v)))</text>\n"
            }
        }
        // Axes: the baseline, the top value, the first and last dates.
        svg += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(top + plotH))\" y2=\"\(f(top + plotH))\"/>\n"
        svg += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(top + plotH))\"/>\n"
        svg += "<text class=\"muted\" x=\"\(f(left - 6))\" y=\"\(f(top + 4))\" text-anchor=\"end\">\(e(NumberFormat.human(maxValue, decimals: 0)))</text>\n"
        svg += "<text class=\"muted\" x=\"\(f(left - 6))\" y=\"\(f(top + plotH))\" text-anchor=\"end\">0</text>\n"
        svg += "<text class=\"muted\" x=\"\(f(left))\" y=\"\(f(height - 10))\">\(CivilDate(day: s.firstDay).iso)</text>\n"
        svg += "<text class=\"muted\" x=\"\(f(left + plotW))\" y=\"\(f(height - 10))\" text-anchor=\"end\">\(CivilDate(day: s.firstDay + Int32(n - 1)).iso)</text>\n"
        svg += "</svg>\n"
        return svg
    }

    /// `--compare`: per computed table, each numeric column's totals and delta, and a bar per
    /// row for the column that moved most (the 20 largest moves).
    static func compareSection(_ a: Workspace, _ b: Workspace, label: String) -> String {
        let e = HTMLTableRenderer.escaped
        var out = "<h2>What if \(e(label))</h2>\n"
        for (i, t) in a.program.tables.enumerated() where !t.isSource {
            let ref = TableRef(i)
            guard b.program.table(named: t.name) == ref, a.rowCount(ref) == b.rowCount(ref) else { continue }
            var names: [String] = [], base: [Double] = [], whatIf: [Double] = []
            var best: (name: String, deltas: [Double], total: Double)? = nil
            for (c, column) in t.columns.enumerated() where column.formula != nil {
                guard case .number(let x) = a.column(ColumnRef(ref, c)).values, case .number(let y) = b.column(ColumnRef(ref, c)).values else { continue }
                let sx = x.filter { !$0.isNaN }.reduce(0, +), sy = y.filter { !$0.isNaN }.reduce(0, +)
                names.append(column.name); base.append(sx); whatIf.append(sy)
                let deltas = zip(x, y).map { ($1.isNaN ? 0 : $1) - ($0.isNaN ? 0 : $0) }
                let moved = deltas.map(abs).reduce(0, +)
                if moved > 0, moved > (best?.total ?? 0) { best = (column.name, deltas, moved) }
            }
            guard !names.isEmpty else { continue }
            let table = OutputTable(name: t.name, columns: [
                OutputColumn(name: "column", values: .text(names), isKey: true),
                OutputColumn(name: "base", values: .number(base)),
                OutputColumn(name: label, values: .number(whatIf)),
                OutputColumn(name: "delta", values: .number(zip(base, whatIf).map { $1 - $0 })),
            ], rowCount: names.count)
            out += HTMLTableRenderer().render(table, caption: "\(t.name): totals per column")
            guard let best else { out += "<p class=\"meta\">Nothing in \(e(t.name)) moves.</p>\n"; continue }
            let moved = best.deltas.indices.filter { best.deltas[$0] != 0 }.sorted { abs(best.deltas[$0]) > abs(best.deltas[$1]) }.prefix(20)
            let biggest = moved.map { abs(best.deltas[$0]) }.max() ?? 1
            let rowH = 20.0, width = 760.0, labelW = 170.0, mid = labelW + (width - labelW) / 2
            let height = Double(moved.count) * rowH + 30
            var svg = "<svg class=\"chart compare\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">\n"
            svg += "<title>\(e(t.name)).\(e(best.name)): \(e(label)) minus base</title>\n"
            svg += "<text class=\"muted\" x=\"\(Int(labelW))\" y=\"14\">\(e(t.name)).\(e(best.name)), \(e(label)) − base (the \(moved.count) largest moves)</text>\n"
            for (k, r) in moved.enumerated() {
                let d = best.deltas[r]
                let w = abs(d) / biggest * ((width - labelW) / 2 - 60)
                let y0 = 24 + Double(k) * rowH
                let keys = ResultText.keys(a.keyValues(ref, row: r))
                svg += "<text x=\"\(Int(labelW - 8))\" y=\"\(Int(y0 + 13))\" text-anchor=\"end\">\(e(keys))</text>\n"
                svg += "<rect class=\"delta \(d > 0 ? "up" : "down")\" x=\"\(Int(d > 0 ? mid : mid - w))\" y=\"\(Int(y0 + 3))\" width=\"\(max(1, Int(w)))\" height=\"\(Int(rowH - 6))\" data-delta=\"\(NumberFormat.exact(d))\"><title>\(e(keys)): \(e(NumberFormat.signed(d)))</title></rect>\n"
                svg += "<text x=\"\(Int(d > 0 ? mid + w + 4 : mid - w - 4))\" y=\"\(Int(y0 + 13))\" text-anchor=\"\(d > 0 ? "start" : "end")\">\(e(NumberFormat.signed(d)))</text>\n"
            }
            svg += "<line class=\"axis\" x1=\"\(Int(mid))\" x2=\"\(Int(mid))\" y1=\"20\" y2=\"\(Int(height))\"/>\n</svg>\n"
            out += svg
        }
        return out
    }
}
