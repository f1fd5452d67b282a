// `velo fmt` on decision tables (AST+Decisions.swift): the header and the rules of a `decide`
// block line up as columns. Each cell (between `|` and `=>` separators) is padded to the
// widest cell of its column; `otherwise` spans the input columns, so every `=>` lines up.
// A row written over several lines is left out.

extension FormatterLayout {
    /// Spaces a decision table needs that the expression rules would leave out: around a `-`
    /// that means "any value" (`- | -`), and before a range's `[` (`| [30, 60)`, `< 0, [5, 10)`).
    static func decisionSpace(_ t: [Token], _ a: Int, _ b: Int) -> Bool {
        let separators: [TokenKind] = [.symbol(.pipe), .symbol(.arrow)]
        if t[b].kind == .symbol(.lbracket), separators.contains(t[a].kind) || t[a].kind == .symbol(.comma) { return true }
        if t[a].kind == .symbol(.minus), separators.contains(t[b].kind) { return true }
        return false
    }

    mutating func alignDecisions() {
        for i in lines.indices where !lines[i].children.isEmpty {
            guard lines[i].tokens.first?.kind == .keyword(.decide) else { continue }
            let rows = lines[i].children.filter { c in
                lines[c].parts.count == 1 && lines[c].children.isEmpty && lines[c].tokens.contains { $0.kind == .symbol(.arrow) }
            }
            // Each row's cells: (width, index of the cell's last token), the `=>` cell first split.
            var cells: [Int: (inputs: [(width: Int, last: Int)], outputs: [(width: Int, last: Int)], otherwise: Bool)] = [:]
            var inputWidths: [Int] = []
            var outputWidths: [Int] = []
            for r in rows {
                let t = lines[r].tokens
                var depth = 0
                var start = 0
                var inputs: [(width: Int, last: Int)] = []
                var outputs: [(width: Int, last: Int)] = []
                var afterArrow = false
                for k in t.indices {
                    switch t[k].kind {
                    case .symbol(.lparen), .symbol(.lbracket): depth += 1
                    case .symbol(.rparen), .symbol(.rbracket): depth -= 1
                    case .symbol(.pipe) where depth <= 0, .symbol(.arrow) where depth <= 0:
                        if k > start {
                            let cell = (codeWidth(t, start..<k), k - 1)
                            if afterArrow { outputs.append(cell) } else { inputs.append(cell) }
                        }
                        if t[k].kind == .symbol(.arrow) { afterArrow = true }
                        start = k + 1
                        depth = 0
                    default: break
                    }
                }
                if start < t.count { outputs.append((codeWidth(t, start..<t.count), t.count - 1)) }
                let otherwise = t.first?.kind == .keyword(.otherwise)
                if !otherwise {
                    for (c, cell) in inputs.enumerated() {
                        if c < inputWidths.count { inputWidths[c] = max(inputWidths[c], cell.width) } else { inputWidths.append(cell.width) }
                    }
                }
                for (c, cell) in outputs.enumerated() {
                    if c < outputWidths.count { outputWidths[c] = max(outputWidths[c], cell.width) } else { outputWidths.append(cell.width) }
                }
                cells[r] = (inputs, outputs, otherwise)
            }
            // `otherwise` spans the input columns: widen the last one if it is longer.
            var span: Int { inputWidths.reduce(0, +) + 3 * max(0, inputWidths.count - 1) }
            for (_, row) in cells where row.otherwise {
                if let w = row.inputs.first?.width, w > span, !inputWidths.isEmpty { inputWidths[inputWidths.count - 1] += w - span }
            }
            for (r, row) in cells {
                if row.otherwise {
                    if let cell = row.inputs.first, span > cell.width { lines[r].padAfter[cell.last] = span - cell.width }
                } else {
                    for (c, cell) in row.inputs.enumerated() where c < inputWidths.count && inputWidths[c] > cell.width {
                        lines[r].padAfter[cell.last] = inputWidths[c] - cell.width
                    }
                }
                // The last output is not padded: no trailing spaces.
                for (c, cell) in row.outputs.enumerated().dropLast() where outputWidths[c] > cell.width {
                    lines[r].padAfter[cell.last] = outputWidths[c] - cell.width
                }
            }
        }
    }
}
