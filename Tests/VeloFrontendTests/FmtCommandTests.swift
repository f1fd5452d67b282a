// `velo fmt [--check] FILE...`: what it prints, what it writes, and its exit status
// (0 formatted, 1 syntax errors or --check found a file to reformat, 2 unreadable file,
// 3 a file cannot be written). Also: every file under Examples/ is formatted as it stands.

import Foundation
import Testing
@testable import VeloFrontend

@Suite("velo fmt (FmtFrontend)")
struct FormatCommandTests {
    static let messy = "param a=1\nparam long_name = 2 # note\ntable t:\n      x=a+long_name\n"
    static let tidy = "param a         = 1\nparam long_name = 2  # note\n\ntable t:\n  x = a + long_name\n"

    static func run(_ files: [String], check: Bool = false) -> FrontendHarness.Result {
        let capture = FrontendHarness.Capture()
        do {
            try FmtFrontend.run(files: files, check: check, console: capture.console)
            return FrontendHarness.Result(status: nil, out: capture.out, err: capture.err)
        } catch {
            return FrontendHarness.Result(status: error.status, out: capture.out, err: capture.err)
        }
    }

    static func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    static func inode(_ path: String) -> UInt64 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : 0
    }

    /// Names, modification times and inodes of a directory's entries.
    static func snapshot(_ dir: String) -> [String: String] {
        var result: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            var st = stat()
            _ = stat(dir + "/" + name, &st)
            result[name] = "\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(st.st_ino) \(st.st_size)"
        }
        return result
    }

    @Test("rewrites a file in place and says so; exit 0")
    func rewrites() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try Self.write(Self.messy, dir + "/plan.velo")
        let result = Self.run([dir + "/plan.velo"])
        #expect(result.status == nil)
        #expect(result.out == "formatted \(dir)/plan.velo\n")
        #expect(result.err.isEmpty)
        #expect(Self.read(dir + "/plan.velo") == Self.tidy)
        // No temporary file is left behind.
        #expect(Set(Self.snapshot(dir).keys) == ["plan.velo"])
    }

    @Test("a formatted file is left untouched and nothing is printed")
    func unchanged() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try Self.write(Self.tidy, dir + "/plan.velo")
        // The file's times set far in the past (no sleeping): a rewrite would show a new mtime.
        var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, dir + "/plan.velo", &times, 0) == 0)
        let before = Self.snapshot(dir)
        let result = Self.run([dir + "/plan.velo"])
        #expect(result.status == nil)
        #expect(result.out.isEmpty)
        #expect(result.err.isEmpty)
        #expect(Self.snapshot(dir) == before, "the file was rewritten")
        #expect(Self.read(dir + "/plan.velo") == Self.tidy)
    }

    @Test("the rewrite is atomic: a new inode renamed over the file, its permissions kept")
    func atomicRewrite() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let path = dir + "/plan.velo"
        try Self.write(Self.messy, path)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        let inode = Self.inode(path)
        // A second name for the old file: an in-place write would change what it shows.
        try FileManager.default.linkItem(atPath: path, toPath: dir + "/old.velo")
        let result = Self.run([path])
        #expect(result.status == nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(Self.inode(path) != inode)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        #expect(Self.read(path) == Self.tidy)
        #expect(Self.read(dir + "/old.velo") == Self.messy)
        #expect(Set(Self.snapshot(dir).keys) == ["plan.velo", "old.velo"])
    }

    @Test("a symbolic link stays a link; the file it points to is rewritten")
    func symlink() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try Self.write(Self.messy, dir + "/real.velo")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.velo", withDestinationPath: "real.velo")
        let result = Self.run([dir + "/link.velo"])
        #expect(result.status == nil)
        #expect(result.out == "formatted \(dir)/link.velo\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.velo")) == "real.velo")
        #expect(Self.read(dir + "/real.velo") == Self.tidy)
    }

    @Test("--check changes nothing, names each file that would change, exit 1")
    func checkFindsFiles() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try Self.write(Self.messy, dir + "/a.velo")
        try Self.write(Self.tidy, dir + "/b.velo")
        try Self.write(Self.messy, dir + "/c.velo")
        let before = Self.snapshot(dir)
        let result = Self.run([dir + "/a.velo", dir + "/b.velo", dir + "/c.velo"], check: true)
        #expect(result.status == .ruleErrors)
        #expect(result.out == "\(dir)/a.velo would be reformatted\n\(dir)/c.velo would be reformatted\n")
        #expect(result.err.isEmpty)
        #expect(Self.snapshot(dir) == before)
        #expect(Self.read(dir + "/a.velo") == Self.messy)
    }

    @Test("--check on formatted files prints nothing, exit 0")
    func checkPasses() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try Self.write(Self.tidy, dir + "/b.velo")
        let result = Self.run([dir + "/b.velo"], check: true)
        #expect(result.status == nil)
        #expect(result.out.isEmpty)
        #expect(result.err.isEmpty)
    }

    @Test("a file with syntax errors is not formatted: its diagnostics, exit 1; the others are")
    func syntaxErrors() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let broken = "table t:\n  x = (1 +\n"
        try Self.write(broken, dir + "/bad.velo")
        try Self.write(Self.messy, dir + "/good.velo")
        let result = Self.run([dir + "/bad.velo", dir + "/good.velo"])
        #expect(result.status == .ruleErrors)
        #expect(result.err.hasPrefix("\(dir)/bad.velo:2:7: error: this `(` is never closed\n"))
        #expect(result.err.hasSuffix("\(dir)/bad.velo: 2 errors; not formatted\n"))
        #expect(result.out == "formatted \(dir)/good.velo\n")
        #expect(Self.read(dir + "/bad.velo") == broken)
        #expect(Self.read(dir + "/good.velo") == Self.tidy)
    }

    @Test("errors of meaning (an unknown name) do not stop formatting: fmt reads syntax only")
    func checkerErrorsAreFormatted() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try Self.write("table t:\n  x=nowhere.y\n", dir + "/plan.velo")
        let result = Self.run([dir + "/plan.velo"])
        #expect(result.status == nil)
        #expect(Self.read(dir + "/plan.velo") == "table t:\n  x = nowhere.y\n")
    }

    @Test("a missing file is a usage error (exit 2); the other files are still formatted")
    func missingFile() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try Self.write(Self.messy, dir + "/plan.velo")
        let result = Self.run([dir + "/nope.velo", dir + "/plan.velo"])
        #expect(result.status == .usage)
        #expect(result.err == "velo: cannot read \(dir)/nope.velo: No such file or directory\n")
        #expect(result.out == "formatted \(dir)/plan.velo\n")
        let check = Self.run([dir + "/nope.velo"], check: true)
        #expect(check.status == .usage)
    }

    @Test("a file that cannot be written: exit 3, and the file is unchanged")
    func unwritable() throws {
        guard getuid() != 0 else { return }   // root writes anywhere
        let dir = FrontendHarness.scratch()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)
            FrontendHarness.remove(dir)
        }
        try Self.write(Self.messy, dir + "/plan.velo")
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir)
        let result = Self.run([dir + "/plan.velo"])
        #expect(result.status == .dataError)
        #expect(result.err.hasPrefix("velo: cannot write '\(dir)/plan.velo': "))
        #expect(result.out.isEmpty)
        #expect(Self.read(dir + "/plan.velo") == Self.messy)
    }

    @Test("CRLF line ends are rewritten as LF")
    func crlf() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try Self.write("param a = 1\r\nparam b = 2\r\n", dir + "/plan.velo")
        #expect(Self.run([dir + "/plan.velo"], check: true).status == .ruleErrors)
        #expect(Self.run([dir + "/plan.velo"]).status == nil)
        #expect(Self.read(dir + "/plan.velo") == "param a = 1\nparam b = 2\n")
    }

    @Test("`velo fmt` is a subcommand with its exit codes in its help")
    func help() {
        #expect(VeloCommand.configuration.subcommands.contains { ObjectIdentifier($0) == ObjectIdentifier(Fmt.self) })
        let help = Fmt.helpMessage()
        #expect(help.contains("--check"))
        #expect(help.contains("Exit status: 0"))
        #expect(help.contains("3 a file"))
    }
}

@Suite("velo fmt --check Examples")
struct FormatExamplesTests {
    /// Every rule file under Examples/.
    static var examples: [String] {
        let root = FrontendHarness.root + "/Examples"
        let walker = FileManager.default.enumerator(atPath: root)
        var files: [String] = []
        while let p = walker?.nextObject() as? String {
            if p.hasSuffix(".velo") { files.append(root + "/" + p) }
        }
        return files.sorted()
    }

    @Test("every example can be formatted (no syntax errors)")
    func examplesFormat() {
        #expect(Self.examples.count >= 3)
        let result = FormatCommandTests.run(Self.examples, check: true)
        #expect(result.err.isEmpty)
        #expect(result.status == nil)
    }

    @Test("every example is in the canonical layout")
    func examplesAreFormatted() {
        let result = FormatCommandTests.run(Self.examples, check: true)
        #expect(result.out.isEmpty, "velo fmt --check Examples/**/*.velo:\n\(result.out)")
        #expect(result.status == nil)
    }
}
