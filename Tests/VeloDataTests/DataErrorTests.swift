// Every way a file can be rejected, with the exact message a planner would read, and the
// guarantee that a rejected file leaves nothing behind (and never crashes the process).

import Testing
@testable import VeloData

@Suite struct DataErrorTests {
    @Test(arguments: [
        ("a,b,c,d\n1,2,3,4\n1,2,3\n", "t.csv:3: row has 3 fields, the header has 4"),
        ("a,b\n1,2,3\n", "t.csv:2: row has 3 fields, the header has 2"),
        ("a,b\n1\n", "t.csv:2: row has 1 field, the header has 2"),
        ("a,b\n1,2\n\n\"x,y\"\n", "t.csv:4: row has 1 field, the header has 2"),
        ("a,b\n1,2,\n", "t.csv:2: row has 3 fields, the header has 2"),
    ])
    func wrongFieldCount(_ text: String, _ message: String) {
        let error = parseError(text)
        #expect(error?.description == message)
        #expect(error?.column == nil)
    }

    @Test func wrongFieldCountIsReportedBeforeATypeError() {
        let error = parseError("a,b,c\n1,2,3\nstray line\n", options: CSVOptions(declaredTypes: ["a": .number]))
        #expect(error?.description == "t.csv:3: row has 1 field, the header has 3")
    }

    @Test func malformedFieldsAfterTheLastColumn() {
        #expect(parseError("a,b\n1,2,\"open\n")?.description == "t.csv:2: row has 3 fields, the header has 2")
        #expect(parseError("a,b\n1,2,\"x\"y,4\n")?.description == "t.csv:2: row has 4 fields, the header has 2")
        let typeFirst = parseError("a,b,c\nx,2,\"open\n", options: CSVOptions(declaredTypes: ["a": .number]))
        #expect(typeFirst?.description == "t.csv:2:1: expected a number in column `a`, found \"x\"")
    }

    @Test func unterminatedQuote() {
        let error = parseError("a,b\n1,\"open\n2,3\n")
        #expect(error?.description == "t.csv:2:2: unterminated quoted field in column `b`: the closing quote is missing")
        #expect(error?.columnName == "b")
    }

    @Test func textAfterAClosingQuote() {
        let error = parseError("a,b\n\"x\"y,1\n")
        #expect(error?.description
            == "t.csv:2:1: expected a comma or a line end after the closing quote in column `a`, found \"y\"")
    }

    @Test func duplicateHeaderName() {
        let error = parseError("a,b,a\n1,2,3\n")
        #expect(error?.description == "t.csv:1:3: duplicate column name `a` in the header (columns 1 and 3)")
        #expect(error?.columnName == "a")
    }

    @Test func duplicateHeaderNameAfterTrimming() {
        #expect(parseError("a, a\n")?.description == "t.csv:1:2: duplicate column name `a` in the header (columns 1 and 2)")
    }

    @Test func emptyHeaderName() {
        #expect(parseError("a,,c\n1,2,3\n")?.description == "t.csv:1:2: column 2 has an empty name in the header")
        #expect(parseError("a,b,\n")?.description == "t.csv:1:3: column 3 has an empty name in the header")
        #expect(parseError("\n\na,\"  \"\n")?.description == "t.csv:3:2: column 2 has an empty name in the header")
    }

    @Test func headerProblemsInQuotes() {
        #expect(parseError("a,\"b\n")?.description
            == "t.csv:1:2: unterminated quoted field in the header: the closing quote is missing")
        #expect(parseError("\"a\"x\n")?.description
            == "t.csv:1:1: expected a comma or a line end after the closing quote in the header, found \"x\"")
    }

    @Test(arguments: [[UInt8](), [0xEF, 0xBB, 0xBF], Array("\n\r\n\n".utf8)])
    func emptyInput(_ bytes: [UInt8]) {
        let error = parseError(bytes: bytes)
        #expect(error?.description == "t.csv: the file is empty; a header row is required")
        #expect(error?.line == 0)
    }

    @Test func emptyFixtureFile() {
        let path = fixture("empty.csv")
        let error = caught { _ = try CSVReader.load(path: path, options: CSVOptions(), interner: Interner()) }
        #expect(error?.description == path + ": the file is empty; a header row is required")
        let schemaError = caught { _ = try CSVReader.readSchema(path: path, options: CSVOptions()) }
        #expect(schemaError?.description == path + ": the file is empty; a header row is required")
    }

    @Test func missingFile() {
        let error = caught {
            _ = try CSVReader.load(path: "/nonexistent/sales.csv", options: CSVOptions(), interner: Interner())
        }
        #expect(error?.description == "/nonexistent/sales.csv: cannot read the file: No such file or directory")
        let schemaError = caught { _ = try CSVReader.readSchema(path: "/nonexistent/sales.csv", options: CSVOptions()) }
        #expect(schemaError?.line == 0)
    }

    @Test func directoryIsNotAFile() {
        let error = caught { _ = try CSVReader.load(path: "/tmp", options: CSVOptions(), interner: Interner()) }
        #expect(error?.description == "/tmp: cannot read the file: it is a directory, not a file")
    }

    @Test func invalidUTF8InText() {
        let path = fixture("invalid_utf8.csv")
        let interner = Interner()
        let error = caught { _ = try CSVReader.load(path: path, options: CSVOptions(), interner: interner) }
        #expect(error?.description == path + ":3:2: expected UTF-8 text in column `name`, found the invalid byte 0xFF")
        #expect(interner.count == 0, "nothing is half-loaded")
    }

    @Test(arguments: [
        [0xC3] as [UInt8],            // truncated
        [0xC0, 0x80],                 // overlong
        [0xED, 0xA0, 0x80],           // surrogate
        [0xF4, 0x90, 0x80, 0x80],     // above U+10FFFF
        [0x80],                       // stray continuation
        [0xE2, 0x82],                 // truncated three-byte
    ])
    func invalidUTF8Sequences(_ bad: [UInt8]) {
        let bytes = Array("t\n".utf8) + Array("ok".utf8) + bad + Array("\n".utf8)
        let error = parseError(bytes: bytes)
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("expected UTF-8 text in column `t`, found the invalid byte 0x") == true)
    }

    @Test func validUTF8IsAccepted() throws {
        let interner = Interner()
        let t = try parse("t\ncafé\n日本\n🙂\n", interner: interner)
        #expect(t.texts("t", interner) == ["café", "日本", "🙂"])
    }

    @Test func invalidUTF8InHeader() {
        let error = parseError(bytes: Array("a,b".utf8) + [0xFF] + Array("\n1,2\n".utf8))
        #expect(error?.description == "t.csv:1:2: expected UTF-8 text in the header, found the invalid byte 0xFF")
    }

    @Test func invalidUTF8InANumberColumnIsANumberError() {
        let error = parseError(bytes: Array("n\n1\n".utf8) + [0x31, 0xFF] + Array("\n".utf8),
                               options: CSVOptions(declaredTypes: ["n": .number]))
        #expect(error?.description == "t.csv:3:1: expected a number in column `n`, found \"1\u{FFFD}\"")
    }

    @Test func longValuesAreShortenedInMessages() {
        let long = String(repeating: "x", count: 100)
        let error = parseError("n\n\(long)\n", options: CSVOptions(declaredTypes: ["n": .number]))
        #expect(error?.message == "expected a number in column `n`, found \"" + String(repeating: "x", count: 60) + "…\"")
    }

    @Test func nothingIsHalfLoaded() {
        let interner = Interner()
        let error = caught {
            _ = try parse("sku,qty\nA,1\nB,2\nC,oops\n", options: CSVOptions(declaredTypes: ["qty": .number]),
                          interner: interner)
        }
        #expect(error != nil)
        #expect(interner.count == 0)
    }

    @Test func errorFieldsAreFilledIn() {
        let error = parseError("a,qty\n1,2\nx,y\n", options: CSVOptions(declaredTypes: ["qty": .number]), path: "data/s.csv")
        #expect(error?.path == "data/s.csv")
        #expect(error?.line == 3)
        #expect(error?.column == 2)
        #expect(error?.columnName == "qty")
        #expect(error?.message == "expected a number in column `qty`, found \"y\"")
        #expect(error?.description == "data/s.csv:3:2: expected a number in column `qty`, found \"y\"")
    }

    /// Random and mutated inputs: each must either parse or throw, never crash.
    @Test func arbitraryBytesNeverCrash() {
        var rng = SplitMix(seed: 7)
        let alphabet: [UInt8] = Array("a,\"\n\r 1.e-+2024-0130tf\u{0}".utf8) + [0xFF, 0xC3, 0xEF, 0xBB, 0xBF]
        var parsed = 0
        for round in 0..<3000 {
            let length = Int(rng.next() % 64)
            var bytes = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            if round % 3 == 0 { bytes = Array("a,b\n".utf8) + bytes }
            let declared: [String: ColumnType] = round % 2 == 0 ? ["a": .number, "b": .date] : [:]
            if (try? parseBytes(bytes, options: CSVOptions(declaredTypes: declared))) != nil { parsed += 1 }
            if round % 5 == 0 {
                _ = try? parseBytes(bytes, parallelism: Parallelism(minimumBytes: 0, maximumChunks: 3))
            }
        }
        #expect(parsed > 0)
    }
}

/// A small deterministic random generator for tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
