// Renders diagnostics the way a planner reads them:
//
//   plan.velo:12:12: error: unknown column `velocty` in table `series`
//      12 |   change = velocty / prior - 1
//         |            ^^^^^^^
//   hint: did you mean `velocity`?
//
// Colour is opt-in (the frontend turns it on for terminals without NO_COLOR). Very long
// lines are shown as a window around the span so a 1 MB line prints one screen, not a megabyte.

public struct DiagnosticRenderer: Sendable {
    public var color: Bool
    /// The widest source excerpt shown, in characters.
    public var maxLineWidth: Int

    public init(color: Bool = false, maxLineWidth: Int = 100) {
        self.color = color
        self.maxLineWidth = maxLineWidth
    }

    public func render(_ diagnostics: [Diagnostic], in file: SourceFile) -> String {
        diagnostics.map { render($0, in: file) }.joined()
    }

    public func render(_ d: Diagnostic, in file: SourceFile) -> String {
        // In an imported file: at its own line and column (its notes say where it is imported).
        let (at, span) = d.origin.map { ($0.file, $0.span) } ?? (file, d.span)
        var out = header(severity: d.severity, message: d.message, span: span, file: at)
        out += excerpt(span, in: at, marker: d.severity == .note ? "-" : "^")
        for note in d.notes {
            let (f, span) = note.origin.map { ($0.file, $0.span) } ?? (file, note.span)
            out += header(severity: .note, message: note.message, span: span, file: f)
            out += excerpt(span, in: f, marker: "-")
        }
        if let hint = d.hint { out += paint("hint:", "1;36") + " " + hint + "\n" }
        return out
    }

    func header(severity: Diagnostic.Severity, message: String, span: Span, file: SourceFile) -> String {
        let (line, column) = file.location(of: span.start)
        let code: String
        switch severity {
        case .error: code = "1;31"
        case .warning: code = "1;33"
        case .note: code = "1;34"
        }
        return paint("\(file.path):\(line):\(column):", "1") + " " + paint("\(severity.rawValue):", code) + " "
            + paint(message, "1") + "\n"
    }

    func excerpt(_ span: Span, in file: SourceFile, marker: Character) -> String {
        let (line, _) = file.location(of: span.start)
        let (lineStart, lineEnd) = file.lineRange(line)
        let at = min(max(span.start, lineStart), lineEnd)
        // Only a window of the line's bytes around the span is decoded, so that a diagnostic
        // costs the same on a 1 MB line as on a short one (100,000 of them stay linear).
        var windowStart = lineStart, windowEnd = lineEnd
        let reach = maxLineWidth * 4
        if lineEnd - lineStart > 2 * reach {
            windowStart = max(lineStart, at - reach)
            while windowStart > lineStart, file.bytes[windowStart] & 0xC0 == 0x80 { windowStart -= 1 }
            windowEnd = min(lineEnd, at + reach)
            while windowEnd < lineEnd, file.bytes[windowEnd] & 0xC0 == 0x80 { windowEnd += 1 }
        }
        let scalars = Array(String(decoding: file.bytes[windowStart..<windowEnd], as: UTF8.self).unicodeScalars)
        // Underline up to the end of the first line of the span, at least one character.
        var caretColumn = file.scalarCount(from: windowStart, to: at)
        let spanEnd = max(span.start, span.end)
        var width = spanEnd <= lineEnd ? file.scalarCount(from: at, to: min(spanEnd, windowEnd)) : scalars.count - caretColumn
        width = max(1, width)
        var first = 0, last = scalars.count
        var prefix = "", suffix = ""
        let cutBefore = windowStart > lineStart, cutAfter = windowEnd < lineEnd
        if scalars.count > maxLineWidth || cutBefore || cutAfter {
            first = max(0, min(caretColumn - maxLineWidth / 3, scalars.count - maxLineWidth))
            last = min(scalars.count, first + maxLineWidth)
            if first > 0 || cutBefore { prefix = "…" }
            if last < scalars.count || cutAfter { suffix = "…" }
            caretColumn = caretColumn - first + prefix.count
            width = min(width, max(1, last - first - (caretColumn - prefix.count)))
        }
        var shown = prefix
        shown.unicodeScalars.append(contentsOf: scalars[first..<last].map { $0 == "\t" ? " " : $0 })
        shown += suffix
        let number = String(line)
        let gutter = String(repeating: " ", count: number.count)
        let underline = String(repeating: " ", count: max(0, caretColumn)) + String(repeating: marker, count: width)
        let markColor = marker == "^" ? "1;31" : "1;34"
        return "  " + paint(number + " |", "34") + " " + shown + "\n"
            + "  " + paint(gutter + " |", "34") + " " + paint(underline, markColor) + "\n"
    }

    func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
