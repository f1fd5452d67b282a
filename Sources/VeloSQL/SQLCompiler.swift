// Compiles a checked program to one SQL script: sources become tables, every derived table
// one table named after it (computed in steps when its formulas read each other), then the
// queries for the flags and the checks.
//
// The steps come off the evaluation graph (EvaluationGraph.swift), never off the frontend: a
// formula's step is one more than the highest step of any formula it reads (same row, through
// a lookup, a group or a cell), so a step only reads steps already built. Each step is one
// SELECT over the table's previous step (the first over its rows), with a LEFT JOIN per
// lookup, per cell and per group of aggregates (SQLCompiler+Expressions.swift,
// SQLCompiler+Aggregates.swift). A new kind of expression (the time-phased recurrences of
// issue 10, say) is one more case in `expression(_:in:)` — the switch is exhaustive — and,
// when it needs rows of its own (a recursive CTE per period), one more kind of step here.

import VeloCheck
import VeloData
import VeloEngine
import VeloSyntax

public struct SQLOptions: Sendable {
    public var dialect: SQLDialect
    /// The as-of date; nil: the latest date of the as-of tables, computed by the script.
    public var asOf: Int32?
    /// Param values replacing the rule file's.
    public var params: [String: Literal]
    /// Source name -> CSV path replacing the rule file's.
    public var sourcePaths: [String: String]
    /// Source name -> a table or view already in the engine (`schema.table`).
    public var sourceTables: [String: String]
    /// Temporary tables (a session of `velo run`) or persistent ones (a script written back).
    public var temporary: Bool

    public init(dialect: SQLDialect, asOf: Int32? = nil, params: [String: Literal] = [:], sourcePaths: [String: String] = [:],
                sourceTables: [String: String] = [:], temporary: Bool = true) {
        self.dialect = dialect
        self.asOf = asOf
        self.params = params
        self.sourcePaths = sourcePaths
        self.sourceTables = sourceTables
        self.temporary = temporary
    }
}

public final class SQLCompiler {
    let program: CheckedProgram
    let graph: EvaluationGraph
    let options: SQLOptions
    var d: SQLDialect { options.dialect }
    /// The relation that holds a table's columns so far (a source's table, a derived table's latest step).
    var relation: [Int: String] = [:]
    var statements: [SQLStatement] = []
    var aliasCounter = 0
    let asOfRelation = "velo_asof"

    public static func compile(_ program: CheckedProgram, options: SQLOptions) throws(SQLCompileError) -> SQLScript {
        let c = SQLCompiler(program, options: options)
        return try c.run()
    }

    /// With `import`s: where each imported file's text lies in the program's, and those files
    /// (the rule file read again, as `RuleCompiler` read it).
    let imports: RuleCompiler.ImportedText?

    init(_ program: CheckedProgram, options: SQLOptions) {
        self.program = program
        self.graph = EvaluationGraph(program)
        self.options = options
        self.imports = RuleCompiler.importedText(of: program)
    }

    func run() throws(SQLCompileError) -> SQLScript {
        for (t, table) in program.tables.enumerated() where table.isReadSource { try source(TableRef(t)) }
        for (t, table) in program.tables.enumerated() where table.isSource && !table.isReadSource { try filteredSource(TableRef(t)) }
        asOfStatement()
        try derivedTables()
        var queries: [ResultQuery] = []
        for (t, table) in program.tables.enumerated() where !table.isSource {
            let cols = table.columns.map { d.quote($0.name) }.joined(separator: ", ")
            queries.append(ResultQuery(purpose: .table(TableRef(t)), sql: "SELECT \(cols) FROM \(d.quote(table.name))",
                                       types: table.columns.map(\.type), keyCount: table.keys.count))
        }
        for i in program.flags.indices { queries.append(try flagQuery(i)) }
        for i in program.checks.indices { queries.append(try checkQuery(i)) }
        return SQLScript(dialect: d, statements: statements, queries: queries)
    }

    // MARK: - Helpers

    func line(_ span: Span) -> Int { program.file.location(of: span.start).line }
    var fileName: String { SQLCompiler.baseName(program.file.path) }
    static func baseName(_ p: String) -> String { p.split(separator: "/").last.map(String.init) ?? p }
    /// `file:line` of a span, in the file it was written in (an imported rule file's own lines).
    func at(_ span: Span) -> String {
        if let imports, let i = imports.part(at: span.start) {
            let file = imports.files[i]
            return "\(SQLCompiler.baseName(file.path)):\(file.location(of: span.start - imports.parts[i].start).line)"
        }
        return "\(fileName):\(line(span))"
    }

    func unsupported(_ construct: String, _ span: Span) -> SQLCompileError {
        SQLCompileError(construct: construct, span: span, dialect: d)
    }

    func nextAlias(_ base: String) -> String {
        aliasCounter += 1
        return "\(base)\(aliasCounter)"
    }

    func paramValue(_ p: Int) -> Literal {
        options.params[program.params[p].name] ?? program.params[p].value
    }

    /// The as-of date as a scalar expression.
    var asOfSQL: String {
        if let a = options.asOf { return d.date(a) }
        return "(SELECT as_of_date FROM \(asOfRelation))"
    }

    // MARK: - Sources

    func source(_ t: TableRef) throws(SQLCompileError) {
        let info = program.table(t)
        guard let src = info.source else { return }
        let name = info.name
        if let existing = options.sourceTables[name] {
            // Data already in the engine: read it under its own name.
            relation[t.index] = existing
            return
        }
        relation[t.index] = d.quote(name)
        guard src.reader == "csv" else { throw unsupported("a `\(src.reader)` source", src.pathSpan) }
        let path = options.sourcePaths[name] ?? src.resolvedPath
        // The checker read this file already; should it fail now, the engine says why.
        if let layout = try? DialectCSVReader(path: path, settings: src.settings).layout(), needsDialectRead(info, layout) {
            return try dialectSource(t, path: path, layout: layout)
        }
        let comment = ["-- \(name): \(src.path) (\(at(info.span)))"]
        let columns = info.columns.map { (d.quote($0.name), d.sqlType($0.type.base == .unknown ? .text : $0.type)) }
        switch d {
        case .duckdb:
            let spec = info.columns.map { "\(d.string($0.name)): \(d.string(d.sqlType($0.type.base == .unknown ? .text : $0.type)))" }
                .joined(separator: ", ")
            let query = "SELECT * FROM read_csv(\(d.string(path)), header = true, auto_detect = false,\n  columns = {\(spec)})"
            createTable(name, comment: comment, query: query)
        case .postgres:
            let cols = columns.map { "  \($0.0) \($0.1)" }.joined(separator: ",\n")
            let drop = options.temporary ? "" : "DROP TABLE IF EXISTS \(d.quote(name)) CASCADE;\n"
            statements.append(.sql(comment: comment, text: "\(drop)CREATE \(options.temporary ? "TEMP " : "")TABLE \(d.quote(name)) (\n\(cols)\n);"))
            statements.append(.copyCSV(table: name, columns: info.columns.map(\.name), path: path, options: ["HEADER true"]))
        case .spark:
            let cols = columns.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            let view = d.quote(name + "__csv")
            statements.append(.sql(comment: comment, text: """
                CREATE OR REPLACE TEMPORARY VIEW \(view) (\(cols))
                USING csv OPTIONS (path \(d.string(path)), header 'true');
                """))
            statements.append(.table(comment: [], name: name, query: "SELECT * FROM \(view)",
                                    text: "CACHE LAZY TABLE \(d.quote(name)) AS SELECT * FROM \(view);"))
        }
    }

    /// A filtered event table: its base's rows for which the condition is true (a missing
    /// condition is NULL in SQL, so the row is left out too, as in the engine).
    func filteredSource(_ t: TableRef) throws(SQLCompileError) {
        let info = program.table(t)
        guard relation[t.index] == nil, let src = info.source, let base = src.base, let filter = src.filter else { return }
        if relation[base.index] == nil { try filteredSource(base) }
        guard let from = relation[base.index] else { return }
        let condition = try expression(filter, in: Scope(table: t, alias: "r", from: from))
        relation[t.index] = d.quote(info.name)
        let comment = ["-- \(info.name): the rows of \(program.table(base).name) where \(program.file.text(of: filter.span)) (\(at(info.span)))"]
        createTable(info.name, comment: comment, query: "SELECT * FROM \(from) AS r\nWHERE \(condition)")
    }

    /// The as-of date: given, or the latest date of the tables its windows read.
    func asOfStatement() {
        var query: String
        var comment = "-- the as-of date"
        if let a = options.asOf {
            query = "SELECT \(d.date(a)) AS as_of_date"
            comment += " (given)"
        } else {
            let parts = graph.asOfTables.compactMap { t -> String? in
                guard let dc = program.table(t).source?.dateColumn, let rel = relation[t.index] else { return nil }
                return "SELECT MAX(\(d.quote(program.table(t).columns[dc].name))) AS d FROM \(rel)"
            }
            comment += ": the latest date in " + graph.asOfTables.map { program.table($0).name }.joined(separator: ", ")
            if parts.isEmpty {
                query = "SELECT \(d.null(.date)) AS as_of_date"
            } else {
                query = "SELECT MAX(d) AS as_of_date FROM (\n  " + parts.joined(separator: "\n  UNION ALL ") + "\n) AS dates"
            }
        }
        createTable(asOfRelation, comment: [comment], query: query)
    }

    // MARK: - Derived tables, in steps

    /// Each formula's step (1 + the highest step of the formulas it reads), from the graph's edges.
    func formulaSteps() -> [ColumnRef: Int] {
        var step: [ColumnRef: Int] = [:]
        for node in graph.order {
            guard case .column(let ref) = node, program.column(ref).formula != nil, step[ref] == nil else { continue }
            // A recurrence is one step: after everything its columns read outside it.
            if let g = graph.recurrenceOf[ref] {
                let members = graph.recurrences[g]
                var s = 1
                for m in members {
                    for edge in graph.inputs[.column(m)] ?? [] {
                        if case .column(let input) = edge.input, !members.contains(input), let si = step[input] { s = max(s, si + 1) }
                    }
                }
                for m in members { step[m] = s }
                continue
            }
            var s = 1
            for edge in graph.inputs[node] ?? [] {
                if case .column(let input) = edge.input, let si = step[input] { s = max(s, si + 1) }
            }
            step[ref] = s
        }
        return step
    }

    func derivedTables() throws(SQLCompileError) {
        let steps = formulaSteps()
        let maxStep = steps.values.max() ?? 1
        // Per table, its steps in order: (level, the recurrence computed, or nil: plain formulas).
        // A table without formulas has one step: its rows; one whose first step is a recurrence
        // gets its rows first.
        var units: [Int: [(level: Int, group: Int?)]] = [:]
        for (t, table) in program.tables.enumerated() where !table.isSource {
            var list: [(level: Int, group: Int?)] = []
            for c in table.columns.indices {
                let ref = ColumnRef(TableRef(t), c)
                guard let level = steps[ref] else { continue }
                let g = graph.recurrenceOf[ref]
                if !list.contains(where: { $0.level == level && $0.group == g }) { list.append((level, g)) }
            }
            list.sort { ($0.level, $0.group ?? -1) < ($1.level, $1.group ?? -1) }
            if list.isEmpty { list = [(1, nil)] }
            if list[0].group != nil { list.insert((0, nil), at: 0) }
            units[t] = list
        }
        for level in 0...maxStep {
            for (t, table) in program.tables.enumerated() where !table.isSource {
                guard let mine = units[t] else { continue }
                for (position, unit) in mine.enumerated() where unit.level == level {
                    let isLast = position == mine.count - 1
                    let name = isLast ? table.name : "\(table.name)__\(position + 1)"
                    if let g = unit.group {
                        try recurrenceStep(TableRef(t), group: graph.recurrences[g], name: name)
                    } else {
                        let columns = table.columns.indices.filter {
                            steps[ColumnRef(TableRef(t), $0)] == level && graph.recurrenceOf[ColumnRef(TableRef(t), $0)] == nil
                        }
                        try step(TableRef(t), columns: columns, name: name, first: position == 0, last: isLast)
                    }
                }
            }
        }
    }

    /// One step of a derived table: its previous step's columns and these formulas.
    func step(_ t: TableRef, columns: [Int], name: String, first: Bool, last: Bool) throws(SQLCompileError) {
        let info = program.table(t)
        let from = first ? "(\n" + indent(try rowsQuery(t), by: 2) + "\n) AS t" : "\(relation[t.index]!) AS t"
        let scope = Scope(table: t, alias: "t", from: from)
        scope.windowed = true
        var select: [String] = []
        for c in info.columns.indices {
            let col = info.columns[c]
            if columns.contains(c), let e = col.formula {
                let sql = try expression(e, in: scope)
                select.append(formulaComment(col.name, e) + "\n" + typed(sql, e.type, col.type) + " AS \(d.quote(col.name))")
                built.insert(ColumnRef(t, c))
            } else if case .key = col.kind {
                select.append("t.\(d.quote(col.name))")
            } else if !first && isBuilt(ColumnRef(t, c)) {
                select.append("t.\(d.quote(col.name))")
            }
        }
        var q = "SELECT\n" + select.map { indent($0, by: 2) }.joined(separator: ",\n") + "\nFROM " + scope.from
        for j in scope.renderJoins() { q += "\n" + j }
        var comment: [String] = []
        if first {
            comment.append("-- \(info.name)" + (info.keys.isEmpty ? " (one row)" : " by \(info.keys.joined(separator: ", "))")
                           + " (\(at(info.span)))" + (last ? "" : ", step \(name)"))
        } else {
            comment.append("-- \(info.name), next step (formulas that read the ones before)")
        }
        createTable(name, comment: comment, query: q)
        relation[t.index] = d.quote(name)
    }

    /// Appends the statement that computes table `name` from `query`.
    func createTable(_ name: String, comment: [String], query: String) {
        statements.append(.table(comment: comment, name: name, query: query,
                                 text: d.create(name, asTable: true, temporary: options.temporary, query: query)))
    }

    var built: Set<ColumnRef> = []
    func isBuilt(_ ref: ColumnRef) -> Bool { built.contains(ref) }

    /// A formula's value in the column's type (a bare `missing` is a typed NULL).
    func typed(_ sql: String, _ exprType: VType, _ columnType: VType) -> String {
        if exprType.base == .unknown { return d.null(columnType) }
        return sql
    }

    /// The distinct key tuples of a derived table.
    func rowsQuery(_ t: TableRef) throws(SQLCompileError) -> String {
        let info = program.table(t)
        guard case .derived(let spec) = info.kind else { return "" }
        func drawn(_ f: TableRef, window: CheckedWindow?, keys names: [String]? = nil) throws(SQLCompileError) -> String {
            let source = program.table(f)
            let keys = (names ?? info.keys).map { d.quote($0) }
            var conditions = keys.map { "\($0) IS NOT NULL" }
            if let w = window {
                guard case .asOf(let ago) = w.anchor, let dc = source.source?.dateColumn else {
                    throw unsupported("`from` with this window", w.span)
                }
                let date = d.quote(source.columns[dc].name)
                conditions.append("\(date) BETWEEN \(d.addDays(asOfSQL, -(ago + w.length - 1))) AND \(d.addDays(asOfSQL, -ago))")
            }
            return "SELECT DISTINCT \(keys.joined(separator: ", ")) FROM \(relation[f.index]!)"
                + (conditions.isEmpty ? "" : "\nWHERE " + conditions.joined(separator: "\n  AND "))
        }
        // A period table: the tuples of its other keys, each with the periods 1…H.
        if let axis = info.periods {
            let rowKeys = Array(info.keys.dropLast())
            switch spec {
            case .single: return periodRows(axis, drawn: nil)
            case .from(let f, let window):
                return periodRows(axis, drawn: rowKeys.isEmpty ? nil : try drawn(f, window: window, keys: rowKeys))
            case .union(let ts):
                var parts: [String] = []
                for f in ts { parts.append(try drawn(f, window: nil, keys: rowKeys)) }
                return periodRows(axis, drawn: parts.joined(separator: "\nUNION\n"))
            }
        }
        switch spec {
        case .single:
            return "SELECT 1 AS velo_one"
        case .from(let f, let window):
            return try drawn(f, window: window)
        case .union(let ts):
            var parts: [String] = []
            for f in ts { parts.append(try drawn(f, window: nil)) }
            return parts.joined(separator: "\nUNION\n")
        }
    }

    // MARK: - Flags and checks

    func flagQuery(_ i: Int) throws(SQLCompileError) -> ResultQuery {
        let flag = program.flags[i]
        let info = program.table(flag.table)
        let scope = Scope(table: flag.table, alias: "t", from: "\(relation[flag.table.index]!) AS t")
        let condition = try expression(flag.condition, in: scope)
        var select = info.keys.map { "t.\(d.quote($0))" }
        var types = info.keyColumns.map { info.columns[$0].type }
        var values: [String] = []
        var n = 0
        for case .value(let e, _) in flag.message {
            n += 1
            let v = typed(try expression(e, in: scope), e.type, e.type.base == .unknown ? .number : e.type)
            values.append(v)
            select.append("\(v) AS value_\(n)")
            types.append(e.type.base == .unknown ? .number : e.type)
        }
        var q = "-- flag \(flag.name) (\(flag.severity.rawValue)) on \(info.name) (\(at(flag.span)))\n"
        q += "SELECT " + (select.isEmpty ? "1 AS velo_one" : select.joined(separator: ", ")) + "\nFROM " + scope.from
        for j in scope.renderJoins() { q += "\n" + j }
        q += "\nWHERE " + condition
        return ResultQuery(purpose: .flag(i), sql: q, types: types, keyCount: info.keys.count)
    }

    func checkQuery(_ i: Int) throws(SQLCompileError) -> ResultQuery {
        let check = program.checks[i]
        let info = program.table(check.table)
        let scope = Scope(table: check.table, alias: "t", from: "\(relation[check.table.index]!) AS t")
        let condition = try expression(check.condition, in: scope)
        let shown = check.shownColumns
        let select = info.keys.map { "t.\(d.quote($0))" } + shown.map { "t.\(d.quote(info.columns[$0].name))" }
        let types = info.keyColumns.map { info.columns[$0].type } + shown.map { info.columns[$0].type }
        var q = "-- check \(check.name) on \(info.name): rows where `\(check.source)` does not hold (\(at(check.span)))\n"
        q += "SELECT " + (select.isEmpty ? "1 AS velo_one" : select.joined(separator: ", ")) + "\nFROM " + scope.from
        for j in scope.renderJoins() { q += "\n" + j }
        q += "\nWHERE NOT COALESCE(\(condition), FALSE)"
        return ResultQuery(purpose: .check(i), sql: q, types: types, keyCount: info.keys.count)
    }
}

func indent(_ s: String, by n: Int) -> String {
    let pad = String(repeating: " ", count: n)
    return s.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
