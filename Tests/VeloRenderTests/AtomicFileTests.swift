// AtomicFile: writes, replaces, leaves no temporary file behind, and names the path and the
// OS error when it cannot write.

import Foundation
import Testing
import VeloRender

struct AtomicFileTests {
    /// A fresh empty directory for one test.
    func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("velo-render-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writesAndReplaces() throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plan.csv").path
        try AtomicFile.write("a,b\n1,2\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a,b\n1,2\n")
        try AtomicFile.write("ünï 日本\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "ünï 日本\n")
        try AtomicFile.write(data: [0, 1, 2, 255], to: path)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == [0, 1, 2, 255])
        try AtomicFile.write("", to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["plan.csv"])
    }

    @Test func largeContent() throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.txt").path
        let content = String(repeating: "0123456789abcdef\n", count: 200_000)
        try AtomicFile.write(content, to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
    }

    @Test func keepsPermissionsOfAnExistingFile() throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.txt").path
        try AtomicFile.write("one", to: path)
        #expect(try permissions(path) == 0o644)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try AtomicFile.write("two", to: path)
        #expect(try permissions(path) == 0o600)
    }

    func permissions(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func missingDirectoryNamesPathAndReason() throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("no/such/dir/plan.csv").path
        do {
            try AtomicFile.write("x", to: path)
            Issue.record("expected an error")
        } catch let error as AtomicFileError {
            #expect(error.path == path)
            #expect(error.code == ENOENT)
            #expect(error.description == "cannot write '\(path)': No such file or directory")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func failedRenameRemovesTheTemporaryFile() throws {
        let dir = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A non-empty directory at the target path: the rename fails after the data is written.
        let target = dir.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("child"), withIntermediateDirectories: true)
        #expect(throws: AtomicFileError.self) { try AtomicFile.write("x", to: target.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["taken"])
    }
}
