// Running `test` blocks: each test opens its own workspace with the sources it gives replaced
// by its rows (a `RowsReader` that builds the typed columns from the values, with the source's
// column types), its params and as-of date set, then evaluates its expectations. The results
// are data — what was expected and what was found — for the frontend to print.

import VeloCheck
import VeloData
import VeloSyntax

/// The outcome of one test.
public struct TestResult: Sendable {
    public var name: String
    /// `test "name"`, in the file the test is written in.
    public var span: Span
    public var failures: [ExpectationFailure]
    /// Set when the test could not run: its data could not be loaded.
    public var error: String?
    /// The error is in the data files (not in the test's own rows).
    public var isDataError: Bool

    public var passed: Bool { failures.isEmpty && error == nil }
}

/// An `expect` that did not hold.
public struct ExpectationFailure: Sendable {
    /// The `expect` line.
    public var span: Span
    /// The expectation as written (its first line).
    public var expectation: String
    /// What was expected and what was found, one line each:
    /// `plan.order_qty["A"]: expected 120, actual 144`.
    public var lines: [String]
}

/// How a test's failures word the values the engine keeps as data (numbers, missing reasons,
/// flag messages): the frontend's wording, so a failure reads like the rest of its output.
public struct TestWording: Sendable {
    /// A number exactly (`120`, `0.1`).
    public var number: @Sendable (Double) -> String
    /// Why a value is missing (`division by zero`).
    public var reason: @Sendable (MissingReason) -> String
    /// A flag's message.
    public var flagMessage: @Sendable (FlagHit) -> String

    public init(number: @escaping @Sendable (Double) -> String, reason: @escaping @Sendable (MissingReason) -> String,
                flagMessage: @escaping @Sendable (FlagHit) -> String) {
        self.number = number
        self.reason = reason
        self.flagMessage = flagMessage
    }
}

public enum TestRunner {
    /// Runs one checked test of `program`; `file` is where the test is written.
    public static func run(_ test: CheckedTest, program: CheckedProgram, file: SourceFile, wording: TestWording) -> TestResult {
        var result = TestResult(name: test.name, span: test.span, failures: [], error: nil, isDataError: false)
        var options = WorkspaceOptions(asOf: test.asOf, params: test.params)
        var labels: [String] = []
        for f in test.fixtures {
            let info = program.table(f.table)
            let label = "\(file.path):\(file.location(of: f.span.start).line) (given \(info.name))"
            labels.append(label)
            options.readers[info.name] = reader(f, of: info, label: label)
        }
        let ws: Workspace
        do {
            ws = try Workspace.open(program, options: options)
        } catch {
            result.error = error.description
            // The test's own rows are not data files.
            result.isDataError = error.source.map { !labels.contains($0) } ?? true
            return result
        }
        let checker = ExpectationChecker(ws: ws, file: file, wording: wording)
        for e in test.expectations {
            let lines = checker.check(e)
            if !lines.isEmpty {
                let text = file.text(of: e.span)
                let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? text
                result.failures.append(ExpectationFailure(span: e.span, expectation: firstLine, lines: lines))
            }
        }
        return result
    }

    /// A fixture's rows as a reader of every column of the source (those not given are
    /// missing in every row); `label` is shown where a path would be.
    static func reader(_ f: Fixture, of table: TableInfo, label: String) -> RowsReader {
        let position = Dictionary(f.columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = f.rows.map { row in
            table.columns.indices.map { c in position[c].map { DataValue(row[$0]) } ?? .missing }
        }
        return RowsReader(label: label, columns: table.columns.map(\.name), rows: rows)
    }
}

extension DataValue {
    /// A test's literal as a data value (durations are numbers of days).
    init(_ literal: Literal) {
        switch literal {
        case .number(let x), .duration(let x): self = .number(x)
        case .text(let s): self = .text(s)
        case .date(let d): self = .date(d)
        case .bool(let b): self = .bool(b)
        case .missing: self = .missing
        }
    }
}

/// Evaluates the expectations of one test in its workspace; `file` is where they are written.
struct ExpectationChecker {
    let ws: Workspace
    let file: SourceFile
    let wording: TestWording

    /// An expression as written in the test.
    func text(_ e: CExpr) -> String { file.text(of: e.span) }

    /// The lines saying why `e` does not hold; empty when it holds.
    func check(_ e: CheckedExpectation) -> [String] {
        switch e.kind {
        case .value(let expr, let comparison, let tolerance):
            return checkValue(expr, comparison, tolerance)
        case .rows(let table, let columns, let rows, _, let tolerance):
            return checkRows(table, columns, rows, tolerance)
        case .flag(let flag, let raised, let keys):
            return checkFlag(flag, raised: raised, keys: keys)
        }
    }

    func checkValue(_ expr: CExpr, _ comparison: CheckedExpectation.Comparison?, _ tolerance: Tolerance?) -> [String] {
        if let c = comparison, let tolerance {
            let a = ws.queryValue(c.lhs), b = ws.queryValue(c.rhs)
            var holds = false
            if let x = a.number, let y = b.number {
                let close = abs(x - y) <= tolerance.amount * (tolerance.relative ? abs(y) : 1)
                holds = c.op == .equal ? close : !close
            }
            if holds { return [] }
            let amount = tolerance.relative ? wording.number(tolerance.amount * 100) + "%" : wording.number(tolerance.amount)
            return [describe(c, lhs: a, rhs: b, suffix: " within " + amount)]
        }
        let v = ws.queryValue(expr)
        if case .bool(true) = v { return [] }
        if let c = comparison {
            return [describe(c, lhs: ws.queryValue(c.lhs), rhs: ws.queryValue(c.rhs), suffix: "")]
        }
        if case .isMissing(let inner, let negated) = expr.kind {
            return ["\(text(inner)): expected \(negated ? "a value" : "missing"), actual \(ws.queryValue(inner).text(wording))"]
        }
        return ["expected true, actual \(v.text(wording))"]
    }

    /// `plan.order_qty["A"]: expected 120, actual 144 (off by 24)`; `sum(x): expected > 0, actual 0`.
    func describe(_ c: CheckedExpectation.Comparison, lhs: ResultValue, rhs: ResultValue, suffix: String) -> String {
        let op = c.op == .equal ? "" : c.op.rawValue + " "
        var expected = op + rhs.text(wording)
        if !c.rhs.isLiteral { expected += " (\(text(c.rhs)))" }
        var line = "\(text(c.lhs)): expected \(expected)\(suffix), actual \(lhs.text(wording))"
        if let x = lhs.number, let y = rhs.number, c.op == .equal, !NumberComparison.equal(x, y) {
            line += " (off by \(wording.number(abs(x - y))))"
        }
        return line
    }

    func checkRows(_ ref: TableRef, _ columns: [Int], _ rows: [[Literal]], _ tolerance: Tolerance?) -> [String] {
        let table = ws.program.table(ref)
        let keyColumns = table.keyColumns
        let keyPositions = keyColumns.compactMap { k in columns.firstIndex(of: k) }
        var cache: [Int: ResultColumn] = [:]
        func column(_ c: Int) -> ResultColumn {
            if let v = cache[c] { return v }
            let v = ws.column(ColumnRef(ref, c))
            cache[c] = v
            return v
        }
        func name(_ keys: [String], _ column: String?) -> String {
            let index = keys.isEmpty ? "" : "[" + keys.map { ResultValue.text($0).text(wording) }.joined(separator: ", ") + "]"
            return table.name + (column.map { "." + $0 } ?? "") + index
        }
        var lines: [String] = []
        var matched = Set<Int>()
        for row in rows {
            let keys = keyPositions.map { p -> String in
                if case .missing = row[p] { return "" }
                return ResultValue(row[p]).plain(wording)   // integer and date keys as `Workspace.row` reads them
            }
            let found = keys.isEmpty ? (ws.rowCount(ref) == 1 ? 0 : nil) : ws.row(ref, keys: keys)
            guard let r = found else {
                lines.append("\(name(keys, nil)): expected, but `\(table.name)` has no such row")
                continue
            }
            matched.insert(r)
            for (p, c) in columns.enumerated() where !keyColumns.contains(c) {
                let actual = column(c).value(at: r)
                guard !actual.matches(row[p], tolerance: tolerance) else { continue }
                let expected = ResultValue(row[p])
                var line = "\(name(keys, table.columns[c].name)): expected \(expected.text(wording)), actual \(actual.text(wording))"
                if let x = actual.number, let y = expected.number { line += " (off by \(wording.number(abs(x - y))))" }
                lines.append(line)
            }
        }
        if !keyColumns.isEmpty {
            let extra = (0..<ws.rowCount(ref)).filter { !matched.contains($0) }
            for r in extra.prefix(10) {
                let keys = keyColumns.map { column($0).value(at: r).plain(wording) }
                let shown = columns.filter { !keyColumns.contains($0) }
                    .map { "\(table.columns[$0].name) = \(column($0).value(at: r).text(wording))" }
                lines.append("\(name(keys, nil)): not expected, but `\(table.name)` has it" + (shown.isEmpty ? "" : " (\(shown.joined(separator: ", ")))"))
            }
            if extra.count > 10 { lines.append("… and \(extra.count - 10) more rows of `\(table.name)` not expected") }
        }
        return lines
    }

    func checkFlag(_ index: Int, raised: Bool, keys: [CExpr]?) -> [String] {
        let flag = ws.program.flags[index]
        let table = ws.program.table(flag.table)
        let hits = ws.flags().filter { $0.flag == flag.name }
        func cell(_ keys: [String]) -> String {
            keys.isEmpty ? table.name : "\(table.name)[\(keys.map { ResultValue.text($0).text(wording) }.joined(separator: ", "))]"
        }
        func keysOf(_ row: Int) -> [String] {
            table.keyColumns.map { ws.column(ColumnRef(flag.table, $0)).value(at: row).plain(wording) }
        }
        guard let keys else {
            if raised {
                return hits.isEmpty ? ["flag \(flag.name) is raised on no row of `\(table.name)`"] : []
            }
            var lines = hits.prefix(10).map { "flag \(flag.name) is raised on \(cell(keysOf($0.row))): \(ResultValue.text(wording.flagMessage($0)).text(wording))" }
            if hits.count > 10 { lines.append("… and on \(hits.count - 10) more rows") }
            return lines
        }
        let values = keys.map { ws.queryValue($0).plain(wording) }
        guard let row = ws.row(flag.table, keys: values) else {
            return raised ? ["\(cell(values)): no such row, so flag \(flag.name) is not raised on it"] : []
        }
        let hit = hits.first { $0.row == row }
        switch (raised, hit) {
        case (true, nil):
            let shown = ws.conditionValues(flag.condition, table: flag.table, row: row, wording: wording)
            return ["flag \(flag.name) is not raised on \(cell(values))" + (shown.isEmpty ? "" : ": " + shown)]
        case (false, let h?):
            return ["flag \(flag.name) is raised on \(cell(values)): \(ResultValue.text(wording.flagMessage(h)).text(wording))"]
        default:
            return []
        }
    }
}

/// One value of a result, for comparing and showing in a test's failure.
enum ResultValue: Equatable {
    case number(Double)
    case text(String)
    case date(Int32)
    case bool(Bool)
    case duration(Double)
    case missing(MissingReason?)

    init(_ literal: Literal) {
        switch literal {
        case .number(let x): self = .number(x)
        case .text(let s): self = .text(s)
        case .date(let d): self = .date(d)
        case .bool(let b): self = .bool(b)
        case .duration(let d): self = .duration(d)
        case .missing(let r): self = .missing(r.map { MissingReason(.missingByDefinition($0)) })
        }
    }

    /// How a failure shows it: numbers exactly, text in quotes.
    func text(_ wording: TestWording) -> String {
        switch self {
        case .number(let x): return wording.number(x)
        case .duration(let d): return wording.number(d) + (d == 1 ? " day" : " days")
        case .text(let s):
            var out = "\""
            for ch in s {
                switch ch {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                default: out.append(ch)
                }
            }
            return out + "\""
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        case .missing(let reason): return "missing" + (reason.map { " (\(wording.reason($0)))" } ?? "")
        }
    }

    var number: Double? {
        switch self {
        case .number(let x), .duration(let x): return x
        default: return nil
        }
    }

    /// Text without quotes (key values).
    func plain(_ wording: TestWording) -> String {
        if case .text(let s) = self { return s }
        return text(wording)
    }

    /// Whether this actual value is what `expected` says: numbers to 12 significant digits
    /// (or within the tolerance), `missing` only by a missing value.
    func matches(_ expected: Literal, tolerance: Tolerance?) -> Bool {
        switch (self, ResultValue(expected)) {
        case (.missing, .missing): return true
        case (.number(let x), .number(let y)), (.duration(let x), .duration(let y)),
             (.duration(let x), .number(let y)), (.number(let x), .duration(let y)):
            if let t = tolerance { return abs(x - y) <= t.amount * (t.relative ? abs(y) : 1) }
            return NumberComparison.equal(x, y)
        case (.text(let a), .text(let b)): return a == b
        case (.date(let a), .date(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        default: return false
        }
    }
}

extension ResultColumn {
    func value(at row: Int) -> ResultValue {
        let reason = missingReasons[row]
        switch values {
        case .number(let v):
            if v[row].isNaN { return .missing(reason) }
            return type == .duration ? .duration(v[row]) : .number(v[row])
        case .text(let v): return v[row].map { .text($0) } ?? .missing(reason)
        case .date(let v): return v[row] == ColumnData.missingDate ? .missing(reason) : .date(v[row])
        case .bool(let v): return v[row] == ColumnData.missingBool ? .missing(reason) : .bool(v[row] == 1)
        }
    }
}

extension CExpr {
    var isLiteral: Bool {
        switch kind {
        case .literal: return true
        case .negate(let e): return e.isLiteral
        default: return false
        }
    }
}

extension Workspace {
    /// Evaluates an expression checked in the query context of `Checker.checkTests` (a one-row
    /// table appended to the program's tables).
    func queryValue(_ checked: CExpr) -> ResultValue {
        var extended = program
        extended.tables.append(.queryContext())
        let context = TableRef(extended.tables.count - 1)
        var runtime = evaluator.tables
        runtime.append(RuntimeTable(ref: context, rowCount: 1, columns: []))
        let scratch = Evaluator(program: extended, tables: runtime, params: evaluator.params, asOf: evaluator.asOf,
                                interner: interner)
        scratch.alignments = evaluator.alignments
        let v = scratch.evaluate(checked, in: context, rows: nil)
        let reason = v.reasons[0]
        switch normalized(v.values, to: checked.type) {
        case .number(let x):
            if x.isEmpty || x[0].isNaN { return .missing(reason) }
            return checked.type == .duration ? .duration(x[0]) : .number(x[0])
        case .text(let x): return x.isEmpty || x[0] < 0 ? .missing(reason) : .text(interner.string(x[0]))
        case .date(let x): return x.isEmpty || x[0] == ColumnData.missingDate ? .missing(reason) : .date(x[0])
        case .bool(let x): return x.isEmpty || x[0] == ColumnData.missingBool ? .missing(reason) : .bool(x[0] == 1)
        }
    }

    /// `exception = false, velocity_change = 0.25`: the row's values of the columns of `table`
    /// that a flag's condition reads, and of those the columns they read (a few levels).
    func conditionValues(_ condition: CExpr, table: TableRef, row: Int, wording: TestWording) -> String {
        var shown: [Int] = []
        func collect(_ e: CExpr, depth: Int) {
            if case .column(let ref) = e.kind, ref.table == table, !shown.contains(ref.column) {
                shown.append(ref.column)
                if depth < 3, let f = program.column(ref).formula { collect(f, depth: depth + 1) }
            }
            if case .aggregate = e.kind { return }
            e.forEachChild { collect($0, depth: depth) }
        }
        collect(condition, depth: 0)
        return shown.prefix(6).map { c in
            "\(program.table(table).columns[c].name) = \(column(ColumnRef(table, c)).value(at: row).text(wording))"
        }.joined(separator: ", ")
    }
}
