// Why a number is what it is: a cell's formula, the values it read, recursively, and for
// window aggregates the days that went into them. What a cell read is its node's edges in
// the evaluation graph: those with a reading expression (`Edge.site`) at the cell's own
// level — a column of the same row, a lookup, a fixed cell, an aggregate, a param, the
// as-of date; reads inside an aggregate's argument are shown by the aggregate.

import VeloCheck
import VeloData

/// One cell (or one aggregate inside a formula) and what it was computed from.
public struct Explanation: Sendable {
    /// "series.velocity[SKU1, web]", "param service_level", "sum(series.velocity)".
    public var cell: String
    public var value: CellValue
    /// The formula as written, for formula cells.
    public var formula: String?
    public var inputs: [Explanation]
    public var window: WindowExplanation?
    /// "3 rows of series", "no row in inventory for SKU9", "data".
    public var note: String?
}

/// The days of a window aggregate, oldest first.
public struct WindowExplanation: Sendable {
    public var table: String
    public var aggregate: String
    public var first: Int32
    public var last: Int32
    /// The day's total of the aggregated value (0 on days without rows).
    public var daily: [Double]
    /// Days without any row, counted as zero.
    public var zeroFilled: [Bool]
    /// The weight of each day, for weighted averages.
    public var weights: [Double]?
}

extension Workspace {
    /// Explains one cell to `depth` levels of inputs.
    public func explain(table: String, column: String, keys: [String], depth: Int = 2) throws(WorkspaceError) -> Explanation {
        guard let t = program.table(named: table) else { throw WorkspaceError.unknownTable(table, candidates: []) }
        guard let c = program.table(t).columnIndex(column) else { throw WorkspaceError.unknownColumn(table: table, column: column, candidates: []) }
        guard keys.count == program.table(t).keys.count, let row = self.row(t, keys: keys) ?? (keys.isEmpty && rowCount(t) == 1 ? 0 : nil) else {
            throw WorkspaceError.unknownRow(table: table, keys: keys)
        }
        return explainCell(ColumnRef(t, c), row: row, depth: max(0, depth))
    }

    func explainCell(_ ref: ColumnRef, row: Int, depth: Int) -> Explanation {
        let t = evaluator.tables[ref.table.index]
        let name = evaluator.cellName(ref, row: row)
        let value = cellValue(t.columns[ref.column], t.reasons[ref.column], row)
        guard let formula = program.column(ref).formula else {
            let kind = program.table(ref.table).isSource ? "data" : "key"
            return Explanation(cell: name, value: value, formula: nil, inputs: [], window: nil, note: kind)
        }
        var node = Explanation(cell: name, value: value, formula: program.file.text(of: formula.span), inputs: [], window: nil,
                               note: nil)
        if depth > 0 { node.inputs = inputs(of: .column(ref), context: ref.table, row: row, depth: depth - 1) }
        if !program.decisions.isEmpty { explainDecision(&node, ref, row: row) }
        return node
    }

    /// The cells and aggregates a node reads, for one row of its table.
    func inputs(of node: GraphNode, context: TableRef, row: Int, depth: Int) -> [Explanation] {
        var out: [Explanation] = []
        var seen = Set<String>()
        func add(_ x: Explanation) { if seen.insert(x.cell).inserted { out.append(x) } }
        for edge in graph.inputs[node] ?? [] {
            guard let e = edge.site else { continue }
            switch (e.kind, edge.path.count) {
            case (.param(let p), 1):
                add(Explanation(cell: "param \(program.params[p].name)", value: CellValue(evaluator.params[p]), formula: nil,
                                inputs: [], window: nil, note: nil))
            case (.call, 1):
                add(Explanation(cell: "the as-of date", value: evaluator.asOf.map { .date($0) } ?? .missing("no dated data"),
                                formula: nil, inputs: [], window: nil, note: pinnedAsOf == nil ? "the latest date in the data" : "set"))
            case (.column(let ref), 0):
                add(explainCell(ref, row: row, depth: depth))
            case (.lookup(let ref, let alignment), 1):
                let target = evaluator.alignmentIndex(alignment, grouped: false).lookup[row]
                if target >= 0 {
                    add(explainCell(ref, row: Int(target), depth: depth))
                } else {
                    add(Explanation(cell: program.qualifiedName(ref), value: .missing("no row in `\(program.table(ref.table).name)`"),
                                    formula: nil, inputs: [], window: nil, note: "no row for \(keyText(context, row: row))"))
                }
            case (.cell(let ref, _), 1):
                let v = evaluator.evaluate(e, in: context, rows: [Int32(row)])
                add(Explanation(cell: program.file.text(of: e.span), value: cellValue(v.values, v.reasons, 0), formula: nil,
                                inputs: [], window: nil, note: "a cell of \(program.table(ref.table).name)"))
            case (.aggregate(let a), 1):
                add(explainAggregate(e, a, context: context, row: row, depth: depth))
            case (.shift(let s), 1):
                add(explainShift(e, s, context: context, row: row, depth: depth))
            case (.periodDate(let axis, _, _), 1):
                add(Explanation(cell: "the as-of date", value: evaluator.asOf.map { .date($0) } ?? .missing("no dated data"),
                                formula: nil, inputs: [], window: nil,
                                note: "periods are \(axis.unit.rawValue) after it"))
            case (.literal, _), (.param, _), (.call, _), (.column, _), (.lookup, _), (.cell, _), (.aggregate, _),
                 (.negate, _), (.not, _), (.binary, _), (.isMissing, _), (.conditional, _), (.shift, _), (.periodDate, _):
                // Read from inside an aggregate's argument (shown by the aggregate), or not a
                // reading expression.
                continue
            }
        }
        return out
    }

    /// A read along time: the cell of the period it reads, or the first period's value.
    func explainShift(_ e: CExpr, _ s: TimeShift, context: TableRef, row: Int, depth: Int) -> Explanation {
        let h = evaluator.horizon(s.axis)
        let v = evaluator.evaluate(e, in: context, rows: [Int32(row)])
        var node = Explanation(cell: program.file.text(of: e.span), value: cellValue(v.values, v.reasons, 0), formula: nil,
                               inputs: [], window: nil, note: nil)
        guard h > 0 else { return node }
        let period = row % h + 1
        switch s.mode {
        case .previous(let first):
            if period == 1 {
                node.note = "period 1: the first value, \(program.file.text(of: first.span))"
            } else {
                node.note = "period \(period - 1), the one before"
                if depth >= 0 { node.inputs = [explainCell(s.column, row: row - 1, depth: depth)] }
            }
        case .by(let k):
            let kv = evaluator.evaluate(k, in: context, rows: [Int32(row)]).numbers[0]
            if kv.isNaN || kv != kv.rounded() || period + Int(kv) < 1 || period + Int(kv) > h {
                node.note = "no period \(kv.isNaN ? "?" : String(Int(kv) + period)) within 1…\(h)"
            } else {
                node.note = "period \(period + Int(kv)), \(Int(kv)) away"
                if depth >= 0 { node.inputs = [explainCell(s.column, row: row + Int(kv), depth: depth)] }
            }
        case .cumulative:
            node.note = "periods 1…\(period)"
            if depth >= 0 { node.inputs = (row - (period - 1)...row).prefix(12).map { explainCell(s.column, row: $0, depth: depth) } }
        case .firstWhere(let c):
            let found = v.numbers[0]
            guard found.isFinite, found >= 1, Int(found) <= h else {
                node.note = "\(program.file.text(of: c.span)) holds in no period 1…\(h)"
                break
            }
            node.note = "the first of periods 1…\(h) where \(program.file.text(of: c.span)) holds"
            // The columns of this table the condition reads, in that period.
            var columns: [ColumnRef] = []
            func collect(_ x: CExpr) {
                if case .column(let r) = x.kind, r.table == context, !columns.contains(r) { columns.append(r) }
                if case .aggregate = x.kind { return }
                x.forEachChild(collect)
            }
            collect(c)
            let at = row - (period - 1) + Int(found) - 1
            if depth >= 0 { node.inputs = columns.map { explainCell($0, row: at, depth: depth) } }
        }
        return node
    }

    func explainAggregate(_ e: CExpr, _ a: AggregateCall, context: TableRef, row: Int, depth: Int) -> Explanation {
        let v = evaluator.evaluate(e, in: context, rows: [Int32(row)])
        var node = Explanation(cell: program.file.text(of: e.span), value: cellValue(v.values, v.reasons, 0), formula: nil,
                               inputs: [], window: nil, note: nil)
        let index = evaluator.alignmentIndex(a.alignment, grouped: true)
        let group = Array(index.rows[index.range(row)])
        let target = a.alignment.to
        let targetName = program.table(target).name
        var rowsName = targetName
        if let base = program.table(target).source?.base, let filter = program.table(target).source?.filter {
            // A filtered event table says which rows it keeps.
            rowsName += " (the rows of \(program.table(base).name) where \(program.file.text(of: filter.span)))"
        }
        if let w = a.window, let dc = program.table(target).source?.dateColumn,
           case .date(let dates) = evaluator.tables[target.index].columns[dc] {
            let start = evaluator.windowStarts(w, n: 1, context: context, rows: [Int32(row)])[0]
            guard start != Values.missingDate else {
                node.note = "no window: its start date is missing"
                return node
            }
            let arg = evaluator.evaluate(a.argument, in: target, rows: group)
            var daily = [Double](repeating: 0, count: w.length)
            var counts = [Int](repeating: 0, count: w.length)
            for (i, t) in group.enumerated() {
                let d = Int(dates[Int(t)]) - Int(start)
                guard d >= 0, d < w.length else { continue }
                counts[d] += 1
                if case .number(let x) = arg.values, !x[i].isNaN { daily[d] += x[i] }
            }
            var weights: [Double]? = nil
            switch a.weighting {
            case .linear?: weights = (1...w.length).map(Double.init)
            case .exponential(let h)?: weights = (0..<w.length).map { pow2(-Double(w.length - 1 - $0) / h) }
            case nil: break
            }
            node.window = WindowExplanation(table: targetName, aggregate: a.function.rawValue, first: start,
                                            last: start + Int32(w.length) - 1, daily: daily, zeroFilled: counts.map { $0 == 0 },
                                            weights: weights)
            node.note = "\(counts.reduce(0, +)) rows of \(rowsName) on \(counts.filter { $0 > 0 }.count) of \(w.length) days"
            return node
        }
        node.note = "\(group.count) row\(group.count == 1 ? "" : "s") of \(rowsName)"
        // The values reduced, when the argument is a plain column: each row's cell.
        if depth >= 0, case .column(let ref) = a.argument.kind {
            node.inputs = group.prefix(12).map { explainCell(ref, row: Int($0), depth: depth) }
        }
        return node
    }
}

extension CellValue {
    /// A literal (a param's value, a constant) as a cell value.
    public init(_ l: Literal) {
        switch l {
        case .number(let x), .duration(let x): self = .number(x)
        case .text(let s): self = .text(s)
        case .date(let d): self = .date(d)
        case .bool(let b): self = .bool(b)
        case .missing(let r): self = .missing(r)
        }
    }
}

/// 2^x, for half-life weights.
func pow2(_ x: Double) -> Double { libmPow(2, x) }
