// The source reader protocol: a CSV file and rows in memory give a schema, all rows, and what
// changed since a cursor; a last line still being written is never half-read.

import Testing
@testable import VeloData

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

func removeFile(_ path: String) { unlink(path) }

@Suite struct CSVFileReaderTests {
    static let header = "date,sku,units\n"

    /// A file with `text`, its reader, and the first full read.
    static func opened(_ text: String, options: ReadOptions = ReadOptions(textColumns: ["sku"]),
                       interner: Interner) throws -> (String, CSVFileReader, SourceRead) {
        let path = temporaryFile(Array(text.utf8))
        let reader = CSVFileReader(path: path)
        return (path, reader, try reader.read(options: options, interner: interner))
    }

    static func schema(_ read: SourceRead) -> DataSchema {
        DataSchema(path: read.table.path, columns: read.table.columns.map { ($0.name, $0.type) })
    }

    @Test func schemaAndRowsComeFromTheFile() throws {
        let interner = Interner()
        let (path, reader, read) = try Self.opened(Self.header + "2024-01-01,A,1\n2024-01-02,B,\n", interner: interner)
        #expect(reader.label == path)
        let schema = try reader.schema(options: ReadOptions(textColumns: ["sku"]))
        #expect(schema.columns.map(\.name) == ["date", "sku", "units"])
        #expect(schema.columns.map(\.type) == [.date, .text, .number])
        #expect(read.table.rowCount == 2)
        #expect(read.table.numbers("units") == [1, nil])
        #expect(read.cursor.position == read.table.byteLength)
        #expect(!read.cursor.lastRowOpen)
    }

    @Test func appendedRowsAreReadAloneFromTheCursor() throws {
        let interner = Interner()
        let (path, reader, read) = try Self.opened(Self.header + "2024-01-01,A,1\n", interner: interner)
        let options = ReadOptions(textColumns: ["sku"])
        guard case .none = try reader.changes(since: read.cursor, schema: Self.schema(read), options: options,
                                              interner: interner, appends: true) else {
            Issue.record("an unchanged file reported a change")
            return
        }
        appendToFile(path, "2024-01-02,B,3\n")
        let change = try reader.changes(since: read.cursor, schema: Self.schema(read), options: options,
                                        interner: interner, appends: true)
        guard case .appended(let more, let cursor) = change else {
            Issue.record("expected appended rows, got \(change)")
            return
        }
        #expect(more.rowCount == 1)
        #expect(more.texts("sku", interner) == ["B"])
        #expect(more.numbers("units") == [3])
        #expect(cursor.position == Self.header.utf8.count + 30)
        // A keyed table cannot take appended rows: the same growth is a whole re-read.
        guard case .replaced(let all, _) = try reader.changes(since: read.cursor, schema: Self.schema(read),
                                                              options: options, interner: interner, appends: false) else {
            Issue.record("expected a re-read")
            return
        }
        #expect(all.rowCount == 2)
    }

    @Test func aPartialLastLineIsLeftForTheNextRead() throws {
        let interner = Interner()
        let (path, reader, read) = try Self.opened(Self.header + "2024-01-01,A,1\n", interner: interner)
        let options = ReadOptions(textColumns: ["sku"])
        let schema = Self.schema(read)
        appendToFile(path, "2024-01-01,A,")
        let partial = try reader.changes(since: read.cursor, schema: schema, options: options, interner: interner, appends: true)
        guard case .none = partial else {
            Issue.record("the half line was read: \(partial)")
            return
        }
        appendToFile(path, "5\n2024-01-02,B,")
        let completed = try reader.changes(since: read.cursor, schema: schema, options: options, interner: interner, appends: true)
        guard case .appended(let more, let cursor) = completed else {
            Issue.record("expected the completed line, got \(completed)")
            return
        }
        #expect(more.rowCount == 1)
        #expect(more.numbers("units") == [5])
        #expect(more.texts("sku", interner) == ["A"])
        appendToFile(path, "2\n")
        guard case .appended(let last, _) = try reader.changes(since: cursor, schema: schema, options: options,
                                                               interner: interner, appends: true) else {
            Issue.record("expected the last line")
            return
        }
        #expect(last.texts("sku", interner) == ["B"])
        #expect(last.numbers("units") == [2])
    }

    @Test func aPartialQuotedFieldWithALineBreakIsLeftToo() throws {
        let interner = Interner()
        let (path, reader, read) = try Self.opened("id,note\n1,x\n", interner: interner)
        appendToFile(path, "2,\"two\nlines")
        let partial = try reader.changes(since: read.cursor, schema: Self.schema(read), options: ReadOptions(),
                                         interner: interner, appends: true)
        guard case .none = partial else {
            Issue.record("the open quoted field was read: \(partial)")
            return
        }
        appendToFile(path, "\"\n")
        guard case .appended(let more, _) = try reader.changes(since: read.cursor, schema: Self.schema(read),
                                                               options: ReadOptions(), interner: interner, appends: true) else {
            Issue.record("expected the completed row")
            return
        }
        #expect(more.texts("note", interner) == ["two\nlines"])
    }

    @Test func aFileEndingMidLineIsReReadWhenThatLineGrows() throws {
        let interner = Interner()
        // A fresh read takes the last line as it is (a file need not end in a line break)...
        let (path, reader, read) = try Self.opened(Self.header + "2024-01-01,A,1\n2024-01-01,A,", interner: interner)
        #expect(read.table.numbers("units") == [1, nil])
        #expect(read.cursor.lastRowOpen)
        // ...so when it turns out to have been incomplete, the file is read again.
        appendToFile(path, "5\n")
        let change = try reader.changes(since: read.cursor, schema: Self.schema(read), options: ReadOptions(textColumns: ["sku"]),
                                        interner: interner, appends: true)
        guard case .replaced(let all, let cursor) = change else {
            Issue.record("expected a re-read, got \(change)")
            return
        }
        #expect(all.numbers("units") == [1, 5])
        #expect(!cursor.lastRowOpen)
    }

    @Test func aLineBreakAfterAnOpenLastLineIsAnAppend() throws {
        let interner = Interner()
        let (path, reader, read) = try Self.opened("a,b\n1,x", options: ReadOptions(), interner: interner)
        appendToFile(path, "\r\n2,y\r\n")
        guard case .appended(let more, _) = try reader.changes(since: read.cursor, schema: Self.schema(read),
                                                               options: ReadOptions(), interner: interner, appends: true) else {
            Issue.record("expected appended rows")
            return
        }
        #expect(more.numbers("a") == [2])
        #expect(more.texts("b", interner) == ["y"])
    }

    @Test func aRewrittenFileIsReadAgain() throws {
        let interner = Interner()
        let (path, reader, read) = try Self.opened(Self.header + "2024-01-01,A,1\n", interner: interner)
        writeFile(path, Array((Self.header + "2024-01-01,A,7\n2024-01-02,A,8\n").utf8))
        guard case .replaced(let all, _) = try reader.changes(since: read.cursor, schema: Self.schema(read),
                                                              options: ReadOptions(textColumns: ["sku"]),
                                                              interner: interner, appends: true) else {
            Issue.record("expected a re-read")
            return
        }
        #expect(all.numbers("units") == [7, 8])
    }

    @Test func aMissingFileIsUnreadable() throws {
        let interner = Interner()
        let (path, reader, read) = try Self.opened(Self.header + "2024-01-01,A,1\n", interner: interner)
        removeFile(path)
        let error = caught {
            _ = try reader.changes(since: read.cursor, schema: Self.schema(read), options: ReadOptions(),
                                   interner: interner, appends: true)
        }
        #expect(error?.kind == .unreadable)
        #expect(error?.reason == "No such file or directory")
        #expect(error?.path == path)
    }

    @Test func dataErrorsSayWhatKindTheyAre() {
        #expect(parseError("a,b\n1,2,3\n")?.kind == .badRow)
        #expect(parseError("a,b\n1\n", options: ReadOptions(declaredTypes: ["a": .number]))?.kind == .badRow)
        #expect(parseError("a,b\nx,2\n", options: ReadOptions(declaredTypes: ["a": .number]))?.kind == .badValue)
        #expect(parseError("a,a\n1,2\n")?.kind == .badHeader)
        #expect(parseError("")?.kind == .empty)
        #expect(caught { _ = try CSVReader.readSchema(path: "/nonexistent/x.csv", options: ReadOptions()) }?.kind == .unreadable)
    }

    @Test func theRegistryKnowsTheCSVReader() {
        #expect(SourceReaders.kinds == ["csv", "sqlite", "postgres"])
        #expect(SourceReaders.reader(kind: "csv", location: "a.csv")?.label == "a.csv")
        #expect(SourceReaders.reader(kind: "parquet", location: "a.parquet") == nil)
    }
}

@Suite struct RowsReaderTests {
    static let reader = RowsReader(
        label: "t.test.velo:3 (given sales)",
        columns: ["date", "sku", "units", "promo", "note"],
        rows: [
            [.date(CivilDate(iso: "2024-01-01")!.day), .text("A"), .number(1.5), .bool(true), .missing],
            [.missing, .text("B"), .missing, .bool(false), .missing],
        ])

    @Test func typedColumnsAreBuiltFromTheValues() throws {
        let interner = Interner()
        let read = try Self.reader.read(options: ReadOptions(), interner: interner)
        #expect(read.table.path == "t.test.velo:3 (given sales)")
        #expect(read.table.rowCount == 2)
        #expect(read.table.types == [.date, .text, .number, .bool, .text])
        #expect(read.table.dates("date") == ["2024-01-01", nil])
        #expect(read.table.texts("sku", interner) == ["A", "B"])
        #expect(read.table.numbers("units") == [1.5, nil])
        guard case .bool(let promo)? = read.table.column(named: "promo")?.data else {
            Issue.record("promo is not a bool column")
            return
        }
        #expect(promo == [1, 0])
        #expect(read.table.texts("note", interner) == [nil, nil])
        // The same text has the same id as in a file read by the same interner.
        let file = try parse("sku\nB\nA\n", interner: interner)
        guard case .text(let fromRows)? = read.table.column(named: "sku")?.data,
              case .text(let fromFile)? = file.column(named: "sku")?.data else { return }
        #expect(fromRows == fromFile.reversed())
    }

    @Test func declaredTypesAndTextColumnsWin() throws {
        let options = ReadOptions(declaredTypes: ["note": .number], textColumns: ["units"])
        let schema = Self.reader.schema(options: options)
        #expect(schema.columns.map(\.type) == [.date, .text, .text, .bool, .number])
        let read = try Self.reader.read(options: options, interner: Interner())
        #expect(read.table.numbers("note") == [nil, nil])
    }

    @Test func aTextColumnTakesAnyValueAsAFileWouldHoldIt() throws {
        let interner = Interner()
        let reader = RowsReader(label: "given", columns: ["code"], rows: [[.number(5)], [.number(2.5)], [.bool(true)]])
        let read = try reader.read(options: ReadOptions(textColumns: ["code"]), interner: interner)
        #expect(read.table.texts("code", interner) == ["5", "2.5", "true"])
    }

    @Test func aValueOfAnotherTypeIsABadValue() {
        let reader = RowsReader(label: "given", columns: ["units"], rows: [[.number(1)], [.text("x")]])
        let error = caught { _ = try reader.read(options: ReadOptions(declaredTypes: ["units": .number]), interner: Interner()) }
        #expect(error?.kind == .badValue)
        #expect(error?.description == "given:2:1: expected a number in column `units`, found \"x\"")
    }

    @Test func rowsInMemoryNeverChange() throws {
        let read = try Self.reader.read(options: ReadOptions(), interner: Interner())
        let change = Self.reader.changes(since: read.cursor, schema: Self.reader.schema(options: ReadOptions()),
                                         options: ReadOptions(), interner: Interner(), appends: true)
        guard case .none = change else {
            Issue.record("expected no change")
            return
        }
    }
}
