// `velo fmt`: one canonical layout for rule files.
//
// The formatter works on the token stream, not on the syntax tree: it keeps every token's
// text (a number is never reprinted), keeps every line break the author put inside a
// statement, and only decides the whitespace around tokens, the indentation of each line,
// blank lines and the column of trailing comments. It refuses files with syntax errors.
//
// The canonical layout:
//
//  1. Indentation. Statements start at column 0; the lines of a block are indented by 2
//     spaces per level (a table's formula columns, a source's column types, a flag's message,
//     a check's condition, the steps of a test and their rows).
//  2. Blank lines. At most one in a row; none at the start or end of the file, and none
//     between a line ending in `:` and its block. Between two statements there is exactly
//     one blank line when they are of different kinds (source table, computed table, param,
//     flag, check, test) or when either takes more than one line; between one-line
//     statements of the same kind a blank line is kept if there was one, and none added
//     (so a run of sources or params stays together). Comments directly above a statement
//     (no blank line between) belong to it and move with it. Blank lines inside a block or
//     a formula are kept, at most one.
//  3. Spaces. One space between tokens, except none before `,` `:` `)` `]` `.` and `[`, none
//     after `(` `[` `.` and a unary minus, none between a function name (or `missing`) and
//     its `(`. So binary operators have one space on each side (`a * -b`, `x ^ 2`), commas
//     and named arguments read `f(a, weights: linear)`, members `items.moq`.
//  4. Tokens are kept exactly as written: names, numbers (`1_000`, `2.5e-3`), percentages,
//     dates, durations (`21days`, `4   days`) and texts, interpolations included.
//  5. Alignment of `=`. In a block, the `=` of the `name = formula` lines line up (names are
//     padded with spaces to the longest). So do the `=` of one-line source tables in a row
//     (`table sales     = csv(...)`) and of one-line params in a row; a blank line or another
//     statement ends a row, a comment line does not. The rows of a test's `given TABLE:` and
//     `expect TABLE:` blocks line up as columns: each cell is padded after its comma to the
//     widest cell of its column (a row written over several lines is left out).
//  6. Line breaks. Never added or removed inside a statement: a formula written over several
//     lines keeps its breaks. Each continuation line is re-indented:
//       - inside brackets, under the first character after the innermost open bracket;
//         when that bracket ends its line (a hanging bracket), 4 spaces deeper than the line
//         that opened it. A line that starts with a closing bracket goes under its opening
//         bracket, or for a hanging bracket at the indentation of the line that opened it;
//       - outside brackets, under the first character of the formula (after `= `, after
//         `when ` in a flag, after `: ` in a check); when the formula has not started on an
//         earlier line, 4 spaces deeper than the statement's first line.
//     Every such column is deeper than the statement's first line, so each line continues
//     the same logical line, exactly as before.
//  7. Comments. Their text is kept (trailing spaces removed). A full-line comment is indented
//     like the code line after it; one at the end of a block that is indented into the block
//     stays in the block; one inside a formula written over several lines goes at the
//     indentation of the next continuation line. Trailing comments are aligned within each
//     paragraph (lines not separated by a blank line): two spaces after the longest code of
//     the paragraph's lines that carry one.
//  8. The file ends with exactly one line break (an empty file stays empty); lines end with
//     LF (CRLF becomes LF); no byte order mark; no trailing spaces.
//
// Safety net: the result is lexed again, and unless its tokens (layout tokens included) and
// its comments are exactly those of the input, formatting fails with an internal error
// rather than change what a file means.

/// The outcome of formatting one rule file.
public struct FormatResult: Sendable {
    /// The formatted text; nil when the file has syntax errors (see `diagnostics`).
    public var text: String?
    /// Why the file was not formatted.
    public var diagnostics: [Diagnostic]
}

public enum RuleFormatter {
    /// Formats a rule file in the canonical layout (see the top of Formatter.swift). A file
    /// with syntax errors is not formatted: its diagnostics are returned instead.
    public static func format(_ file: SourceFile) -> FormatResult {
        let (_, parseDiagnostics) = Parser.parse(file)
        if parseDiagnostics.hasErrors {
            return FormatResult(text: nil, diagnostics: parseDiagnostics)
        }
        let (tokens, lexDiagnostics) = Lexer.tokenize(file)
        if lexDiagnostics.hasErrors {
            return FormatResult(text: nil, diagnostics: lexDiagnostics)
        }
        let comments = Lexer.comments(in: file, tokens: tokens)
        var layout = FormatterLayout(file: file, tokens: tokens, comments: comments)
        let text = layout.format()
        if let problem = verify(text, against: file, tokens: tokens, comments: comments) {
            return FormatResult(text: nil, diagnostics: [.formatterInternal(problem, at: Span(start: 0, length: 0))])
        }
        return FormatResult(text: text, diagnostics: [])
    }

    /// Formats a text; nil when it has syntax errors.
    public static func format(_ text: String, path: String = "<text>") -> String? {
        format(SourceFile(path: path, text: text)).text
    }

    /// Nil when `text` lexes to the same tokens (layout included) and the same comments as
    /// the original; otherwise what differs.
    static func verify(_ text: String, against file: SourceFile, tokens: [Token], comments: [Span]) -> String? {
        let formatted = SourceFile(path: file.path, text: text)
        let (newTokens, diagnostics) = Lexer.tokenize(formatted)
        if diagnostics.hasErrors {
            return "the formatted text does not lex: \(diagnostics[0].message)"
        }
        func signature(_ t: Token, _ f: SourceFile) -> String {
            switch t.kind {
            case .newline: return "<newline>"
            case .indent: return "<indent>"
            case .dedent: return "<dedent>"
            case .eof: return "<eof>"
            default: return f.text(of: t.span)
            }
        }
        let before = tokens.map { signature($0, file) }
        let after = newTokens.map { signature($0, formatted) }
        if before != after {
            let i = zip(before, after).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(before.count, after.count)
            let was = i < before.count ? before[i] : "<nothing>"
            let now = i < after.count ? after[i] : "<nothing>"
            return "token \(i + 1) would change from `\(was)` to `\(now)`"
        }
        let oldComments = comments.map { file.text(of: $0) }
        let newComments = Lexer.comments(in: formatted, tokens: newTokens).map { formatted.text(of: $0) }
        if oldComments != newComments {
            return "a comment would be lost or changed"
        }
        return nil
    }
}

extension Diagnostic {
    static func formatterInternal(_ detail: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "format-internal", "cannot format this file without changing it: \(detail)", at: span,
                   hint: "this is a bug in `velo fmt`; the file was left unchanged")
    }
}
