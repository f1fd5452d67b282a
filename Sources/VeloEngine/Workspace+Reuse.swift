// Reusing values across an edit of the rule file.
//
// Every node of the evaluation graph gets a fingerprint: what defines it (a formula's shape
// with names in place of indices, a table's keys and row spec, a source's file and
// columns, a param's value, the as-of date's value) hashed together with the fingerprints
// of all its inputs, in edge order. Spans are left out, so moving a formula or editing a
// comment changes nothing. A formula column whose fingerprint is unchanged and whose table
// has the same rows keeps its values; everything else is evaluated.

import VeloCheck
import VeloSyntax
import VeloData

/// A 128-bit hash (two FNV-1a lanes): a fingerprint, stable within a process.
struct Fingerprint: Hashable {
    var a: UInt64 = 0xcbf2_9ce4_8422_2325
    var b: UInt64 = 0x8422_2325_cbf2_9ce4

    mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte) }
        add(0xff)
    }

    mutating func add(_ other: Fingerprint) {
        withUnsafeBytes(of: other.a) { for x in $0 { add(x) } }
        withUnsafeBytes(of: other.b) { for x in $0 { add(x) } }
    }

    @inline(__always) mutating func add(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        b = (b ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
    }
}

struct Fingerprints {
    private(set) var of: [GraphNode: Fingerprint] = [:]

    /// Every node's fingerprint, inputs before readers. With `markFresh`, sources read anew
    /// for this workspace never match a fingerprint from before.
    init(_ ws: Workspace, markFresh: Bool) {
        let program = ws.program
        for node in ws.graph.order {
            var f = Fingerprint()
            switch node {
            case .param(let p):
                f.add("param \(program.params[p].name)=\(ws.evaluator.params[p])")
            case .asOf:
                f.add("asof \(ws.evaluator.asOf.map(String.init) ?? "none")")
            case .rows(let t):
                f.add("rows " + Fingerprints.header(t, ws, markFresh: markFresh))
            case .column(let ref):
                let column = program.column(ref)
                switch column.kind {
                case .formula(let e): f.add("formula \(program.qualifiedName(ref)):\(column.type)=\(Fingerprints.shape(e, program))")
                case .key, .data: f.add("column \(column.name):\(column.type) of " + Fingerprints.header(ref.table, ws, markFresh: markFresh))
                }
            case .flag(let i):
                f.add("flag \(program.flags[i].name)")
            case .check(let i):
                f.add("check \(program.checks[i].name)")
            }
            for edge in ws.graph.inputs[node] ?? [] { f.add(of[edge.input] ?? Fingerprint()) }
            of[node] = f
            // A recurrence reads itself one period back: a member's back edges reach members
            // not fingerprinted yet. Once its last member is, every member also takes the
            // whole group's, so an edit of what any of them reads reaches them all.
            if case .column(let ref) = node, let group = ws.graph.recurrence(of: ref),
               group.allSatisfy({ of[.column($0)] != nil }) {
                var whole = Fingerprint()
                for m in group { whole.add(of[.column(m)]!) }
                for m in group { of[.column(m)]!.add(whole) }
            }
        }
    }

    /// A table's name, keys and where its rows come from.
    static func header(_ t: TableRef, _ ws: Workspace, markFresh: Bool) -> String {
        let program = ws.program
        let table = program.table(t)
        var rows: String
        switch table.kind {
        case .source(let source):
            if let base = source.base, let filter = source.filter {
                rows = "filter of \(program.table(base).name) where \(Fingerprints.shape(filter, program))"
            } else {
                rows = "source \(ws.sourceStates[t.index]?.path ?? source.resolvedPath)"
            }
            rows += markFresh && ws.freshSources.contains(t.index) ? " fresh" : ""
        case .derived(.single): rows = "single"
        case .derived(.from(let f, let w)): rows = "from \(program.table(f).name) \(w.map(window) ?? "")"
        case .derived(.union(let ts)): rows = "union " + ts.map { program.table($0).name }.joined(separator: ",")
        }
        if let axis = table.periods { rows += " over \(axis)" }
        return "\(table.name)[\(table.keys.joined(separator: ","))|\(rows)]"
    }

    static func window(_ w: CheckedWindow) -> String {
        switch w.anchor {
        case .asOf(let ago): return "last \(w.length) ago \(ago)"
        case .after: return "\(w.length) after"
        case .before: return "\(w.length) before"
        }
    }

    /// An expression with names in place of indices and without spans; the values it reads
    /// come in through the node's edges.
    static func shape(_ e: CExpr, _ p: CheckedProgram) -> String {
        func s(_ e: CExpr) -> String { shape(e, p) }
        switch e.kind {
        case .literal(let l): return "\(l)"
        case .param(let i): return "param(\(p.params[i].name))"
        case .column(let ref): return "col(\(p.qualifiedName(ref)))"
        case .lookup(let ref, let a): return "lookup(\(p.qualifiedName(ref)) on \(a.on))"
        case .cell(let ref, let keys): return "cell(\(p.qualifiedName(ref)),\(keys.map(s)))"
        case .aggregate(let a):
            var w = ""
            if let window = a.window {
                switch window.anchor {
                case .asOf: w = Fingerprints.window(window)
                case .after(let x), .before(let x): w = Fingerprints.window(window) + " " + s(x)
                }
            }
            let binned = a.alignment.binning.map { " by period of \($0.axis) \($0.dateColumn) \($0.early)" } ?? ""
            return "\(a.function)(\(s(a.argument)) over \(p.table(a.alignment.to).name) on \(a.alignment.on)\(binned) \(w) \(String(describing: a.weighting)))"
        case .negate(let x): return "neg(\(s(x)))"
        case .not(let x): return "not(\(s(x)))"
        case .shift(let t):
            switch t.mode {
            case .previous(let first): return "previous(\(p.qualifiedName(t.column)),\(s(first)),\(t.axis))"
            case .by(let k): return "shift(\(p.qualifiedName(t.column)),\(s(k)),\(t.axis))"
            case .cumulative: return "cumulative(\(p.qualifiedName(t.column)),\(t.axis))"
            case .firstWhere(let c): return "first_period(\(s(c)),\(t.axis))"
            }
        case .periodDate(let axis, let key, let end): return "period_\(end ? "end" : "start")(\(p.qualifiedName(key)),\(axis))"
        case .binary(let op, let a, let b): return "(\(s(a)) \(op.rawValue) \(s(b)))"
        case .isMissing(let x, let n): return "ismissing(\(s(x)),\(n))"
        case .conditional(let c, let a, let b): return "if(\(s(c)),\(s(a)),\(s(b)))"
        case .call(let f, let args): return "\(f)(\(args.map(s).joined(separator: ",")))"
        }
    }
}

extension Workspace {
    /// The previous workspace's data for a source declared the same way, if any (its runtime
    /// table is read, not shared: the caller copies the columns).
    func reusableSource(_ info: TableInfo, path: String, newFile: SourceFile) -> (SourceState, RuntimeTable)? {
        guard let t = program.table(named: info.name), let state = sourceStates[t.index], state.path == path else { return nil }
        let old = program.table(t)
        guard old.columns.map(\.name) == info.columns.map(\.name), old.columns.map(\.type) == info.columns.map(\.type),
              old.keys == info.keys, old.source?.keyColumns == info.source?.keyColumns,
              old.source?.settings == info.source?.settings,
              old.source?.filter.map({ program.file.text(of: $0.span) }) == info.source?.filter.map({ newFile.text(of: $0.span) })
        else { return nil }
        return (state, evaluator.tables[t.index])
    }

    /// Copies a formula column's values from `previous` when nothing it depends on changed.
    func reuse(_ ref: ColumnRef, from previous: Workspace, fingerprints: Fingerprints,
               previousFingerprints: Fingerprints) -> Bool {
        let table = program.table(ref.table)
        let column = program.column(ref)
        guard let oldTable = previous.program.table(named: table.name),
              let oldColumn = previous.program.table(oldTable).columnIndex(column.name) else { return false }
        let oldRef = ColumnRef(oldTable, oldColumn)
        // Source columns count as changed when their data was re-read.
        guard let mine = fingerprints.of[.column(ref)], mine == previousFingerprints.of[.column(oldRef)] else { return false }
        let ours = evaluator.tables[ref.table.index], theirs = previous.evaluator.tables[oldTable.index]
        guard ours.rowCount == theirs.rowCount else { return false }
        for k in table.keys {
            guard let a = table.columnIndex(k), let b = previous.program.table(oldTable).columnIndex(k),
                  ours.columns[a].sameValues(theirs.columns[b]) else { return false }
        }
        ours.columns[ref.column] = theirs.columns[oldColumn]
        ours.reasons[ref.column] = MissingReason.reindexed(theirs.reasons[oldColumn], from: previous.program, to: program)
        stats.cellsReused += ours.rowCount
        return true
    }
}
