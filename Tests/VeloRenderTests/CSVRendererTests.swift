// CSV: RFC 4180 quoting, cell forms, and a parse-back check with a minimal RFC 4180 reader.

import Testing
import VeloRender

struct CSVRendererTests {
    @Test(arguments: [
        ("plain", "plain"), ("", ""), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("line\nbreak", "\"line\nbreak\""), ("cr\r", "\"cr\r\""), ("crlf\r\n", "\"crlf\r\n\""),
        ("\"", "\"\"\"\""), ("  spaced  ", "  spaced  "), ("ünï 日本 🚚", "ünï 日本 🚚"), ("tab\there", "tab\there"),
    ])
    func quoting(_ field: String, _ expected: String) {
        #expect(CSVRenderer.quoted(field) == expected)
    }

    @Test func cellForms() {
        let table = OutputTable(name: "t", columns: [
            OutputColumn(name: "n", values: .number([120, -0.0, .nan, 1e-7])),
            OutputColumn(name: "d", values: .date([0, -1, Int32.min, 19_723])),
            OutputColumn(name: "b", values: .bool([1, 0, 2, 7])),
            OutputColumn(name: "t", values: .text(["x", nil, "", "y"]), missingReasons: [1: "why"]),
        ])
        #expect(CSVRenderer().render(table) == """
            n,d,b,t
            120,1970-01-01,true,x
            0,1969-12-31,false,
            ,,,
            1e-07,2024-01-01,,y

            """)
    }

    @Test("numbers are written exactly, whole ones by the fast path too")
    func numbersAsNumberFormatExact() {
        let xs: [Double] = [0, -0.0, 1, -1, 7, 10, 99, 100, 12_345, -987_654_321, 999_999_999_999_999, -999_999_999_999_999,
                            1e15, -1e15, 1e16, 123_456_789_012_345, 4_503_599_627_370_496, 0.5, -0.25, 1e-7, 2.0 / 3,
                            1234.5678, 1e300, -1e-300, .ulpOfOne, 9_007_199_254_740_992]
        let table = OutputTable(name: "t", columns: [OutputColumn(name: "x", values: .number(xs)),
                                                     OutputColumn(name: "s", values: .text(xs.map { _ in "a\"b" }))])
        let expected = "x,s\n" + xs.map { NumberFormat.exact($0) + ",\"a\"\"b\"\n" }.joined()
        #expect(CSVRenderer().render(table) == expected)
        #expect(CSVRenderer().renderBytes(table) == Array(expected.utf8))
    }

    @Test func singleEmptyFieldIsQuotedSoTheRecordIsNotABlankLine() {
        let table = OutputTable(name: "t", columns: [OutputColumn(name: "x", values: .number([1, .nan]))])
        #expect(CSVRenderer().render(table) == "x\n1\n\"\"\n")
    }

    @Test func noColumnsIsEmpty() {
        #expect(CSVRenderer().render(OutputTable(name: "t", columns: [], rowCount: 3)) == "")
    }

    @Test func parsesBack() {
        let texts: [String?] = ["a,b", "q\"q", "multi\r\nline", nil, "", "ünï", ",\",\n"]
        let table = OutputTable(name: "t", columns: [OutputColumn(name: "x,y", values: .text(texts))])
        let records = parseCSV(CSVRenderer().render(table))
        #expect(records.first == ["x,y"])
        #expect(records.dropFirst().map { $0 } == texts.map { [$0 ?? ""] })
    }
}

/// A minimal RFC 4180 reader (records end in "\n"; CR inside quotes is data).
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
        if quoted {
            if c == "\"" {
                if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            record.append(field); field = ""
        } else if c == "\n" {
            record.append(field); field = ""
            records.append(record); record = []
        } else {
            field.unicodeScalars.append(c)
        }
    }
    return records
}
