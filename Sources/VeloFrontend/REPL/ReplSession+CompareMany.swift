// `compare base acme_late on plan` (every column of a table) or `on plan.need, order_qty`
// (several columns of one table): a line per column with how many rows differ and, for
// numbers, the totals; then one table of the rows that differ, with each differing
// column's delta (a text column shows old → new).

import VeloCheck
import VeloEngine
import VeloRender
import VeloSyntax

extension ReplSession {
    func compareMany(_ a: String, _ b: String, on target: String) throws {
        func find(_ n: String) throws(ReplError) -> Scenario {
            guard let s = scenarios.first(where: { $0.name == n }) else { throw ReplError("no scenario \(n)" + scenarioHint(n)) }
            return s
        }
        let sa = try find(a), sb = try find(b)
        let wa = sa.workspace, wb = sb.workspace
        // The table and its columns: `plan`, or `plan.x, y` / `plan.x, plan.y`.
        var tableName: String?
        var names: [String] = []
        for part in target.split(separator: ",").map(String.init) {
            let pieces = part.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if pieces.count == 2 {
                if let t = tableName, t != pieces[0] { throw ReplError("`compare` takes columns of one table; found `\(t)` and `\(pieces[0])`") }
                tableName = pieces[0]
                names.append(pieces[1])
            } else if pieces.count == 1, tableName == nil, names.isEmpty, wa.program.table(named: pieces[0]) != nil, !target.contains(",") {
                tableName = pieces[0]
            } else if pieces.count == 1, tableName != nil {
                names.append(pieces[0])
            } else {
                let p = wa.program
                throw ReplError("no table `\(pieces[0])`" + (Suggest.didYouMean(pieces[0], in: p.tables.map(\.name)).map { ": \($0)" } ?? "")
                                + "; `compare A B on TABLE` or `on TABLE.COLUMN, COLUMN …`")
            }
        }
        guard let tableName, let ta = wa.program.table(named: tableName) else { throw ReplError("`compare … on` needs a table or TABLE.COLUMN") }
        guard let tb = wb.program.table(named: tableName) else { throw ReplError("no table `\(tableName)` in scenario \(b)") }
        let info = wa.program.table(ta)
        if names.isEmpty { names = info.columns.filter { if case .key = $0.kind { return false }; return true }.map(\.name) }
        var pairs: [(String, ResultColumn, ResultColumn)] = []
        for n in names {
            guard let ca = info.columnIndex(n) else {
                throw ReplError("`\(tableName)` has no column `\(n)`" + (Suggest.didYouMean(n, in: info.columns.map(\.name)).map { ": \($0)" } ?? ""))
            }
            guard let cb = wb.program.table(tb).columnIndex(n) else { throw ReplError("`\(tableName)` has no column `\(n)` in scenario \(b)") }
            pairs.append((n, wa.column(ColumnRef(ta, ca)), wb.column(ColumnRef(tb, cb))))
        }
        // Rows matched by key.
        var rowsB: [String: Int] = [:]
        for r in 0..<wb.rowCount(tb) { rowsB[ResultText.keys(wb.keyValues(tb, row: r))] = r }
        var keys: [String] = [], seen = Set<String>()
        var matches: [(Int?, Int?)] = []
        for r in 0..<wa.rowCount(ta) {
            let k = ResultText.keys(wa.keyValues(ta, row: r))
            seen.insert(k)
            keys.append(k)
            matches.append((r, rowsB[k]))
        }
        for r in 0..<wb.rowCount(tb) {
            let k = ResultText.keys(wb.keyValues(tb, row: r))
            if !seen.contains(k) { keys.append(k); matches.append((nil, r)) }
        }
        let noRow = CellValue.missing("no row")
        var lines: [String] = []
        var differing: [(String, Bool, [CellValue], [CellValue])] = []   // name, numeric, left, right per row
        var anyRow = Set<Int>()
        for (n, va, vb) in pairs {
            let left = matches.map { m in m.0.map { ValueText.cell(va, $0) } ?? noRow }
            let right = matches.map { m in m.1.map { ValueText.cell(vb, $0) } ?? noRow }
            let diff = (0..<keys.count).filter { !ValueText.same(left[$0], right[$0]) }
            let numeric = va.type.base == .number || va.type.base == .duration
            var line = "  \(n): \(NumberFormat.grouped(diff.count)) row\(diff.count == 1 ? "" : "s") differ"
            if numeric {
                let x = left.compactMap(ValueText.number).filter { !$0.isNaN }.reduce(0, +)
                let y = right.compactMap(ValueText.number).filter { !$0.isNaN }.reduce(0, +)
                line += "; total \(NumberFormat.human(x)) vs \(NumberFormat.human(y)) (\(NumberFormat.signed(y - x)))"
            }
            lines.append(line)
            if !diff.isEmpty { differing.append((n, numeric, left, right)); anyRow.formUnion(diff) }
        }
        let rows = anyRow.sorted()
        let header = "\(tableName): \(a) vs \(b), \(NumberFormat.grouped(rows.count)) of \(NumberFormat.grouped(keys.count)) rows differ"
        if format != .table {
            // Machines get every value: KEY, then COLUMN_A, COLUMN_B (and COLUMN_delta) per differing column.
            var columns = [OutputColumn(name: info.keys.isEmpty ? "row" : info.keys.joined(separator: ", "), values: .text(rows.map { keys[$0] }), isKey: true)]
            for (n, numeric, left, right) in differing {
                for (label, v) in [(a, left), (b, right)] {
                    let picked = rows.map { v[$0] }
                    columns.append(OutputColumn(name: "\(n)_\(label)", values: numeric ? .number(picked.map { ValueText.number($0) ?? .nan })
                                                : .text(picked.map { if case .missing = $0 { return nil }; return ValueText.show($0, exact: true) })))
                }
                if numeric {
                    columns.append(OutputColumn(name: "\(n)_delta", values: .number(rows.map { (ValueText.number(right[$0]) ?? .nan) - (ValueText.number(left[$0]) ?? .nan) })))
                }
            }
            return out(render(OutputTable(name: tableName, columns: columns, rowCount: rows.count)))
        }
        var text = header + "\n" + lines.joined(separator: "\n") + "\n"
        if !rows.isEmpty {
            var columns = [OutputColumn(name: info.keys.isEmpty ? "row" : info.keys.joined(separator: ", "), values: .text(rows.map { keys[$0] }), isKey: true)]
            for (n, numeric, left, right) in differing {
                if numeric {
                    columns.append(OutputColumn(name: "Δ " + n, values: .number(rows.map { r in
                        ValueText.same(left[r], right[r]) ? 0 : (ValueText.number(right[r]) ?? .nan) - (ValueText.number(left[r]) ?? .nan) })))
                } else {
                    columns.append(OutputColumn(name: n, values: .text(rows.map { r in
                        ValueText.same(left[r], right[r]) ? "" : ValueText.show(left[r]) + " → " + ValueText.show(right[r]) })))
                }
            }
            let table = render(OutputTable(name: tableName, columns: columns, rowCount: rows.count))
            text += (table.firstIndex(of: "\n").map { String(table[table.index(after: $0)...]) } ?? table)
        }
        out(text)
    }
}
