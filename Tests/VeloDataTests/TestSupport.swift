// Helpers shared by the VeloData tests: parsing strings and byte arrays, locating fixture
// files, and reading columns back as plain Swift values so expectations stay readable.

import Testing
@testable import VeloData

/// The path of a file in Tests/VeloDataTests/Fixtures.
func fixture(_ name: String, file: String = #filePath) -> String {
    var parts = file.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast()
    return parts.joined(separator: "/") + "/Fixtures/" + name
}

/// Parses `bytes` as a whole CSV input.
func parseBytes(_ bytes: [UInt8], options: CSVOptions = CSVOptions(), interner: Interner = Interner(),
                path: String = "t.csv", parallelism: Parallelism = .standard) throws(DataError) -> DataTable {
    if bytes.isEmpty {
        return try CSVReader.parse(bytes: UnsafeRawBufferPointer(start: nil, count: 0), path: path,
                                   options: options, interner: interner)
    }
    let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
    defer { copy.deallocate() }
    copy.initialize(from: bytes, count: bytes.count)
    return try CSVReader.parse(UnsafePointer(copy), count: bytes.count, path: path, options: options,
                               interner: interner, parallelism: parallelism)
}

/// Parses `text` as a whole CSV input.
func parse(_ text: String, options: CSVOptions = CSVOptions(), interner: Interner = Interner(),
           path: String = "t.csv") throws(DataError) -> DataTable {
    try parseBytes(Array(text.utf8), options: options, interner: interner, path: path)
}

/// The error parsing `text` throws, or nil when it parses.
func parseError(_ text: String, options: CSVOptions = CSVOptions(), path: String = "t.csv") -> DataError? {
    parseError(bytes: Array(text.utf8), options: options, path: path)
}

/// The error parsing `bytes` throws, or nil when they parse.
func parseError(bytes: [UInt8], options: CSVOptions = CSVOptions(), path: String = "t.csv") -> DataError? {
    do {
        _ = try parseBytes(bytes, options: options, path: path)
        return nil
    } catch {
        return error
    }
}

/// The `DataError` `body` throws, or nil.
func caught(_ body: () throws -> Void) -> DataError? {
    do {
        try body()
        return nil
    } catch let error as DataError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

/// Writes `bytes` to a fresh temporary file and returns its path.
func temporaryFile(_ bytes: [UInt8], name: String = "data.csv") -> String {
    let dir = "/tmp/velo-data-tests-\(getpid())-\(nextTemporaryNumber())"
    mkdir(dir, 0o700)
    let path = dir + "/" + name
    writeFile(path, bytes)
    return path
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    let file = fopen(path, "wb")
    precondition(file != nil, "cannot write \(path)")
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
}

func appendToFile(_ path: String, _ text: String) {
    let file = fopen(path, "ab")
    precondition(file != nil, "cannot append to \(path)")
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
}

private let temporaryCounter = Lock()
nonisolated(unsafe) private var temporaryNumber = 0
private func nextTemporaryNumber() -> Int {
    temporaryCounter.withLock {
        temporaryNumber += 1
        return temporaryNumber
    }
}

extension DataTable {
    /// A number column's values, nil for missing.
    func numbers(_ name: String) -> [Double?] {
        guard case .number(let v)? = column(named: name)?.data else {
            Issue.record("column \(name) is not a number column")
            return []
        }
        return v.map { $0.isNaN ? nil : $0 }
    }

    func texts(_ name: String, _ interner: Interner) -> [String?] {
        guard case .text(let v)? = column(named: name)?.data else {
            Issue.record("column \(name) is not a text column")
            return []
        }
        return v.map { $0 < 0 ? nil : interner.string($0) }
    }

    func dates(_ name: String) -> [String?] {
        guard case .date(let v)? = column(named: name)?.data else {
            Issue.record("column \(name) is not a date column")
            return []
        }
        return v.map { $0 == ColumnData.missingDate ? nil : CivilDate(day: $0).iso }
    }

    func bools(_ name: String) -> [Bool?] {
        guard case .bool(let v)? = column(named: name)?.data else {
            Issue.record("column \(name) is not a bool column")
            return []
        }
        return v.map { $0 == ColumnData.missingBool ? nil : $0 == 1 }
    }

    var types: [ColumnType] { columns.map(\.type) }
    var names: [String] { columns.map(\.name) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
