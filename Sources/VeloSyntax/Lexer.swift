// Bytes to tokens, including the layout rule that makes indentation meaningful.
//
// Layout (normative text in Grammar/README.md):
//   * Blank lines and comment-only lines are ignored. Inside ( ) and [ ] line breaks are spaces.
//   * A line indented deeper than the first line of the current logical line continues it,
//     unless the current line ends with `:`; then the deeper line opens a block (INDENT).
//   * Otherwise a line ends the current logical line (NEWLINE) and closes every block
//     indented deeper than it (DEDENT each).
// This lets a formula wrap onto indented lines, as planners write them, without any
// continuation characters.

public struct Lexer {
    let file: SourceFile
    let bytes: [UInt8]
    var pos = 0
    var tokens: [Token] = []
    public private(set) var diagnostics: [Diagnostic] = []

    // Layout state.
    var indentStack: [Int] = [0]
    var logicalLineOpen = false
    var logicalLineIndent = 0
    /// Open brackets; `interval` when it may be closed by the other kind (`[30, 60)`, a
    /// decision table's range, Parser+Decisions.swift).
    var brackets: [(symbol: Symbol, offset: Int, interval: Bool)] = []

    /// True for an interpolation inside a message: one line, no layout tokens.
    var embedded = false

    public init(file: SourceFile) {
        self.file = file
        self.bytes = file.bytes
    }

    init(file: SourceFile, embeddedIn span: Span) {
        self.file = file
        self.bytes = Array(file.bytes[0..<min(file.bytes.count, span.end)])
        self.pos = span.start
        self.embedded = true
    }

    /// Tokenises the expression inside a message's `{...}`; spans stay file offsets.
    static func tokenizeEmbedded(_ file: SourceFile, span: Span) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file, embeddedIn: span)
        lexer.run()
        return (lexer.tokens, lexer.diagnostics)
    }

    /// Tokenises the whole file. The result always ends with NEWLINE?, DEDENT*, EOF.
    public static func tokenize(_ file: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file)
        lexer.run()
        return (lexer.tokens, lexer.diagnostics)
    }

    mutating func run() {
        if !embedded, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        var atLineStart = !embedded
        while pos < bytes.count {
            if atLineStart {
                atLineStart = false
                if !startLine() { continue }
            }
            let c = bytes[pos]
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                pos += 1
            case UInt8(ascii: "\n"):
                pos += 1
                atLineStart = true
            case UInt8(ascii: "#"):
                skipComment()
            default:
                lexToken()
            }
        }
        finish()
    }

    /// Handles indentation at the start of a physical line. Returns false when the line is
    /// blank or a comment (nothing to lay out); the main loop then consumes it.
    mutating func startLine() -> Bool {
        var i = pos
        var width = 0
        var sawTab = false
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") {
            if bytes[i] == UInt8(ascii: "\t") { sawTab = true }
            width += 1
            i += 1
        }
        // A line of only spaces, tabs and carriage returns (or a comment) is blank.
        var j = i
        while j < bytes.count, bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "\t") || bytes[j] == UInt8(ascii: "\r") { j += 1 }
        if j >= bytes.count || bytes[j] == UInt8(ascii: "\n") || bytes[j] == UInt8(ascii: "#") {
            pos = j
            return false
        }
        if sawTab {
            diagnostics.append(.tabIndentation(at: Span(start: pos, length: i - pos)))
        }
        pos = i
        if !brackets.isEmpty {
            // Inside brackets a line break is a space, unless the line clearly starts a new
            // definition: then the bracket was never closed, and we say so right there.
            guard width <= logicalLineIndent, startsDefinition(at: i, indent: width) else { return true }
            reportUnclosedBrackets()
            brackets.removeAll()
        }
        if logicalLineOpen {
            let endsWithColon = tokens.last?.kind == .symbol(.colon)
            if !endsWithColon, width > logicalLineIndent { return true }   // continuation
            tokens.append(Token(.newline, Span(start: lastTokenEnd, length: 0)))
            logicalLineOpen = false
        }
        if width > indentStack.last! {
            indentStack.append(width)
            tokens.append(Token(.indent, Span(start: i, length: 0)))
        } else {
            while width < indentStack.last! {
                indentStack.removeLast()
                tokens.append(Token(.dedent, Span(start: i, length: 0)))
            }
            if width != indentStack.last! {
                diagnostics.append(.inconsistentIndentation(at: Span(start: i - width, length: width)))
                indentStack.append(width)
                tokens.append(Token(.indent, Span(start: i, length: 0)))
            }
        }
        logicalLineOpen = true
        logicalLineIndent = width
        return true
    }

    /// `name =` (not `==`) or a statement keyword at the left margin.
    func startsDefinition(at i: Int, indent: Int) -> Bool {
        var j = i
        while j < bytes.count, Lexer.isIdentifierByte(bytes[j]) { j += 1 }
        guard j > i else { return false }
        let word = String(decoding: bytes[i..<j], as: UTF8.self)
        if indent == 0, let k = Keyword(rawValue: word), Keyword.declarationStarts.contains(k) { return true }
        while j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
        return j < bytes.count && bytes[j] == UInt8(ascii: "=")
            && (j + 1 >= bytes.count || (bytes[j + 1] != UInt8(ascii: "=") && bytes[j + 1] != UInt8(ascii: ">")))
    }

    /// One error per bracket left open, innermost first; past a few, the outermost one says
    /// how many more there are (100,000 `(` give four errors, not 100,000).
    mutating func reportUnclosedBrackets() {
        let shown = brackets.count <= 4 ? brackets.count : 3
        for open in brackets.reversed().prefix(shown) {
            diagnostics.append(.unclosedBracket(open.symbol, at: Span(start: open.offset, length: 1)))
        }
        guard brackets.count > shown, let outermost = brackets.first else { return }
        let between = brackets.count - shown - 1
        diagnostics.append(.unclosedBrackets(outermost.symbol, between: between, at: Span(start: outermost.offset, length: 1)))
    }

    mutating func finish() {
        if embedded {
            reportUnclosedBrackets()
            tokens.append(Token(.eof, Span(start: bytes.count, length: 0)))
            return
        }
        reportUnclosedBrackets()
        let end = lastTokenEnd
        if logicalLineOpen { tokens.append(Token(.newline, Span(start: end, length: 0))) }
        while indentStack.count > 1 {
            indentStack.removeLast()
            tokens.append(Token(.dedent, Span(start: end, length: 0)))
        }
        tokens.append(Token(.eof, Span(start: end, length: 0)))
    }

    /// Where the last real token ends: layout tokens point there, so "expected ..., found the
    /// end of the line" puts its caret right after the line's last character.
    var lastTokenEnd: Int { tokens.last?.span.end ?? 0 }

    mutating func skipComment() {
        while pos < bytes.count, bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
    }

    static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || c == UInt8(ascii: "_")
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    static func isIdentifierByte(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) }

    func peek(_ offset: Int = 0) -> UInt8? {
        pos + offset < bytes.count ? bytes[pos + offset] : nil
    }

    mutating func lexToken() {
        let start = pos
        let c = bytes[pos]
        if Lexer.isIdentifierStart(c) {
            while pos < bytes.count, Lexer.isIdentifierByte(bytes[pos]) { pos += 1 }
            let word = String(decoding: bytes[start..<pos], as: UTF8.self)
            let kind: TokenKind = Keyword(rawValue: word).map { .keyword($0) } ?? .identifier
            tokens.append(Token(kind, Span(start: start, length: pos - start)))
            return
        }
        if Lexer.isDigit(c) {
            lexNumber()
            return
        }
        if c == UInt8(ascii: "\"") {
            lexString()
            return
        }
        if let symbol = lexSymbol() {
            let span = Span(start: start, length: pos - start)
            switch symbol {
            case .lparen, .lbracket:
                brackets.append((symbol, start, Lexer.opensInterval(after: tokens.last?.kind)))
            case .rparen, .rbracket:
                let expected: Symbol = symbol == .rparen ? .lparen : .lbracket
                if let last = brackets.last, last.symbol == expected || last.interval {
                    brackets.removeLast()
                } else if let last = brackets.last {
                    diagnostics.append(.mismatchedBracket(found: symbol, opened: last.symbol, at: span,
                                                          openedAt: Span(start: last.offset, length: 1)))
                    brackets.removeLast()
                } else {
                    diagnostics.append(.unmatchedClosingBracket(symbol, at: span))
                    return
                }
            default:
                break
            }
            tokens.append(Token(.symbol(symbol), span))
            return
        }
        // Unknown character: report it once, skip the whole UTF-8 sequence.
        pos += 1
        while pos < bytes.count, bytes[pos] & 0xC0 == 0x80 { pos += 1 }
        let span = Span(start: start, length: pos - start)
        diagnostics.append(.unexpectedCharacter(file.text(of: span), at: span))
    }

    mutating func lexSymbol() -> Symbol? {
        let c = bytes[pos]
        let next = peek(1)
        func two(_ s: Symbol) -> Symbol { pos += 2; return s }
        func one(_ s: Symbol) -> Symbol { pos += 1; return s }
        switch c {
        case UInt8(ascii: "("): return one(.lparen)
        case UInt8(ascii: ")"): return one(.rparen)
        case UInt8(ascii: "["): return one(.lbracket)
        case UInt8(ascii: "]"): return one(.rbracket)
        case UInt8(ascii: ","): return one(.comma)
        case UInt8(ascii: "."): return one(.dot)
        case UInt8(ascii: ":"): return one(.colon)
        case UInt8(ascii: "+"): return one(.plus)
        case UInt8(ascii: "-"): return one(.minus)
        case UInt8(ascii: "*"): return one(.star)
        case UInt8(ascii: "/"): return one(.slash)
        case UInt8(ascii: "^"): return one(.caret)
        case UInt8(ascii: "="): return next == UInt8(ascii: "=") ? two(.equal) : next == UInt8(ascii: ">") ? two(.arrow) : one(.assign)
        case UInt8(ascii: "|"): return one(.pipe)
        case UInt8(ascii: "!"): return next == UInt8(ascii: "=") ? two(.notEqual) : nil
        case UInt8(ascii: "<"): return next == UInt8(ascii: "=") ? two(.lessEqual) : one(.less)
        case UInt8(ascii: ">"): return next == UInt8(ascii: "=") ? two(.greaterEqual) : one(.greater)
        case UInt8(ascii: "?"): return next == UInt8(ascii: "?") ? two(.coalesce) : nil
        default: return nil
        }
    }

    /// NUMBER, PERCENT (`95%`), DURATION (`21 days`) or DATE (`2024-12-31`).
    mutating func lexNumber() {
        let start = pos
        if let end = dateEnd(from: start) {
            pos = end
            tokens.append(Token(.date, Span(start: start, length: end - start)))
            return
        }
        var digits = ""
        func takeDigits() {
            while pos < bytes.count, Lexer.isDigit(bytes[pos]) || (bytes[pos] == UInt8(ascii: "_") && pos + 1 < bytes.count && Lexer.isDigit(bytes[pos + 1])) {
                if bytes[pos] != UInt8(ascii: "_") { digits.unicodeScalars.append(Unicode.Scalar(bytes[pos])) }
                pos += 1
            }
        }
        takeDigits()
        if peek() == UInt8(ascii: "."), let d = peek(1), Lexer.isDigit(d) {
            digits += "."
            pos += 1
            takeDigits()
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var j = pos + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            if j < bytes.count, Lexer.isDigit(bytes[j]) {
                digits += String(decoding: bytes[pos..<j], as: UTF8.self)
                pos = j
                takeDigits()
            }
        }
        let value = Double(digits) ?? .nan
        if pos < bytes.count, Lexer.isIdentifierStart(bytes[pos]), !isUnitAhead(from: pos) {
            // `12abc`: a number glued to a name.
            let wordStart = pos
            while pos < bytes.count, Lexer.isIdentifierByte(bytes[pos]) { pos += 1 }
            let span = Span(start: start, length: pos - start)
            diagnostics.append(.malformedNumber(file.text(of: span), unit: file.text(of: Span(start: wordStart, length: pos - wordStart)), at: span))
            tokens.append(Token(.number(value), span))
            return
        }
        if peek() == UInt8(ascii: "%") {
            pos += 1
            tokens.append(Token(.percent(value / 100), Span(start: start, length: pos - start)))
            return
        }
        // A duration: the number, spaces, then day/days/week/weeks as a whole word.
        var j = pos
        while j < bytes.count, bytes[j] == UInt8(ascii: " ") { j += 1 }
        if let (unitEnd, perUnit) = unit(at: j) {
            pos = unitEnd
            tokens.append(Token(.duration(days: value * perUnit), Span(start: start, length: pos - start)))
            return
        }
        tokens.append(Token(.number(value), Span(start: start, length: pos - start)))
    }

    func isUnitAhead(from i: Int) -> Bool { unit(at: i) != nil }

    /// `day`, `days`, `week`, `weeks` as a whole word at `i`: the end offset and days per unit.
    func unit(at i: Int) -> (Int, Double)? {
        var j = i
        while j < bytes.count, Lexer.isIdentifierByte(bytes[j]) { j += 1 }
        guard j > i else { return nil }
        switch String(decoding: bytes[i..<j], as: UTF8.self) {
        case "day", "days": return (j, 1)
        case "week", "weeks": return (j, 7)
        default: return nil
        }
    }

    /// The end of a `dddd-dd-dd` date literal at `i`, when one is there.
    func dateEnd(from i: Int) -> Int? {
        guard i + 10 <= bytes.count else { return nil }
        for k in 0..<10 {
            let b = bytes[i + k]
            if k == 4 || k == 7 {
                if b != UInt8(ascii: "-") { return nil }
            } else if !Lexer.isDigit(b) {
                return nil
            }
        }
        if i + 10 < bytes.count, Lexer.isIdentifierByte(bytes[i + 10]) { return nil }
        return i + 10
    }

    /// A double-quoted text on one line. Escapes are checked here and decoded by the parser.
    mutating func lexString() {
        let start = pos
        pos += 1
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                tokens.append(Token(.string, Span(start: start, length: pos - start)))
                return
            }
            if c == UInt8(ascii: "\n") { break }
            if c == UInt8(ascii: "\\") {
                let escapeStart = pos
                pos += 1
                guard pos < bytes.count, bytes[pos] != UInt8(ascii: "\n") else { break }
                if !StringLiteral.escapes.keys.contains(bytes[pos]) {
                    diagnostics.append(.unknownEscape(file.text(of: Span(start: escapeStart, length: 2)),
                                                      at: Span(start: escapeStart, length: 2)))
                }
            }
            pos += 1
        }
        var end = pos
        if end > start, end <= bytes.count, end > 0, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let span = Span(start: start, length: end - start)
        diagnostics.append(.unterminatedString(at: span))
        tokens.append(Token(.string, span))
    }
}

extension Diagnostic {
    static func tabIndentation(at span: Span) -> Diagnostic {
        Diagnostic(code: "tab-indentation", "indentation uses a tab", at: span,
                   hint: "indent with spaces; a tab's width is ambiguous")
    }

    static func inconsistentIndentation(at span: Span) -> Diagnostic {
        Diagnostic(code: "indentation", "this line's indentation does not match any enclosing block", at: span,
                   hint: "indent it exactly like the lines of the block it belongs to")
    }

    /// The outermost of many unclosed brackets, for all those not reported one by one.
    static func unclosedBrackets(_ s: Symbol, between: Int, at span: Span) -> Diagnostic {
        Diagnostic(code: "unclosed-bracket", "this `\(s.rawValue)` is never closed, and neither are \(between) more opened after it (the last three are reported on their own)",
                   at: span, hint: "close every bracket where its expression ends")
    }

    static func unclosedBracket(_ s: Symbol, at span: Span) -> Diagnostic {
        let close = s == .lparen ? ")" : "]"
        return Diagnostic(code: "unclosed-bracket", "this `\(s.rawValue)` is never closed", at: span,
                          hint: "add `\(close)` where the expression ends")
    }

    static func mismatchedBracket(found: Symbol, opened: Symbol, at span: Span, openedAt: Span) -> Diagnostic {
        let expected = opened == .lparen ? ")" : "]"
        return Diagnostic(code: "mismatched-bracket", "expected `\(expected)`, found `\(found.rawValue)`", at: span,
                          notes: [.init(span: openedAt, message: "`\(opened.rawValue)` opened here")])
    }

    static func unmatchedClosingBracket(_ s: Symbol, at span: Span) -> Diagnostic {
        Diagnostic(code: "unmatched-bracket", "`\(s.rawValue)` has no matching opening bracket", at: span,
                   hint: "remove it, or add the opening bracket it closes")
    }

    static func unexpectedCharacter(_ text: String, at span: Span) -> Diagnostic {
        var hint: String? = nil
        switch text {
        case "'": hint = "text is written in double quotes: \"like this\""
        case "&": hint = "write `and`"
        case "|": hint = "write `or`"
        case "!": hint = "write `not`, or `!=` for \"not equal\""
        case ";": hint = "put each definition on its own line"
        case "%": hint = "a percentage is written right after a number: `95%`"
        default: break
        }
        let shown = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } ? "`\(text)`"
            : "U+" + String(text.unicodeScalars.first.map { $0.value } ?? 0, radix: 16, uppercase: true)
        return Diagnostic(code: "unexpected-character", "unexpected character \(shown)", at: span, hint: hint)
    }

    static func malformedNumber(_ text: String, unit: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "malformed-number", "`\(text)` is not a number", at: span,
                   hint: "put a space or an operator between a number and a name; durations are written `21 days` or `3 weeks`")
    }

    static func unknownEscape(_ text: String, at span: Span) -> Diagnostic {
        Diagnostic(code: "unknown-escape", "unknown escape `\(text)` in text", at: span,
                   hint: "the escapes are \\\" \\\\ \\n \\t \\{ and \\}")
    }

    static func unterminatedString(at span: Span) -> Diagnostic {
        Diagnostic(code: "unterminated-text", "this text has no closing quote", at: Span(start: span.start, length: 1),
                   hint: "end it with `\"` on the same line")
    }
}

extension Lexer {
    /// A bracket at the start of a line, after `|` or after `,` may open a decision table's
    /// half-open range, `[30, 60)` or `(0, 10]`, closed by the other kind of bracket.
    static func opensInterval(after previous: TokenKind?) -> Bool {
        switch previous {
        case .newline?, .indent?, .dedent?, .symbol(.pipe)?, .symbol(.comma)?: return true
        default: return false
        }
    }
}
