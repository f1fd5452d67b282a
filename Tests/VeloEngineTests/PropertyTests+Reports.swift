// The reports of the rule file, as `velo run` prints them (title line and rows, as CSV),
// must be the same incrementally and fresh.

import VeloEngine
@testable import VeloFrontend
import VeloRender

/// Every report that reads differently in the incremental workspace and a fresh one.
func reportDifferences(_ inc: Workspace, _ fresh: Workspace) -> [String] {
    var out: [String] = []
    for (i, report) in inc.program.reports.enumerated() {
        guard let j = fresh.program.report(named: report.name) else {
            out.append("report \(report.name) only in the incremental workspace")
            continue
        }
        let a = ResultTables.report(inc, i), b = ResultTables.report(fresh, j)
        let x = a.title + "\n" + CSVRenderer().render(a.table), y = b.title + "\n" + CSVRenderer().render(b.table)
        if x != y { out.append("report \(report.name): incremental\n\(x)vs fresh\n\(y)") }
    }
    if inc.program.reports.count != fresh.program.reports.count {
        out.append("reports: incremental \(inc.program.reports.map(\.name)), fresh \(fresh.program.reports.map(\.name))")
    }
    return out
}
