// How `velo run --engine duckdb|spark` reads the child's result rows back (SQLRunner.parseResults):
// `Q` starts a query's rows, cells are tab-separated, `\N` is NULL, text is backslash-escaped.

import Testing
import VeloCheck
import VeloData
@testable import VeloSQL

struct SQLResultParsingTests {
    static func script(_ types: [[VType]]) -> SQLScript {
        SQLScript(dialect: .duckdb, statements: [], queries: types.map {
            ResultQuery(purpose: .flag(0), sql: "", types: $0, keyCount: 0)
        })
    }

    static func parse(_ text: String, _ types: [[VType]]) throws(SQLRunError) -> [[[SQLValue]]] {
        try Array(text.utf8).withUnsafeBufferPointer { (b) throws(SQLRunError) in
            try SQLRunner.parseResults(b, script: script(types))
        }
    }

    @Test func cellsOfEveryType() throws {
        let types: [[VType]] = [[.text, .number, .date, .bool], [.number]]
        let text = "Q\nA\\tB\\\\C\t1.5e-07\t2024-12-31\tt\n\\N\t\\N\t\\N\tfalse\n\nQ\n"
        let out = try Self.parse(text, types)
        #expect(out.count == 2)
        #expect(out[0] == [
            [.text("A\tB\\C"), .number(1.5e-07), .date(CivilDate(year: 2024, month: 12, day: 31)!.day), .bool(true)],
            [.null, .null, .null, .bool(false)],
        ])
        #expect(out[1].isEmpty)
    }

    @Test("numbers the engine cannot give as a Velo value are missing", arguments: ["nan", "inf", "-inf", "1e999", "x"])
    func notANumber(_ cell: String) throws {
        #expect(try Self.parse("Q\n\(cell)\n", [[.number]]) == [[[.null]]])
    }

    static let malformed: [(String, String)] = [
        ("1\n", "unexpected output"),
        ("Q\n1\t2\n", "a row of more than 1 values"),
        ("Q\n1\n", "a row of 1 values, expected 2"),
        ("Q\n", "1 results for 2 queries"),
        ("Q\nQ\nQ\n", "3 results for 2 queries"),
    ]

    @Test("malformed output is an error, not a crash", arguments: 0..<malformed.count)
    func malformedOutput(_ i: Int) {
        let (text, message) = Self.malformed[i]
        let types: [[VType]] = text == "Q\n1\t2\n" ? [[.number]] : [[.number, .number], [.number]]
        #expect(throws: SQLRunError(message)) { try Self.parse(text, types) }
    }
}
