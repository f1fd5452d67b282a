// How far back in time the program reads each dated source: the window push-down.
//
// A plan over a year of sales that only looks at the last five weeks need not hold the other
// forty-seven in memory. The reach of an event table is read off the graph's edges into its
// rows and columns: a group hop through a window anchored at the as-of date reads the days
// `ago + length` back from it; a `from T in last N days` table's rows read N days; edges
// that only carry change (scalar hops: join and date columns, params, the as-of date) read
// no rows of their own. Anything else — an aggregate without a window, a window anchored at
// a computed date (the retrospective's run dates), period binning, a lookup or cell, a flag
// or check on the table itself, a table drawn from it without a window — reads every row.
//
// The reader may then leave out rows dated before `asOf - (days - 1)`. That is safe only
// while the as-of date is at least the latest date of the rows as read, which holds for a
// table the as-of date follows (`asOfTables`) with no `where` of its own and no filtered
// table over it; otherwise, unless the as-of date is given, the reach is every row.

import VeloCheck

/// Which rows of a dated source the program can read.
public enum SourceReach: Equatable, Sendable {
    /// Every row.
    case all
    /// Only rows dated `asOf - (days - 1)` or later (and rows without a date).
    case days(Int)

    /// Both reaches: the wider.
    func union(_ other: SourceReach) -> SourceReach {
        switch (self, other) {
        case (.days(let a), .days(let b)): return .days(max(a, b))
        default: return .all
        }
    }
}

/// What a run reads besides the graph, for the window push-down.
public struct WindowPushDown: Sendable {
    /// Tables whose rows are output as they are (a source table printed): read whole.
    public var shown: [TableRef]
    /// Conditions evaluated outside the graph (a report's `where`), each over its table's rows.
    public var conditions: [(table: TableRef, condition: CExpr)]
    /// Days every windowed source is read at least (the sparkline's recent days).
    public var minimumDays: Int

    public init(shown: [TableRef] = [], conditions: [(table: TableRef, condition: CExpr)] = [], minimumDays: Int = 0) {
        self.shown = shown
        self.conditions = conditions
        self.minimumDays = minimumDays
    }
}

extension EvaluationGraph {
    /// The reach of each dated event table that a reader reads (by table index); tables not
    /// listed are read whole. `asOfGiven`: the as-of date is fixed (`--asof`), so it need not
    /// follow the rows read. `also`: what the run reads besides the graph.
    public func sourceReaches(asOfGiven: Bool, also: WindowPushDown = WindowPushDown()) -> [Int: SourceReach] {
        var reach: [Int: SourceReach] = [:]
        func widen(_ t: TableRef, _ r: SourceReach) {
            let info = program.table(t)
            guard info.isEventTable, info.source?.dateColumn != nil else { return }
            reach[t.index] = reach[t.index].map { $0.union(r) } ?? r
        }
        /// `edges` of a reader in `table` (nil: a flag, check or condition, which reads every row of its table).
        func classify(_ edges: [Edge], reader: GraphNode?) {
            for e in edges {
                let target: TableRef
                switch e.input {
                case .rows(let t): target = t
                case .column(let r): target = r.table
                default: continue
                }
                switch e.path.last {
                case nil:
                    // The same row of the reader's table: a column (or the rows) of the table
                    // itself is read as its readers read it; a flag or check reports every row.
                    switch reader {
                    case .column(let r)? where r.table == target: continue
                    case .rows(let t)? where t == target: continue
                    default: widen(target, .all)
                    }
                case .scalar?:
                    continue
                case .group(let a, let w)? where a.to == target:
                    if a.binning == nil, let w, case .asOf(let ago) = w.anchor {
                        widen(target, .days(ago + w.length))
                    } else {
                        widen(target, .all)
                    }
                default:
                    widen(target, .all)
                }
            }
        }
        for (node, edges) in inputs {
            if case .asOf = node { continue }   // the latest date: the rows kept always hold it
            switch node {
            case .flag, .check: classify(edges, reader: nil)
            default: classify(edges, reader: node)
            }
        }
        for (table, condition) in also.conditions {
            var edges = [Edge(input: .rows(table), path: [], site: nil)]
            reads(condition, path: [], into: &edges)
            classify(edges, reader: nil)
        }
        for t in also.shown { widen(t, .all) }
        for info in program.tables {
            switch info.kind {
            case .derived(.from(let f, let w)):
                if let w, case .asOf(let ago) = w.anchor { widen(f, .days(ago + w.length)) } else { widen(f, .all) }
            case .derived(.union(let ts)):
                for t in ts { widen(t, .all) }
            case .source(let s):
                // A filtered event table's rows are its base's: its base is read for it.
                if let base = s.base { widen(base, .all) }
            default:
                break
            }
        }
        var out: [Int: SourceReach] = [:]
        for (t, r) in reach {
            guard case .days(let days) = r, let source = program.tables[t].source, source.base == nil else { continue }
            if !asOfGiven && (source.filter != nil || !asOfTables.contains(TableRef(t))) { continue }
            out[t] = .days(max(days, also.minimumDays))
        }
        return out
    }
}
