// The formatter's model of a file: logical lines (from the lexer's layout tokens) split into
// the physical lines the author wrote, every source line as a row (code, comment or blank),
// and the rows grouped into top-level chunks (a statement with the comments above it, or a
// free-standing comment group) between which blank lines are decided. The rules themselves
// are listed at the top of Formatter.swift.

struct FormatterLayout {
    let file: SourceFile
    let tokens: [Token]
    let comments: [Span]

    /// One logical line: a statement's first line with its continuation lines, or one line of
    /// a block with its continuation lines.
    struct LogicalLine {
        var tokens: [Token] = []
        /// Token ranges of the physical lines, in order.
        var parts: [Range<Int>] = []
        /// The 1-based source line of each part.
        var sourceLines: [Int] = []
        /// Block depth: 0 for a statement's first line.
        var depth: Int
        /// The logical line whose block this line is in.
        var parent: Int?
        var children: [Int] = []
        /// The input indentation of the first token, in bytes.
        var inputIndent: Int
        /// The top-level logical line (the statement) this line belongs to.
        var root: Int
        /// Spaces to add after a token (to align `=`, or the cells of inline rows).
        var padAfter: [Int: Int] = [:]
        /// The output of each part: its indentation and its code.
        var rendered: [(indent: Int, code: String)] = []
    }

    enum Placement {
        /// Inside a formula written over several lines: at the indentation of that part.
        case interior(line: Int, part: Int)
        /// Between lines, at a block level (0 = top level).
        case level(Int)
    }

    enum Row {
        case code(line: Int, part: Int, comment: Span?)
        /// A full-line comment, and the statement it belongs to (nil: a top-level comment).
        case comment(Span, Placement, owner: Int?)
        case blank
    }

    enum Kind { case source, table, param, flag, check, test, other }

    /// A statement with the comments directly above it, or a group of top-level comments.
    struct Chunk {
        /// The statement's top-level logical line; nil for a comment group.
        var root: Int?
        var rows: [Row]
        /// Rows of the statement itself, without the comments above it.
        var statementRows: Int
        /// Blank lines before the chunk in the input.
        var blankBefore: Int
        /// A blank line before the chunk in the output.
        var separated = false
        var multiLine: Bool { statementRows > 1 }
    }

    var lines: [LogicalLine] = []

    init(file: SourceFile, tokens: [Token], comments: [Span]) {
        self.file = file
        self.tokens = tokens
        self.comments = comments
    }

    mutating func format() -> String {
        buildLines()
        let rows = buildRows()
        var chunks = buildChunks(rows)
        separate(&chunks)
        alignRuns(chunks)
        alignBlocks()
        alignRows()
        alignDecisions()
        for i in lines.indices { lines[i].rendered = render(lines[i]) }
        return emit(chunks)
    }

    // MARK: - Lines

    /// The 1-based line of an offset and the bytes before it on that line (a byte order mark
    /// not counted).
    func position(_ offset: Int) -> (line: Int, indent: Int) {
        let line = file.location(of: offset).line
        var start = file.lineStarts[line - 1]
        if start == 0, file.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        return (line, max(0, offset - start))
    }

    mutating func buildLines() {
        var depth = 0
        var lastAtDepth: [Int: Int] = [:]
        var current: Int? = nil
        for t in tokens {
            switch t.kind {
            case .indent:
                depth += 1
            case .dedent:
                depth -= 1
            case .newline:
                if let c = current { lastAtDepth[depth] = c }
                current = nil
            case .eof:
                break
            default:
                let (line, indent) = position(t.span.start)
                if current == nil {
                    let parent = depth > 0 ? lastAtDepth[depth - 1] : nil
                    let root = parent.map { lines[$0].root } ?? lines.count
                    lines.append(LogicalLine(depth: depth, parent: parent, inputIndent: indent, root: root))
                    if let parent { lines[parent].children.append(lines.count - 1) }
                    current = lines.count - 1
                }
                let c = current!
                let n = lines[c].tokens.count
                if lines[c].sourceLines.last != line {
                    lines[c].sourceLines.append(line)
                    lines[c].parts.append(n..<n)
                }
                lines[c].tokens.append(t)
                let last = lines[c].parts.count - 1
                lines[c].parts[last] = lines[c].parts[last].lowerBound..<(n + 1)
            }
        }
    }

    // MARK: - Rows

    func buildRows() -> [Row] {
        var code: [Int: (line: Int, part: Int)] = [:]
        for (i, l) in lines.enumerated() {
            for (p, s) in l.sourceLines.enumerated() { code[s] = (i, p) }
        }
        var commentAt: [Int: Span] = [:]
        for c in comments { commentAt[position(c.start).line] = c }
        let count = file.lineCount
        var next = [(line: Int, part: Int)?](repeating: nil, count: count + 2)
        var upcoming: (line: Int, part: Int)? = nil
        for s in stride(from: count, through: 1, by: -1) {
            if let c = code[s] { upcoming = c }
            next[s] = upcoming
        }
        var rows: [Row] = []
        var previous: Int? = nil
        for s in 1...max(1, count) {
            if let (l, p) = code[s] {
                rows.append(.code(line: l, part: p, comment: commentAt[s]))
                previous = l
            } else if let c = commentAt[s] {
                let placement = self.placement(of: c, previous: previous, next: next[s])
                var owner: Int? = nil
                switch placement {
                case .interior(let l, _): owner = lines[l].root
                case .level(let d): owner = d > 0 ? previous.map { lines[$0].root } : nil
                }
                rows.append(.comment(c, placement, owner: owner))
            } else {
                rows.append(.blank)
            }
        }
        return rows
    }

    /// Where a full-line comment goes: inside a continued formula, at the level of the line
    /// after it, or, at the end of a block, in the deepest block it is indented into.
    func placement(of comment: Span, previous: Int?, next: (line: Int, part: Int)?) -> Placement {
        if let next, next.part > 0 { return .interior(line: next.line, part: next.part) }
        guard let previous else { return .level(0) }
        let dP = lines[previous].depth
        let dN = next.map { lines[$0.line].depth } ?? 0
        if dN >= dP { return .level(dN) }
        let indent = position(comment.start).indent
        var a = previous
        for d in stride(from: dP, through: dN, by: -1) {
            if lines[a].inputIndent <= indent { return .level(d) }
            guard let parent = lines[a].parent else { break }
            a = parent
        }
        return .level(dN)
    }

    // MARK: - Chunks and blank lines

    func buildChunks(_ rows: [Row]) -> [Chunk] {
        var chunks: [Chunk] = []
        var blanks = 0
        for row in rows {
            let owner: Int?
            switch row {
            case .blank:
                blanks += 1
                continue
            case .code(let l, _, _): owner = lines[l].root
            case .comment(_, _, let o): owner = o
            }
            defer { blanks = 0 }
            let last = chunks.indices.last
            if let owner {
                if let last, chunks[last].root == owner {
                    if blanks > 0, !opensBlock(chunks[last].rows.last!) {
                        chunks[last].rows.append(.blank)
                        chunks[last].statementRows += 1
                    }
                    chunks[last].rows.append(row)
                    chunks[last].statementRows += 1
                } else if let last, chunks[last].root == nil, blanks == 0 {
                    // The comments right above a statement belong to it.
                    chunks[last].root = owner
                    chunks[last].rows.append(row)
                    chunks[last].statementRows = 1
                } else {
                    chunks.append(Chunk(root: owner, rows: [row], statementRows: 1, blankBefore: blanks))
                }
            } else if let last, chunks[last].root == nil, blanks == 0 {
                chunks[last].rows.append(row)
            } else {
                chunks.append(Chunk(root: nil, rows: [row], statementRows: 0, blankBefore: blanks))
            }
        }
        return chunks
    }

    /// True for the last line of a block's header: no blank line may follow it.
    func opensBlock(_ row: Row) -> Bool {
        guard case .code(let l, let p, _) = row else { return false }
        return !lines[l].children.isEmpty && p == lines[l].parts.count - 1
    }

    func kind(_ root: Int) -> Kind {
        let t = lines[root].tokens
        switch t.first?.kind {
        case .keyword(.table)?: return t.count > 2 && t[2].kind == .symbol(.assign) ? .source : .table
        case .keyword(.param)?: return .param
        case .keyword(.flag)?: return .flag
        case .keyword(.check)?: return .check
        case .keyword(.test)?: return .test
        default: return .other
        }
    }

    func separate(_ chunks: inout [Chunk]) {
        for i in chunks.indices.dropFirst() {
            let a = chunks[i - 1], b = chunks[i]
            var separated = b.blankBefore > 0
            if let ra = a.root, let rb = b.root {
                if kind(ra) != kind(rb) || a.multiLine || b.multiLine { separated = true }
            } else if (a.root != nil && a.multiLine) || (b.root != nil && b.multiLine) {
                separated = true
            }
            chunks[i].separated = separated
        }
    }

    // MARK: - Alignment of `=`

    /// One-line sources in a row, and one-line params in a row, align their `=`.
    mutating func alignRuns(_ chunks: [Chunk]) {
        func alignable(_ c: Chunk) -> Int? {
            guard let r = c.root, !c.multiLine, [.source, .param].contains(kind(r)) else { return nil }
            let t = lines[r].tokens
            guard t.count > 2, t[1].kind == .identifier, t[2].kind == .symbol(.assign) else { return nil }
            return r
        }
        var i = 0
        while i < chunks.count {
            guard let first = alignable(chunks[i]) else {
                i += 1
                continue
            }
            var run = [first]
            var j = i + 1
            while j < chunks.count, !chunks[j].separated, let r = alignable(chunks[j]), kind(r) == kind(first) {
                run.append(r)
                j += 1
            }
            let width = run.map { textWidth(file.text(of: lines[$0].tokens[1].span)) }.max()!
            for r in run { lines[r].padAfter[1] = width - textWidth(file.text(of: lines[r].tokens[1].span)) }
            i = j
        }
    }

    /// In each block, the `name = formula` lines align their `=`.
    mutating func alignBlocks() {
        for i in lines.indices where !lines[i].children.isEmpty {
            let formulas = lines[i].children.filter { c in
                let t = lines[c].tokens
                return t.count > 1 && t[0].kind == .identifier && t[1].kind == .symbol(.assign)
            }
            guard let width = formulas.map({ textWidth(file.text(of: lines[$0].tokens[0].span)) }).max() else { continue }
            for c in formulas { lines[c].padAfter[0] = width - textWidth(file.text(of: lines[c].tokens[0].span)) }
        }
    }

    /// The rows of a `given TABLE:` or `expect TABLE:` block line up as columns: each cell is
    /// padded after its comma to the widest cell of its column. A row written over several
    /// lines is left out.
    mutating func alignRows() {
        for i in lines.indices where !lines[i].children.isEmpty {
            let header = lines[i].tokens
            guard let first = header.first, first.kind == .keyword(.given) || first.kind == .keyword(.expect),
                  header.last?.kind == .symbol(.colon) else { continue }
            let rows = lines[i].children.filter { lines[$0].parts.count == 1 && lines[$0].children.isEmpty }
            // For each row, its cells' widths and the comma after each cell.
            var cells: [Int: [(width: Int, comma: Int)]] = [:]
            var widths: [Int] = []
            for r in rows {
                let t = lines[r].tokens
                var depth = 0
                var start = 0
                var row: [(width: Int, comma: Int)] = []
                for k in t.indices {
                    switch t[k].kind {
                    case .symbol(.lparen), .symbol(.lbracket): depth += 1
                    case .symbol(.rparen), .symbol(.rbracket): depth -= 1
                    case .symbol(.comma) where depth == 0:
                        row.append((codeWidth(t, start..<k), k))
                        start = k + 1
                    default: break
                    }
                }
                for (c, cell) in row.enumerated() {
                    if c < widths.count { widths[c] = max(widths[c], cell.width) } else { widths.append(cell.width) }
                }
                cells[r] = row
            }
            for (r, row) in cells {
                for (c, cell) in row.enumerated() where widths[c] > cell.width {
                    lines[r].padAfter[cell.comma] = widths[c] - cell.width
                }
            }
        }
    }

    // MARK: - Output

    struct OutputLine {
        var indent = 0
        var code = ""
        var comment: String? = nil
        var blank = false
    }

    func emit(_ chunks: [Chunk]) -> String {
        var out: [OutputLine] = []
        for (i, chunk) in chunks.enumerated() {
            if i > 0, chunk.separated { out.append(OutputLine(blank: true)) }
            for row in chunk.rows {
                switch row {
                case .blank:
                    out.append(OutputLine(blank: true))
                case .code(let l, let p, let comment):
                    let r = lines[l].rendered[p]
                    out.append(OutputLine(indent: r.indent, code: r.code, comment: comment.map { file.text(of: $0) }))
                case .comment(let c, let placement, _):
                    let indent: Int
                    switch placement {
                    case .interior(let l, let p): indent = lines[l].rendered[p].indent
                    case .level(let d): indent = 2 * d
                    }
                    out.append(OutputLine(indent: indent, comment: file.text(of: c)))
                }
            }
        }
        // Trailing comments: aligned within each paragraph, two spaces after the longest code.
        var text = ""
        var start = 0
        while start < out.count {
            var end = start
            while end < out.count, !out[end].blank { end += 1 }
            let commented = out[start..<end].filter { !$0.code.isEmpty && $0.comment != nil }
            let column = (commented.map { $0.indent + textWidth($0.code) }.max() ?? 0) + 2
            for line in out[start..<end] {
                var s = String(repeating: " ", count: line.indent) + line.code
                if let comment = line.comment {
                    if !line.code.isEmpty {
                        s += String(repeating: " ", count: max(2, column - line.indent - textWidth(line.code)))
                    }
                    s += comment
                }
                text += s + "\n"
            }
            if end < out.count { text += "\n" }
            start = end + 1
        }
        return text
    }
}

/// Columns a text takes: Unicode scalars, as diagnostics count them.
func textWidth(_ s: String) -> Int { s.unicodeScalars.count }
