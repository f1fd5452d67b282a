// The data behind the time-phased charts of a period table (`over weeks(12)`): which of its
// columns play which part, found from the formulas, and their values per series (one series
// per key tuple other than the period, the periods in order). Data only: the frontend draws
// it (HTMLReport+Periods.swift). Reads results; computes nothing new but the thresholds.
//
// The parts, from the rules alone (README "The review page"):
// - a level: a column the table carries forward with `previous(c, …)` (`closing`), a line;
// - a threshold: what the rules compare the level's parts with — a value of another table
//   in a `<`/`<=`/`>`/`>=` whose other side reads this table's measures
//   (`opening + receipts - demand < plan.safety_stock`), a dashed line;
// - a run: a column `if … then q else 0` (`planned_receipt`), a bar in the periods it is
//   not 0; a release: a column that shifts a run along time (`planned_release`), a marker;
// - a load against a limit: a true/false column `a > b` (or `>=`, `<`, `<=`) of two of the
//   table's numbers (`over_capacity = released > capacity`): a as bars, b as a line, the
//   periods where it holds marked.

import VeloCheck

/// What a period table's chart draws, by column name (thresholds by what they read).
public struct PeriodChartPlan: Sendable {
    public var table: TableRef
    public var periodKey: String
    public var levels: [String] = []
    public var thresholds: [(label: String, expr: CExpr)] = []
    public var runs: [String] = []
    public var releases: [String] = []
    /// `over_capacity = released > capacity`: bars `released`, limit `capacity`, `over` the flag column.
    public var loads: [(bars: String, limit: String, over: String)] = []

    public var isEmpty: Bool { levels.isEmpty && loads.isEmpty }
}

/// One series of a period table: its rows in period order and every drawn column's values.
public struct PeriodSeries: Sendable {
    /// The key values other than the period (empty for a table keyed by the period alone).
    public var keys: [CellValue]
    /// The table's rows of this series, in period order.
    public var rows: [Int]
    public var periods: [Int]
    /// The first day of each period.
    public var starts: [Int32]
    /// Column name (or threshold label) → one value per period (NaN: missing).
    public var values: [String: [Double]]
    /// Load flag column → one value per period.
    public var over: [String: [Bool]]
}

extension Workspace {
    /// The chart plan of a period table from its formulas; nil for another table.
    public func periodChartPlan(_ table: TableRef) -> PeriodChartPlan? {
        let info = program.table(table)
        guard let axis = info.periods else { return nil }
        var plan = PeriodChartPlan(table: table, periodKey: axis.key)
        func isNumber(_ c: Int) -> Bool { info.columns[c].type.base == .number }
        func name(_ ref: ColumnRef) -> String? { ref.table == table ? info.columns[ref.column].name : nil }
        // The table's own columns an expression reads (not through other tables).
        func reads(_ e: CExpr) -> Set<String> {
            var out = Set<String>()
            func visit(_ e: CExpr) {
                switch e.kind {
                case .column(let ref): if let n = name(ref) { out.insert(n) }
                case .shift(let s): if let n = name(s.column) { out.insert(n) }
                default: break
                }
                e.forEachChild(visit)
            }
            visit(e)
            return out
        }
        func readsOtherTable(_ e: CExpr) -> Bool {
            var found = false
            func visit(_ e: CExpr) {
                switch e.kind {
                case .lookup, .cell, .param: found = true
                case .column(let ref) where ref.table != table: found = true
                default: break
                }
                if !found { e.forEachChild(visit) }
            }
            visit(e)
            return found
        }
        func stripCoalesce(_ e: CExpr) -> CExpr {
            if case .binary(.coalesce, let a, _) = e.kind { return a }
            return e
        }
        var comparisons: [(CExpr, CExpr)] = []
        for column in info.columns {
            guard let formula = column.formula else { continue }
            func visit(_ e: CExpr) {
                if case .shift(let s) = e.kind, case .previous = s.mode, let n = name(s.column), !plan.levels.contains(n) {
                    plan.levels.append(n)
                }
                if case .binary(let op, let a, let b) = e.kind, [.less, .lessEqual, .greater, .greaterEqual].contains(op) {
                    comparisons.append((a, b))
                }
                e.forEachChild(visit)
            }
            visit(formula)
            if case .conditional(_, _, let otherwise) = formula.kind, case .literal(.number(0)) = otherwise.kind,
               column.type.base == .number {
                plan.runs.append(column.name)
            }
        }
        for column in info.columns {
            guard let formula = column.formula, column.type.base == .number,
                  case .shift(let s) = stripCoalesce(formula).kind, case .by = s.mode,
                  let n = name(s.column), plan.runs.contains(n) else { continue }
            plan.releases.append(column.name)
        }
        // Loads: `x = a > b` of two of the table's numbers.
        for column in info.columns {
            guard let formula = column.formula, column.type.base == .bool,
                  case .binary(let op, let a, let b) = formula.kind, [.less, .lessEqual, .greater, .greaterEqual].contains(op),
                  case .column(let ra) = a.kind, case .column(let rb) = b.kind,
                  let na = name(ra), let nb = name(rb), isNumber(ra.column), isNumber(rb.column) else { continue }
            plan.loads.append((bars: na, limit: nb, over: column.name))
        }
        // Thresholds of the level: a value of another table compared with this table's measures.
        if !plan.levels.isEmpty {
            let periodOnly: Set<String> = [axis.key]
            for (a, b) in comparisons {
                for (measure, limit) in [(a, b), (b, a)] {
                    let own = reads(measure)
                    guard !own.isEmpty, own != periodOnly, readsOtherTable(limit), reads(limit).isEmpty, limit.type.base == .number else { continue }
                    let label = program.file.text(of: limit.span)
                    if !plan.thresholds.contains(where: { $0.label == label }) { plan.thresholds.append((label, limit)) }
                }
            }
        }
        return plan
    }

    /// The series of a period table, in table order, with the values the plan draws.
    public func periodSeries(_ plan: PeriodChartPlan) -> [PeriodSeries] {
        let t = plan.table
        let info = program.table(t)
        guard let periodColumn = info.columnIndex(plan.periodKey), let axis = info.periods, let asOf,
              case .number(let period) = column(ColumnRef(t, periodColumn)).values else { return [] }
        var names = plan.levels + plan.runs + plan.releases
        for l in plan.loads { names += [l.bars, l.limit] }
        var columns: [String: [Double]] = [:]
        for n in names where columns[n] == nil {
            if let c = info.columnIndex(n), case .number(let v) = column(ColumnRef(t, c)).values { columns[n] = v }
        }
        for th in plan.thresholds { columns[th.label] = evaluator.evaluate(th.expr, in: t, rows: nil).numbers }
        var flags: [String: [UInt8]] = [:]
        for l in plan.loads {
            if let c = info.columnIndex(l.over), case .bool(let v) = column(ColumnRef(t, c)).values { flags[l.over] = v }
        }
        // Rows grouped by the keys other than the period, first appearance order.
        var index: [[CellValue]: Int] = [:]
        var groups: [(keys: [CellValue], rows: [Int])] = []
        for r in 0..<rowCount(t) {
            var keys = keyValues(t, row: r)
            if let k = info.keys.firstIndex(of: plan.periodKey), k < keys.count { keys.remove(at: k) }
            if let g = index[keys] { groups[g].rows.append(r) } else {
                index[keys] = groups.count
                groups.append((keys, [r]))
            }
        }
        return groups.map { g in
            let rows = g.rows.sorted { period[$0] < period[$1] }
            let periods = rows.map { period[$0].isNaN ? 0 : Int(period[$0]) }
            return PeriodSeries(keys: g.keys, rows: rows, periods: periods,
                                starts: periods.map { axis.bounds(of: $0, asOf: asOf).start },
                                values: columns.mapValues { v in rows.map { v[$0] } },
                                over: flags.mapValues { v in rows.map { v[$0] == 1 } })
        }
    }
}
