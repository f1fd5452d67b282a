// Tokens of a rule file. The lexer also produces the layout tokens NEWLINE, INDENT and
// DEDENT (see Grammar/velo.lark, "Layout"), so the parser never looks at whitespace.

public enum Keyword: String, CaseIterable, Sendable {
    case table, param, flag, check, test, `import`
    case by, from, `in`, on, over, when, severity
    case `if`, then, `else`, and, or, not, `is`, missing, `true`, `false`
    case last, ending, ago, after, before
    // Inside `test` blocks.
    case given, set, expect, no, within
    // `report` statements (Parser+Reports.swift); `where` also filters a source's rows.
    case report, columns, `where`, sort, limit, asc, desc
    // `param p = 95% between 50% and 99.9%`.
    case between
    // Decision tables inside a table block (Parser+Decisions.swift).
    case decide, otherwise

    /// The words that begin a top-level declaration (`Parser.statement`).
    public static let declarationStarts: [Keyword] = [.table, .param, .flag, .check, .test, .report, .import]
}

public enum Symbol: String, CaseIterable, Sendable {
    case lparen = "(", rparen = ")", lbracket = "[", rbracket = "]"
    case comma = ",", dot = ".", colon = ":"
    case assign = "=", equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", caret = "^", coalesce = "??"
    // The cells of a decision table's rows, and its outputs after `=>`.
    case pipe = "|", arrow = "=>"
}

public enum TokenKind: Equatable, Sendable {
    case identifier
    case keyword(Keyword)
    /// A number literal, `1_000.5`.
    case number(Double)
    /// `95%`, already divided by 100.
    case percent(Double)
    /// `21 days`, `3 weeks`: a whole number of days.
    case duration(days: Double)
    /// `2024-12-31`; the checker validates the calendar day.
    case date
    /// A double-quoted text literal; the parser decodes escapes and interpolations from the span.
    case string
    case symbol(Symbol)
    case newline, indent, dedent, eof
}

public struct Token: Equatable, Sendable {
    public var kind: TokenKind
    public var span: Span

    public init(_ kind: TokenKind, _ span: Span) {
        self.kind = kind
        self.span = span
    }
}

extension TokenKind: CustomStringConvertible {
    /// How a token is named in "expected ..., found ..." messages.
    public var description: String {
        switch self {
        case .identifier: return "a name"
        case .keyword(let k): return "`\(k.rawValue)`"
        case .number: return "a number"
        case .percent: return "a percentage"
        case .duration: return "a duration"
        case .date: return "a date"
        case .string: return "a text"
        case .symbol(let s): return "`\(s.rawValue)`"
        case .newline: return "the end of the line"
        case .indent: return "an indented line"
        case .dedent: return "the end of the block"
        case .eof: return "the end of the file"
        }
    }
}
