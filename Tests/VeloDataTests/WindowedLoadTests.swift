// The window push-down in the CSV reader: loading only the rows dated inside a window,
// block by block, must give exactly the rows a whole load keeps after filtering — for a
// file in date order and out of it, with rows cut at every block boundary, rows without a
// date, quotes, CRLF line ends and a last line without its line break — and the same
// errors at the same file lines.

import Testing
@testable import VeloData

@Suite struct WindowedLoadTests {
    static let declared = CSVOptions(declaredTypes: ["date": .date, "sku": .text, "units": .number])

    /// `days` days of rows from 2024-03-01 for three SKUs; `shuffled`: not in date order.
    static func sales(days: Int, shuffled: Bool = false, crlf: Bool = false) -> String {
        var rows: [String] = []
        for d in 0..<days {
            let date = CivilDate(day: CivilDate(iso: "2024-03-01")!.day + Int32(d)).iso
            for sku in ["A", "B", "C"] { rows.append("\(date),\(sku),\(d * 3 + Int(sku.utf8.first! % 7))") }
        }
        if shuffled {
            // A fixed permutation: every 7th row first, then the rest.
            rows = stride(from: 0, to: rows.count, by: 7).map { rows[$0] }
                + rows.indices.filter { $0 % 7 != 0 }.map { rows[$0] }
        }
        let end = crlf ? "\r\n" : "\n"
        return "date,sku,units" + end + rows.joined(separator: end) + end
    }

    /// The rows of a whole load inside `window`, as text, in file order.
    static func expected(_ path: String, _ window: RowWindow, _ interner: Interner) throws -> [String] {
        let whole = try CSVReader.load(path: path, options: declared, interner: interner)
        guard case .date(let dates)? = whole.column(named: "date")?.data else { return [] }
        let latest = dates.filter { $0 != ColumnData.missingDate }.max() ?? .min
        let first = window.firstDay(latest: latest)
        return rowsText(whole, interner).enumerated()
            .filter { dates[$0.offset] >= first || dates[$0.offset] == ColumnData.missingDate }.map(\.element)
    }

    static func rowsText(_ t: DataTable, _ interner: Interner) -> [String] {
        let dates = t.dates("date"), skus = t.texts("sku", interner), units = t.numbers("units")
        return (0..<t.rowCount).map { "\(dates[$0] ?? "-") \(skus[$0] ?? "-") \(units[$0].map { "\($0)" } ?? "-")" }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func blocksKeepWhatAWholeLoadKeeps(shuffled: Bool, crlf: Bool) throws {
        let path = temporaryFile(Array(Self.sales(days: 60, shuffled: shuffled, crlf: crlf).utf8))
        for days in [1, 7, 35, 59, 60, 400] {
            for block in [7, 64, 100, 1000, 1 << 20] {
                let interner = Interner()
                let window = RowWindow(column: "date", days: days)
                let got = try CSVReader.load(path: path, options: Self.declared, window: window, interner: interner, blockBytes: block)
                let want = try Self.expected(path, window, interner)
                #expect(Self.rowsText(got, interner) == want, "days \(days), block \(block)")
                #expect(got.byteLength == FileProbe.sizeOrZero(path))
            }
        }
    }

    @Test func aGivenAsOfDateSetsTheWindow() throws {
        let path = temporaryFile(Array(Self.sales(days: 30).utf8))
        let interner = Interner()
        let window = RowWindow(column: "date", days: 2, asOf: CivilDate(iso: "2024-03-10")!.day)
        let got = try CSVReader.load(path: path, options: Self.declared, window: window, interner: interner, blockBytes: 50)
        // 2024-03-09 on: the two days of the window and every later row.
        #expect(got.rowCount == 22 * 3)
        #expect(got.dates("date").first == "2024-03-09")
    }

    @Test func rowsWithoutADateAndQuotedFieldsAreKept() throws {
        let text = "date,sku,units\n2024-01-01,A,1\n,\"B, quoted\",2\n2024-02-01,\"C\nwith a line break\",3\n2024-02-02,D,4\n"
        let path = temporaryFile(Array(text.utf8))
        for block in [5, 16, 40, 1 << 20] {
            let interner = Interner()
            let got = try CSVReader.load(path: path, options: Self.declared, window: RowWindow(column: "date", days: 5),
                                         interner: interner, blockBytes: block)
            #expect(got.texts("sku", interner) == ["B, quoted", "C\nwith a line break", "D"], "block \(block)")
        }
    }

    @Test func aQuoteInsideAnUnquotedFieldIsText() throws {
        // `12" pipe` is text, not an opening quote: the multi-line quoted field after it must
        // not be cut at a block boundary.
        var text = "date,sku,units,note\n"
        for d in 1...9 { text += "2024-01-0\(d),A,\(d),plain\n" }
        text += "2024-01-10,A,10,12\" pipe\n2024-01-11,B,11,\"line one\nline \"\"two\"\"\"\n2024-01-12,C,12,end\n"
        let path = temporaryFile(Array(text.utf8))
        let options = CSVOptions(declaredTypes: ["date": .date, "sku": .text, "units": .number, "note": .text])
        let whole = try CSVReader.load(path: path, options: options, interner: Interner())
        #expect(whole.rowCount == 12)
        for block in 8...text.utf8.count + 1 {
            let interner = Interner()
            let got = try CSVReader.load(path: path, options: options, window: RowWindow(column: "date", days: 3),
                                         interner: interner, blockBytes: block)
            #expect(got.texts("note", interner) == ["12\" pipe", "line one\nline \"two\"", "end"], "block \(block)")
        }
    }

    @Test(arguments: [
        ("a,b\nc,d\n", 8), ("a,b\nc,d", 4), ("no line end", 0), ("x,\"open\nstill", 0),
        ("x,\"a\nb\"\ny\n", 10), ("x,1\"\ny,\"z\n", 5), ("\"q\"\"\n\"\n", 7), ("a\r\nb,\"c\r\n", 3),
    ] as [(String, Int)])
    func recordsEndOutsideQuotedFields(text: String, expected: Int) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { CSVReader.completeRecordsEnd($0.baseAddress!, from: 0, count: $0.count) } == expected, "\(text)")
    }

    @Test func aLastLineWithoutLineBreak() throws {
        let path = temporaryFile(Array("date,sku,units\n2024-01-01,A,1\n2024-01-09,B,2\n2024-01-10,C,3".utf8))
        let interner = Interner()
        let got = try CSVReader.load(path: path, options: Self.declared, window: RowWindow(column: "date", days: 2),
                                     interner: interner, blockBytes: 16)
        #expect(got.texts("sku", interner) == ["B", "C"])
        #expect(got.byteLength == FileProbe.sizeOrZero(path))
    }

    @Test func errorsNameTheirFileLineInAnyBlock() throws {
        // A bad number in a row the window keeps; in any row, a field too few and a bad date
        // (a row's date and field count are read before it is left out).
        let lines = Self.sales(days: 20).split(separator: "\n").map(String.init)
        let cases: [(Int, String, String)] = [
            (59, "2024-03-20,A,1x", ":60:3: expected a number in column `units`, found \"1x\""),
            (20, "2024-03-07,A", ":21: row has 2 fields, the header has 3"),
            (30, "2024-13-01,A,1", ":31:1: expected a date"),
        ]
        for (index, line, message) in cases {
            var bad = lines
            bad[index] = line
            let path = temporaryFile(Array((bad.joined(separator: "\n") + "\n").utf8))
            for block in [64, 200, 1 << 20] {
                let windowed = caught {
                    _ = try CSVReader.load(path: path, options: Self.declared, window: RowWindow(column: "date", days: 3),
                                           interner: Interner(), blockBytes: block)
                }
                let whole = caught { _ = try CSVReader.load(path: path, options: Self.declared, interner: Interner()) }
                #expect(windowed?.description.contains(path + message) == true, "\(windowed?.description ?? "no error"), block \(block)")
                #expect(windowed?.description == whole?.description, "\(windowed?.description ?? "no error"), block \(block)")
            }
        }
    }

    @Test func aBadValueInARowLeftOutIsNotRead() throws {
        // Rows the window leaves out are read for their date and field count only: a bad
        // number there is not an error of the windowed load (the whole load reports it).
        var lines = Self.sales(days: 20).split(separator: "\n").map(String.init)
        lines[39] = "2024-03-13,A,12x"
        let path = temporaryFile(Array((lines.joined(separator: "\n") + "\n").utf8))
        let interner = Interner()
        let got = try CSVReader.load(path: path, options: Self.declared, window: RowWindow(column: "date", days: 3),
                                     interner: interner, blockBytes: 100)
        #expect(got.rowCount == 9)
        let whole = caught { _ = try CSVReader.load(path: path, options: Self.declared, interner: Interner()) }
        #expect(whole?.description == path + ":40:3: expected a number in column `units`, found \"12x\"")
    }

    @Test func undeclaredColumnsLoadWholeThenKeepTheWindow() throws {
        // `units` not declared: its type could change with a later value, so the file is read whole.
        let path = temporaryFile(Array("date,sku,units\n2024-01-01,A,1\n2024-01-09,B,x\n2024-01-10,C,3\n".utf8))
        let interner = Interner()
        let options = CSVOptions(declaredTypes: ["date": .date, "sku": .text])
        let got = try CSVReader.load(path: path, options: options, window: RowWindow(column: "date", days: 2),
                                     interner: interner, blockBytes: 16)
        #expect(got.texts("sku", interner) == ["B", "C"])
        #expect(got.column(named: "units")?.type == .text)
    }

    @Test func anEmptyFileAndAHeaderOnly() throws {
        let window = RowWindow(column: "date", days: 3)
        let empty = caught {
            _ = try CSVReader.load(path: temporaryFile([]), options: Self.declared, window: window, interner: Interner())
        }
        #expect(empty?.kind == .empty)
        let header = try CSVReader.load(path: temporaryFile(Array("date,sku,units\n".utf8)), options: Self.declared,
                                        window: window, interner: Interner())
        #expect(header.rowCount == 0)
        #expect(header.types == [.date, .text, .number])
    }
}

extension FileProbe {
    static func sizeOrZero(_ path: String) -> Int { (try? size(of: path)) ?? 0 }
}
