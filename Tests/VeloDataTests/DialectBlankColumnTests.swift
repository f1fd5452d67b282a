// Found by the csv fuzzer (Tests/Fixtures/fuzz/csv/crash-87826cdc…): a file the dialect
// reader transcodes (here: `;`, guessed) whose last column is blank in every sampled row
// crashed the schema sample (a null read in ChunkParser.strayValue), because a column with
// no value yet has no storage.

import Foundation
import Testing
@testable import VeloData

@Suite struct DialectBlankColumnTests {
    @Test func aColumnBlankInEveryRowOfATranscodedFileReads() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("velo-blank-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("sku;note\n2;\n".utf8).write(to: URL(fileURLWithPath: path))
        let reader = DialectCSVReader(path: path, settings: SourceSettings())
        let schema = try reader.schema(options: ReadOptions())
        #expect(schema.columns.map(\.name) == ["sku", "note"])
        let read = try reader.read(options: ReadOptions(), interner: Interner())
        #expect(read.table.rowCount == 1)
    }
}
