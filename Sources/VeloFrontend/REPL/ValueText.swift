// Single values in the REPL: typed in (`set items.moq["SKU00012"] = 500`) and shown —
// for people in table mode (`1,356.50`, `98%`), exactly in csv and json mode.

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSyntax

enum ValueText {
    /// A value typed for a cell of `type`: a literal of that type, or `missing`.
    static func parse(_ text: String, type: VType) -> Result<Literal, ReplError> {
        guard let value = ParamValue.literal(text, type: type, allowMissing: true, durationsAsNumbers: true) else {
            return .failure(ReplError("expected \(type.withArticle) such as \(example(type)), found `\(text)`"))
        }
        return .success(value)
    }

    static func example(_ t: VType) -> String {
        switch t.base {
        case .number: return "`500` or `98%`"
        case .duration: return "`21 days`"
        case .date: return "`2024-12-31`"
        case .bool: return "`true`"
        case .text: return "`\"weekly\"`"
        case .unknown: return "a value"
        }
    }

    /// A cell's value for people, or exactly (csv/json).
    static func show(_ v: CellValue, exact: Bool = false, unit: String? = nil) -> String {
        switch v {
        case .number(let x): return (exact ? NumberFormat.exact(x) : NumberFormat.human(x)) + (unit.map { " \($0)" } ?? "")
        case .text(let s): return s
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        case .missing(let r): return exact ? "" : "—" + (r.map { " (\(ResultText.reason($0)))" } ?? "")
        }
    }

    /// A param's value, as a percentage when its rule file writes one (`95%`).
    static func show(_ l: Literal, asPercent: Bool = false, exact: Bool = false) -> String {
        switch l {
        case .number(let x) where asPercent && !exact: return trimmed(NumberFormat.human(x * 100)) + "%"
        case .number(let x): return exact ? NumberFormat.exact(x) : trimmed(NumberFormat.human(x))
        case .duration(let d): return (exact ? NumberFormat.exact(d) : trimmed(NumberFormat.human(d))) + (d == 1 ? " day" : " days")
        case .text(let s): return "\"\(s)\""
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        case .missing(let r): return "missing" + (r.map { "(\"\($0)\")" } ?? "")
        }
    }

    /// `12.50` -> `12.5`, `98.00` -> `98`.
    static func trimmed(_ s: String) -> String {
        guard s.contains("."), !s.contains("e") else { return s }
        var t = Substring(s)
        while t.last == "0" { t.removeLast() }
        if t.last == "." { t.removeLast() }
        return String(t)
    }

    /// Whether a param's declaration writes its value as a percentage.
    static func isPercent(_ p: ParamInfo, in file: SourceFile) -> Bool {
        var end = p.span.end
        while end < file.bytes.count, file.bytes[end] != UInt8(ascii: "\n") { end += 1 }
        let line = file.text(of: Span(start: p.span.end, length: end - p.span.end))
        return InputScanner.stripComment(line).contains("%")
    }

    /// One cell of a result column.
    static func cell(_ c: ResultColumn, _ row: Int) -> CellValue {
        let missing = CellValue.missing(c.missingReasons[row])
        switch c.values {
        case .number(let x): return x[row].isNaN ? missing : .number(x[row])
        case .text(let x): return x[row].map { .text($0) } ?? missing
        case .date(let x): return x[row] == Int32.min ? missing : .date(x[row])
        case .bool(let x): return x[row] > 1 ? missing : .bool(x[row] == 1)
        }
    }

    /// A cell value as the literal that sets it back.
    static func literal(_ v: CellValue, type: VType) -> Literal {
        switch v {
        case .number(let x): return type.base == .duration ? .duration(x) : .number(x)
        case .text(let s): return .text(s)
        case .date(let d): return .date(d)
        case .bool(let b): return .bool(b)
        case .missing(let r): return .missing(reason: r.map(ResultText.reason))
        }
    }

    /// Two cell values are the same (numbers bit for bit, missing values whatever the reason).
    static func same(_ a: CellValue, _ b: CellValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern
        case (.missing, .missing): return true
        default: return a == b
        }
    }

    /// The number in a cell, if it holds one.
    static func number(_ v: CellValue) -> Double? {
        if case .number(let x) = v { return x }
        return nil
    }
}
