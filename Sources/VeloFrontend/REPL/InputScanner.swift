// Reading REPL input at the level below commands: when a line needs a continuation line
// (an open bracket, a trailing operator), and splitting a command into top-level words
// while respecting text literals and brackets.

/// Multi-line input: lines are collected until the input is complete.
public struct InputContinuation {
    /// Words that cannot end an expression, so a line ending in one continues.
    static let trailingWords: Set<String> = ["and", "or", "not", "if", "then", "else", "is"]
    /// Operators that cannot end an expression.
    static let trailingOperators: Set<Character> = ["+", "-", "*", "/", "^", "<", ">", "=", "!", "?", ",", "("]

    /// Whether `text` (the lines so far, joined by "\n") needs another line: a bracket is
    /// still open, a text literal is unterminated, or the last line ends in an operator.
    public static func needsMore(_ text: String) -> Bool {
        let scan = InputScanner.scan(text)
        if scan.depth > 0 || scan.openQuote { return true }
        guard let last = scan.code.split(separator: "\n", omittingEmptySubsequences: false).last else { return false }
        let trimmed = last.trimmingWhitespace()
        guard let c = trimmed.last else { return false }
        if trailingOperators.contains(c) {
            // `98%` ends in %, `x -` continues; a lone word like `help -` is not a command we know.
            return true
        }
        let word = trimmed.reversed().prefix { $0.isLetter || $0 == "_" }
        if word.count == trimmed.count {
            // A single word on its own line (a command such as `undo`) is complete.
            return false
        }
        let before = trimmed.dropLast(word.count).last
        return trailingWords.contains(String(word.reversed())) && (before == " " || before == ")" || before == "\t")
    }

    /// The lines of one command joined into one line: comments dropped, lines joined by a space.
    public static func join(_ lines: [String]) -> String {
        lines.map { InputScanner.stripComment($0).trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// A light scanner that knows text literals, comments and brackets.
enum InputScanner {
    struct Scan {
        /// The text with comments blanked out.
        var code: String
        /// Open brackets at the end.
        var depth: Int
        var openQuote: Bool
    }

    static func scan(_ text: String) -> Scan {
        var code = ""
        var depth = 0
        var inQuote = false
        var escaped = false
        var inComment = false
        for c in text {
            if inComment {
                if c == "\n" { inComment = false; code.append(c) }
                continue
            }
            if inQuote {
                code.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inQuote = false }
                continue
            }
            switch c {
            case "\"": inQuote = true
            case "#": inComment = true; continue
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth = max(0, depth - 1)
            default: break
            }
            code.append(c)
        }
        return Scan(code: code, depth: depth, openQuote: inQuote)
    }

    /// The line without a trailing `# comment` (a `#` inside a text literal stays).
    static func stripComment(_ line: String) -> String {
        scan(line).code
    }

    /// A top-level word of a command with its character offset.
    struct Word: Equatable {
        var text: String
        var offset: Int
    }

    /// Words separated by whitespace at bracket depth 0 and outside text literals;
    /// `"a b"` and `f(x, y)` stay one word each.
    static func words(_ text: String) -> [Word] {
        var words: [Word] = []
        var current = ""
        var start = 0
        var depth = 0
        var inQuote = false
        var escaped = false
        for (i, c) in text.enumerated() {
            if inQuote {
                current.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inQuote = false }
                continue
            }
            if c.isWhitespace && depth == 0 {
                if !current.isEmpty { words.append(Word(text: current, offset: start)) }
                current = ""
                continue
            }
            if current.isEmpty { start = i }
            switch c {
            case "\"": inQuote = true
            case "(", "[": depth += 1
            case ")", "]": depth = max(0, depth - 1)
            default: break
            }
            current.append(c)
        }
        if !current.isEmpty { words.append(Word(text: current, offset: start)) }
        return words
    }

    /// The offset of the first top-level `=` that is an assignment (not `==`, `<=`, `>=`, `!=`).
    static func assignment(in text: String) -> Int? {
        let chars = Array(text)
        var depth = 0
        var inQuote = false
        var escaped = false
        for i in chars.indices {
            let c = chars[i]
            if inQuote {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inQuote = false }
                continue
            }
            switch c {
            case "\"": inQuote = true
            case "(", "[": depth += 1
            case ")", "]": depth = max(0, depth - 1)
            case "=" where depth == 0:
                let before: Character? = i > 0 ? chars[i - 1] : nil
                let after: Character? = i + 1 < chars.count ? chars[i + 1] : nil
                if after == "=" || before == "=" || before == "<" || before == ">" || before == "!" { continue }
                return i
            default: break
            }
        }
        return nil
    }
}

extension StringProtocol {
    /// A Velo name: a letter or `_`, then letters, digits and `_`.
    var isVeloName: Bool {
        guard let f = first, f.isLetter || f == "_" else { return false }
        return allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }
}
