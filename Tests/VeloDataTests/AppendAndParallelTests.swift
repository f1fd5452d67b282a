// Loading rows appended to a file since an earlier load, and the parallel path: a buffer
// split across cores must give exactly what one sequential pass gives.

import Testing
@testable import VeloData

@Suite struct AppendTests {
    @Test func appendedRowsResumeAtByteLength() throws {
        let interner = Interner()
        let path = temporaryFile(Array("date,sku,units\n2024-01-01,A,1\n2024-01-01,B,2\n".utf8))
        let first = try CSVReader.load(path: path, options: CSVOptions(), interner: interner)
        #expect(first.rowCount == 2)
        appendToFile(path, "2024-01-02,B,3\n2024-01-02,C,\n")
        let more = try CSVReader.loadAppended(path: path, from: first.byteLength, like: first, interner: interner)
        #expect(more.rowCount == 2)
        #expect(more.types == [.date, .text, .number])
        #expect(more.dates("date") == ["2024-01-02", "2024-01-02"])
        #expect(more.texts("sku", interner) == ["B", "C"])
        #expect(more.numbers("units") == [3, nil])
        let all = first.appending(more)
        let whole = try CSVReader.load(path: path, options: CSVOptions(), interner: interner)
        #expect(all.rowCount == whole.rowCount)
        #expect(all.byteLength == whole.byteLength)
        guard case .text(let a)? = all.column(named: "sku")?.data,
              case .text(let b)? = whole.column(named: "sku")?.data else { return }
        #expect(a == b, "appended text uses the same ids")

        let nothing = try CSVReader.loadAppended(path: path, from: whole.byteLength, like: whole, interner: interner)
        #expect(nothing.rowCount == 0)
        #expect(nothing.byteLength == whole.byteLength)
        #expect(nothing.types == [.date, .text, .number])
    }

    @Test func appendAfterAFileWithoutFinalNewline() throws {
        let interner = Interner()
        let path = temporaryFile(Array("a,b\n1,x".utf8))
        let first = try CSVReader.load(path: path, options: CSVOptions(), interner: interner)
        appendToFile(path, "\r\n2,y\r\n")
        let more = try CSVReader.loadAppended(path: path, from: first.byteLength, like: first, interner: interner)
        #expect(more.numbers("a") == [2])
        #expect(more.texts("b", interner) == ["y"])
    }

    @Test func appendedValuesMustFitTheEarlierTypes() throws {
        let path = temporaryFile(Array("a,b\n1,2024-01-01\n".utf8))
        let first = try CSVReader.load(path: path, options: CSVOptions(), interner: Interner())
        appendToFile(path, "2,2024-01-02\nthree,2024-01-03\n")
        let error = caught {
            _ = try CSVReader.loadAppended(path: path, from: first.byteLength, like: first, interner: Interner())
        }
        #expect(error?.description == path + ":4:1: expected a number in column `a`, found \"three\"")
    }

    @Test func appendChecksHeaderAndOffset() throws {
        let path = temporaryFile(Array("a,b\n1,2\n".utf8))
        let first = try CSVReader.load(path: path, options: CSVOptions(), interner: Interner())
        let midLine = caught {
            _ = try CSVReader.loadAppended(path: path, from: first.byteLength - 2, like: first, interner: Interner())
        }
        #expect(midLine?.description
            == path + ": byte offset 6 is not at the start of a data line, so new rows cannot be appended from it")
        let inHeader = caught { _ = try CSVReader.loadAppended(path: path, from: 1, like: first, interner: Interner()) }
        #expect(inHeader?.description
            == path + ": byte offset 1 is not at the start of a data line, so new rows cannot be appended from it")
        for offset in [9, 100] {
            let beyond = caught { _ = try CSVReader.loadAppended(path: path, from: offset, like: first, interner: Interner()) }
            #expect(beyond?.description
                == path + ": the file is shorter than when it was loaded (\(offset) bytes), so new rows cannot be appended")
        }

        writeFile(path, Array("a,c\n1,2\n3,4\n".utf8))
        let changed = caught {
            _ = try CSVReader.loadAppended(path: path, from: first.byteLength, like: first, interner: Interner())
        }
        #expect(changed?.description == path + ":1: the header changed since the file was loaded, so new rows cannot be appended")
    }
}

@Suite struct ParallelParseTests {
    static let split = Parallelism(minimumBytes: 0, maximumChunks: 4)

    /// Sales-like rows: date, sku, channel, units, price, flag.
    static func generated(rows: Int, quoted: Bool = false, seed: UInt64 = 3) -> [UInt8] {
        var rng = SplitMix(seed: seed)
        var text = "date,sku,channel,units,price,flag\r\n"
        let channels = ["web", "store", "wholesale", "\"mail, order\""]
        for i in 0..<rows {
            let day = CivilDate(day: Int32(19_000 + i / 500)).iso
            let sku = quoted && i % 3 == 0 ? "\"SKU\(rng.next() % 2000)\n(\"\"boxed\"\")\"" : "SKU\(rng.next() % 2000)"
            let units = rng.next() % 10 == 0 ? "" : String(Int(rng.next() % 200) - 5)
            let price = String(Double(rng.next() % 100_000) / 100)
            let flag = rng.next() % 2 == 0 ? "true" : "false"
            text += "\(day),\(sku),\(channels[i % 4]),\(units),\(price),\(flag)\(i % 2 == 0 ? "\n" : "\r\n")"
        }
        return Array(text.utf8)
    }

    func expectIdentical(_ a: DataTable, _ b: DataTable) {
        #expect(a.rowCount == b.rowCount)
        #expect(a.byteLength == b.byteLength)
        #expect(a.names == b.names)
        #expect(a.types == b.types)
        for (x, y) in zip(a.columns, b.columns) {
            switch (x.data, y.data) {
            case let (.number(u), .number(v)): #expect(u.map(\.bitPattern) == v.map(\.bitPattern), "\(x.name)")
            case let (.text(u), .text(v)): #expect(u == v, "\(x.name)")
            case let (.date(u), .date(v)): #expect(u == v, "\(x.name)")
            case let (.bool(u), .bool(v)): #expect(u == v, "\(x.name)")
            default: Issue.record("column \(x.name) differs in type")
            }
        }
    }

    @Test func splitParseEqualsSequentialParse() throws {
        let bytes = ParallelParseTests.generated(rows: 40_000)
        let sequential = try parseBytes(bytes, interner: Interner(), parallelism: .sequential)
        let parallel = try parseBytes(bytes, interner: Interner(), parallelism: ParallelParseTests.split)
        #expect(sequential.types == [.date, .text, .text, .number, .number, .bool])
        #expect(sequential.rowCount == 40_000)
        expectIdentical(sequential, parallel)
    }

    @Test func quotedNewlinesAcrossChunkCutsFallBackCorrectly() throws {
        // Every third row holds a line break inside quotes, so some cuts land inside a field.
        for seed: UInt64 in 1...6 {
            let bytes = ParallelParseTests.generated(rows: 3_000 + Int(seed) * 37, quoted: true, seed: seed)
            let sequential = try parseBytes(bytes, interner: Interner(), parallelism: .sequential)
            for chunks in 2...5 {
                let parallel = try parseBytes(bytes, interner: Interner(),
                                              parallelism: Parallelism(minimumBytes: 0, maximumChunks: chunks))
                expectIdentical(sequential, parallel)
            }
        }
    }

    @Test func cutInsideAQuotedFieldIsReparsedInOnePiece() throws {
        // One quoted field with many line breaks spans the middle of the data, where the cut falls.
        let inner = (0..<1000).map { "line \($0)" }.joined(separator: "\n")
        let text = "a,b\n1,x\n2,\"\(inner)\"\n3,y\n"
        let bytes = Array(text.utf8)
        let layout = RowLayout(path: "t.csv", names: ["a", "b"], kinds: [.unknown, .unknown], enforced: [false, false])
        let boxes = try bytes.withUnsafeBufferPointer { b throws(DataError) in
            try TableAssembly.parseRows(base: b.baseAddress!, count: b.count, dataStart: 4, layout: layout,
                                        parallelism: Parallelism(minimumBytes: 0, maximumChunks: 2))
        }
        #expect(boxes.count == 1, "the first chunk ended inside quotes, so the rest was parsed as one")
        #expect(boxes.first?.parser.rowCount == 3)
        let interner = Interner()
        let t = try parseBytes(bytes, interner: interner, parallelism: Parallelism(minimumBytes: 0, maximumChunks: 2))
        #expect(t.texts("b", interner) == ["x", inner, "y"])

        // Without quotes the same split keeps both chunks.
        let plain = Array(("a,b\n" + (0..<1000).map { "\($0),v\n" }.joined()).utf8)
        let split = try plain.withUnsafeBufferPointer { b throws(DataError) in
            try TableAssembly.parseRows(base: b.baseAddress!, count: b.count, dataStart: 4, layout: layout,
                                        parallelism: Parallelism(minimumBytes: 0, maximumChunks: 2))
        }
        #expect(split.count == 2)
        #expect(split.reduce(0) { $0 + $1.parser.rowCount } == 1000)
    }

    @Test func chunksThatInferDifferentTypesSettleOnText() throws {
        var text = "v,d,n\n"
        for i in 0..<20_000 { text += "\(i),2024-01-01,\(i)\n" }
        for i in 0..<20_000 { text += "x\(i),2024-02-30,\n" }
        text += "1,hello,2\n"
        let bytes = Array(text.utf8)
        let one = Interner(), many = Interner()
        let sequential = try parseBytes(bytes, interner: one, parallelism: .sequential)
        let parallel = try parseBytes(bytes, interner: many, parallelism: ParallelParseTests.split)
        #expect(sequential.types == [.text, .text, .number])
        #expect(parallel.types == sequential.types)
        #expect(parallel.texts("v", many) == sequential.texts("v", one))
        #expect(parallel.texts("d", many) == sequential.texts("d", one))
        #expect(parallel.numbers("n") == sequential.numbers("n"))
    }

    @Test func columnEmptyInOneChunkTakesTheOtherChunksType() throws {
        var text = "a,b\n"
        for i in 0..<10_000 { text += "\(i),\n" }
        for i in 0..<10_000 { text += "\(i),2024-03-0\(i % 9 + 1)\n" }
        let t = try parseBytes(Array(text.utf8), parallelism: ParallelParseTests.split)
        #expect(t.types == [.number, .date])
        let s = try parseBytes(Array(text.utf8), parallelism: .sequential)
        expectIdentical(s, t)
    }

    @Test func errorsInLaterChunksReportTheirLine() {
        var text = "a,b\n"
        for i in 0..<30_000 { text += "\(i),\(i)\n" }
        text += "1,2,3\n"                 // line 30_002
        for i in 0..<30_000 { text += "\(i),\(i)\n" }
        text += "bad\n"
        let error = caught { _ = try parseBytes(Array(text.utf8), parallelism: ParallelParseTests.split) }
        #expect(error?.description == "t.csv:30002: row has 3 fields, the header has 2")
    }

    @Test func impossibleDayInALaterChunkIsReported() {
        var text = "d\n"
        for _ in 0..<30_000 { text += "2024-01-01\n" }
        text += "2023-02-29\n"
        for _ in 0..<30_000 { text += "2024-01-02\n" }
        let error = caught { _ = try parseBytes(Array(text.utf8), parallelism: ParallelParseTests.split) }
        #expect(error?.description
            == "t.csv:30002:1: expected a date (YYYY-MM-DD) in column `d`, found \"2023-02-29\" (there is no such day)")
    }

    @Test func largeFileLoadsInParallelFromDisk() throws {
        let bytes = ParallelParseTests.generated(rows: 300_000)   // about 11 MB: above the parallel threshold
        #expect(bytes.count > 8 << 20)
        let path = temporaryFile(bytes)
        let one = Interner()
        let loaded = try CSVReader.load(path: path, options: CSVOptions(textColumns: ["sku"]), interner: one)
        let sequential = try parseBytes(bytes, options: CSVOptions(textColumns: ["sku"]), interner: Interner(),
                                        parallelism: .sequential)
        expectIdentical(loaded, sequential)
    }
}

/// Random small inputs full of quotes, line breaks and odd values: a split parse must agree
/// with a sequential one exactly, in the table or in the error.
@Suite struct ParallelAgreementTests {
    @Test func randomInputsAgree() {
        var rng = SplitMix(seed: 11)
        let pieces = ["1", "-2.5", "", " ", "2024-01-02", "2024-02-30", "true", "x", "\"q,\"", "\"a\nb\"", "\"\"\"\"",
                      "\"open", "y\"z", "\"c\"d", "\r", "1e5", "café"]
        var agreed = 0
        for _ in 0..<1500 {
            var text = "a,b,c\n"
            for _ in 0..<Int(rng.next() % 40) {
                let fields = rng.next() % 12 == 0 ? Int(rng.next() % 5) : 3
                text += (0..<fields).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined(separator: ",")
                text += rng.next() % 4 == 0 ? "\r\n" : "\n"
            }
            let bytes = Array(text.utf8)
            let declared: [String: ColumnType] = rng.next() % 3 == 0 ? ["a": .number] : [:]
            let options = CSVOptions(declaredTypes: declared)
            let one = Interner(), many = Interner()
            let chunks = Int(rng.next() % 4) + 2
            var sequential: Result<DataTable, DataError>
            var parallel: Result<DataTable, DataError>
            do { sequential = .success(try parseBytes(bytes, options: options, interner: one, parallelism: .sequential)) }
            catch { sequential = .failure(error) }
            do {
                parallel = .success(try parseBytes(bytes, options: options, interner: many,
                                                   parallelism: Parallelism(minimumBytes: 0, maximumChunks: chunks)))
            } catch { parallel = .failure(error) }
            switch (sequential, parallel) {
            case let (.success(s), .success(p)):
                #expect(s.types == p.types, "\(text.debugDescription)")
                #expect(s.rowCount == p.rowCount, "\(text.debugDescription)")
                for (x, y) in zip(s.columns, p.columns) {
                    #expect(rendered(x, one) == rendered(y, many), "\(text.debugDescription)")
                }
                agreed += 1
            case let (.failure(s), .failure(p)):
                #expect(s.description == p.description, "\(text.debugDescription)")
                agreed += 1
            default:
                Issue.record("sequential and split parses disagree on \(text.debugDescription)")
            }
        }
        #expect(agreed == 1500)
    }

    private func rendered(_ column: Column, _ interner: Interner) -> [String] {
        switch column.data {
        case .number(let v): return v.map { $0.isNaN ? "-" : "\($0)" }
        case .text(let v): return v.map { $0 < 0 ? "-" : interner.string($0) }
        case .date(let v): return v.map { $0 == ColumnData.missingDate ? "-" : CivilDate(day: $0).iso }
        case .bool(let v): return v.map { "\($0)" }
        }
    }
}
