// Decoding text literals: escapes, and `{expression}` / `{expression:format}` interpolations.
//
// Interpolations are parsed with the same expression parser as everything else; their
// spans point into the rule file, so an error inside `{...}` is underlined where it is.

enum StringLiteral {
    static let escapes: [UInt8: String] = [
        UInt8(ascii: "\""): "\"", UInt8(ascii: "\\"): "\\", UInt8(ascii: "n"): "\n",
        UInt8(ascii: "t"): "\t", UInt8(ascii: "{"): "{", UInt8(ascii: "}"): "}",
    ]

    /// Decodes the literal whose token is `span` (quotes included). With `interpolate`,
    /// `{...}` parts are parsed as expressions; without it, braces are plain text.
    static func decode(_ span: Span, in file: SourceFile, interpolate: Bool,
                       diagnostics: inout [Diagnostic], depth: Int) -> TextLiteral {
        let bytes = file.bytes
        var parts: [TextLiteral.Part] = []
        var buffer: [UInt8] = []
        var i = span.start + 1
        let closed = span.length >= 2 && bytes[span.end - 1] == UInt8(ascii: "\"")
        let end = closed ? span.end - 1 : span.end
        func flush() {
            if !buffer.isEmpty {
                parts.append(.text(String(decoding: buffer, as: UTF8.self)))
                buffer.removeAll()
            }
        }
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: "\\"), i + 1 < end {
                if let e = escapes[bytes[i + 1]] { buffer.append(contentsOf: Array(e.utf8)) }
                i += 2
                continue
            }
            if interpolate, c == UInt8(ascii: "{") {
                // Find the matching `}` and the format separator `:` outside brackets.
                var j = i + 1, nesting = 0, colon: Int? = nil
                while j < end, !(bytes[j] == UInt8(ascii: "}") && nesting == 0) {
                    switch bytes[j] {
                    case UInt8(ascii: "("), UInt8(ascii: "["): nesting += 1
                    case UInt8(ascii: ")"), UInt8(ascii: "]"): nesting -= 1
                    case UInt8(ascii: ":") where nesting == 0 && colon == nil: colon = j
                    default: break
                    }
                    j += 1
                }
                guard j < end else {
                    diagnostics.append(.unclosedInterpolation(at: Span(start: i, length: 1)))
                    break
                }
                flush()
                let exprEnd = colon ?? j
                let exprSpan = Span(start: i + 1, length: exprEnd - i - 1)
                var format: String? = nil
                if let colon {
                    format = String(decoding: bytes[(colon + 1)..<j], as: UTF8.self).trimmingWhitespace()
                }
                if let expr = Parser.parseEmbeddedExpression(in: file, span: exprSpan, diagnostics: &diagnostics, depth: depth) {
                    parts.append(.interpolation(expr, format: format))
                }
                i = j + 1
                continue
            }
            buffer.append(c)
            i += 1
        }
        flush()
        return TextLiteral(parts: parts, span: span)
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace.
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}

extension Diagnostic {
    static func unclosedInterpolation(at span: Span) -> Diagnostic {
        Diagnostic(code: "unclosed-interpolation", "this `{` in the message is never closed", at: span,
                   hint: "close it with `}`, or write `\\{` for a literal brace")
    }
}
