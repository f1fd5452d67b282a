// The rows of a `report` on a table: those its `where` holds for, sorted by its keys
// (missing values last in either direction, ties in table order), at most `limit`.

import VeloCheck

extension Workspace {
    /// The row indices a report on a table shows, in order; nil for a report on flags.
    public func reportRows(_ index: Int) -> [Int]? {
        let report = program.reports[index]
        guard case .table(let t) = report.target else { return nil }
        var rows = Array(0..<rowCount(t))
        if let f = report.filter {
            let cond = evaluator.evaluate(f, in: t, rows: nil).bools
            rows = rows.filter { cond[$0] == 1 }
        }
        let info = program.table(t)
        let keys = report.sort.compactMap { k in info.columnIndex(k.column).map { (column(ColumnRef(t, $0)), k.descending) } }
        if !keys.isEmpty {
            rows.sort { a, b in
                for (c, descending) in keys {
                    switch Workspace.order(c.values, a, b) {
                    case .same: continue
                    case .missingFirst: return false
                    case .missingSecond: return true
                    case .less: return !descending
                    case .greater: return descending
                    }
                }
                return a < b
            }
        }
        if let limit = report.limit, rows.count > limit { rows = Array(rows.prefix(limit)) }
        return rows
    }

    enum RowOrder { case less, greater, same, missingFirst, missingSecond }

    static func order(_ values: ResultColumn.Values, _ a: Int, _ b: Int) -> RowOrder {
        func cmp<T: Comparable>(_ x: T?, _ y: T?) -> RowOrder {
            switch (x, y) {
            case (nil, nil): return .same
            case (nil, _): return .missingFirst
            case (_, nil): return .missingSecond
            case let (x?, y?): return x < y ? .less : y < x ? .greater : .same
            }
        }
        switch values {
        case .number(let v): return cmp(v[a].isNaN ? nil : v[a], v[b].isNaN ? nil : v[b])
        case .text(let v): return cmp(v[a].map { Array($0.unicodeScalars.map(\.value)) }.map(ScalarString.init),
                                      v[b].map { Array($0.unicodeScalars.map(\.value)) }.map(ScalarString.init))
        case .date(let v): return cmp(v[a] == Int32.min ? nil : v[a], v[b] == Int32.min ? nil : v[b])
        case .bool(let v): return cmp(v[a] == 2 ? nil : v[a], v[b] == 2 ? nil : v[b])
        }
    }

    /// Text ordered by its characters' code points, as tables sort their text keys.
    struct ScalarString: Comparable {
        var scalars: [UInt32]
        init(_ s: [UInt32]) { scalars = s }
        static func < (l: ScalarString, r: ScalarString) -> Bool { l.scalars.lexicographicallyPrecedes(r.scalars) }
    }
}
