// The data behind a chart of one row: the daily totals its windows read from an event
// table (zero-filled days marked), the windows' days, and the values of the columns that
// are a window aggregate. Data only: the frontend draws it (HTMLReport.swift).

import VeloCheck

/// One day range a row's window covers: `last 21 days ending 14 days ago`.
public struct ChartWindow: Sendable, Equatable {
    public var first: Int32
    public var last: Int32
    /// `last 21 days`, `last 21 days ending 14 days ago`.
    public var label: String
    /// The formula columns of the row's table that are an average (`avg`, `wavg`) over
    /// exactly this window, with their values in the row (nil when missing).
    public var columns: [(name: String, value: Double?)]

    public static func == (a: ChartWindow, b: ChartWindow) -> Bool {
        a.first == b.first && a.last == b.last && a.label == b.label && a.columns.map(\.name) == b.columns.map(\.name)
    }
}

/// The daily totals of one event-table column for the rows matching a context row.
public struct DailySeries: Sendable {
    public var eventTable: String
    public var column: String
    public var firstDay: Int32
    /// One total per day from `firstDay`; days without rows are 0 and not in `hadRows`.
    public var totals: [Double]
    public var hadRows: [Bool]
    public var windows: [ChartWindow]
}

extension Workspace {
    /// The daily series a row's as-of windows read, one per (event table, column).
    public func dailySeries(_ table: TableRef, row: Int) -> [DailySeries] {
        guard let asOf else { return [] }
        struct Read: Hashable { var to: TableRef; var column: Int; var on: [String] }
        var windows: [Read: [(length: Int, ago: Int, column: String?)]] = [:]
        var order: [Read] = []
        let info = program.table(table)
        for column in info.columns {
            guard let formula = column.formula else { continue }
            var topLevel = true
            func visit(_ e: CExpr) {
                if case .aggregate(let a) = e.kind, let w = a.window, case .asOf(let ago) = w.anchor,
                   case .column(let ref) = a.argument.kind, ref.table == a.alignment.to, a.alignment.from == table {
                    let read = Read(to: a.alignment.to, column: ref.column, on: a.alignment.on)
                    if windows[read] == nil { order.append(read) }
                    // A column that is exactly a daily level (an average) is drawn as a line over its window.
                    let level = topLevel && (a.function == .avg || a.function == .wavg)
                    windows[read, default: []].append((w.length, ago, level ? column.name : nil))
                }
                topLevel = false
                e.forEachChild(visit)
            }
            visit(formula)
        }
        var out: [DailySeries] = []
        for read in order {
            let event = program.table(read.to)
            guard case .source(let source) = event.kind, let dateColumn = source.dateColumn else { continue }
            // The windows, each once, with the columns that are exactly that aggregate.
            var chartWindows: [ChartWindow] = []
            for w in windows[read] ?? [] {
                let last = asOf - Int32(w.ago), first = last - Int32(w.length) + 1
                let label = "last \(w.length) days" + (w.ago > 0 ? " ending \(w.ago) days ago" : "")
                var value: (String, Double?)? = nil
                if let name = w.column, let c = info.columnIndex(name), case .number(let v) = column(ColumnRef(table, c)).values {
                    value = (name, v[row].isNaN ? nil : v[row])
                }
                if let i = chartWindows.firstIndex(where: { $0.first == first && $0.last == last }) {
                    if let value { chartWindows[i].columns.append((name: value.0, value: value.1)) }
                } else {
                    chartWindows.append(ChartWindow(first: first, last: last, label: label,
                                                    columns: value.map { [(name: $0.0, value: $0.1)] } ?? []))
                }
            }
            guard let firstDay = chartWindows.map(\.first).min(), let lastDay = chartWindows.map(\.last).max() else { continue }
            // The event rows matching the context row on the alignment's columns.
            var matchers: [(ResultColumn, ResultColumn)] = []
            for name in read.on {
                guard let a = info.columnIndex(name), let b = event.columnIndex(name) else { continue }
                matchers.append((column(ColumnRef(table, a)), column(ColumnRef(read.to, b))))
            }
            let dates = column(ColumnRef(read.to, dateColumn))
            let values = column(ColumnRef(read.to, read.column))
            guard case .date(let day) = dates.values, case .number(let units) = values.values else { continue }
            let count = Int(lastDay - firstDay) + 1
            var totals = [Double](repeating: 0, count: count)
            var had = [Bool](repeating: false, count: count)
            rows: for r in 0..<rowCount(read.to) {
                let d = day[r]
                guard d != Int32.min, d >= firstDay, d <= lastDay else { continue }
                for (context, other) in matchers where !Workspace.sameValue(context.values, row, other.values, r) { continue rows }
                let i = Int(d - firstDay)
                if !units[r].isNaN { totals[i] += units[r] }
                had[i] = true
            }
            out.append(DailySeries(eventTable: event.name, column: event.columns[read.column].name, firstDay: firstDay,
                                   totals: totals, hadRows: had, windows: chartWindows))
        }
        return out
    }

    static func sameValue(_ a: ResultColumn.Values, _ i: Int, _ b: ResultColumn.Values, _ j: Int) -> Bool {
        switch (a, b) {
        case (.text(let x), .text(let y)): return x[i] != nil && x[i] == y[j]
        case (.number(let x), .number(let y)): return !x[i].isNaN && x[i] == y[j]
        case (.date(let x), .date(let y)): return x[i] != Int32.min && x[i] == y[j]
        case (.bool(let x), .bool(let y)): return x[i] < 2 && x[i] == y[j]
        default: return false
        }
    }
}

extension Workspace {
    /// For every row of `table`: the daily totals of the last `days` days up to the as-of
    /// date, of the event-table column its first as-of window aggregates (zero-filled); nil
    /// when the table has no such window. One pass over the event rows.
    public func recentDailyTotals(_ table: TableRef, days: Int) -> (column: String, totals: [[Double]])? {
        guard let asOf, days > 0 else { return nil }
        let info = program.table(table)
        var found: (to: TableRef, column: Int, on: [String])? = nil
        for column in info.columns {
            guard found == nil, let formula = column.formula else { continue }
            func visit(_ e: CExpr) {
                guard found == nil else { return }
                if case .aggregate(let a) = e.kind, let w = a.window, case .asOf = w.anchor,
                   case .column(let ref) = a.argument.kind, ref.table == a.alignment.to, a.alignment.from == table,
                   program.table(a.alignment.to).source?.dateColumn != nil {
                    found = (a.alignment.to, ref.column, a.alignment.on)
                }
                e.forEachChild(visit)
            }
            visit(formula)
        }
        guard let read = found, let dateColumn = program.table(read.to).source?.dateColumn else { return nil }
        let event = program.table(read.to)
        var pairs: [(ResultColumn.Values, ResultColumn.Values)] = []
        for name in read.on {
            guard let a = info.columnIndex(name), let b = event.columnIndex(name) else { return nil }
            pairs.append((column(ColumnRef(table, a)).values, column(ColumnRef(read.to, b)).values))
        }
        func key(_ values: [ResultColumn.Values], _ r: Int) -> [String] {
            values.map { v in
                switch v {
                case .text(let x): return x[r] ?? "\u{0}"
                case .number(let x): return String(x[r].bitPattern)
                case .date(let x): return String(x[r])
                case .bool(let x): return String(x[r])
                }
            }
        }
        var rowOf: [[String]: Int] = [:]
        let contextValues = pairs.map(\.0), eventValues = pairs.map(\.1)
        for r in 0..<rowCount(table) { rowOf[key(contextValues, r)] = r }
        guard case .date(let day) = column(ColumnRef(read.to, dateColumn)).values,
              case .number(let units) = column(ColumnRef(read.to, read.column)).values else { return nil }
        let first = asOf - Int32(days) + 1
        var totals = [[Double]](repeating: [Double](repeating: 0, count: days), count: rowCount(table))
        for r in 0..<rowCount(read.to) {
            let d = day[r]
            guard d != Int32.min, d >= first, d <= asOf, !units[r].isNaN, let row = rowOf[key(eventValues, r)] else { continue }
            totals[row][Int(d - first)] += units[r]
        }
        return (event.columns[read.column].name, totals)
    }
}
