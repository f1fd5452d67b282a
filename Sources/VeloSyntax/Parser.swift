// Recursive-descent parser for rule files. Each parse function opens with the grammar rule
// it implements, quoted from Grammar/velo.lark, which is normative.
//
// Errors are reported as diagnostics and the parser recovers: an error inside a formula
// column skips to the next column of the same table, an error anywhere else skips to the
// next top-level statement, so one run reports every syntax error of a file.

public struct Parser {
    let file: SourceFile
    var tokens: [Token]
    var index = 0
    var blockDepth = 0
    /// Nesting budget, so 10,000 nested parentheses give an error instead of a stack overflow.
    var depth = 0
    public static let maxDepth = 200
    public private(set) var diagnostics: [Diagnostic] = []
    /// Names declared by statements and columns that did not parse (see `Program.broken`).
    var broken: Set<String> = []
    var incomplete: Set<String> = []

    /// Thrown after a diagnostic has been recorded; the caller resynchronises.
    struct Failure: Error {}

    init(file: SourceFile, tokens: [Token], depth: Int = 0) {
        self.file = file
        self.tokens = tokens
        self.depth = depth
    }

    /// Parses a whole rule file.
    public static func parse(_ file: SourceFile) -> (program: Program, diagnostics: [Diagnostic]) {
        let (tokens, lexDiagnostics) = Lexer.tokenize(file)
        var parser = Parser(file: file, tokens: tokens)
        var program = parser.parseProgram()
        program.broken = parser.broken
        program.incomplete = parser.incomplete
        // Where the lexer already explained a problem (an unclosed bracket, a stray
        // character), the parser's "expected ..." at the same place only repeats it.
        let explained = Set(lexDiagnostics.map(\.span.start))
        let parserDiagnostics = parser.diagnostics.filter { !explained.contains($0.span.start) }
        return (program, (lexDiagnostics + parserDiagnostics).sortedBySource())
    }

    /// Parses one expression spanning the whole file (the REPL's input line, a `--set` value).
    public static func parseExpression(_ file: SourceFile) -> (expr: Expr?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let expr = parseEmbeddedExpression(in: file, span: Span(start: 0, length: file.bytes.count),
                                           diagnostics: &diagnostics, depth: 0)
        return (expr, diagnostics.sortedBySource())
    }

    static func parseEmbeddedExpression(in file: SourceFile, span: Span, diagnostics: inout [Diagnostic], depth: Int) -> Expr? {
        let (tokens, lexDiagnostics) = Lexer.tokenizeEmbedded(file, span: span)
        diagnostics += lexDiagnostics
        var parser = Parser(file: file, tokens: tokens, depth: depth)
        defer { diagnostics += parser.diagnostics }
        guard lexDiagnostics.isEmpty else { return nil }
        if parser.peek.kind == .eof {
            parser.diagnostics.append(.emptyExpression(at: span))
            return nil
        }
        do {
            let e = try parser.expression()
            if parser.peek.kind != .eof {
                parser.diagnostics.append(.unexpectedToken(parser.peek, expected: "the end of the expression", file: file))
                return nil
            }
            return e
        } catch {
            return nil
        }
    }

    // MARK: - Token stream

    var peek: Token { tokens[index] }

    func peek(_ offset: Int) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        switch t.kind {
        case .indent: blockDepth += 1
        case .dedent: blockDepth -= 1
        default: break
        }
        return t
    }

    func check(_ kind: TokenKind) -> Bool { peek.kind == kind }
    func check(_ k: Keyword) -> Bool { peek.kind == .keyword(k) }
    func check(_ s: Symbol) -> Bool { peek.kind == .symbol(s) }

    mutating func match(_ k: Keyword) -> Token? { check(k) ? advance() : nil }
    mutating func match(_ s: Symbol) -> Token? { check(s) ? advance() : nil }

    mutating func expect(_ s: Symbol, _ what: String? = nil) throws -> Token {
        if let t = match(s) { return t }
        throw fail(.unexpectedToken(peek, expected: what ?? "`\(s.rawValue)`", file: file))
    }

    mutating func expect(_ k: Keyword, _ what: String? = nil) throws -> Token {
        if let t = match(k) { return t }
        throw fail(.unexpectedToken(peek, expected: what ?? "`\(k.rawValue)`", file: file))
    }

    mutating func expectName(_ what: String) throws -> Name {
        if check(.identifier) {
            let t = advance()
            return Name(file.text(of: t.span), t.span)
        }
        if case .keyword(let k) = peek.kind {
            throw fail(.reservedWord(k.rawValue, expected: what, at: peek.span))
        }
        throw fail(.unexpectedToken(peek, expected: what, file: file))
    }

    mutating func expectNewline() throws {
        if check(.newline) {
            advance()
            return
        }
        if check(.eof) || check(.dedent) { return }
        throw fail(.unexpectedToken(peek, expected: "the end of the line", file: file, hint: spacedNameHint()))
    }

    /// `Order Status` where a name was expected (two names with only spaces between them):
    /// a column header with a space, which a source block maps to a name.
    func spacedNameHint() -> String? {
        guard index > 0, case .identifier = peek.kind, case .identifier = tokens[index - 1].kind else { return nil }
        let first = tokens[index - 1].span
        let between = Span(start: first.end, length: peek.span.start - first.end)
        guard between.length > 0, file.text(of: between).allSatisfy({ $0 == " " }) else { return nil }
        let header = file.text(of: first.through(peek.span))
        return "`\(header)` is not one name: map the header to a name in its source's block, as in "
            + "`\(Parser.suggestedName(header)) = \"\(header)\"`, and write that name"
    }

    /// A Velo name for a column header: `Order Status` -> `order_status`.
    public static func suggestedName(_ header: String) -> String {
        var out = ""
        for ch in header.lowercased() {
            if ch.isASCII && (ch.isLetter || ch.isNumber) { out.append(ch) } else if !out.hasSuffix("_") { out.append("_") }
        }
        while out.hasSuffix("_") { out.removeLast() }
        if out.first?.isNumber ?? true { out = "c_" + out }
        return out
    }

    mutating func fail(_ d: Diagnostic) -> Failure {
        diagnostics.append(d)
        return Failure()
    }

    // MARK: - Recovery

    /// Skips to the start of the next top-level statement.
    /// Records the name at token `i` (if it is one) as declared by a part that did not parse.
    mutating func noteBroken(at i: Int) {
        guard i < tokens.count, case .identifier = tokens[i].kind else { return }
        broken.insert(file.text(of: tokens[i].span))
    }

    mutating func synchronizeStatement() {
        while !check(.eof) {
            let t = advance()
            if blockDepth <= 0, t.kind == .newline || t.kind == .dedent {
                blockDepth = 0
                return
            }
        }
    }

    /// Skips to the next line of the block at `level`, stopping before the block's end.
    mutating func synchronizeLine(level: Int) {
        while !check(.eof) {
            if check(.dedent), blockDepth == level { return }
            let t = advance()
            if t.kind == .newline, blockDepth == level { return }
        }
    }

    // MARK: - Statements

    // program: _NL* statement*
    mutating func parseProgram() -> Program {
        var statements: [Statement] = []
        while !check(.eof) {
            if check(.newline) { advance(); continue }
            if check(.dedent) { advance(); blockDepth = 0; continue }
            if check(.indent) {
                diagnostics.append(.unexpectedIndent(at: peek(1).span))
                advance()
                synchronizeStatement()
                continue
            }
            let start = index
            do {
                statements.append(try statement())
            } catch {
                // `table NAME`, `param NAME`, `flag NAME`: the name is declared, if unreadable.
                switch tokens[start].kind {
                case .keyword(.table), .keyword(.param), .keyword(.flag): noteBroken(at: start + 1)
                default: break
                }
                synchronizeStatement()
            }
        }
        return Program(statements: statements)
    }

    // statement: source_def | table_def | param_def | flag_def | check_def | test_def | import_def
    mutating func statement() throws -> Statement {
        switch peek.kind {
        case .keyword(.table):
            if peek(2).kind == .symbol(.assign) { return .source(try sourceDef()) }
            return .table(try tableDef())
        case .keyword(.param): return .param(try paramDef())
        case .keyword(.flag): return .flag(try flagDef())
        case .keyword(.check): return .check(try checkDef())
        case .keyword(.test): return .test(try testDef())
        case .keyword(.import): return .importFile(try importDef())
        case .keyword(.report): return .report(try reportDef())
        case .keyword(.decide): return try decisionOutsideTable()
        case .keyword(.given), .keyword(.set), .keyword(.expect):
            throw fail(.testStepOutsideTest(file.text(of: peek.span), at: peek.span))
        case .identifier where peek(1).kind == .symbol(.assign):
            throw fail(.definitionOutsideTable(file.text(of: peek.span), at: peek.span))
        default:
            throw fail(.unexpectedToken(peek, expected: "`table`, `param`, `flag`, `check`, `report` or `test`", file: file))
        }
    }

    // source_def: see Parser+Sources.swift.

    // by_clause: "by" NAME ("," NAME)*
    mutating func byClause() throws -> [Name] {
        guard match(.by) != nil else { return [] }
        var keys = [try expectName("a key column")]
        while match(.comma) != nil { keys.append(try expectName("a key column")) }
        return keys
    }

    /// After a `:` that ends a line: NEWLINE INDENT.
    mutating func blockStart(_ what: String) throws {
        guard check(.newline), peek(1).kind == .indent else {
            if check(.newline) {
                throw fail(.expectedBlock(what, at: peek(1).span))
            }
            throw fail(.unexpectedToken(peek, expected: "the end of the line after `:`", file: file))
        }
        advance()
        advance()
    }

    // table_def: "table" NAME by_clause? rows_clause? period_clause? ":" (column_def | _NL _INDENT (column_def | decide_def)+ _DEDENT)
    // rows_clause: "from" NAME ("in" window)?
    mutating func tableDef() throws -> TableDecl {
        let start = advance().span
        let name = try expectName("a table name")
        let keys = try byClause()
        var rows: RowsClause? = nil
        if let from = match(.from) {
            let table = try expectName("the table whose rows this table has")
            var window: Window? = nil
            if match(.in) != nil {
                window = try self.window()
            }
            rows = RowsClause(table: table, window: window, span: from.span.through(tokens[index - 1].span))
        }
        let periods = try periodClause()
        if check(.assign) {
            throw fail(.tableNeedsColonOrSource(at: peek.span))
        }
        _ = try expect(.colon, "`:` and the table's columns")
        var columns: [ColumnDecl] = []
        if !check(.newline) {
            columns.append(try columnDef())
            return TableDecl(name: name, keys: keys, rows: rows, periods: periods, columns: columns, span: start.through(name.span))
        }
        try blockStart("formula columns such as `velocity = ...`")
        let level = blockDepth
        var decisions: [DecisionDecl] = []
        while !check(.dedent), !check(.eof) {
            let start = index
            do {
                if check(.decide) {
                    let d = try decideDef()
                    decisions.append(d)
                    columns += d.lowered(file: file)
                    continue
                }
                columns.append(try columnDef())
            } catch {
                noteBroken(at: start)
                incomplete.insert(name.text)
                synchronizeLine(level: level)
            }
        }
        if check(.dedent) { advance() }
        return TableDecl(name: name, keys: keys, rows: rows, periods: periods, columns: columns, span: start.through(name.span),
                         decisions: decisions)
    }

    // column_def: NAME "=" expr _NL
    mutating func columnDef() throws -> ColumnDecl {
        let name = try expectName("a column name")
        if check(.symbol(.equal)) {
            throw fail(.doubleEqualsInDefinition(at: peek.span))
        }
        _ = try expect(.assign, "`=` and a formula")
        let formula = try expression()
        try expectNewline()
        return ColumnDecl(name: name, formula: formula)
    }

    // param_def: "param" NAME "=" expr ("between" additive "and" additive)? _NL
    mutating func paramDef() throws -> ParamDecl {
        let start = advance().span
        let name = try expectName("a param name")
        _ = try expect(.assign, "`=` and the param's value")
        let value = try expression()
        var decl = ParamDecl(name: name, value: value, span: start.through(value.span))
        if match(.between) != nil { decl.range = try paramRange() }
        try expectNewline()
        return decl
    }

    // flag_def: "flag" NAME "on" NAME "when" expr ("severity" NAME)? (_NL | ":" message)
    // message: STRING _NL | _NL _INDENT STRING _NL _DEDENT
    mutating func flagDef() throws -> FlagDecl {
        let start = advance().span
        let name = try expectName("a flag name")
        _ = try expect(.on, "`on` and the table it marks")
        let table = try expectName("the table whose rows the flag marks")
        _ = try expect(.when, "`when` and a condition")
        let condition = try expression()
        var severity: Name? = nil
        if match(.severity) != nil {
            severity = try expectName("a severity: error, warning or info")
        }
        var message: TextLiteral? = nil
        if match(.colon) != nil {
            if check(.string) {
                message = text(advance().span, interpolate: true)
                try expectNewline()
            } else {
                try blockStart("the flag's message in quotes")
                guard check(.string) else {
                    throw fail(.unexpectedToken(peek, expected: "the flag's message in quotes", file: file))
                }
                message = text(advance().span, interpolate: true)
                try expectNewline()
                if !check(.dedent) {
                    throw fail(.unexpectedToken(peek, expected: "the end of the flag (one message per flag)", file: file))
                }
                advance()
            }
        } else {
            try expectNewline()
        }
        return FlagDecl(name: name, table: table, condition: condition, severity: severity, message: message,
                        span: start.through(condition.span))
    }

    // check_def: "check" (NAME "on")? NAME ":" (expr _NL | _NL _INDENT expr _NL _DEDENT)
    mutating func checkDef() throws -> CheckDecl {
        let start = advance().span
        var name: Name? = nil
        var table = try expectName("the table to check")
        if match(.on) != nil {
            name = table
            table = try expectName("the table to check")
        }
        _ = try expect(.colon, "`:` and the condition that must hold")
        let condition: Expr
        if check(.newline) {
            try blockStart("the condition that must hold")
            condition = try expression()
            try expectNewline()
            if !check(.dedent) {
                throw fail(.unexpectedToken(peek, expected: "the end of the check (one condition per check)", file: file))
            }
            advance()
        } else {
            condition = try expression()
            try expectNewline()
        }
        return CheckDecl(name: name, table: table, condition: condition, span: start.through(condition.span))
    }

    mutating func text(_ span: Span, interpolate: Bool) -> TextLiteral {
        StringLiteral.decode(span, in: file, interpolate: interpolate, diagnostics: &diagnostics, depth: depth)
    }
}
