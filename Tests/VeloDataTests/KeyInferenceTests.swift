// Schema inference of key columns (`CSVOptions.keyColumns`): integers written plainly become
// numbers, ISO dates dates, anything else text (bools, decimals, leading zeros, integers
// beyond the key range). Other columns are inferred as before.

import Testing
@testable import VeloData

@Suite("Key column inference")
struct KeyInferenceTests {
    func keyType(_ values: String) throws -> ColumnType? {
        let path = temporaryFile(Array(("k,v\n" + values).utf8))
        let schema = try CSVReader.readSchema(path: path, options: CSVOptions(keyColumns: ["k"]))
        return schema.type(of: "k")
    }

    @Test func integersBecomeNumbers() throws {
        #expect(try keyType("1,a\n10,b\n-3,c\n0,d\n,e\n") == .number)
    }

    @Test func isoDatesBecomeDates() throws {
        #expect(try keyType("2024-01-01,a\n2023-12-31,b\n") == .date)
    }

    @Test func otherValuesStayText() throws {
        for values in ["007,a\n8,b\n", "1.5,a\n2,b\n", "true,a\nfalse,b\n", "2000000000,a\n1,b\n", "1e3,a\n", " 12,a\n", "A1,a\n"] {
            #expect(try keyType(values) == .text, "\(values)")
        }
    }

    @Test func nonKeyColumnsAreInferredAsBefore() throws {
        let path = temporaryFile(Array("k,v\n007,1.5\n".utf8))
        let schema = try CSVReader.readSchema(path: path, options: CSVOptions(keyColumns: ["k"]))
        #expect(schema.type(of: "v") == .number)
        let plain = try CSVReader.readSchema(path: path, options: CSVOptions())
        #expect(plain.type(of: "k") == .number)
    }
}
