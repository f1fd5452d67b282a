// Reusing values across an edit of the rule file.
//
// Each formula column gets a fingerprint: its table's name, keys and rows, and its formula
// with every column it reads replaced by that column's fingerprint (source columns by their
// file and version), params by their values. Spans are left out, so moving a formula or
// editing a comment changes nothing. A column whose fingerprint is unchanged and whose
// table has the same rows keeps its values; everything else is evaluated.

import VeloCheck
import VeloData

struct Fingerprints {
    let program: CheckedProgram
    /// Sources read anew (not carried over): their columns never match an old fingerprint.
    let freshSources: Set<Int>
    var memo: [ColumnRef: String] = [:]

    init(program: CheckedProgram, freshSources: Set<Int> = []) {
        self.program = program
        self.freshSources = freshSources
    }

    mutating func of(_ ref: ColumnRef, params: [Literal]) -> String {
        if let f = memo[ref] { return f }
        let table = program.table(ref.table)
        let column = program.column(ref)
        var text: String
        if let formula = column.formula {
            text = "\(tableHeader(ref.table, params: params)).\(column.name)=\(of(formula, params: params))"
        } else if let source = table.source {
            text = "source:\(table.name):\(source.resolvedPath):\(column.name):\(column.type)"
                + (freshSources.contains(ref.table.index) ? ":fresh" : "")
        } else {
            text = "key:\(tableHeader(ref.table, params: params)).\(column.name)"
        }
        // Long formulas: keep the memo small.
        if text.count > 4096 { text = "h\(text.hashValue)" }
        memo[ref] = text
        return text
    }

    mutating func tableHeader(_ t: TableRef, params: [Literal]) -> String {
        let table = program.table(t)
        var rows = ""
        if case .derived(let spec) = table.kind {
            switch spec {
            case .single: rows = "single"
            case .from(let f, let w): rows = "from \(program.table(f).name) \(w.map { "\($0.length)" } ?? "")"
            case .union(let ts): rows = "union " + ts.map { program.table($0).name }.joined(separator: ",")
            }
        }
        return "\(table.name)[\(table.keys.joined(separator: ","))|\(rows)]"
    }

    mutating func of(_ e: CExpr, params: [Literal]) -> String {
        switch e.kind {
        case .literal(let l): return "\(l)"
        case .param(let p): return "param(\(program.params[p].name)=\(params[p]))"
        case .column(let ref): return "col(\(of(ref, params: params)))"
        case .lookup(let ref, let a): return "lookup(\(of(ref, params: params)) on \(a.on))"
        case .cell(let ref, let keys): return "cell(\(of(ref, params: params)),\(keys.map { of($0, params: params) }))"
        case .aggregate(let a):
            var w = ""
            if let window = a.window {
                switch window.anchor {
                case .asOf(let ago): w = "last \(window.length) ago \(ago)"
                case .after(let x): w = "\(window.length) after \(of(x, params: params))"
                case .before(let x): w = "\(window.length) before \(of(x, params: params))"
                }
            }
            return "\(a.function)(\(of(a.argument, params: params)) over \(program.table(a.alignment.to).name) on \(a.alignment.on) \(w) \(String(describing: a.weighting)))"
        case .negate(let x): return "neg(\(of(x, params: params)))"
        case .not(let x): return "not(\(of(x, params: params)))"
        case .binary(let op, let a, let b): return "(\(of(a, params: params)) \(op.rawValue) \(of(b, params: params)))"
        case .isMissing(let x, let n): return "ismissing(\(of(x, params: params)),\(n))"
        case .conditional(let c, let a, let b): return "if(\(of(c, params: params)),\(of(a, params: params)),\(of(b, params: params)))"
        case .call(let f, let args): return "\(f)(\(args.map { of($0, params: params) }.joined(separator: ",")))"
        }
    }
}

extension Workspace {
    /// The previous workspace's data for a source declared the same way, if any (its runtime
    /// table is read, not shared: the caller copies the columns).
    func reusableSource(_ info: TableInfo, path: String) -> (SourceState, RuntimeTable)? {
        guard let t = program.table(named: info.name), let state = sourceStates[t.index], state.path == path else { return nil }
        let old = program.table(t)
        guard old.columns.map(\.name) == info.columns.map(\.name), old.columns.map(\.type) == info.columns.map(\.type),
              old.keys == info.keys, old.source?.keyColumns == info.source?.keyColumns else { return nil }
        return (state, evaluator.tables[t.index])
    }

    /// Copies a formula column's values from `previous` when nothing it depends on changed.
    func reuse(_ ref: ColumnRef, from previous: Workspace, fingerprints: inout Fingerprints,
               previousFingerprints: inout Fingerprints) -> Bool {
        let table = program.table(ref.table)
        let column = program.column(ref)
        guard let oldTable = previous.program.table(named: table.name),
              let oldColumn = previous.program.table(oldTable).columnIndex(column.name) else { return false }
        let oldRef = ColumnRef(oldTable, oldColumn)
        // Source columns count as changed when their data was re-read.
        guard fingerprints.of(ref, params: evaluator.params) == previousFingerprints.of(oldRef, params: previous.evaluator.params)
        else { return false }
        let mine = evaluator.tables[ref.table.index], theirs = previous.evaluator.tables[oldTable.index]
        guard mine.rowCount == theirs.rowCount else { return false }
        for k in table.keys {
            guard let a = table.columnIndex(k), let b = previous.program.table(oldTable).columnIndex(k),
                  case .text(let x) = mine.columns[a], case .text(let y) = theirs.columns[b], x == y else { return false }
        }
        mine.columns[ref.column] = theirs.columns[oldColumn]
        mine.reasons[ref.column] = theirs.reasons[oldColumn]
        stats.cellsReused += mine.rowCount
        return true
    }
}
