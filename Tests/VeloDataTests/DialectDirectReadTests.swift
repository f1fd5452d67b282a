// A dialect file read directly by the row parser (each field rewritten as it is read) gives
// the very table, schema and errors that transcoding it to the plain form first gives: a
// matrix of separators, decimal marks, thousands separators, date formats, line ends,
// mappings and declared types, and a bad cell in each.

import Testing
@testable import VeloData

/// One way a file is written and declared.
struct DialectCase: Sendable, CustomStringConvertible {
    var delimiter: String
    var decimal: String = "."
    var thousands: String? = nil
    var dates: String? = nil
    var crlf = false
    var bom = false
    /// Header mapping (`name = "Header"`), which selects columns.
    var mapped = false
    var declared = false

    var description: String {
        "\(delimiter == "\t" ? "tab" : delimiter) decimal \(decimal) thousands \(thousands ?? "-") dates \(dates ?? "iso")"
            + (crlf ? " crlf" : "") + (bom ? " bom" : "") + (mapped ? " mapped" : "") + (declared ? " declared" : "")
    }

    var settings: SourceSettings {
        var options: [String: SettingValue] = ["delimiter": .text(delimiter), "decimal": .text(decimal)]
        if let thousands { options["thousands"] = .text(thousands) }
        if let dates { options["dates"] = .text(dates) }
        let columns = mapped
            ? [ColumnSpec(name: "sku", header: "Item Number"), ColumnSpec(name: "date", header: "Order Date"),
               ColumnSpec(name: "units", header: "Quantity"), ColumnSpec(name: "price", header: "Unit Price")]
            : []
        return SourceSettings(options: options, columns: columns)
    }

    var options: ReadOptions {
        guard declared else { return ReadOptions(keyColumns: ["sku"]) }
        return ReadOptions(declaredTypes: ["date": .date, "units": .number, "price": .number], textColumns: ["sku"])
    }

    /// `yyyy-mm-dd` in this case's date format.
    func date(_ iso: String) -> String {
        let p = iso.split(separator: "-").map(String.init)
        switch dates {
        case "dd.mm.yyyy"?: return "\(p[2]).\(p[1]).\(p[0])"
        case "mm/dd/yyyy"?: return "\(p[1])/\(p[2])/\(p[0])"
        case "yyyy/mm/dd"?: return "\(p[0])/\(p[1])/\(p[2])"
        default: return iso
        }
    }

    /// A number written with this case's marks (`1234.5` as `1.234,5`).
    func number(_ plain: String) -> String {
        var parts = plain.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if let t = thousands, parts[0].count > 3 {
            var digits = parts[0]
            var grouped = ""
            while digits.count > 3 {
                grouped = t + String(digits.suffix(3)) + grouped
                digits = String(digits.dropLast(3))
            }
            parts[0] = digits + grouped
        }
        return parts.joined(separator: decimal)
    }

    /// The file: a header with spaces, a quoted description holding the separator, a note
    /// column of text that looks like numbers, each date on two rows in a row (as in an export
    /// sorted by date), and `bad` (if any) in row 3's `column`.
    func file(badCell: (column: Int, value: String)? = nil) -> [UInt8] {
        let d = delimiter, end = crlf ? "\r\n" : "\n"
        var rows = [["Order No", "Order Date", "Item Number", "Quantity", "Unit Price", "Description", "Note"]]
        let dates = ["2024-01-05", "2024-01-06", "2024-02-29", "2024-12-31", "2024-03-01"]
        for i in 0..<24 {
            let note = i % 3 == 0 ? number("1.5") : i % 3 == 1 ? "" : "n/a"
            rows.append(["\(1000 + i)", date(dates[(i / 2) % dates.count]), "SKU\(i % 4)", number("\(i * 250)"),
                         number("\(i)2.5"), "\"Box \(d) \"\"large\"\" \(i)\"", note])
        }
        if let bad = badCell { rows[3][bad.column] = bad.value }
        var text = bom ? "\u{FEFF}" : ""
        for r in rows { text += r.joined(separator: d) + end }
        return Array(text.utf8)
    }

    /// Two more rows, written as `file` writes its rows.
    func moreRows() -> [UInt8] {
        let d = delimiter, end = crlf ? "\r\n" : "\n"
        let rows = [["2000", date("2024-04-01"), "SKU1", number("1250"), number("12.5"), "\"Extra \(d) one\"", number("2.5")],
                    ["2001", date("2024-04-02"), "SKU9", number("7"), number("3.25"), "plain", "n/a"]]
        return Array(rows.map { $0.joined(separator: d) + end }.joined().utf8)
    }
}

/// Every column of a table as text: name, type, values.
func shown(_ table: DataTable, _ interner: Interner) -> [String] {
    table.columns.map { c in
        let values: [String]
        switch c.data {
        case .number(let v): values = v.map { $0.isNaN ? "-" : "\($0)" }
        case .text(let v): values = v.map { $0 < 0 ? "-" : interner.string($0) }
        case .date(let v): values = v.map { $0 == ColumnData.missingDate ? "-" : CivilDate(day: $0).iso }
        case .bool(let v): values = v.map { "\($0)" }
        }
        return "\(c.name): \(c.type) = " + values.joined(separator: "|")
    }
}

@Suite struct DialectDirectReadTests {
    static let cases: [DialectCase] = {
        var out: [DialectCase] = []
        for delimiter in [";", "\t", "|"] {
            for (decimal, thousands) in [(".", nil), (",", nil), (",", "."), (".", ","), (",", " ")] as [(String, String?)] {
                for dates in [nil, "dd.mm.yyyy", "mm/dd/yyyy", "yyyy/mm/dd"] as [String?] {
                    out.append(DialectCase(delimiter: delimiter, decimal: decimal, thousands: thousands, dates: dates))
                }
            }
        }
        for mapped in [false, true] {
            for declared in [false, true] {
                out.append(DialectCase(delimiter: ";", decimal: ",", dates: "dd.mm.yyyy", crlf: true, bom: declared, mapped: mapped, declared: declared))
                out.append(DialectCase(delimiter: "\t", decimal: ",", thousands: ".", dates: "mm/dd/yyyy", crlf: !declared, mapped: mapped, declared: declared))
            }
        }
        out.append(DialectCase(delimiter: ",", dates: "yyyy/mm/dd", crlf: true))
        return out
    }()

    /// The table (or error) and schema read each way, and the cursor the read leaves (where
    /// in the file's own bytes the next read starts). With `appended`, those bytes are then
    /// added to the file and read as appended rows from that cursor.
    func both(_ c: DialectCase, _ bytes: [UInt8], appended: [UInt8]? = nil) -> (direct: [String], transcoded: [String]) {
        func run(_ directly: Bool) -> [String] {
            let path = temporaryFile(bytes)
            var reader = DialectCSVReader(path: path, settings: c.settings)
            reader.readsDirectly = directly
            let interner = Interner()
            do {
                let schema = try reader.schema(options: c.options)
                let read = try reader.read(options: c.options, interner: interner)
                var out = ["schema: " + schema.columns.map { "\($0.name) \($0.type)" }.joined(separator: ", "),
                           "available: " + schema.available.joined(separator: ", "),
                           "rows: \(read.table.rowCount), cursor: \(cursorText(read.cursor))"] + shown(read.table, interner)
                #expect(read.cursor.position == bytes.count, "the whole file was read")
                guard let appended else { return out }
                writeFile(path, bytes + appended)
                let change = try reader.changes(since: read.cursor, schema: DataSchema(path: path, columns: read.table.columns.map { ($0.name, $0.type) }), options: c.options,
                                                interner: interner, appends: true)
                switch change {
                case .none: out.append("appended: none")
                case .replaced(let t, let cursor): out += ["replaced: \(t.rowCount) rows, cursor: \(cursorText(cursor))"] + shown(t, interner)
                case .appended(let t, let cursor): out += ["appended: \(t.rowCount) rows, cursor: \(cursorText(cursor))"] + shown(t, interner)
                }
                return out
            } catch {
                return ["error at \(error.line):\(error.column.map(String.init) ?? "-")", error.message]
            }
        }
        return (run(true), run(false))
    }

    func cursorText(_ cursor: SourceCursor) -> String {
        "\(cursor.position) \(String(decoding: cursor.fingerprint, as: UTF8.self).debugDescription)"
            + (cursor.lastRowOpen ? " open" : "")
    }

    @Test("a dialect file read directly equals it transcoded", arguments: cases)
    func sameTable(_ c: DialectCase) {
        let (direct, transcoded) = both(c, c.file())
        #expect(direct == transcoded)
        #expect(!direct[0].hasPrefix("error"), "\(direct)")
    }

    @Test("rows appended after a direct read are read alone, from the same cursor as after transcoding", arguments: cases)
    func sameAppend(_ c: DialectCase) {
        let more = c.moreRows()
        let (direct, transcoded) = both(c, c.file(), appended: more)
        #expect(direct == transcoded)
        #expect(direct.contains { $0.hasPrefix("appended: 2 rows, cursor: \(c.file().count + more.count) ") }, "\(direct)")
    }

    @Test("a bad cell is the same error, at the same line and column", arguments: cases)
    func sameError(_ c: DialectCase) {
        for bad in [(1, "31.02.2024x"), (3, "12x"), (4, "1.2.3,4"), (1, c.date("2024-02-30")), (3, "")] {
            let (direct, transcoded) = both(c, c.file(badCell: bad))
            #expect(direct == transcoded, "bad \(bad)")
        }
        // A quote left open: the same place; the row parser's message also names the column.
        let (direct, transcoded) = both(c, c.file(badCell: (5, "\"open")))
        #expect(direct.first == transcoded.first)
        #expect(direct.first?.hasPrefix("error at") == true)
    }

    @Test("a date format packed for the row parser reads and names dates as the format does")
    func datePattern() throws {
        for text in ["dd.mm.yyyy", "d.m.yy", "mm/dd/yyyy", "yyyy/m/d", "yyyy-mm-dd"] {
            let format = try #require(DateFormat(text))
            #expect(format.pattern.description == text)
            #expect(format.pattern.count == format.parts.count)
        }
        let format = try #require(DateFormat("dd.mm.yyyy"))
        let bytes = Array("29.02.2024".utf8)
        let reading = bytes.withUnsafeBufferPointer { format.read($0.baseAddress!, $0.count) }
        guard case .day(let d) = reading else { Issue.record("\(reading)"); return }
        #expect(CivilDate(day: d).iso == "2024-02-29")
        // More parts than the packed form holds: not a format.
        #expect(DateFormat("dd.mm.yyyy" + String(repeating: "-", count: 12)) == nil)
        #expect(DateFormat("dd.mm.yyyy" + String(repeating: "-", count: 11)) != nil)
    }

    @Test("a file the row parser does not read as it is is still transcoded")
    func transcodedStill() throws {
        let path = temporaryFile(Array("# a comment\nsku;units\n1;2,5\n".utf8))
        let settings = SourceSettings(options: ["delimiter": .text(";"), "decimal": .text(","), "comment": .text("#")])
        let interner = Interner()
        let table = try DialectCSVReader(path: path, settings: settings).read(options: ReadOptions(), interner: interner).table
        #expect(table.numbers("units") == [2.5])
    }
}
