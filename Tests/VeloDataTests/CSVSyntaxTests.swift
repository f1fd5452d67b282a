// The CSV grammar: RFC 4180 quoting, line ends, byte order mark, blank lines, spaces and
// missing values, on strings and on fixture files.

import Testing
@testable import VeloData

@Suite struct CSVSyntaxTests {
    @Test func simpleFileWithTrailingNewline() throws {
        let interner = Interner()
        let t = try parse("a,b\n1,x\n2,y\n", interner: interner)
        #expect(t.names == ["a", "b"])
        #expect(t.rowCount == 2)
        #expect(t.numbers("a") == [1, 2])
        #expect(t.texts("b", interner) == ["x", "y"])
        #expect(t.byteLength == 12)
        #expect(t.sourceLine == nil)
    }

    @Test func trailingNewlineIsOptional() throws {
        let interner = Interner()
        let t = try parse("a,b\n1,x\n2,y", interner: interner)
        #expect(t.rowCount == 2)
        #expect(t.numbers("a") == [1, 2])
        #expect(t.texts("b", interner) == ["x", "y"])
    }

    @Test func crlfLineEnds() throws {
        let interner = Interner()
        for text in ["a,b\r\n1,x\r\n2,y\r\n", "a,b\r\n1,x\r\n2,y", "a,b\r\n1,x\n2,y\r\n"] {
            let t = try parse(text, interner: interner)
            #expect(t.numbers("a") == [1, 2])
            #expect(t.texts("b", interner) == ["x", "y"], "no carriage return may stay in a value")
        }
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let t = try parseBytes([0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n".utf8))
        #expect(t.names == ["a", "b"])
        #expect(t.numbers("a") == [1])
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let interner = Interner()
        let text = "name,note\n\"Widget, large\",\"said \"\"hi\"\"\"\n\"two\nlines\",\"\"\"\"\nplain,\"a\r\nb\"\n"
        let t = try parse(text, interner: interner)
        #expect(t.rowCount == 3)
        #expect(t.texts("name", interner) == ["Widget, large", "two\nlines", "plain"])
        #expect(t.texts("note", interner) == ["said \"hi\"", "\"", "a\r\nb"])
    }

    @Test func quotedNumbersDatesAndBoolsAreTyped() throws {
        let t = try parse("n,d,b\n\"12\",\"2024-01-02\",\"true\"\n\"-1.5\",\"2024-01-03\",\"false\"\n")
        #expect(t.types == [.number, .date, .bool])
        #expect(t.numbers("n") == [12, -1.5])
        #expect(t.dates("d") == ["2024-01-02", "2024-01-03"])
        #expect(t.bools("b") == [true, false])
    }

    @Test func blankLinesAreSkipped() throws {
        let interner = Interner()
        let t = try parse("\n\na,b\n\n1,x\r\n\r\n2,y\n\n\n", interner: interner)
        #expect(t.rowCount == 2)
        #expect(t.numbers("a") == [1, 2])
        #expect(t.texts("b", interner) == ["x", "y"])
    }

    @Test func emptyFieldsAreMissingValues() throws {
        let interner = Interner()
        let t = try parse("n,t,d,b\n,,,\n1,x,2024-01-01,true\n\"\",\"\",\"\",\"\"\n", interner: interner)
        #expect(t.types == [.number, .text, .date, .bool])
        #expect(t.numbers("n") == [nil, 1, nil])
        #expect(t.texts("t", interner) == [nil, "x", nil])
        #expect(t.dates("d") == [nil, "2024-01-01", nil])
        #expect(t.bools("b") == [nil, true, nil])
        guard case .number(let raw)? = t.column(named: "n")?.data else { return }
        #expect(raw[0].isNaN)
        #expect(t.column(named: "t")?.data.isMissing(0) == true)
    }

    @Test func lastFieldMayBeEmptyAtEndOfInput() throws {
        let t = try parse("a,b\n1,")
        #expect(t.rowCount == 1)
        #expect(t.numbers("a") == [1])
        #expect(t.column(named: "b")?.data.isMissing(0) == true)
    }

    @Test func spacesAroundNumbersAndDatesAreTolerated() throws {
        let interner = Interner()
        let t = try parse("n,d,b,t\n 12 ,\t2024-03-04 , true ,  x \n", interner: interner)
        #expect(t.types == [.number, .date, .bool, .text])
        #expect(t.numbers("n") == [12])
        #expect(t.dates("d") == ["2024-03-04"])
        #expect(t.bools("b") == [true])
        #expect(t.texts("t", interner) == ["  x "], "text is kept as is")
    }

    @Test func spacesAfterAClosingQuoteAreTolerated() throws {
        let interner = Interner()
        let t = try parse("a,b\n\"x\"  ,\"y\" \n", interner: interner)
        #expect(t.texts("a", interner) == ["x"])
        #expect(t.texts("b", interner) == ["y"])
    }

    @Test func quoteInsideAnUnquotedFieldIsLiteral() throws {
        let interner = Interner()
        let t = try parse("a\nab\"c\n5\"\n", interner: interner)
        #expect(t.texts("a", interner) == ["ab\"c", "5\""])
    }

    @Test func loneCarriageReturnInsideAFieldIsData() throws {
        let interner = Interner()
        let t = try parse("a,b\nx\ry,1\n", interner: interner)
        #expect(t.texts("a", interner) == ["x\ry"])
        #expect(t.numbers("b") == [1])
    }

    @Test func headerNamesAreUnquotedAndTrimmed() throws {
        let t = try parse("\"first, name\", units ,\"say \"\"x\"\"\"\na,1,b\n")
        #expect(t.names == ["first, name", "units", "say \"x\""])
        #expect(t.column(named: "units")?.type == .number)
    }

    @Test func headerOnlyFileHasNoRows() throws {
        for text in ["a,b", "a,b\n", "a,b\r\n\r\n"] {
            let t = try parse(text, options: CSVOptions(declaredTypes: ["a": .number]))
            #expect(t.rowCount == 0)
            #expect(t.types == [.number, .text])
            #expect(t.columns.allSatisfy { $0.count == 0 })
        }
    }

    @Test func singleColumnFile() throws {
        let t = try parse("units\n1\n2\n\n3\n")
        #expect(t.numbers("units") == [1, 2, 3])
    }

    @Test func fixtureWithByteOrderMarkCRLFAndQuotes() throws {
        let interner = Interner()
        let t = try CSVReader.load(path: fixture("bom_crlf.csv"), options: CSVOptions(), interner: interner)
        #expect(t.names == ["name", "note", "qty"])
        #expect(t.texts("name", interner) == ["Widget, large", "Gadget"])
        #expect(t.texts("note", interner) == ["said \"hi\"", "two\r\nlines"])
        #expect(t.numbers("qty") == [1, 2])
        #expect(t.byteLength == 76)
    }

    @Test func fixtureSalesFile() throws {
        let interner = Interner()
        let path = fixture("sales_small.csv")
        let t = try CSVReader.load(path: path, options: CSVOptions(textColumns: ["sku"]), interner: interner)
        #expect(t.path == path)
        #expect(t.names == ["date", "sku", "channel", "units"])
        #expect(t.types == [.date, .text, .text, .number])
        #expect(t.rowCount == 6)
        #expect(t.dates("date") == ["2024-07-01", "2024-07-01", "2024-07-01", "2024-07-02", "2024-07-02", "2024-07-03"])
        #expect(t.texts("sku", interner) == ["SKU1", "SKU1", "SKU2", "SKU1", "SKU3", "SKU2"])
        #expect(t.texts("channel", interner) == ["web", "store", "web", "web", "store", "web"])
        #expect(t.numbers("units") == [3, 5, -1, 4, nil, 2.5])
        #expect(t.columns.allSatisfy { $0.count == 6 })
    }

    @Test func multilineFieldsKeepPhysicalLineNumbers() {
        // The bad value is on physical line 5: the quoted field of row 1 spans lines 2–4.
        let error = caught {
            _ = try CSVReader.load(path: fixture("multiline.csv"),
                                   options: CSVOptions(declaredTypes: ["qty": .number]), interner: Interner())
        }
        #expect(error?.line == 5)
        #expect(error?.description == fixture("multiline.csv") + ":5:3: expected a number in column `qty`, found \"x20\"")
    }

    @Test func readSchemaInfersFromTheSample() throws {
        let schema = try CSVReader.readSchema(path: fixture("sales_small.csv"), options: CSVOptions(), sampleRows: 1000)
        #expect(schema.path == fixture("sales_small.csv"))
        #expect(schema.columns.map(\.name) == ["date", "sku", "channel", "units"])
        #expect(schema.columns.map(\.type) == [.date, .text, .text, .number])
        #expect(schema.type(of: "units") == .number)
        #expect(schema.type(of: "nope") == nil)
    }

    @Test func readSchemaLooksOnlyAtTheSampleRows() throws {
        var text = "id,v\n"
        for i in 0..<10 { text += "\(i),\(i)\n" }
        text += "10,ten\n"
        let path = temporaryFile(Array(text.utf8))
        let sampled = try CSVReader.readSchema(path: path, options: CSVOptions(), sampleRows: 10)
        #expect(sampled.columns.map(\.type) == [.number, .number])
        // One odd value among numbers in the sample is an error where it is, not a text column.
        let stray = caught { _ = try CSVReader.readSchema(path: path, options: CSVOptions(), sampleRows: 11) }
        #expect(stray?.kind == .badValue && stray?.line == 12 && stray?.column == 2)
        let declared = try CSVReader.readSchema(path: path, options: CSVOptions(declaredTypes: ["v": .text],
                                                                               textColumns: ["id"]))
        #expect(declared.columns.map(\.type) == [.text, .text])
    }

    @Test func readSchemaReadsMoreThanOneBlockWhenNeeded() throws {
        // 3 MB of rows: the sample reader starts with a 1 MB prefix and must cut at a line end.
        var text = "id,name,when\n"
        let row = "12345,\"a name, with a comma\",2024-05-06\n"
        while text.utf8.count < 3 << 20 { text += row }
        text += "x,y,z\n"
        let path = temporaryFile(Array(text.utf8))
        let rows = (3 << 20) / row.utf8.count
        let schema = try CSVReader.readSchema(path: path, options: CSVOptions(), sampleRows: rows)
        #expect(schema.columns.map(\.type) == [.number, .text, .date])
        // The odd last row is found past the first block, where it is.
        let everything = caught { _ = try CSVReader.readSchema(path: path, options: CSVOptions(), sampleRows: rows + 10) }
        #expect(everything?.kind == .badValue && everything?.line == rows + 2 && everything?.column == 1)
    }

    @Test func columnAccessorsAndAppending() throws {
        let interner = Interner()
        let a = try parse("x,y\n1,a\n", interner: interner)
        let b = try parse("x,y\n2,b\n3,\n", interner: interner)
        let both = a.appending(b)
        #expect(both.rowCount == 3)
        #expect(both.numbers("x") == [1, 2, 3])
        #expect(both.texts("y", interner) == ["a", "b", nil])
        #expect(both.byteLength == b.byteLength)
        #expect(both.column(named: "x")?.count == 3)
        #expect(both.column(named: "z") == nil)
        #expect(ColumnData.number([1]).appending(.text([1])) == nil)
        #expect(ColumnData.bool([1, 2]).type == .bool)
    }
}
