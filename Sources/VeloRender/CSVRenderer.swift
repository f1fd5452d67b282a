// CSV output (RFC 4180) for spreadsheets and scripts.
//
// Columns keep their given order; numbers use `NumberFormat.exact` so a reader gets back the
// very doubles the engine computed. Missing values are empty fields (reasons are for people
// and are not written). Lines end in "\n", the header included. Headers are the bare column
// names an importer maps (`need`); with `unitHeaders` (`--units`) a column with a unit is
// headed `need (units)`, `spend (USD)`, `change (percent)` — the cells stay exact numbers.

import VeloData

/// Renders a table as RFC 4180 CSV.
public struct CSVRenderer: Sendable {
    /// Whether a column with a unit is headed `name (unit)` instead of `name`.
    public var unitHeaders: Bool

    /// Creates a CSV renderer; `unitHeaders`: headers carry the units (`need (units)`).
    public init(unitHeaders: Bool = false) { self.unitHeaders = unitHeaders }

    /// The header row and one record per row, each ending in "\n". A table without columns
    /// renders as the empty string.
    public func render(_ table: OutputTable) -> String {
        String(decoding: renderBytes(table), as: UTF8.self)
    }

    /// `render`'s text as UTF-8 bytes, written straight into one buffer: no string per cell
    /// (a period table's CSV is hundreds of thousands of them).
    public func renderBytes(_ table: OutputTable) -> [UInt8] {
        let columns = table.columns
        guard !columns.isEmpty else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(64 + table.rowCount * columns.count * 8)
        appendRecord(unitHeaders ? columns.map(\.headerWithUnit) : columns.map(\.name), to: &out)
        // Dates repeat (a period table's week starts): each distinct one is formatted once.
        var dates: [Int32: [UInt8]] = [:]
        for row in 0..<table.rowCount {
            if columns.count == 1, case .missing = columns[0].cell(row) {
                // A record of one empty field would be a blank line, which many readers skip.
                out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "\""), 0x0A])
                continue
            }
            for (i, column) in columns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                switch column.values {
                case .number(let v):
                    guard row < v.count, !v[row].isNaN else { continue }
                    Self.appendNumber(v[row], to: &out)
                case .text(let v):
                    guard row < v.count, let t = v[row] else {
                        if columns.count == 1 { out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "\"")]) }
                        continue
                    }
                    if columns.count == 1, t.isEmpty { out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "\"")]); continue }
                    Self.appendQuoted(t, to: &out)
                case .date(let v):
                    guard row < v.count, v[row] != Int32.min else { continue }
                    if let d = dates[v[row]] {
                        out.append(contentsOf: d)
                    } else {
                        let d = Array(CivilDate(day: v[row]).iso.utf8)
                        if dates.count < 4096 { dates[v[row]] = d }
                        out.append(contentsOf: d)
                    }
                case .bool(let v):
                    guard row < v.count, v[row] <= 1 else { continue }
                    out.append(contentsOf: v[row] == 1 ? Self.trueBytes : Self.falseBytes)
                }
            }
            out.append(0x0A)
        }
        return out
    }

    static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    /// `NumberFormat.exact(x)` as bytes; whole numbers below 10^15 without going through text.
    static func appendNumber(_ x: Double, to out: inout [UInt8]) {
        if x == x.rounded(.towardZero), abs(x) < 1e15 {
            var n = Int64(x)
            if n == 0 { out.append(UInt8(ascii: "0")); return }
            if n < 0 { out.append(UInt8(ascii: "-")); n = -n }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                while n > 0 {
                    buffer[count] = UInt8(ascii: "0") + UInt8(n % 10)
                    n /= 10
                    count += 1
                }
                for i in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[i]) }
            }
            return
        }
        out.append(contentsOf: NumberFormat.exact(x).utf8)
    }

    /// `quoted(field)` appended as bytes.
    static func appendQuoted(_ field: String, to out: inout [UInt8]) {
        var needsQuotes = false
        for u in field.utf8 where u == UInt8(ascii: ",") || u == UInt8(ascii: "\"") || u == 0x0A || u == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            out.append(contentsOf: field.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for u in field.utf8 {
            out.append(u)
            if u == UInt8(ascii: "\"") { out.append(u) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private func appendRecord(_ fields: [String], to out: inout [UInt8]) {
        // A record of one empty field would be a blank line, which many readers skip.
        if fields.count == 1, fields[0].isEmpty {
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "\""), 0x0A])
            return
        }
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            Self.appendQuoted(f, to: &out)
        }
        out.append(0x0A)
    }

    /// The unquoted text of one cell: exact numbers, `true`/`false`, ISO dates, "" when missing.
    static func field(_ cell: Cell) -> String {
        switch cell {
        case .missing: return ""
        case .number(let x): return NumberFormat.exact(x)
        case .text(let s): return s
        case .date(let d): return CivilDate(day: d).iso
        case .bool(let b): return b ? "true" : "false"
        }
    }

    /// `field` as RFC 4180 writes it: in double quotes, inner quotes doubled, when it
    /// contains a comma, a double quote, CR or LF; unchanged otherwise.
    public static func quoted(_ field: String) -> String {
        var needsQuotes = false
        for u in field.utf8 where u == UInt8(ascii: ",") || u == UInt8(ascii: "\"") || u == 0x0A || u == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return field }
        var out = "\""
        for u in field.unicodeScalars {
            if u == "\"" { out += "\"\"" } else { out.unicodeScalars.append(u) }
        }
        return out + "\""
    }
}
