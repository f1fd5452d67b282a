// Comments, for tools that must keep them (`velo fmt`). The lexer skips comments; here they
// are found again in the gaps between the tokens it produced, so the lexer itself is untouched
// and the two can never disagree about where a comment starts: a `#` inside a text is part of
// a STRING token, never in a gap.

extension Lexer {
    /// The comments of a file, in order: each from `#` to the end of its line, without the
    /// line break and without trailing spaces, tabs or carriage returns.
    ///
    /// `tokens` is what `Lexer.tokenize(file)` returned for the same file. Meant for files that
    /// lex without errors: then the gaps between tokens hold only spaces, line breaks and
    /// comments.
    public static func comments(in file: SourceFile, tokens: [Token]) -> [Span] {
        let bytes = file.bytes
        var comments: [Span] = []
        func scanGap(_ from: Int, _ to: Int) {
            var i = from
            while i < to {
                guard bytes[i] == UInt8(ascii: "#") else {
                    i += 1
                    continue
                }
                var j = i
                while j < to, bytes[j] != UInt8(ascii: "\n") { j += 1 }
                var end = j
                while end > i, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(bytes[end - 1]) { end -= 1 }
                comments.append(Span(start: i, length: end - i))
                i = j
            }
        }
        var pos = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        for t in tokens where t.span.length > 0 {
            if t.span.start > pos { scanGap(pos, t.span.start) }
            pos = max(pos, t.span.end)
        }
        if pos < bytes.count { scanGap(pos, bytes.count) }
        return comments
    }
}
