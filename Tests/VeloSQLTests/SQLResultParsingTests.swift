// How `velo run --engine duckdb|spark` reads the child's result rows back (SQLRunner.parseResults):
// `Q` starts a query's rows, `R` each row, cells are tab-separated, `\N` is NULL, text is
// backslash-escaped.

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
        let text = "Q\nRA\\tB\\\\C\t1.5e-07\t2024-12-31\tt\nR\\N\t\\N\t\\N\tfalse\nQ\n"
        let out = try Self.parse(text, types)
        #expect(out.count == 2)
        #expect(out[0] == [
            [.text("A\tB\\C"), .number(1.5e-07), .date(CivilDate(year: 2024, month: 12, day: 31)!.day), .bool(true)],
            [.null, .null, .null, .bool(false)],
        ])
        #expect(out[1].isEmpty)
    }

    @Test("dates before year 1 as PostgreSQL and DuckDB write them are the astronomical years")
    func datesBeforeYearOne() throws {
        let out = try Self.parse("Q\nR0044-03-15 BC\nR0044-03-15 (BC)\nR0001-01-01 BC\nR2024-01-05\nR2024-01-05 12:00:00\n", [[.date]])
        let day = { (y: Int, m: Int, d: Int) in SQLValue.date(CivilDate(year: y, month: m, day: d)!.day) }
        #expect(out == [[[day(-43, 3, 15)], [day(-43, 3, 15)], [day(0, 1, 1)], [day(2024, 1, 5)], [day(2024, 1, 5)]]])
    }

    @Test("a one-column row of an empty text or of `Q` is a row, not a blank or a new query")
    func rowsThatLookLikeMarkers() throws {
        let out = try Self.parse("Q\nR\nRQ\nQ\nRQ\n", [[.text], [.text]])
        #expect(out == [[[.text("")], [.text("Q")]], [[.text("Q")]]])
    }

    @Test("numbers the engine cannot give as a Velo value are missing", arguments: ["nan", "inf", "-inf", "1e999", "x"])
    func notANumber(_ cell: String) throws {
        #expect(try Self.parse("Q\nR\(cell)\n", [[.number]]) == [[[.null]]])
    }

    static let malformed: [(String, String)] = [
        ("1\n", "unexpected output"),
        ("Q\nR1\t2\n", "a row of more than 1 values"),
        ("Q\nR1\n", "a row of 1 values, expected 2"),
        ("Q\n1\n", "unexpected output"),
        ("Q\n\nQ\n", "unexpected output"),
        ("Q\n", "1 results for 2 queries"),
        ("Q\nQ\nQ\n", "3 results for 2 queries"),
    ]

    @Test("malformed output is an error, not a crash", arguments: 0..<malformed.count)
    func malformedOutput(_ i: Int) {
        let (text, message) = Self.malformed[i]
        let types: [[VType]] = text == "Q\nR1\t2\n" ? [[.number]] : [[.number, .number], [.number]]
        #expect(throws: SQLRunError(message)) { try Self.parse(text, types) }
    }

    /// DuckDB encodes each row itself (SQLRunner's `lines`): every kind of value, including
    /// the ones escaping exists for, must come back as the value DuckDB computed.
    @Test("every kind of value survives DuckDB's own encoding of the rows")
    func duckDBEncoding() throws {
        let query = """
            -- one comment line, as the flag queries have
            SELECT * FROM (VALUES
              (1, 'tab\there' || chr(10) || 'line' || chr(13) || 'back\\slash', 0.1::DOUBLE, DATE '2024-02-29', TRUE, 3::BIGINT),
              (2, NULL, 'nan'::DOUBLE, NULL, FALSE, 170141183460469231731687303715884105727::HUGEINT),
              (3, '', 'inf'::DOUBLE, DATE '0044-03-15 (BC)', NULL, NULL),
              (4, 'Q', 1e20::DOUBLE, DATE '2099-12-31', TRUE, -5::BIGINT)
            ) AS v(i, t, x, d, b, n) ORDER BY i
            """
        let types: [VType] = [.number, .text, .number, .date, .bool, .number]
        let script = SQLScript(dialect: .duckdb, statements: [], queries: [
            ResultQuery(purpose: .flag(0), sql: query, types: types, keyCount: 0),
            ResultQuery(purpose: .flag(1), sql: "SELECT * FROM (VALUES (1, ''), (2, 'Q')) AS v(i, t) ORDER BY i",
                        types: [.number, .text], keyCount: 0),
            ResultQuery(purpose: .flag(2), sql: "SELECT t FROM (VALUES (1, ''), (2, 'Q')) AS v(i, t) ORDER BY i",
                        types: [.text], keyCount: 0),
        ])
        let results = try SQLRunner.run(script, options: SQLEngineOptions())
        #expect(results.count == 3)
        #expect(results.dropFirst().map { $0.map { $0.last } } == [[.text(""), .text("Q")], [.text(""), .text("Q")]])
        let rows = results[0]
        let day = { (y: Int, m: Int, d: Int) in SQLValue.date(CivilDate(year: y, month: m, day: d)!.day) }
        #expect(rows == [
            [.number(1), .text("tab\there\nline\rback\\slash"), .number(0.1), day(2024, 2, 29), .bool(true), .number(3)],
            [.number(2), .null, .null, .null, .bool(false), .number(1.7014118346046923e38)],
            [.number(3), .text(""), .null, day(-43, 3, 15), .null, .null],
            [.number(4), .text("Q"), .number(1e20), day(2099, 12, 31), .bool(true), .number(-5)],
        ])
    }
}
