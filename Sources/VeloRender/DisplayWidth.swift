// How many terminal columns a string occupies, and how to cut it to fit.
//
// Byte counts and even scalar counts lie about width: "é" may be two scalars but one column,
// "日本" is two characters but four columns. Widths here are per grapheme cluster: 2 for East
// Asian wide/fullwidth characters and emoji presentation, 0 for a cluster made only of
// combining marks or format characters, 1 otherwise. Good enough for aligned tables without
// shipping the full Unicode width tables.

enum DisplayWidth {
    /// The terminal width of `s`.
    static func of(_ s: String) -> Int {
        var total = 0
        for c in s { total += of(c) }
        return total
    }

    /// The terminal width of one grapheme cluster.
    static func of(_ c: Character) -> Int {
        if c.isASCII { return c.asciiValue! < 0x20 || c.asciiValue! == 0x7F ? 0 : 1 }
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return 0
        default: break
        }
        if isWide(first.value) || first.properties.isEmojiPresentation { return 2 }
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 } // emoji variation selector
        return 1
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
             0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
             0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `s` cut to at most `width` columns, ending in `…` when something was cut.
    static func truncate(_ s: String, to width: Int) -> String {
        if of(s) <= width { return s }
        guard width >= 1 else { return "" }
        var out = ""
        var used = 0
        for c in s {
            let w = of(c)
            if used + w > width - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }

    /// `s` padded with spaces to `width` columns, on the left when `right` is true.
    static func pad(_ s: String, to width: Int, right: Bool) -> String {
        let gap = width - of(s)
        guard gap > 0 else { return s }
        let spaces = String(repeating: " ", count: gap)
        return right ? spaces + s : s + spaces
    }

    /// `s` on one line for a table cell: line breaks become `↵`, tabs a space, other
    /// control characters `�`, so a cell can neither break nor misalign the layout.
    static func singleLine(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return s }
        var out = ""
        for c in s {
            if c == "\n" || c == "\r\n" || c == "\r" {
                out += "↵"
            } else if c == "\t" {
                out += " "
            } else if let a = c.asciiValue, a < 0x20 || a == 0x7F {
                out += "�"
            } else {
                out.append(c)
            }
        }
        return out
    }
}
