// Column types: inference of each type from all rows, the fall back to text when a late
// value does not fit, declared types (enforced) and key text columns.

import Testing
@testable import VeloData

@Suite struct TypeInferenceTests {
    @Test func infersEachType() throws {
        let interner = Interner()
        let t = try parse("""
            n,d,b,t,i
            1,2024-01-31,true,x,7
            -2.5,2024-02-29,FALSE,y,8
            1e3,1999-12-31,True,z,-9
            """, interner: interner)
        #expect(t.types == [.number, .date, .bool, .text, .number])
        #expect(t.numbers("n") == [1, -2.5, 1000])
        #expect(t.dates("d") == ["2024-01-31", "2024-02-29", "1999-12-31"])
        #expect(t.bools("b") == [true, false, true])
        #expect(t.texts("t", interner) == ["x", "y", "z"])
        #expect(t.numbers("i") == [7, 8, -9])
    }

    @Test func columnWithNoValuesIsText() throws {
        let t = try parse("a,b\n,1\n,2\n")
        #expect(t.types == [.text, .number])
        #expect(t.column(named: "a")?.data.isMissing(1) == true)
    }

    @Test func lateMismatchFallsBackToTextKeepingEarlierSpelling() throws {
        let interner = Interner()
        var text = "v,w\n"
        for i in 0..<3000 { text += "\(i).50,\"q\(i)\"\n" }
        text += "n/a,last\n"
        let t = try parse(text, interner: interner)
        #expect(t.types == [.text, .text])
        let values = t.texts("v", interner)
        #expect(values.count == 3001)
        #expect(values[0] == "0.50", "re-read as text, not reformatted from the number")
        #expect(values[2999] == "2999.50")
        #expect(values[3000] == "n/a")
        #expect(t.texts("w", interner)[1] == "q1")
    }

    @Test(arguments: [
        ("1\n2\n2024-01-01\n", ["1", "2", "2024-01-01"]),
        ("2024-01-01\n7\n", ["2024-01-01", "7"]),
        ("true\nfalse\n1\n", ["true", "false", "1"]),
        ("1\ntrue\n", ["1", "true"]),
        ("2024-01-01\nyes\n", ["2024-01-01", "yes"]),
        ("1.5\n\n2\n1.2.3\n", ["1.5", "2", "1.2.3"]),
        ("0x10\n", ["0x10"]),
        ("inf\n", ["inf"]),
        ("nan\n", ["nan"]),
    ] as [(String, [String])])
    func mixedValuesAreText(_ body: String, _ expected: [String]) throws {
        let interner = Interner()
        let t = try parse("v\n" + body, interner: interner)
        #expect(t.types == [.text])
        #expect(t.texts("v", interner) == expected)
    }

    @Test func blanksBeforeTextAreKeptAsText() throws {
        let interner = Interner()
        let t = try parse("v,n\n  ,1\n,2\nabc,3\n", interner: interner)
        #expect(t.texts("v", interner) == ["  ", nil, "abc"])
        let u = try parse("v\n  \n4\n", interner: interner)
        #expect(u.numbers("v") == [nil, 4], "blanks are missing numbers")
    }

    @Test func declaredTypesAreUsedAndEnforced() throws {
        let interner = Interner()
        let options = CSVOptions(declaredTypes: ["code": .text, "qty": .number, "day": .date, "ok": .bool, "absent": .date])
        let t = try parse("code,qty,day,ok\n001,5,2024-06-01,true\n002,,,\n", options: options, interner: interner)
        #expect(t.types == [.text, .number, .date, .bool])
        #expect(t.texts("code", interner) == ["001", "002"])
        #expect(t.numbers("qty") == [5, nil])
        #expect(t.dates("day") == ["2024-06-01", nil])
        #expect(t.bools("ok") == [true, nil])
    }

    @Test(arguments: [
        ("qty", ColumnType.number, "x,qty\n1,2\n1,12x\n", "t.csv:3:2: expected a number in column `qty`, found \"12x\""),
        ("qty", .number, "x,qty\n1,1.2.3\n", "t.csv:2:2: expected a number in column `qty`, found \"1.2.3\""),
        ("day", .date, "day\n2024-01-01\n2024/01/02\n", "t.csv:3:1: expected a date (YYYY-MM-DD) in column `day`, found \"2024/01/02\""),
        ("day", .date, "day\n2024-02-30\n", "t.csv:2:1: expected a date (YYYY-MM-DD) in column `day`, found \"2024-02-30\" (there is no such day)"),
        ("day", .date, "day\n2024-13-01\n", "t.csv:2:1: expected a date (YYYY-MM-DD) in column `day`, found \"2024-13-01\" (there is no such day)"),
        ("ok", .bool, "ok\ntrue\nyes\n", "t.csv:3:1: expected true or false in column `ok`, found \"yes\""),
    ] as [(String, ColumnType, String, String)])
    func declaredTypeMismatchIsAnError(_ column: String, _ type: ColumnType, _ text: String, _ message: String) {
        let error = parseError(text, options: CSVOptions(declaredTypes: [column: type]))
        #expect(error?.description == message)
        #expect(error?.columnName == column)
    }

    @Test func textColumnsStayTextWhateverTheyLookLike() throws {
        let interner = Interner()
        let t = try parse("sku,n\n001,1\n2024-01-01,2\ntrue,3\n", options: CSVOptions(textColumns: ["sku"]), interner: interner)
        #expect(t.types == [.text, .number])
        #expect(t.texts("sku", interner) == ["001", "2024-01-01", "true"])
    }

    @Test func declaredTypeWinsOverTextColumns() throws {
        let t = try parse("id\n1\n", options: CSVOptions(declaredTypes: ["id": .number], textColumns: ["id"]))
        #expect(t.types == [.number])
    }

    @Test func impossibleDayInAnInferredDateColumnIsAnError() {
        let error = caught {
            _ = try CSVReader.load(path: fixture("bad_date.csv"), options: CSVOptions(), interner: Interner())
        }
        #expect(error?.description
            == fixture("bad_date.csv") + ":4:1: expected a date (YYYY-MM-DD) in column `date`, found \"2024-13-01\" (there is no such day)")
        #expect(error?.line == 4)
        #expect(error?.column == 1)
        #expect(error?.columnName == "date")
    }

    @Test func impossibleDayInAColumnThatBecomesTextIsText() throws {
        let interner = Interner()
        let t = try parse("d\n2024-01-01\n2024-02-30\nsoon\n", interner: interner)
        #expect(t.texts("d", interner) == ["2024-01-01", "2024-02-30", "soon"])
    }

    @Test func readSchemaReportsImpossibleDaysToo() {
        let error = caught { _ = try CSVReader.readSchema(path: fixture("bad_date.csv"), options: CSVOptions()) }
        #expect(error?.line == 4)
    }

    @Test func booleansAcceptAnyCase() throws {
        let t = try parse("b\ntrue\nFALSE\ntRuE\nFalse\n")
        #expect(t.bools("b") == [true, false, true, false])
    }
}
