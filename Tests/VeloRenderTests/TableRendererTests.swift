// The terminal table: width fitting, truncation, row limit, alignment, missing values, colour.

import Testing
@testable import VeloRender

struct TableRendererTests {
    /// Display widths of the lines of `s` (without the final newline).
    func lineWidths(_ s: String) -> [Int] {
        s.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { DisplayWidth.of(String($0)) }
    }

    /// Twenty text and numeric columns, about 200 terminal columns wide.
    var wideTable: OutputTable {
        var columns = [OutputColumn(name: "sku", values: .text(["A-1", "B-2"]), isKey: true)]
        for i in 0..<20 {
            if i % 2 == 0 {
                columns.append(OutputColumn(name: "text_\(i)", values: .text(["alpha beta gamma", "δ ε ζ 日本語テキスト"])))
            } else {
                columns.append(OutputColumn(name: "n_\(i)", values: .number([Double(i) * 1234.5, -Double(i)])))
            }
        }
        return OutputTable(name: "wide", columns: columns)
    }

    @Test func wideTableFitsEightyColumns() {
        let natural = TableRenderer().render(wideTable)
        #expect(lineWidths(natural).max()! >= 200)
        let fitted = TableRenderer(width: 80).render(wideTable)
        #expect(lineWidths(fitted).allSatisfy { $0 <= 80 })
        #expect(fitted.contains("…"))
        let footer = fitted.split(separator: "\n").last!
        #expect(footer.hasPrefix("1") && footer.contains("more columns: "))
        // Keys stay, numbers are never cut.
        #expect(fitted.contains("A-1"))
        #expect(fitted.contains("1,234.50"))
    }

    @Test(arguments: [10, 20, 33, 40, 57, 80, 120])
    func everyLineFits(_ width: Int) {
        for table in [wideTable, Fixtures.plan, Fixtures.magnitudes, Fixtures.wide] {
            let out = TableRenderer(width: width, maxRows: 3).render(table)
            #expect(lineWidths(out).allSatisfy { $0 <= width }, "\(table.name) at \(width):\n\(out)")
        }
    }

    @Test func shrinksTheWidestTextColumnFirst() {
        let table = OutputTable(name: "t", columns: [
            OutputColumn(name: "short", values: .text(["abcdefgh"])),
            OutputColumn(name: "long", values: .text([String(repeating: "x", count: 40)])),
        ])
        let out = TableRenderer(width: 30).render(table)
        #expect(out == """
            t (1 row)
            short     long
            ────────  ────────────────────
            abcdefgh  xxxxxxxxxxxxxxxxxxx…

            """)
    }

    @Test func dropsTrailingColumnsWhenShrinkingIsNotEnough() {
        let columns = (1...6).map { OutputColumn(name: "c\($0)", values: .number([123_456_789])) }
        let out = TableRenderer(width: 30).render(OutputTable(name: "t", columns: columns))
        #expect(out == """
            t (1 row)
                     c1           c2
            ───────────  ───────────
            123,456,789  123,456,789
            4 more columns: c3, c4, c5, c6

            """)
    }

    @Test func rowLimit() {
        let n = 10_000
        let table = OutputTable(name: "big", columns: [
            OutputColumn(name: "i", values: .number((0..<n).map(Double.init))),
        ])
        let out = TableRenderer(maxRows: 10).render(table)
        let lines = out.split(separator: "\n")
        #expect(lines.first == "big (10,000 rows)")
        #expect(lines.count == 1 + 2 + 10 + 1)
        #expect(lines.last == "… 9,990 more rows")
        #expect(TableRenderer(maxRows: 9_999).render(table).hasSuffix("… 1 more row\n"))
        #expect(!TableRenderer(maxRows: 10_000).render(table).contains("more row"))
    }

    @Test func missingValuesAndAlignment() {
        let table = OutputTable(name: "t", columns: [
            OutputColumn(name: "x", values: .number([1.5, .nan, .nan, 1000]), missingReasons: [1: "division by zero"]),
            OutputColumn(name: "k", values: .number([1, 2, 3, 4]), isKey: true),
            OutputColumn(name: "ok", values: .bool([1, 0, 2, 1])),
        ])
        #expect(TableRenderer().render(table) == """
            t (4 rows)
            k                     x  ok
            ─  ────────────────────  ───
            1                  1.50  yes
            2  — (division by zero)  no
            3                     —  —
            4              1,000.00  yes

            """)
    }

    @Test func colorOnlyWhenAsked() {
        let table = OutputTable(name: "t", columns: [OutputColumn(name: "x", values: .number([.nan, 1]))])
        #expect(!TableRenderer().render(table).contains("\u{1B}"))
        let colored = TableRenderer(color: true).render(table)
        #expect(colored.contains("\u{1B}[1mx\u{1B}[0m"))
        #expect(colored.contains("\u{1B}[2m—\u{1B}[0m"))
    }

    @Test func lineBreaksInCellsStayOnOneLine() {
        let table = OutputTable(name: "t", columns: [OutputColumn(name: "x", values: .text(["a\nb\r\nc\td\u{1}"]))])
        #expect(TableRenderer().render(table).contains("a↵b↵c d�"))
    }

    @Test func noColumns() {
        #expect(TableRenderer().render(OutputTable(name: "t", columns: [], rowCount: 2)) == "t (2 rows)\n")
    }
}
