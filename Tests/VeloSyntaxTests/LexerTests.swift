// Tokens and the layout rule (Grammar/README.md), table-driven.
//
// Token streams are compared as compact strings: `name:a`, `kw:if`, `num:1.5`, `pct:0.95`,
// `dur:21` (days), `date:2024-12-31`, `str:"a"`, symbols as written, and the layout tokens
// `NL`, `INDENT`, `DEDENT`. The final end-of-file token is left out.

import Testing
import VeloSyntax

/// Renders the tokens of `source` (end of file left out) and the lexer's diagnostic codes.
func lex(_ source: String) -> (tokens: String, codes: [String]) {
    let file = SourceFile(path: "test.velo", text: source)
    let (tokens, diagnostics) = Lexer.tokenize(file)
    let parts = tokens.compactMap { t -> String? in
        switch t.kind {
        case .identifier: return "name:" + file.text(of: t.span)
        case .keyword(let k): return "kw:" + k.rawValue
        case .number(let v): return "num:" + number(v)
        case .percent(let v): return "pct:" + number(v)
        case .duration(let d): return "dur:" + number(d)
        case .date: return "date:" + file.text(of: t.span)
        case .string: return "str:" + file.text(of: t.span)
        case .symbol(let s): return s.rawValue
        case .newline: return "NL"
        case .indent: return "INDENT"
        case .dedent: return "DEDENT"
        case .eof: return nil
        }
    }
    return (parts.joined(separator: " "), diagnostics.map(\.code))
}

/// `1.0` as `1`, other values as Swift prints them.
func number(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
}

struct LexerTests {
    // MARK: - Token kinds

    @Test(arguments: Keyword.allCases)
    func everyKeyword(_ k: Keyword) {
        #expect(lex(k.rawValue).tokens == "kw:\(k.rawValue) NL")
    }

    @Test(arguments: Symbol.allCases)
    func everySymbol(_ s: Symbol) {
        #expect(lex(s == .rparen || s == .rbracket ? "( [ \(s.rawValue)" : s.rawValue).tokens.hasSuffix(s.rawValue + " NL"))
    }

    @Test func closingBracketsPairWithOpeningOnes() {
        #expect(lex("( [ ] )") == ("( [ ] ) NL", []))
    }

    @Test(arguments: [
        // names
        ("a", "name:a"),
        ("_x9", "name:_x9"),
        ("notable iffy lastly in_ _in tables", "name:notable name:iffy name:lastly name:in_ name:_in name:tables"),
        ("order.units", "name:order . name:units"),
        // numbers
        ("0", "num:0"),
        ("007", "num:7"),
        ("1_000_000", "num:1000000"),
        ("1_000.000_5", "num:1000.0005"),
        ("2.5e-3", "num:0.0025"),
        ("1E+6", "num:1000000"),
        ("1e1_0", "num:10000000000"),
        ("5.", "num:5 ."),
        (".5", ". num:5"),
        // percentages are divided by 100
        ("95%", "pct:0.95"),
        ("12.5%", "pct:0.125"),
        ("1_000%", "pct:10"),
        // durations are one token, in days
        ("21 days", "dur:21"),
        ("1 day", "dur:1"),
        ("3 weeks", "dur:21"),
        ("1 week", "dur:7"),
        ("21days", "dur:21"),
        ("4   days", "dur:4"),
        ("1.5 days", "dur:1.5"),
        ("2e1 days", "dur:20"),
        ("21 dayz", "num:21 name:dayz"),
        ("21 days_x", "num:21 name:days_x"),
        // dates are one token, never a subtraction
        ("2024-12-31", "date:2024-12-31"),
        ("2024-12-31 - 2024-01-01", "date:2024-12-31 - date:2024-01-01"),
        ("2024-12-31-1", "date:2024-12-31 - num:1"),
        ("2024 - 12 - 31", "num:2024 - num:12 - num:31"),
        ("2024-12-3100", "num:2024 - num:12 - num:3100"),
        ("x2024-12-31", "name:x2024 - num:12 - num:31"),
        ("2024-1-31", "num:2024 - num:1 - num:31"),
        ("2024-02-29+1 day", "date:2024-02-29 + dur:1"),
        // texts keep their quotes and escapes; the parser decodes them
        (#""a \"b\" \\ \n \t \{ \}""#, #"str:"a \"b\" \\ \n \t \{ \}""#),
        (#""{x:%}""#, #"str:"{x:%}""#),
        (#""""#, #"str:"""#),
        // operators glue to operands
        ("a<=b", "name:a <= name:b"),
        ("a??b", "name:a ?? name:b"),
        ("a==-1", "name:a == - num:1"),
        ("-2^-2", "- num:2 ^ - num:2"),
        ("a = b", "name:a = name:b"),
    ])
    func tokens(_ source: String, _ expected: String) {
        let (tokens, codes) = lex(source)
        #expect(tokens == expected + " NL")
        #expect(codes == [])
    }

    // MARK: - Lexical errors

    @Test(arguments: [
        ("p = 12abc", "malformed-number"),
        ("p = 1__000", "malformed-number"),
        ("p = 1_", "malformed-number"),
        ("p = 1e", "malformed-number"),
        ("p = 0x10", "malformed-number"),
        ("p = 21dayz", "malformed-number"),
        (#"p = "abc"#, "unterminated-text"),
        ("p = \"abc\nq = 1", "unterminated-text"),
        (#"p = "a\qb""#, "unknown-escape"),
        ("p = 'a'", "unexpected-character"),
        ("p = a & b", "unexpected-character"),
        ("p = a ! b", "unexpected-character"),
        ("p = a ? b", "unexpected-character"),
        ("p = 95 %", "unexpected-character"),
        ("p = 1 + \\\n  2", "unexpected-character"),
        ("p = größe", "unexpected-character"),
        ("p = (1", "unclosed-bracket"),
        ("p = 1)", "unmatched-bracket"),
        ("p = (1]", "mismatched-bracket"),
        ("table t:\n\ta = 1", "tab-indentation"),
        ("table t:\n    a = 1\n  b = 2", "indentation"),
    ])
    func lexicalErrors(_ source: String, _ code: String) {
        #expect(lex(source).codes.contains(code), "\(lex(source).codes)")
    }

    // MARK: - Layout

    @Test(arguments: [
        // one logical line per line
        ("param a = 1\nparam b = 2", "kw:param name:a = num:1 NL kw:param name:b = num:2 NL"),
        // a deeper line continues the logical line...
        ("param a = 1\n    + 2", "kw:param name:a = num:1 + num:2 NL"),
        ("param a =\n  1", "kw:param name:a = num:1 NL"),
        // ...unless the logical line ends with ':' -- then it opens a block
        ("table t:\n    a = 1\n    b = 2\nparam p = 3",
         "kw:table name:t : NL INDENT name:a = num:1 NL name:b = num:2 NL DEDENT kw:param name:p = num:3 NL"),
        // continuation lines inside a block are measured against the line that started the formula
        ("table t:\n    a = 1\n      + 2\n    b = 3",
         "kw:table name:t : NL INDENT name:a = num:1 + num:2 NL name:b = num:3 NL DEDENT"),
        // a continued formula never opens a block, even when a continuation line ends with ':'
        ("check t: a >\n    0", "kw:check name:t : name:a > num:0 NL"),
        // inside brackets a line break is a space, whatever the indentation
        ("table t:\n    a = f(1,\n2,\n        3)\n    b = [\n]",
         "kw:table name:t : NL INDENT name:a = name:f ( num:1 , num:2 , num:3 ) NL name:b = [ ] NL DEDENT"),
        // blank and comment-only lines are ignored, at any indentation
        ("# c\n\ntable t:   # c\n\n  # c\n    a = 1 +\n# c\n\n        2\n\n", "kw:table name:t : NL INDENT name:a = num:1 + num:2 NL DEDENT"),
        ("  \t # tabs before a comment are fine\nparam a = 1", "kw:param name:a = num:1 NL"),
        // several blocks close at once
        ("check t:\n    a\nflag f on t when x:\n        \"m\"\nparam p = 1",
         "kw:check name:t : NL INDENT name:a NL DEDENT kw:flag name:f kw:on name:t kw:when name:x : NL INDENT str:\"m\" NL DEDENT kw:param name:p = num:1 NL"),
        // the end of the file ends the line and every block
        ("table t:\n    a = 1", "kw:table name:t : NL INDENT name:a = num:1 NL DEDENT"),
        // an indented first line is an (unexpected) indent
        ("  param a = 1", "INDENT kw:param name:a = num:1 NL DEDENT"),
        // CRLF line ends and a byte order mark change nothing
        ("\u{FEFF}table t:\r\n    a = 1\r\n\r\n      + 2\r\nparam p = 3\r\n",
         "kw:table name:t : NL INDENT name:a = num:1 + num:2 NL DEDENT kw:param name:p = num:3 NL"),
        // nothing at all
        ("", ""),
        ("# only a comment\n\n", ""),
    ])
    func layout(_ source: String, _ expected: String) {
        let (tokens, codes) = lex(source)
        #expect(tokens == expected)
        #expect(codes == [])
    }

    @Test func badDedentIsReportedOnTheLineThatCausesIt() {
        let file = SourceFile(path: "t.velo", text: "table t:\n    a = 1\n  b = 2\n")
        let (_, diagnostics) = Lexer.tokenize(file)
        #expect(diagnostics.map(\.code) == ["indentation"])
        #expect(diagnostics.first.map { file.location(of: $0.span.start).line } == 3)
    }

    @Test func tabInTheIndentationOfABlankLineIsFine() {
        #expect(lex("table t:\n    a = 1\n\t\n    b = 2").codes == [])
    }

    @Test func unclosedBracketBeforeANewDefinitionIsReportedThere() {
        // The line `b = 2` clearly starts a new column: the `(` was never closed.
        let (tokens, codes) = lex("table t:\n    a = f(1,\n    b = 2")
        #expect(codes == ["unclosed-bracket"])
        #expect(tokens == "kw:table name:t : NL INDENT name:a = name:f ( num:1 , NL name:b = num:2 NL DEDENT")
    }
}
