// The time-phased charts of `velo report --html`: per series of a period table (per SKU of
// `projection`), the level carried from period to period (`closing`) as a line against its
// thresholds (`plan.safety_stock`, dashed), planned runs as bars and their releases as
// markers; per period table with a load column (`over_capacity = released > capacity`), the
// load as bars against the limit, the periods over it in red. What plays which part is read
// from the formulas (Workspace+PeriodCharts.swift).
//
// Which series: a report on the period table chooses them (its rows' series, in its order);
// otherwise flagged series first (a flag on a table keyed like the series: `stockouts` by
// sku), then those whose level falls below a threshold or below zero, earliest first, then
// the rest — at most `maxSeriesCharts` per table; the page names the ones left out.
//
// Marks carry classes the tests count: svg.chart.period (one per series drawn), circle.level
// (one per period with a value, per level), polyline.threshold (one per threshold), rect.run
// (a period with a planned run), path.release (a period with a release), rect.load (one per
// period), rect.load.over (a period over its limit), polyline.limit (one per load).

import VeloCheck
import VeloData
import VeloEngine
import VeloRender

extension HTMLReport {
    static let maxSeriesCharts = 12

    static let periodStyle = """
        svg.period polyline.level-line { fill: none; stroke: #1d2733; stroke-width: 2; } svg.period circle.level { fill: #1d2733; }
        svg.period polyline.threshold { fill: none; stroke: #b3261e; stroke-width: 1.5; stroke-dasharray: 5 4; }
        svg.period rect.run { fill: #4a78c2; opacity: 0.8; } svg.period path.release { fill: #c2702a; }
        svg.period rect.load { fill: #4a78c2; } svg.period rect.load.over { fill: #b3261e; }
        svg.period polyline.limit { fill: none; stroke: #1d2733; stroke-width: 2; stroke-dasharray: 6 3; }
        svg.period line.zero { stroke: #8a94a0; stroke-width: 1; stroke-dasharray: 2 2; }
        """

    /// The charts of every period table, or "" when none has a level or a load.
    static func periodCharts(_ ws: Workspace) -> String {
        let program = ws.program
        let e = HTMLTableRenderer.escaped
        var out = ""
        for i in program.tables.indices {
            let ref = TableRef(i)
            guard let plan = ws.periodChartPlan(ref), !plan.isEmpty else { continue }
            let all = ws.periodSeries(plan)
            guard !all.isEmpty else { continue }
            let info = program.table(ref)
            let entityKeys = info.keys.filter { $0 != plan.periodKey }
            let (chosen, why) = chooseSeries(ws, plan, all, entityKeys: entityKeys)
            out += "<h3>\(e(info.name)) by \(e(plan.periodKey))</h3>\n"
            out += "<p class=\"meta\">\(e(describe(plan, info: info)))"
            if all.count > 1 { out += e(" \(why)") }
            out += "</p>\n"
            let hits = ws.flags()
            for s in chosen {
                let keys = ResultText.keys(s.keys)
                if !keys.isEmpty {
                    out += "<h4>\(e(info.name)) [\(e(keys))]</h4>\n"
                    let mine = hits.filter { h in
                        guard let t = program.table(named: h.table), program.table(t).keys == entityKeys else { return false }
                        return h.keys == s.keys
                    }
                    if !mine.isEmpty {
                        out += "<ul>\n"
                        for h in mine {
                            out += "<li><span class=\"severity-\(h.severity.rawValue)\">\(e(h.flag))</span> (\(h.severity.rawValue)): \(e(ResultText.message(h)))</li>\n"
                        }
                        out += "</ul>\n"
                    }
                }
                out += periodChart(plan, s, title: keys.isEmpty ? info.name : "\(info.name) [\(keys)]")
            }
            let left = all.count - chosen.count
            if left > 0 {
                let names = all.filter { s in !chosen.contains { $0.keys == s.keys } }.prefix(40).map { ResultText.keys($0.keys) }
                out += "<p class=\"more\">Not drawn (\(NumberFormat.grouped(left))): \(e(names.joined(separator: "; ")))\(left > names.count ? " …" : "")</p>\n"
            }
        }
        guard !out.isEmpty else { return "" }
        return "<h2>By period</h2>\n" + out
    }

    static func describe(_ plan: PeriodChartPlan, info: TableInfo) -> String {
        var parts: [String] = []
        for l in plan.levels {
            parts.append("\(l) as a line" + (plan.thresholds.isEmpty ? "" : " against " + plan.thresholds.map(\.label).joined(separator: ", ") + " (dashed)"))
        }
        if !plan.runs.isEmpty { parts.append(plan.runs.joined(separator: ", ") + " as bars") }
        if !plan.releases.isEmpty { parts.append(plan.releases.joined(separator: ", ") + " as markers") }
        for l in plan.loads { parts.append("\(l.bars) as bars against \(l.limit) (dashed), red where \(l.over)") }
        return parts.joined(separator: "; ") + "."
    }

    /// The series to draw and a sentence saying how they were chosen.
    static func chooseSeries(_ ws: Workspace, _ plan: PeriodChartPlan, _ all: [PeriodSeries], entityKeys: [String]) -> ([PeriodSeries], String) {
        let program = ws.program
        let limit = maxSeriesCharts
        // A report on the table: its rows' series, in its order.
        if let r = program.reports.indices.first(where: { program.reports[$0].target == .table(plan.table) }), let rows = ws.reportRows(r) {
            var picked: [PeriodSeries] = []
            for row in rows {
                guard let s = all.first(where: { $0.rows.contains(row) }), !picked.contains(where: { $0.keys == s.keys }) else { continue }
                picked.append(s)
            }
            let shown = Array(picked.prefix(limit))
            return (shown, "The series of report \(program.reports[r].name)'s rows, in its order (\(shown.count) of \(all.count)).")
        }
        var flagged = Set<[CellValue]>()
        for h in ws.flags() {
            guard let t = program.table(named: h.table), program.table(t).keys == entityKeys else { continue }
            flagged.insert(h.keys)
        }
        func firstShort(_ s: PeriodSeries) -> Int? {
            for l in plan.levels {
                guard let v = s.values[l] else { continue }
                for i in v.indices where !v[i].isNaN {
                    let limits = plan.thresholds.compactMap { s.values[$0.label]?[i] }.filter { !$0.isNaN }
                    if v[i] < 0 || limits.contains(where: { v[i] < $0 }) { return i }
                }
            }
            return nil
        }
        let ordered = all.enumerated().sorted { a, b in
            let fa = flagged.contains(a.element.keys), fb = flagged.contains(b.element.keys)
            if fa != fb { return fa }
            let sa = firstShort(a.element) ?? Int.max, sb = firstShort(b.element) ?? Int.max
            if sa != sb { return sa < sb }
            return a.offset < b.offset
        }.map(\.element)
        let shown = Array(ordered.prefix(limit))
        let drawn = shown.count == all.count ? "all \(all.count)" : "\(shown.count) of \(all.count)"
        return (shown, "Drawn: \(drawn) — flagged first, then those falling short soonest.")
    }

    /// One series: bands per period, bars, the level line with a point per period, thresholds.
    static func periodChart(_ plan: PeriodChartPlan, _ s: PeriodSeries, title: String) -> String {
        let e = HTMLTableRenderer.escaped
        let width = 760.0, height = 240.0, left = 64.0, right = 12.0, top = 30.0, bottom = 34.0
        let plotW = width - left - right, plotH = height - top - bottom
        let n = s.periods.count
        var all: [Double] = [0]
        for (_, v) in s.values { all += v.filter { !$0.isNaN } }
        let lo = all.min() ?? 0, hi = max(all.max() ?? 1, lo + 1)
        let span = hi - lo
        let minV = lo < 0 ? lo - span * 0.05 : 0, maxV = hi + span * 0.08
        let step = plotW / Double(max(n, 1))
        func x(_ i: Int) -> Double { left + Double(i) * step }
        func y(_ v: Double) -> Double { top + plotH - (v - minV) / (maxV - minV) * plotH }
        func f(_ v: Double) -> String { NumberFormat.exact((v * 10).rounded() / 10) }
        func label(_ i: Int) -> String { "\(plan.periodKey) \(s.periods[i]) (\(CivilDate(day: s.starts[i]).iso))" }
        var svg = "<svg class=\"chart period\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\">\n"
        svg += "<title>\(e(title)) by \(e(plan.periodKey))</title>\n"
        // Legend along the top.
        var legend: [String] = []
        legend += plan.levels + plan.thresholds.map { "\($0.label) (dashed)" } + plan.runs + plan.releases.map { "\($0) (▲)" }
        for l in plan.loads { legend += [l.bars, "\(l.limit) (dashed)"] }
        svg += "<text class=\"muted\" x=\"\(f(left))\" y=\"14\">\(e(legend.joined(separator: " · ")))</text>\n"
        // Bars: loads fill the band; runs are narrower.
        for l in plan.loads {
            guard let v = s.values[l.bars] else { continue }
            let over = s.over[l.over] ?? []
            for i in 0..<n where !v[i].isNaN {
                let y0 = y(max(v[i], 0)), y1 = y(min(v[i], 0))
                let isOver = i < over.count && over[i]
                svg += "<rect class=\"load\(isOver ? " over" : "")\" x=\"\(f(x(i) + step * 0.15))\" y=\"\(f(y0))\" width=\"\(f(step * 0.7))\" height=\"\(f(max(y1 - y0, 0.5)))\" data-value=\"\(NumberFormat.exact(v[i]))\"><title>\(e(label(i))): \(e(l.bars)) \(e(NumberFormat.human(v[i])))\(isOver ? ", \(e(l.over))" : "")</title></rect>\n"
            }
        }
        for (k, r) in plan.runs.enumerated() {
            guard let v = s.values[r] else { continue }
            let width = step * 0.5 / Double(plan.runs.count)
            for i in 0..<n where !v[i].isNaN && v[i] != 0 {
                let y0 = y(max(v[i], 0)), y1 = y(min(v[i], 0))
                svg += "<rect class=\"run\" x=\"\(f(x(i) + step * 0.25 + Double(k) * width))\" y=\"\(f(y0))\" width=\"\(f(width))\" height=\"\(f(max(y1 - y0, 0.5)))\" data-value=\"\(NumberFormat.exact(v[i]))\"><title>\(e(label(i))): \(e(r)) \(e(NumberFormat.human(v[i])))</title></rect>\n"
            }
        }
        // Zero, when the values go below it, and the axes.
        if minV < 0 {
            svg += "<line class=\"zero\" x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(y(0)))\" y2=\"\(f(y(0)))\"/>\n"
        }
        svg += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(left + plotW))\" y1=\"\(f(top + plotH))\" y2=\"\(f(top + plotH))\"/>\n"
        svg += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(top + plotH))\"/>\n"
        // Lines through the middle of each period's band.
        func polyline(_ v: [Double], _ cls: String, _ what: String) -> String {
            let points = (0..<n).filter { !v[$0].isNaN }.map { "\(f(x($0) + step / 2)),\(f(y(v[$0])))" }
            guard !points.isEmpty else { return "" }
            return "<polyline class=\"\(cls)\" points=\"\(points.joined(separator: " "))\"><title>\(e(what))</title></polyline>\n"
        }
        for l in plan.loads { if let v = s.values[l.limit] { svg += polyline(v, "limit", l.limit) } }
        for t in plan.thresholds { if let v = s.values[t.label] { svg += polyline(v, "threshold", t.label) } }
        for l in plan.levels {
            guard let v = s.values[l] else { continue }
            svg += polyline(v, "level-line", l)
            for i in 0..<n where !v[i].isNaN {
                svg += "<circle class=\"level\" cx=\"\(f(x(i) + step / 2))\" cy=\"\(f(y(v[i])))\" r=\"3\" data-value=\"\(NumberFormat.exact(v[i]))\"><title>\(e(label(i))): \(e(l)) \(e(NumberFormat.human(v[i])))</title></circle>\n"
            }
        }
        for r in plan.releases {
            guard let v = s.values[r] else { continue }
            for i in 0..<n where !v[i].isNaN && v[i] != 0 {
                let cx = x(i) + step / 2, base = top + plotH
                svg += "<path class=\"release\" d=\"M\(f(cx)) \(f(base - 11))L\(f(cx - 6)) \(f(base - 1))L\(f(cx + 6)) \(f(base - 1))Z\" data-value=\"\(NumberFormat.exact(v[i]))\"><title>\(e(label(i))): \(e(r)) \(e(NumberFormat.human(v[i])))</title></path>\n"
            }
        }
        // Scale and period labels, numbers as in the terminal.
        svg += "<text class=\"muted\" x=\"\(f(left - 6))\" y=\"\(f(top + 4))\" text-anchor=\"end\">\(e(NumberFormat.human(maxV, decimals: 0)))</text>\n"
        svg += "<text class=\"muted\" x=\"\(f(left - 6))\" y=\"\(f(y(0) + 4))\" text-anchor=\"end\">0</text>\n"
        if minV < 0 {
            svg += "<text class=\"muted\" x=\"\(f(left - 6))\" y=\"\(f(top + plotH))\" text-anchor=\"end\">\(e(NumberFormat.human(minV, decimals: 0)))</text>\n"
        }
        let every = max(1, (n + 12) / 13)
        for i in stride(from: 0, to: n, by: every) {
            svg += "<text class=\"muted\" x=\"\(f(x(i) + step / 2))\" y=\"\(f(top + plotH + 14))\" text-anchor=\"middle\">\(s.periods[i])</text>\n"
        }
        if n > 0 {
            svg += "<text class=\"muted\" x=\"\(f(left))\" y=\"\(f(height - 4))\">\(e(plan.periodKey)) 1 starts \(CivilDate(day: s.starts[0]).iso)</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }
}
