// Checking `test` blocks against a checked program.
//
// A test is checked after the program it tests, whether it is written in the rule file or in
// a `*.test.velo` file next to it: `given` rows against the source's columns and their types,
// `set` values against the params, and every `expect` expression as a query (bare names are
// params; tables are read as `table.column`, cells as `table.column["KEY"]`).

import VeloData
import VeloSyntax

/// A test, ready to run: the rows that replace sources, the params and as-of date it sets,
/// and what it expects.
public struct CheckedTest: Sendable {
    public var name: String
    /// `test "name"`.
    public var span: Span
    public var fixtures: [Fixture]
    public var params: [String: Literal]
    /// Days since 1970; nil: the latest date in the (given) event data.
    public var asOf: Int32?
    public var expectations: [CheckedExpectation]
}

/// Rows that replace a source table's file for one test.
public struct Fixture: Sendable {
    public var table: TableRef
    /// The source's columns the rows give values for, in the order written; the source's
    /// other columns are missing in every row.
    public var columns: [Int]
    /// One literal per column of `columns`.
    public var rows: [[Literal]]
    /// `given items`.
    public var span: Span
}

/// One `expect` of a test. Expressions are checked in the context of a one-row query table
/// appended to the program's tables (index `program.tables.count`), as `Workspace.query` does.
public struct CheckedExpectation: Sendable {
    /// `a == b`, `a < b`, ...: the two sides, to show what each was when the test fails.
    public struct Comparison: Sendable {
        public var op: BinaryOp
        public var lhs: CExpr
        public var rhs: CExpr
    }

    public enum Kind: Sendable {
        /// A true/false query; `comparison` when it is one comparison.
        case value(CExpr, comparison: Comparison?, tolerance: Tolerance?)
        /// The table has exactly these rows (matched on its keys), with these values.
        case rows(table: TableRef, columns: [Int], rows: [[Literal]], rowSpans: [Span], tolerance: Tolerance?)
        /// Flag `flag` is (or is not) raised: on the row with these key values, or on any row.
        case flag(flag: Int, raised: Bool, keys: [CExpr]?)
    }

    public var kind: Kind
    /// The `expect` line (for a block of rows, its first line).
    public var span: Span
}

extension Checker {
    /// Checks test blocks written in `file` against `program` (checked without errors).
    public static func checkTests(_ tests: [TestDecl], file: SourceFile, program: CheckedProgram)
        -> (tests: [CheckedTest], diagnostics: [Diagnostic]) {
        var checker = Checker(file: file, ast: Program(statements: []), baseDirectory: "",
                              schemas: { _ in .failure(SchemaError(message: "no data in a test")) })
        checker.tables = program.tables + [.queryContext()]
        checker.params = program.params
        checker.keyNames = Set(program.tables.flatMap(\.keys))
        for (t, table) in program.tables.enumerated() {
            for c in table.columns.indices where table.columns[c].formula != nil { checker.visits[ColumnRef(TableRef(t), c)] = .done }
        }
        let query = TableRef(program.tables.count)
        var checked: [CheckedTest] = []
        var seen: [String: Span] = [:]
        for test in tests {
            let name = test.name.plainText ?? ""
            if name.trimmingWhitespace().isEmpty {
                checker.diagnostics.append(.emptyTestName(at: test.name.span))
            }
            if let first = seen[name] {
                checker.diagnostics.append(.duplicateDefinition("test", name, at: test.name.span, first: first))
            }
            seen[name] = test.name.span
            let before = checker.diagnostics.count
            let result = checker.checkTest(test, name: name, program: program, query: query)
            if checker.diagnostics.count == before { checked.append(result) }
        }
        return (checked, checker.diagnostics.sortedBySource())
    }

    /// Checks a `*.test.velo` file: only test blocks, checked against the program it tests.
    public static func checkTestFile(_ ast: Program, file: SourceFile, program: CheckedProgram, ruleFile: String)
        -> (tests: [CheckedTest], diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var tests: [TestDecl] = []
        for s in ast.statements {
            if case .test(let t) = s { tests.append(t) } else { diagnostics.append(.definitionInTestFile(ruleFile, at: s.span)) }
        }
        let (checked, more) = checkTests(tests, file: file, program: program)
        return (checked, (diagnostics + more).sortedBySource())
    }

    mutating func checkTest(_ test: TestDecl, name: String, program: CheckedProgram, query: TableRef) -> CheckedTest {
        var result = CheckedTest(name: name, span: test.span, fixtures: [], params: [:], asOf: nil, expectations: [])
        var given: [String: Span] = [:]
        var set: [String: Span] = [:]
        for step in test.steps {
            switch step {
            case .given(let table, let rows, let span):
                if let first = given[table.text] {
                    diagnostics.append(.givenTwice(table.text, at: table.span, first: first))
                    continue
                }
                given[table.text] = table.span
                if let f = checkFixture(table, rows, span: span, program: program) { result.fixtures.append(f) }
            case .set(let name, let value, _):
                if let first = set[name.text] {
                    diagnostics.append(.setTwice(name.text, at: name.span, first: first))
                    continue
                }
                set[name.text] = name.span
                checkSet(name, value, program: program, into: &result)
            case .expect(let e):
                if let x = checkExpectation(e, program: program, query: query) { result.expectations.append(x) }
            }
        }
        return result
    }

    // MARK: - given

    mutating func checkFixture(_ name: Name, _ rows: InlineRows, span: Span, program: CheckedProgram) -> Fixture? {
        let sources = program.tables.filter(\.isReadSource).map(\.name)
        guard let ref = program.table(named: name.text) else {
            diagnostics.append(.unknownTable(name.text, candidates: sources, at: name.span))
            return nil
        }
        let table = program.table(ref)
        guard table.isSource else {
            diagnostics.append(.givenDerivedTable(name.text, sources: sources, at: name.span))
            return nil
        }
        if let base = table.source?.base {
            diagnostics.append(Diagnostic(code: "test-given", "`\(name.text)` keeps some rows of `\(program.table(base).name)`; `given` replaces the rows of a source read from data",
                                          at: name.span, hint: "give the rows of `\(program.table(base).name)` and `\(name.text)` keeps those its condition holds for"))
            return nil
        }
        guard let (columns, values) = checkRows(rows, of: table, at: name) else { return nil }
        return Fixture(table: ref, columns: columns, rows: values, span: span)
    }

    /// The header's columns (indices into `table.columns`) and the rows' literals, when every
    /// name, value and key is sound.
    mutating func checkRows(_ rows: InlineRows, of table: TableInfo, at name: Name) -> ([Int], [[Literal]])? {
        let before = diagnostics.count
        var columns: [Int] = []
        var seen: [String: Span] = [:]
        for c in rows.columns {
            if let first = seen[c.text] {
                diagnostics.append(.columnListedTwice(c.text, at: c.span, first: first))
                continue
            }
            seen[c.text] = c.span
            guard let i = table.columnIndex(c.text) else {
                diagnostics.append(.unknownColumn(c.text, table: table.name, candidates: table.columns.map(\.name),
                                                  isSource: table.isSource, at: c.span))
                continue
            }
            columns.append(i)
        }
        let absent = table.keys.filter { seen[$0] == nil }
        if !absent.isEmpty {
            diagnostics.append(.rowsLackKeys(table.name, keys: absent, at: rows.columns[0].span.through(rows.columns[rows.columns.count - 1].span)))
        }
        guard diagnostics.count == before else { return nil }
        let keyPositions = table.keyColumns.compactMap { k in columns.firstIndex(of: k) }
        var values: [[Literal]] = []
        var keysSeen: [[String]: Span] = [:]
        for row in rows.rows {
            guard row.cells.count == columns.count else {
                diagnostics.append(.rowWidth(row.cells.count, expected: columns.count, at: row.span))
                continue
            }
            var literals: [Literal] = []
            for (position, cell) in row.cells.enumerated() {
                let column = table.columns[columns[position]]
                guard let value = constantValue(cell) else { continue }   // a literal by the grammar; a bad date is reported
                if !Checker.fits(value, column.type) {
                    diagnostics.append(.cellType(table.name, column.name, column.type, found: value.type, at: cell.span))
                }
                if case .key = column.kind {
                    switch value {
                    case .missing: diagnostics.append(.emptyKey(column.name, at: cell.span))
                    case .text(let s) where s.isEmpty: diagnostics.append(.emptyKey(column.name, at: cell.span))
                    default: break
                    }
                }
                literals.append(value)
            }
            guard literals.count == columns.count else { continue }
            // Key values as written: text quoted, integers and dates as literals.
            let key = keyPositions.map { p -> String in
                switch literals[p] {
                case .text(let s): return s.isEmpty ? "" : "\"\(s)\""
                case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
                case .date(let d): return CivilDate(day: d).iso
                default: return ""
                }
            }
            if !keyPositions.isEmpty, !key.contains("") {
                if let first = keysSeen[key] {
                    let shown = zip(keyPositions, key).map { "\(table.columns[columns[$0]].name) = \($1)" }.joined(separator: ", ")
                    diagnostics.append(.rowKeyTwice(table.name, shown, at: row.span, first: first))
                } else {
                    keysSeen[key] = row.span
                }
            }
            values.append(literals)
        }
        guard diagnostics.count == before else { return nil }
        return (columns, values)
    }

    /// Whether a literal can stand in a column of type `t` (`missing` stands anywhere).
    static func fits(_ value: Literal, _ t: VType) -> Bool {
        value.type.base == .unknown || value.type == t
    }

    // MARK: - set

    mutating func checkSet(_ name: Name, _ value: Expr, program: CheckedProgram, into result: inout CheckedTest) {
        if name.text == "asof" {
            if case .date(let text) = value.kind, CivilDate(iso: text) == nil {
                diagnostics.append(.invalidDate(text, at: value.span))
                return
            }
            guard let v = constantValue(value) else {
                diagnostics.append(.asOfNotDate(nil, at: value.span))
                return
            }
            switch v {
            case .date(let d):
                result.asOf = d
            default:
                diagnostics.append(.asOfNotDate(v.type, at: value.span))
            }
            return
        }
        guard let p = program.param(named: name.text) else {
            diagnostics.append(.unknownParamInTest(name.text, params: program.params.map(\.name), at: name.span))
            return
        }
        guard let v = constantValue(value) else {
            diagnostics.append(.paramNotConstant(name.text, at: value.span))
            return
        }
        if case .date(let text) = value.kind, CivilDate(iso: text) == nil { return }   // reported
        let type = program.params[p].type
        guard Checker.fits(v, type) else {
            diagnostics.append(.setType(name.text, type, found: v.type, at: value.span))
            return
        }
        if let why = program.params[p].refusal(of: value) ?? program.params[p].rangeRefusal(v) {
            diagnostics.append(Diagnostic(code: "percent-param", why.message, at: value.span, hint: why.hint))
            return
        }
        result.params[name.text] = v
    }

    // MARK: - expect

    mutating func checkExpectation(_ e: Expectation, program: CheckedProgram, query: TableRef) -> CheckedExpectation? {
        switch e.kind {
        case .value(let expr, let tolerance):
            guard let checked = resolve(expr, Scope(context: query, owner: query)) else { return nil }
            guard checked.type == .bool || checked.type.base == .unknown else {
                diagnostics.append(.nonBoolean("an expectation", checked.type, at: expr.span))
                return nil
            }
            var comparison: CheckedExpectation.Comparison? = nil
            if case .binary(let op, let lhs, let rhs) = checked.kind, op.isComparison {
                comparison = .init(op: op, lhs: lhs, rhs: rhs)
                if case .binary(_, let l, let r) = expr.kind, l.isMissingLiteral || r.isMissingLiteral {
                    diagnostics.append(.compareWithMissing(negated: op == .notEqual, at: expr.span))
                    return nil
                }
            }
            if let tolerance {
                guard let c = comparison, c.op == .equal || c.op == .notEqual else {
                    diagnostics.append(.withinNeedsEquality(at: tolerance.span))
                    return nil
                }
                let type = c.lhs.type.base == .unknown ? c.rhs.type : c.lhs.type
                guard type == .number || type == .duration || type.base == .unknown else {
                    diagnostics.append(.withinNeedsNumbers(type, at: tolerance.span))
                    return nil
                }
            }
            return CheckedExpectation(kind: .value(checked, comparison: comparison, tolerance: tolerance), span: e.span)

        case .rows(let name, let rows, let tolerance):
            guard let ref = program.table(named: name.text) else {
                diagnostics.append(.unknownTable(name.text, candidates: program.tables.map(\.name), at: name.span))
                return nil
            }
            let table = program.table(ref)
            if table.isEventTable {
                diagnostics.append(.expectRowsOfEvents(table.name, at: name.span))
                return nil
            }
            guard let (columns, values) = checkRows(rows, of: table, at: name) else { return nil }
            if table.keys.isEmpty, values.count != 1 {
                diagnostics.append(.keylessRows(table.name, found: values.count, at: name.span))
                return nil
            }
            return CheckedExpectation(kind: .rows(table: ref, columns: columns, rows: values, rowSpans: rows.rows.map(\.span),
                                                  tolerance: tolerance), span: e.span)

        case .flag(let name, let raised, let tableName, let keys):
            guard let f = program.flags.firstIndex(where: { $0.name == name.text }) else {
                diagnostics.append(.unknownFlag(name.text, flags: program.flags.map(\.name), at: name.span))
                return nil
            }
            let flag = program.flags[f]
            let table = program.table(flag.table)
            if let tableName, tableName.text != table.name {
                diagnostics.append(.flagOnOtherTable(flag.name, table: table.name, found: tableName.text, at: tableName.span))
                return nil
            }
            var checkedKeys: [CExpr]? = nil
            if let keys {
                guard keys.count == table.keys.count else {
                    diagnostics.append(.wrongKeyCount(table.name, keys: table.keys, found: keys.count,
                                                      at: keys[0].span.through(keys[keys.count - 1].span)))
                    return nil
                }
                var out: [CExpr] = []
                for (k, key) in zip(keys, table.keyColumns) {
                    guard let c = resolve(k, Scope(context: query, owner: query)) else { continue }
                    let expected = table.columns[key].type
                    guard c.type == expected || c.type.base == .unknown else {
                        diagnostics.append(.keyValueType(expected, c.type, at: k.span))
                        continue
                    }
                    out.append(c)
                }
                guard out.count == keys.count else { return nil }
                checkedKeys = out
            }
            return CheckedExpectation(kind: .flag(flag: f, raised: raised, keys: checkedKeys), span: e.span)
        }
    }
}

extension Diagnostic {
    static func definitionInTestFile(_ ruleFile: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "test-file", "a test file holds only `test` blocks", at: span,
                   hint: "definitions belong in \(ruleFile), the rule file this file tests")
    }

    static func emptyTestName(at span: Span) -> Diagnostic {
        Diagnostic(code: "test-name", "a test needs a name", at: span,
                   hint: "say what the test shows, e.g. `test \"MOQ rounds up to the case pack\":`")
    }

    static func givenTwice(_ table: String, at span: Span, first: Span) -> Diagnostic {
        Diagnostic(code: "duplicate", "`\(table)` is given twice in this test", at: span,
                   hint: "put all its rows under one `given \(table):`", notes: [.init(span: first, message: "first given here")])
    }

    static func setTwice(_ name: String, at span: Span, first: Span) -> Diagnostic {
        Diagnostic(code: "duplicate", "`\(name)` is set twice in this test", at: span,
                   hint: "set it once; to try two values, write two tests", notes: [.init(span: first, message: "first set here")])
    }

    static func givenDerivedTable(_ table: String, sources: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "test-given", "`\(table)` is computed by formulas; `given` replaces the rows of a source table", at: span,
                   hint: "give the rows of the sources it is computed from (\(list(sources))) and `\(table)` follows; check it with `expect \(table):`")
    }

    static func columnListedTwice(_ column: String, at span: Span, first: Span) -> Diagnostic {
        Diagnostic(code: "duplicate", "column `\(column)` is listed twice", at: span, hint: "list each column once",
                   notes: [.init(span: first, message: "first listed here")])
    }

    static func rowsLackKeys(_ table: String, keys: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "test-rows", "the rows of `\(table)` must give its key\(keys.count == 1 ? "" : "s") \(list(keys))", at: span,
                   hint: "a row of `\(table)` is known by its key: add \(list(keys)) to the line of column names")
    }

    static func rowWidth(_ found: Int, expected: Int, at span: Span) -> Diagnostic {
        Diagnostic(code: "test-rows", "this row has \(found) value\(found == 1 ? "" : "s"), but the line of column names has \(expected)",
                   at: span, hint: "give one value per column, `missing` for an empty one")
    }

    static func cellType(_ table: String, _ column: String, _ type: VType, found: VType, at span: Span) -> Diagnostic {
        let holds: String
        switch type.base {
        case .number: holds = "numbers"
        case .text: holds = "text"
        case .date: holds = "dates"
        case .bool: holds = "true/false values"
        case .duration: holds = "durations"
        case .unknown: holds = "missing values"
        }
        var hint: String? = nil
        if type == .text { hint = "write text in quotes, e.g. \"A\"" }
        else if found == .text && type == .number { hint = "write numbers without quotes, e.g. 100 or 95%" }
        else if type == .date { hint = "write dates as 2024-12-31, without quotes" }
        else if type == .bool { hint = "write true or false, without quotes" }
        return Diagnostic(code: "type", "`\(table).\(column)` holds \(holds), found \(found.withArticle)", at: span, hint: hint)
    }

    static func emptyKey(_ column: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "test-rows", "key `\(column)` cannot be empty", at: span, hint: "every row needs a value for each key column")
    }

    static func rowKeyTwice(_ table: String, _ key: String, at span: Span, first: Span) -> Diagnostic {
        Diagnostic(code: "test-rows", "two rows of `\(table)` have the key \(key)", at: span,
                   hint: "`\(table)` has one row per key", notes: [.init(span: first, message: "the first row with this key")])
    }

    static func asOfNotDate(_ found: VType?, at span: Span) -> Diagnostic {
        Diagnostic(code: "type", "the as-of date must be a date" + (found.map { ", found \($0.withArticle)" } ?? ""), at: span,
                   hint: "for example `set asof = 2024-12-31`")
    }

    static func unknownParamInTest(_ name: String, params: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-name", "unknown param `\(name)`", at: span,
                   hint: Suggest.didYouMean(name, in: params + ["asof"])
                       ?? (params.isEmpty ? "the rule file has no params; `set asof = 2024-12-31` sets the as-of date"
                           : "the params are \(list(params)); `set asof = 2024-12-31` sets the as-of date"))
    }

    static func setType(_ name: String, _ type: VType, found: VType, at span: Span) -> Diagnostic {
        let example: String?
        switch type.base {
        case .number: example = "98%"
        case .duration: example = "21 days"
        case .date: example = "2024-12-31"
        case .text: example = "\"weekly\""
        case .bool: example = "true"
        case .unknown: example = nil
        }
        return Diagnostic(code: "type", "param `\(name)` is \(type.withArticle), found \(found.withArticle)", at: span,
                          hint: example.map { "for example `set \(name) = \($0)`" })
    }

    static func compareWithMissing(negated: Bool, at span: Span) -> Diagnostic {
        Diagnostic(code: "missing-comparison", "a comparison with `missing` is never true", at: span,
                   hint: negated ? "write `expect x is not missing`" : "write `expect x is missing`")
    }

    static func withinNeedsEquality(at span: Span) -> Diagnostic {
        Diagnostic(code: "within", "`within` applies to `==` and `!=`", at: span,
                   hint: "for `<` or `>`, put the margin in the comparison: `x <= 12.5 + 0.01`")
    }

    static func withinNeedsNumbers(_ t: VType, at span: Span) -> Diagnostic {
        Diagnostic(code: "within", "`within` compares numbers, found \(t.withArticle)", at: span,
                   hint: "text, dates and true/false values are compared exactly: drop `within`")
    }

    static func expectRowsOfEvents(_ table: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "test-rows", "`\(table)` has no keys to match expected rows on", at: span,
                   hint: "expect rows of a keyed table, or a total: `expect sum(\(table).units) == 100`")
    }

    static func keylessRows(_ table: String, found: Int, at span: Span) -> Diagnostic {
        Diagnostic(code: "test-rows", "`\(table)` has no keys, so it has exactly one row; found \(found) expected rows", at: span,
                   hint: "give one row of values")
    }

    static func unknownFlag(_ name: String, flags: [String], at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-name", "unknown flag `\(name)`", at: span,
                   hint: Suggest.didYouMean(name, in: flags) ?? (flags.isEmpty ? "the rule file defines no flags" : "the flags are \(list(flags))"))
    }

    static func flagOnOtherTable(_ flag: String, table: String, found: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "test-flag", "flag `\(flag)` is on `\(table)`, not `\(found)`", at: span,
                   hint: "write `expect flag \(flag) on \(table)[...]`")
    }
}

extension Expr {
    /// `missing` or `missing("why")`.
    var isMissingLiteral: Bool {
        if case .missing = kind { return true }
        return false
    }
}
