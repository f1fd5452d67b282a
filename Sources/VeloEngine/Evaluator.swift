// Columnar evaluation of checked expressions.
//
// `evaluate(e, in: table, rows:)` computes an expression for a selection of a table's rows
// (all rows for a full evaluation, a few dirty rows when recomputing incrementally) and
// returns one flat vector. Missing values propagate with their reasons; comparisons use
// the tolerance of `NumberComparison`; a condition on a missing value is false.

import VeloCheck
import VeloData
import VeloStdlib
import VeloSyntax

final class Evaluator {
    let program: CheckedProgram
    var tables: [RuntimeTable]
    var params: [Literal]
    var asOf: Int32?
    let interner: Interner
    var alignments: [AlignmentKey: AlignmentIndex] = [:]
    /// Cells computed since the counter was last reset.
    var cellsEvaluated = 0
    /// Keep running sums of as-of windows (WindowSums.swift), for a session that recomputes
    /// after appends.
    var keepsWindowSums = false
    /// Window values computed from running sums moved along (not by reading the window's rows).
    var groupsFollowed = 0

    struct AlignmentKey: Hashable {
        var alignment: Alignment
        var grouped: Bool
    }

    struct GroupKey: Hashable {
        var table: Int
        var on: [String]
        /// Event rows grouped by the period of their date (the last name of `on`).
        var binning: PeriodBinning? = nil
    }

    /// Rows grouped by key, per table and key columns (see GroupIndex).
    var groups: [GroupKey: GroupIndex] = [:]

    /// Per table, the indices of its key columns (read for every missing cell's origin).
    let keyColumnIndices: [[Int]]

    init(program: CheckedProgram, tables: [RuntimeTable], params: [Literal], asOf: Int32?, interner: Interner) {
        self.program = program
        self.keyColumnIndices = program.tables.map(\.keyColumns)
        self.tables = tables
        self.params = params
        self.asOf = asOf
        self.interner = interner
    }

    // MARK: - Alignment

    func alignmentIndex(_ a: Alignment, grouped: Bool) -> AlignmentIndex {
        let key = AlignmentKey(alignment: a, grouped: grouped)
        if let index = alignments[key] { return index }
        let from = tables[a.from.index], to = tables[a.to.index]
        let index: AlignmentIndex
        if grouped {
            index = AlignmentIndex(group: groupIndex(a.to, on: a.on, binning: a.binning), contextKeys: keyColumns(from, a.on),
                                   contextRows: from.rowCount)
        } else {
            index = AlignmentIndex(lookupFrom: keyColumns(from, a.on), contextRows: from.rowCount, to: keyColumns(to, a.on),
                                   targetRows: to.rowCount, idLimit: interner.count, ranged: rangedKeys(to, a.on))
        }
        alignments[key] = index
        return index
    }

    /// The rows of `table` grouped by the values of `on`, shared by every aggregate over them.
    func groupIndex(_ table: TableRef, on: [String], binning: PeriodBinning? = nil) -> GroupIndex {
        let key = GroupKey(table: table.index, on: on, binning: binning)
        if let g = groups[key] { return g }
        let t = tables[table.index]
        let g = GroupIndex(keys: keyColumns(t, on, binning: binning), rowCount: t.rowCount, idLimit: interner.count,
                           ranged: rangedKeys(t, on, binning: binning))
        groups[key] = g
        return g
    }

    /// The key codes of `names` in a table (rows `from...` when given): interned ids for
    /// text, offset values for integers and dates (`KeyValue`).
    func keyColumns(_ t: RuntimeTable, _ names: [String], from first: Int = 0) -> [[Int32]] {
        let info = program.table(t.ref)
        return names.map { name in
            guard let c = info.columnIndex(name) else { return [Int32](repeating: -1, count: t.rowCount - first) }
            if case .text(let ids) = t.columns[c] { return first == 0 ? ids : Array(ids[first...]) }
            guard let codes = KeyValue.codes(t.columns[c]) else { return [Int32](repeating: -1, count: t.rowCount - first) }
            return first == 0 ? codes : Array(codes[first...])
        }
    }

    /// Which of `names` hold integer or date codes rather than interned ids (see `KeyCodes`).
    func rangedKeys(_ t: RuntimeTable, _ names: [String]) -> [Bool] {
        let info = program.table(t.ref)
        return names.map { name in info.columnIndex(name).map { info.columns[$0].type.base != .text } ?? false }
    }

    /// A key code as text: `SKU1`, `12`, `2024-06-03`.
    func keyValueText(_ code: Int32, type: VType) -> String {
        guard code >= 0 else { return "?" }
        switch type.base {
        case .number: return String(KeyValue.decode(code))
        case .date: return CivilDate(day: KeyValue.decode(code)).iso
        default: return Int(code) < interner.count ? interner.string(code) : "?"
        }
    }

    /// A key code as a typed value (missing for a code no row has).
    func keyCellValue(_ code: Int32, type: VType) -> CellValue {
        guard code >= 0 else { return .missing(nil as MissingReason?) }
        switch type.base {
        case .number: return .number(Double(KeyValue.decode(code)))
        case .date: return .date(KeyValue.decode(code))
        default: return Int(code) < interner.count ? .text(string(code)) : .missing(nil as MissingReason?)
        }
    }

    /// The key code of a key value written as text (the REPL's and tests' key literals):
    /// -2 when no row can have it.
    func keyCode(_ text: String, type: VType) -> Int32 {
        switch type.base {
        case .number:
            guard let x = Double(text.trimmingWhitespace()) else { return -2 }
            let c = KeyValue.encode(integer: x)
            return c < 0 ? -2 : c
        case .date:
            guard let d = CivilDate(iso: text.trimmingWhitespace()) else { return -2 }
            return KeyValue.encode(day: d.day)
        default:
            return interner.lookup(text) ?? -2
        }
    }

    /// The types of a table's key columns, in key order.
    func keyTypes(_ table: TableRef) -> [VType] {
        let info = program.table(table)
        return info.keyColumns.map { info.columns[$0].type }
    }

    // MARK: - Describing cells

    /// `SKU1, web` for a row of a keyed table; empty for the one row of a table without keys.
    /// Cached per table (missing reasons name their cells, sometimes for every row).
    func keyText(_ table: TableRef, row: Int) -> String {
        let t = tables[table.index]
        if let cached = t.keyTextCache, row < cached.count { return cached[row] }
        let info = program.table(table)
        if info.keys.isEmpty { return "" }
        let strings = interner.allStrings
        let columns = keyColumns(t, info.keys)
        let types = keyTypes(table)
        let texts: [String]
        if types.allSatisfy({ $0.base == .text }) {
            texts = (0..<t.rowCount).map { r in
                columns.map { col in col[r] >= 0 && Int(col[r]) < strings.count ? strings[Int(col[r])] : "?" }.joined(separator: ", ")
            }
        } else {
            texts = (0..<t.rowCount).map { r in
                zip(columns, types).map { col, type in keyValueText(col[r], type: type) }.joined(separator: ", ")
            }
        }
        t.keyTextCache = texts
        return row < texts.count ? texts[row] : ""
    }

    func cellName(_ ref: ColumnRef, row: Int) -> String {
        let info = program.table(ref.table)
        let keyed = !info.keys.isEmpty
        return "\(program.qualifiedName(ref))" + (keyed ? "[\(keyText(ref.table, row: row))]" : "")
    }

    /// The interner's strings, copied again only when an id past them is met: naming the
    /// origin of every missing cell of a column takes one lock, not one per cell.
    private var strings: [String] = []

    func string(_ id: Int32) -> String {
        if Int(id) >= strings.count { strings = interner.allStrings }
        return id >= 0 && Int(id) < strings.count ? strings[Int(id)] : ""
    }

    /// The key values of a row, typed as its key columns are (empty for a table without keys).
    func keyValues(_ table: TableRef, row: Int) -> [CellValue] {
        let t = tables[table.index]
        return keyColumnIndices[table.index].map { c in
            switch t.columns[c] {
            case .text(let v): return v[row] < 0 ? .missing(nil as MissingReason?) : .text(string(v[row]))
            case .number(let v): return v[row].isNaN ? .missing(nil as MissingReason?) : .number(v[row])
            case .date(let v): return v[row] == Values.missingDate ? .missing(nil as MissingReason?) : .date(v[row])
            case .bool(let v): return v[row] == Values.missingBool ? .missing(nil as MissingReason?) : .bool(v[row] == 1)
            }
        }
    }

    /// Where a value computed now goes missing: set by the caller around each column.
    var currentColumn: ColumnRef? = nil

    /// A cell of the column being computed gets its origin when the column is stored
    /// (`settle`), and only if it is still missing then: reading the key values of every row
    /// of an `else missing(...)` branch that is never taken would be wasted.
    func reason(_ kind: MissingReason.Kind, context: TableRef, row: Int) -> MissingReason {
        if let c = currentColumn, c.table == context {
            return MissingReason(kind, origin: nil)
        }
        return MissingReason(kind, origin: MissingOrigin(table: context, column: nil, row: row, keys: keyValues(context, row: row)))
    }

    /// Gives the computed column's missing cells their origin (the cell itself, when the value
    /// went missing here), and drops reasons of cells that ended up with a value.
    func settle(_ v: inout Vector, column ref: ColumnRef, rows: [Int32]?) {
        for (i, r) in v.reasons where r.origin == nil {
            if v.values.isMissing(i) {
                let row = rows.map { Int($0[i]) } ?? i
                v.reasons[i] = MissingReason(r.kind, origin: MissingOrigin(table: ref.table, column: ref.column, row: row,
                                                                           keys: keyValues(ref.table, row: row)))
            } else {
                v.reasons[i] = nil
            }
        }
    }

    // MARK: - Expressions

    func rowCount(_ table: TableRef, _ rows: [Int32]?) -> Int { rows?.count ?? tables[table.index].rowCount }

    @inline(__always) func rowAt(_ rows: [Int32]?, _ i: Int) -> Int { rows.map { Int($0[i]) } ?? i }

    func evaluate(_ e: CExpr, in context: TableRef, rows: [Int32]?) -> Vector {
        let n = rowCount(context, rows)
        switch e.kind {
        case .literal(let l):
            return constant(l, type: e.type, count: n, context: context, rows: rows)
        case .param(let p):
            return constant(params[p], type: e.type, count: n, context: context, rows: rows)
        case .column(let ref):
            let t = tables[ref.table.index]
            var v = Vector(t.columns[ref.column].gather(rows))
            let rs = t.reasons[ref.column]
            if !rs.isEmpty {
                if let rows {
                    for (i, r) in rows.enumerated() { if let m = rs[Int(r)] { v.reasons[i] = m } }
                } else {
                    v.reasons = rs
                }
            }
            return v
        case .lookup(let ref, let alignment):
            let index = alignmentIndex(alignment, grouped: false)
            let mapped = rows.map { $0.map { index.lookup[Int($0)] } } ?? index.lookup
            let t = tables[ref.table.index]
            var v = Vector(t.columns[ref.column].gather(mapped: mapped))
            let rs = t.reasons[ref.column]
            let targetName = program.table(ref.table).name
            for (i, m) in mapped.enumerated() {
                if m < 0 {
                    let keys = alignment.on.isEmpty ? nil : keyValues(context, row: rowAt(rows, i))
                    v.reasons[i] = reason(.noMatchingRow(table: targetName, keys: keys), context: context, row: rowAt(rows, i))
                } else if let r = rs[Int(m)] {
                    v.reasons[i] = r
                }
            }
            return v
        case .shift(let shift):
            return evaluateShift(shift, type: e.type, context: context, rows: rows)
        case .periodDate(let axis, let key, let end):
            return evaluatePeriodDate(axis, key: key, end: end, context: context, rows: rows)
        case .cell(let ref, let keys):
            return cell(ref, keys: keys, context: context, rows: rows)
        case .aggregate(let a):
            return aggregate(a, type: e.type, context: context, rows: rows)
        case .negate(let x):
            var v = evaluate(x, in: context, rows: rows)
            v.values = .number(v.numbers.map { -$0 })
            return v
        case .not(let x):
            var v = evaluate(x, in: context, rows: rows)
            v.values = .bool(v.bools.map { $0 == 2 ? 2 : 1 - $0 })
            return v
        case .binary(let op, let a, let b):
            return binary(op, a, b, type: e.type, context: context, rows: rows)
        case .isMissing(let x, let negated):
            let v = evaluate(x, in: context, rows: rows)
            let out: [UInt8] = (0..<n).map { v.values.isMissing($0) != negated ? 1 : 0 }
            return Vector(.bool(out))
        case .conditional(let c, let a, let b):
            let cond = evaluate(c, in: context, rows: rows).bools
            let x = evaluate(a, in: context, rows: rows)
            let y = evaluate(b, in: context, rows: rows)
            return select(cond, x, y, type: e.type)
        case .call(let builtin, let args):
            let values = args.map { evaluate($0, in: context, rows: rows) }
            return call(builtin, values, type: e.type, context: context, rows: rows)
        }
    }

    func constant(_ l: Literal, type: VType, count n: Int, context: TableRef, rows: [Int32]?) -> Vector {
        switch l {
        case .number(let v), .duration(let v): return Vector(.number(Array(repeating: v, count: n)))
        case .text(let s): return Vector(.text(Array(repeating: interner.intern(s), count: n)))
        case .date(let d): return Vector(.date(Array(repeating: d, count: n)))
        case .bool(let b): return Vector(.bool(Array(repeating: b ? 1 : 0, count: n)))
        case .missing(let text):
            var v = Vector(.missing(type, count: n))
            if let c = currentColumn, c.table == context {
                let shared = MissingReason(.missingByDefinition(text), origin: nil)   // settled when stored
                for i in 0..<n { v.reasons[i] = shared }
            } else {
                for i in 0..<n { v.reasons[i] = reason(.missingByDefinition(text), context: context, row: rowAt(rows, i)) }
            }
            return v
        }
    }

    /// `if`: a missing condition takes the `else` branch.
    func select(_ cond: [UInt8], _ x: Vector, _ y: Vector, type: VType) -> Vector {
        var out = Vector(x.values)
        switch (x.values, y.values) {
        case (.number(var a), .number(let b)):
            for i in cond.indices where cond[i] != 1 { a[i] = b[i] }
            out.values = .number(a)
        case (.text(var a), .text(let b)):
            for i in cond.indices where cond[i] != 1 { a[i] = b[i] }
            out.values = .text(a)
        case (.date(var a), .date(let b)):
            for i in cond.indices where cond[i] != 1 { a[i] = b[i] }
            out.values = .date(a)
        case (.bool(var a), .bool(let b)):
            for i in cond.indices where cond[i] != 1 { a[i] = b[i] }
            out.values = .bool(a)
        default:
            // Branch types differ only when one is a bare `missing` (a vector of missing
            // numbers): take the other branch's type, missing where the bare one is chosen.
            // The bare one is the number-typed side (decided by type, not by its values: over
            // no rows every vector is all missing).
            if x.values.isNumber { return y.masked(where: { cond[$0] == 1 }, reasonsFrom: x) }
            return x.masked(where: { cond[$0] != 1 }, reasonsFrom: y)
        }
        for i in cond.indices {
            if cond[i] == 1 { if let r = x.reasons[i] { out.reasons[i] = r } } else if let r = y.reasons[i] { out.reasons[i] = r }
        }
        return out
    }

    // MARK: - Cells by key

    func keyIndex(_ table: TableRef) -> [[Int32]: Int32] {
        let t = tables[table.index]
        if let k = t.keyIndexCache { return k }
        let cols = keyColumns(t, program.table(table).keys)
        var index: [[Int32]: Int32] = [:]
        for r in 0..<t.rowCount { index[cols.map { $0[r] }] = Int32(r) }
        t.keyIndexCache = index
        return index
    }

    func cell(_ ref: ColumnRef, keys: [CExpr], context: TableRef, rows: [Int32]?) -> Vector {
        let n = rowCount(context, rows)
        let types = keyTypes(ref.table)
        let keyValues = zip(keys, types).map { key, type -> [Int32] in
            let v = evaluate(key, in: context, rows: rows)
            return type.base == .text ? v.textIds : KeyValue.codes(v.values) ?? [Int32](repeating: -1, count: n)
        }
        let index = keyIndex(ref.table)
        var mapped = [Int32](repeating: -1, count: n)
        for i in 0..<n { mapped[i] = index[keyValues.map { $0[i] }] ?? -1 }
        let t = tables[ref.table.index]
        var v = Vector(t.columns[ref.column].gather(mapped: mapped))
        for i in 0..<n {
            if mapped[i] < 0 {
                let shown = zip(keyValues, types).map { keyCellValue($0[i], type: $1) }
                v.reasons[i] = reason(.noRowWithKeys(table: program.table(ref.table).name, keys: shown), context: context, row: rowAt(rows, i))
            } else if let r = t.reasons[ref.column][Int(mapped[i])] {
                v.reasons[i] = r
            }
        }
        return v
    }
}

extension Values {
    /// Whether these are numbers (the type a bare `missing` is evaluated with).
    var isNumber: Bool { if case .number = self { return true } else { return false } }
}

extension Vector {
    /// Self, with the positions where `hide` holds made missing, with `other`'s reasons.
    func masked(where hide: (Int) -> Bool, reasonsFrom other: Vector) -> Vector {
        var out = self
        for i in 0..<count where hide(i) {
            out.setMissing(i, other.reasons[i] ?? MissingReason(.missingByDefinition(nil)))
        }
        return out
    }
}
