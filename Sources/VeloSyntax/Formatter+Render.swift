// The formatter's line rendering: spaces between tokens, the padding of aligned names, and
// the indentation of continuation lines (rules 3 to 6 at the top of Formatter.swift).

extension FormatterLayout {
    /// A bracket open while a logical line is rendered.
    struct OpenBracket {
        /// The output column of the bracket itself.
        var column: Int
        /// Where the lines inside it start.
        var align: Int
        /// The indentation of the line that opened it.
        var lineIndent: Int
        /// The bracket ends its line.
        var hanging: Bool
    }

    /// The output indentation and code of each physical line of a logical line.
    func render(_ line: LogicalLine) -> [(indent: Int, code: String)] {
        let t = line.tokens
        let base = 2 * line.depth
        let anchor = FormatterLayout.formulaStart(t)
        var open: [OpenBracket] = []
        var anchorColumn: Int? = nil
        var result: [(indent: Int, code: String)] = []
        for (p, range) in line.parts.enumerated() {
            let indent: Int
            if p == 0 {
                indent = base
            } else if let innermost = open.last {
                if FormatterLayout.isClosing(t[range.lowerBound]) {
                    indent = innermost.hanging ? innermost.lineIndent : innermost.column
                } else {
                    indent = innermost.align
                }
            } else {
                indent = anchorColumn ?? base + 4
            }
            var code = ""
            var column = indent
            for k in range {
                if k > range.lowerBound, FormatterLayout.spaceBetween(t, k - 1, k), !joinsUnit(t, k - 1, k) {
                    code += " "
                    column += 1
                }
                if k == anchor { anchorColumn = column }
                let text = file.text(of: t[k].span)
                code += text
                column += textWidth(text)
                if let pad = line.padAfter[k], pad > 0 {
                    code += String(repeating: " ", count: pad)
                    column += pad
                }
                switch t[k].kind {
                case .symbol(.lparen), .symbol(.lbracket):
                    let hanging = k == range.upperBound - 1
                    open.append(OpenBracket(column: column - 1, align: hanging ? indent + 4 : column,
                                            lineIndent: indent, hanging: hanging))
                case .symbol(.rparen), .symbol(.rbracket):
                    if !open.isEmpty { open.removeLast() }
                default:
                    break
                }
            }
            result.append((indent, code))
        }
        return result
    }

    /// The width of tokens `range` rendered on one line.
    func codeWidth(_ t: [Token], _ range: Range<Int>) -> Int {
        var width = 0
        for k in range {
            if k > range.lowerBound, FormatterLayout.spaceBetween(t, k - 1, k), !joinsUnit(t, k - 1, k) { width += 1 }
            width += textWidth(file.text(of: t[k].span))
        }
        return width
    }

    static func isClosing(_ t: Token) -> Bool {
        t.kind == .symbol(.rparen) || t.kind == .symbol(.rbracket)
    }

    /// The index of the first token of the line's formula, outside brackets: after its first
    /// `=`; else after `when` (a flag); else after a `:` that does not end the line (a check).
    static func formulaStart(_ t: [Token]) -> Int? {
        var depth = 0
        var when: Int? = nil
        var colon: Int? = nil
        for (k, token) in t.enumerated() {
            switch token.kind {
            case .symbol(.lparen), .symbol(.lbracket): depth += 1
            case .symbol(.rparen), .symbol(.rbracket): depth -= 1
            case .symbol(.assign) where depth == 0: return k + 1 < t.count ? k + 1 : nil
            case .keyword(.when) where depth == 0 && when == nil: when = k
            case .symbol(.colon) where depth == 0 && colon == nil: colon = k
            default: break
            }
        }
        if let when, when + 1 < t.count { return when + 1 }
        if let colon, colon + 1 < t.count { return colon + 1 }
        return nil
    }

    /// A token after which a `-` is binary: the end of an operand.
    static func endsOperand(_ t: Token) -> Bool {
        switch t.kind {
        case .identifier, .number, .percent, .duration, .date, .string: return true
        case .keyword(.true), .keyword(.false), .keyword(.missing): return true
        case .symbol(.rparen), .symbol(.rbracket): return true
        default: return false
        }
    }

    static func isUnaryMinus(_ t: [Token], _ k: Int) -> Bool {
        t[k].kind == .symbol(.minus) && (k == 0 || !endsOperand(t[k - 1]))
    }

    /// Whether one space separates tokens `a` and `b` (adjacent, on one line).
    static func spaceBetween(_ t: [Token], _ a: Int, _ b: Int) -> Bool {
        if decisionSpace(t, a, b) { return true }
        switch t[b].kind {
        case .symbol(.comma), .symbol(.colon), .symbol(.rparen), .symbol(.rbracket), .symbol(.dot), .symbol(.lbracket):
            return false
        default:
            break
        }
        switch t[a].kind {
        case .symbol(.lparen), .symbol(.lbracket), .symbol(.dot):
            return false
        default:
            break
        }
        if isUnaryMinus(t, a) { return false }
        if t[b].kind == .symbol(.lparen), t[a].kind == .identifier || t[a].kind == .keyword(.missing) { return false }
        return true
    }

    /// Tokens `a` and `b` are parts of one unit (`units/day`, `units^2`), written without spaces.
    func joinsUnit(_ t: [Token], _ a: Int, _ b: Int) -> Bool {
        isUnitOperator(t, a) || isUnitOperator(t, b)
    }

    /// `/`, `*` or `^` inside a unit: after a number (`45 units/day`) or a column line's `:`
    /// (`unit_cost: USD/unit`), between unit names (and `^` before a whole number).
    func isUnitOperator(_ t: [Token], _ k: Int) -> Bool {
        guard k > 0, k + 1 < t.count else { return false }
        switch t[k].kind {
        case .symbol(.caret): guard case .number = t[k + 1].kind else { return false }
        case .symbol(.slash), .symbol(.star): guard t[k + 1].kind == .identifier else { return false }
        default: return false
        }
        // Back to the unit's first name: name (^ number)? ((/|*) name (^ number)?)*
        var j = k - 1
        while j >= 0 {
            if case .number = t[j].kind, j > 0, t[j - 1].kind == .symbol(.caret) { j -= 2 }
            guard j >= 0, t[j].kind == .identifier else { return false }
            if j > 0, t[j - 1].kind == .symbol(.slash) || t[j - 1].kind == .symbol(.star) {
                j -= 2
                continue
            }
            guard UnitWords.isUnitWord(file.text(of: t[j].span)), j > 0 else { return false }
            switch t[j - 1].kind {
            case .symbol(.colon): return true
            case .number:
                // After a number only unit words continue the unit (`10 USD / items.qty` divides).
                return t[k].kind == .symbol(.caret) || UnitWords.isUnitWord(file.text(of: t[k + 1].span))
            default: return false
            }
        }
        return false
    }
}
