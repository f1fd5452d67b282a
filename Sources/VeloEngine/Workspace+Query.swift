// Queries: any expression, evaluated against the current values — over the rows of one
// table (bare names are its columns), or as a single value.

import VeloCheck
import VeloData
import VeloSyntax

/// An evaluated query: one value per row of `table` (or one value).
public struct QueryResult: Sendable {
    /// The table whose rows the query ran over; nil for a single value.
    public var table: String?
    public var rowCount: Int
    /// The table's key columns, row-aligned with `value`.
    public var keys: [ResultColumn]
    public var value: ResultColumn
}

/// A query that does not parse or check; render `diagnostics` in `file`.
public struct QueryFailure: Error, Sendable {
    public var file: SourceFile
    public var diagnostics: [Diagnostic]
    public var message: String?
}

extension Workspace {
    /// Evaluates `text`. With `table`, over that table's rows; without, as one value.
    public func query(_ text: String, table: String? = nil) -> Result<QueryResult, QueryFailure> {
        let file = SourceFile(path: "<query>", text: text)
        let (parsed, syntax) = Parser.parseExpression(file)
        guard let parsed, !syntax.hasErrors else { return .failure(QueryFailure(file: file, diagnostics: syntax)) }
        var extended = program
        let context: TableRef
        if let table {
            guard let t = program.table(named: table) else {
                let hint = Suggest.didYouMean(table, in: program.tables.map(\.name)).map { ": \($0)" } ?? ""
                return .failure(QueryFailure(file: file, diagnostics: [], message: "no table `\(table)`\(hint)"))
            }
            context = t
        } else {
            extended.tables.append(.queryContext())
            context = TableRef(extended.tables.count - 1)
        }
        let (checked, diagnostics) = Checker.checkExpression(parsed, file: file, program: extended, context: context)
        guard let checked else { return .failure(QueryFailure(file: file, diagnostics: diagnostics)) }
        var runtime = evaluator.tables
        if table == nil { runtime.append(RuntimeTable(ref: context, rowCount: 1, columns: [])) }
        let scratch = Evaluator(program: extended, tables: runtime, params: evaluator.params, asOf: evaluator.asOf,
                                interner: interner)
        scratch.alignments = evaluator.alignments
        let v = scratch.evaluate(checked, in: context, rows: nil)
        // Keep alignments built for the query: later queries and edits reuse them.
        for (k, a) in scratch.alignments where k.alignment.from.index < program.tables.count && k.alignment.to.index < program.tables.count {
            evaluator.alignments[k] = a
        }
        let keys = table == nil ? [] : program.table(context).keyColumns.map { column(ColumnRef(context, $0)) }
        let values: ResultColumn.Values
        switch normalized(v.values, to: checked.type) {
        case .number(let x): values = .number(x)
        case .text(let x): values = .text(x.map { $0 < 0 ? nil : interner.string($0) })
        case .date(let x): values = .date(x)
        case .bool(let x): values = .bool(x)
        }
        let value = ResultColumn(name: text.trimmingWhitespace(), type: checked.type, isKey: false, values: values,
                                 missingReasons: v.reasons)
        return .success(QueryResult(table: table, rowCount: v.count, keys: keys, value: value))
    }
}
