// Static checks: names, keys, types, cycles — all before any formula is evaluated.
//
// The checker walks the syntax tree once to collect declarations, reads each source's
// schema through a `SchemaProvider` (the only data it touches), then checks every formula
// column depth-first: checking a column checks what it reads first, so types flow from
// the data upwards, a column met again while still being checked closes a cycle (reported
// with its whole path), and the order in which columns finish is a valid evaluation order.

import VeloData
import VeloSyntax

/// A source table's columns as its reader reports them (a file's header, types inferred from a
/// sample of rows).
public struct SourceSchema: Sendable {
    public var columns: [(name: String, type: VType.Base)]
    /// Every column the source has by its own name (a file's whole header), when the reader
    /// maps or selects columns; for did-you-mean on a mapped header.
    public var available: [String] = []
    public init(columns: [(name: String, type: VType.Base)]) { self.columns = columns }
}

/// What the checker asks of one source declaration, `table name = reader("path")`.
public struct SchemaRequest: Sendable {
    /// The source table's name.
    public var table: String
    /// The reader kind as written (one of `SourceReaders.kinds`).
    public var reader: String
    /// The location, resolved against the rule file's directory.
    public var path: String
    /// Column types declared in the rule file.
    public var declared: [String: VType.Base]
    /// Columns the program matches rows on (keys and columns named like keys): the provider
    /// infers them as text, integers or dates (`ReadOptions.keyColumns`).
    public var keyColumns: Set<String>
    /// The declaration's labelled arguments and listed columns, for the reader.
    public var settings = SourceSettings()

    public init(table: String, reader: String, path: String, declared: [String: VType.Base], keyColumns: Set<String>) {
        self.table = table
        self.reader = reader
        self.path = path
        self.declared = declared
        self.keyColumns = keyColumns
    }
}

/// Reads a source's schema (through its `SourceReader`, in `velo`; tests give schemas directly).
public typealias SchemaProvider = (_ request: SchemaRequest) -> Result<SourceSchema, SchemaError>

public struct SchemaError: Error, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
}

/// A source column named like a key, with its type as read (or declared).
struct KeyColumnType {
    var table: TableRef
    var type: VType.Base
    var declared: Bool
    var span: Span
}

public struct Checker {
    let file: SourceFile
    let ast: Program
    let baseDirectory: String
    let schemas: SchemaProvider
    var diagnostics: [Diagnostic] = []

    var tables: [TableInfo] = []
    var tableDecls: [Int: TableDecl] = [:]          // derived tables by index
    var filteredDecls: [Int: SourceDecl] = [:]      // filtered event tables by index
    var params: [ParamInfo] = []
    /// The formula of each formula column, as written.
    var formulaSources: [ColumnRef: Expr] = [:]
    var formulaOrder: [ColumnRef] = []
    /// Every name used as a key anywhere: rows are matched on columns with these names.
    var keyNames: Set<String> = []
    /// The type of each key name's source columns as read or declared, for `unifyKeyTypes`.
    var keyColumnTypes: [String: [KeyColumnType]] = [:]

    /// Each table's columns by name (the first of a name), once their columns are known
    /// (after `declareFilteredTables`): a name is found without scanning the columns.
    var columnNumbers: [[String: Int]] = []
    /// Depth-first state of formula columns.
    enum Visit { case inProgress, done, failed }
    var visits: [ColumnRef: Visit] = [:]
    var stack: [ColumnRef] = []
    /// Tables each derived table reads, for the default rows rule.
    var reads: [TableRef: Set<TableRef>] = [:]
    /// Tables with a formula that failed to check: what they read is unknown, so their rows
    /// are not inferred (that would only repeat the error).
    var tablesWithErrors: Set<TableRef> = []
    /// Sources whose file could not be read: their columns are unknown, and references to
    /// them are not reported again.
    var unreadable: Set<String> = []
    /// Columns read through `previous` before they were checked (Checker+Periods.swift).
    var deferredPrevious: [(ColumnRef, VType, Span)] = []

    /// Checks a parsed program. The result is nil when there are errors.
    public static func check(_ program: Program, file: SourceFile, baseDirectory: String,
                             schemas: @escaping SchemaProvider) -> (program: CheckedProgram?, diagnostics: [Diagnostic]) {
        var checker = Checker(file: file, ast: program, baseDirectory: baseDirectory, schemas: schemas)
        var checked = checker.run()
        var diagnostics = checker.diagnostics
        if !diagnostics.hasErrors { diagnostics += Checker.checkUnits(program, file: file, program: &checked) }
        let tests = program.statements.compactMap { s -> TestDecl? in if case .test(let t) = s { return t } else { return nil } }
        if !tests.isEmpty, !diagnostics.hasErrors {
            let (t, d) = Checker.checkTests(tests, file: file, program: checked)
            checked.tests = t
            diagnostics += d
        }
        diagnostics = diagnostics.sortedBySource()
        return (diagnostics.hasErrors ? nil : checked, diagnostics)
    }

    mutating func run() -> CheckedProgram {
        collectKeyNames()
        declareTables()
        declareFilteredTables()
        numberColumns()
        unifyKeyTypes()
        declareParams()
        resolvePeriodClauses()
        checkSourceFilters()
        checkDecisions()
        for ref in checkingOrder() { checkFormula(ref) }
        checkDeferredPrevious()
        resolveRows()
        let flags = checkFlags()
        let checks = checkChecks()
        var program = CheckedProgram(file: file, tables: tables, params: params, flags: flags, checks: checks,
                                     formulaOrder: formulaOrder)
        program.reports = checkReports(flags: flags)
        program.decisions = decisionInfos()
        return program
    }

    // MARK: - Declarations

    mutating func numberColumns() {
        columnNumbers = tables.map { table in
            var numbers: [String: Int] = [:]
            numbers.reserveCapacity(table.columns.count)
            for (c, column) in table.columns.enumerated() where numbers[column.name] == nil { numbers[column.name] = c }
            return numbers
        }
    }

    /// The index of table `t`'s column `name` (`TableInfo.columnIndex`, by `columnNumbers` once numbered).
    func columnIndex(_ t: TableRef, _ name: String) -> Int? {
        t.index < columnNumbers.count ? columnNumbers[t.index][name] : tables[t.index].columnIndex(name)
    }

    mutating func collectKeyNames() {
        for s in ast.statements {
            switch s {
            case .source(let d): keyNames.formUnion(d.keys.map(\.text))
            case .table(let d): keyNames.formUnion(d.keys.map(\.text))
            default: break
            }
        }
    }

    mutating func declareTables() {
        var seen: [String: Span] = [:]
        // Sized once for every formula column, not grown (and rehashed) one by one.
        let formulas = ast.statements.reduce(0) { n, s in if case .table(let d) = s { return n + d.columns.count }; return n }
        formulaSources.reserveCapacity(formulas)
        visits.reserveCapacity(formulas)
        for s in ast.statements {
            let name: Name
            switch s {
            case .source(let d): name = d.name
            case .table(let d): name = d.name
            default: continue
            }
            if let first = seen[name.text] {
                diagnostics.append(.duplicateDefinition("table", name.text, at: name.span, first: first))
                continue
            }
            seen[name.text] = name.span
            switch s {
            case .source(let d) where d.base != nil:
                // Its columns are its base's, known once every table is declared (declareFilteredTables).
                filteredDecls[tables.count] = d
                tables.append(TableInfo(name: d.name.text, span: d.name.span, kind: .source(SourceInfo(
                    path: "", resolvedPath: "", pathSpan: d.path.span, declaredTypes: [:], keyColumns: [], dateColumn: nil, reader: "")),
                    keys: [], columns: []))
            case .source(let d): tables.append(declareSource(d))
            case .table(let d):
                tableDecls[tables.count] = d
                let info = declareDerived(d)
                // Each column's declaration by where its name is (a dictionary: linear in the columns).
                var declAt: [Int: Int] = Dictionary(minimumCapacity: d.columns.count)
                for (k, decl) in d.columns.enumerated() where declAt[decl.name.span.start] == nil { declAt[decl.name.span.start] = k }
                for (c, column) in info.columns.enumerated() {
                    if case .formula = column.kind, let k = declAt[column.span.start], d.columns[k].name.span == column.span {
                        formulaSources[ColumnRef(TableRef(tables.count), c)] = d.columns[k].formula
                    }
                }
                tables.append(info)
            default: break
            }
        }
    }

    mutating func declareSource(_ d: SourceDecl) -> TableInfo {
        var info = TableInfo(name: d.name.text, span: d.name.span, kind: .source(SourceInfo(
            path: d.path.plainText ?? "", resolvedPath: "", pathSpan: d.path.span, declaredTypes: [:],
            keyColumns: [], dateColumn: nil, reader: d.reader.text)), keys: d.keys.map(\.text), columns: [])
        guard SourceReaders.kinds.contains(d.reader.text) else {
            diagnostics.append(.unknownReader(d.reader.text, at: d.reader.span))
            return info
        }
        let path = d.path.plainText ?? ""
        let resolved = path.isEmpty || path.hasPrefix("/") || baseDirectory.isEmpty ? path : baseDirectory + "/" + path
        if let problem = Checker.locationProblem(d) {
            diagnostics.append(problem)
            unreadable.insert(d.name.text)
            return info
        }
        var declared: [String: VType.Base] = [:]
        var declaredSpans: [String: Name] = [:]
        let before = diagnostics.count
        let settings = sourceSettings(d)
        if diagnostics.count > before {
            // The reader is not asked for a schema it cannot be given: its settings are wrong.
            unreadable.insert(d.name.text)
            return info
        }
        for t in d.columnTypes {
            guard let typeName = t.type else { continue }   // a mapping line without a type
            guard let base = VType.Base(rawValue: typeName.text), base != .unknown, base != .duration else {
                diagnostics.append(.unknownTypeName(typeName.text, at: typeName.span))
                continue
            }
            if declaredSpans[t.column.text] != nil {
                diagnostics.append(.duplicateDefinition("column type", t.column.text, at: t.column.span,
                                                        first: declaredSpans[t.column.text]!.span))
                continue
            }
            declared[t.column.text] = base
            declaredSpans[t.column.text] = t.column
        }
        let keys = Set(d.keys.map(\.text))
        for (name, decl) in declaredSpans where keyNames.contains(name) && ![.text, .number, .date].contains(declared[name]) {
            diagnostics.append(.keyType(name, declared[name] ?? .text, at: decl.span))
            declared[name] = nil
        }
        let schema: SourceSchema
        var request = SchemaRequest(table: d.name.text, reader: d.reader.text, path: resolved, declared: declared,
                                    keyColumns: keyNames)
        request.settings = settings
        switch schemas(request) {
        case .success(let s): schema = s
        case .failure(let e):
            diagnostics.append(.unreadableSource(path.isEmpty ? d.reader.text : path, e.message,
                                                 at: path.isEmpty ? d.reader.span : d.path.span))
            unreadable.insert(d.name.text)
            return info
        }
        let names = schema.columns.map(\.name)
        checkMappedColumns(d, schema: schema, path: path)
        for (column, name) in declaredSpans where !names.contains(column) && d.columnTypes.first(where: { $0.column.text == column })?.header == nil {
            diagnostics.append(.unknownSourceColumn(column, table: d.name.text, path: path, columns: names, at: name.span))
        }
        for k in d.keys where !names.contains(k.text) && !d.columnTypes.contains(where: { $0.column.text == k.text && $0.header != nil }) {
            diagnostics.append(.unknownSourceColumn(k.text, table: d.name.text, path: path, columns: names, at: k.span))
        }
        var seenKeys = Set<String>()
        for k in d.keys where !seenKeys.insert(k.text).inserted {
            diagnostics.append(.duplicateKey(k.text, at: k.span))
        }
        var keyColumns = Set<String>()
        var columns: [ColumnInfo] = []
        for (name, base) in schema.columns {
            var type = declared[name] ?? base
            if keyNames.contains(name) {
                if type == .bool { type = .text }
                keyColumns.insert(name)
                let at = declaredSpans[name]?.span ?? d.keys.first { $0.text == name }?.span ?? d.name.span
                keyColumnTypes[name, default: []].append(KeyColumnType(table: TableRef(tables.count), type: type,
                                                                       declared: declared[name] != nil, span: at))
            }
            let kind: ColumnInfo.Kind = keys.contains(name) ? .key : .data
            columns.append(ColumnInfo(name: name, type: VType(type), kind: kind, span: d.name.span))
        }
        info.kind = .source(SourceInfo(path: path, resolvedPath: resolved, pathSpan: d.path.span, declaredTypes: declared,
                                       keyColumns: keyColumns, dateColumn: Checker.dateColumn(columns), reader: d.reader.text,
                                       settings: settings))
        info.columns = columns
        return info
    }

    /// The column of dates time windows read: the only date column, or the one named `date`.
    static func dateColumn(_ columns: [ColumnInfo]) -> Int? {
        let dates = columns.indices.filter { columns[$0].type == .date }
        return dates.count == 1 ? dates[0] : dates.first { columns[$0].name == "date" }
    }

    /// Gives every key name one type across the program: rows are matched on equal values,
    /// so `week` must be an integer (or a date, or text) everywhere. A declared type wins; a
    /// column whose values are text makes inferred integers and dates of the same name text
    /// (they read as text too); integers against dates, or a declaration the file's values
    /// contradict, is an error. Derived tables' keys take their name's type (text when no
    /// source has the column: such a table has no rows to draw anyway).
    mutating func unifyKeyTypes() {
        var types: [String: VType.Base] = [:]
        for name in keyColumnTypes.keys.sorted() {
            let found = keyColumnTypes[name]!
            let declared = found.filter(\.declared)
            var type: VType.Base
            var conflict: (KeyColumnType, KeyColumnType)? = nil
            if let first = declared.first {
                type = first.type
                if let other = declared.first(where: { $0.type != type }) {
                    conflict = (first, other)
                } else if type != .text, let other = found.first(where: { $0.type != type }) {
                    conflict = (first, other)
                }
            } else {
                let kinds = Set(found.map(\.type))
                type = kinds.count == 1 ? found[0].type : .text
                if !kinds.contains(.text), kinds.count > 1 {
                    conflict = (found[0], found.first { $0.type != found[0].type }!)
                }
            }
            if let (a, b) = conflict {
                let (first, second) = a.span.start <= b.span.start ? (a, b) : (b, a)
                diagnostics.append(.keyTypeMismatch(name, tables[first.table.index].name, first.type,
                                                    tables[second.table.index].name, second.type,
                                                    at: second.span, first: first.span))
            }
            types[name] = type
        }
        for i in tables.indices {
            for c in tables[i].columns.indices {
                let name = tables[i].columns[c].name
                guard let type = types[name] else { continue }
                if case .source(var source) = tables[i].kind {
                    guard source.keyColumns.contains(name) else { continue }
                    source.declaredTypes[name] = type
                    tables[i].kind = .source(source)
                } else if case .key = tables[i].columns[c].kind {
                    // a derived table's key: typed like the sources its rows come from
                } else {
                    continue
                }
                tables[i].columns[c].type = VType(type)
            }
            // A date column made text by its name's type no longer dates the rows.
            if case .source(var source) = tables[i].kind {
                source.dateColumn = Checker.dateColumn(tables[i].columns)
                tables[i].kind = .source(source)
            }
        }
    }

    mutating func declareDerived(_ d: TableDecl) -> TableInfo {
        var columns: [ColumnInfo] = []
        columns.reserveCapacity(d.keys.count + d.columns.count)
        var seen: [String: Span] = Dictionary(minimumCapacity: d.keys.count + d.columns.count)
        for k in d.keys {
            if seen[k.text] != nil {
                diagnostics.append(.duplicateKey(k.text, at: k.span))
                continue
            }
            seen[k.text] = k.span
            columns.append(ColumnInfo(name: k.text, type: .text, kind: .key, span: k.span))
        }
        for c in d.columns {
            if let first = seen[c.name.text] {
                if d.keys.contains(where: { $0.text == c.name.text }) {
                    diagnostics.append(.columnShadowsKey(c.name.text, table: d.name.text, at: c.name.span, key: first))
                } else {
                    diagnostics.append(.duplicateDefinition("column", "\(d.name.text).\(c.name.text)", at: c.name.span, first: first))
                }
                continue
            }
            seen[c.name.text] = c.name.span
            // The type is filled in when the formula is checked.
            columns.append(ColumnInfo(name: c.name.text, type: .unknown, kind: .formula(CExpr(.literal(.missing(reason: nil)), .unknown, c.formula.span)), span: c.name.span))
        }
        return TableInfo(name: d.name.text, span: d.name.span, kind: .derived(rows: .single), keys: d.keys.map(\.text),
                         columns: columns)
    }

    mutating func declareParams() {
        var seen: [String: Span] = [:]
        for s in ast.statements {
            guard case .param(let p) = s else { continue }
            if let first = seen[p.name.text] {
                diagnostics.append(.duplicateDefinition("param", p.name.text, at: p.name.span, first: first))
                continue
            }
            if let t = tables.first(where: { $0.name == p.name.text }) {
                diagnostics.append(.duplicateDefinition("name", p.name.text, at: p.name.span, first: t.span))
                continue
            }
            seen[p.name.text] = p.name.span
            guard let value = constantValue(p.value) else {
                diagnostics.append(.paramNotConstant(p.name.text, at: p.value.span))
                continue
            }
            var info = ParamInfo(name: p.name.text, type: value.type.base == .unknown ? .number : value.type,
                                 value: value, span: p.name.span)
            info.isPercentage = ParamInfo.isPercentLiteral(p.value)
            info.range = checkRange(p, value: value)
            params.append(info)
        }
    }

    /// A param's value: a literal, possibly negated.
    mutating func constantValue(_ e: Expr) -> Literal? {
        switch e.kind {
        case .number(let v), .percent(let v): return .number(v)
        case .duration(let d): return .duration(d)
        case .bool(let b): return .bool(b)
        case .text(let t):
            guard let s = t.plainText else { return nil }
            return .text(s)
        case .date(let text):
            guard let d = CivilDate(iso: text) else {
                diagnostics.append(.invalidDate(text, at: e.span))
                return .missing(reason: nil)
            }
            return .date(d.day)
        case .missing(let reason): return .missing(reason: reason)
        case .unary(.negate, let inner):
            switch constantValue(inner) {
            case .number(let v)?: return .number(-v)
            case .duration(let d)?: return .duration(-d)
            default: return nil
            }
        default: return nil
        }
    }
}

extension Checker {
    /// Checks one expression against an already checked program, in the context of one of
    /// its tables (bare names are that table's columns): the REPL's queries.
    public static func checkExpression(_ e: Expr, file: SourceFile, program: CheckedProgram,
                                       context: TableRef) -> (expr: CExpr?, diagnostics: [Diagnostic]) {
        var checker = Checker(file: file, ast: Program(statements: []), baseDirectory: "",
                              schemas: { _ in .failure(SchemaError(message: "no data in a query")) })
        checker.tables = program.tables
        checker.params = program.params
        checker.keyNames = Set(program.tables.flatMap(\.keys))
        for (t, table) in program.tables.enumerated() {
            for c in table.columns.indices where table.columns[c].formula != nil { checker.visits[ColumnRef(TableRef(t), c)] = .done }
        }
        let checked = checker.resolve(e, Scope(context: context, owner: context))
        let diagnostics = checker.diagnostics.sortedBySource()
        return (diagnostics.hasErrors ? nil : checked, diagnostics)
    }
}
