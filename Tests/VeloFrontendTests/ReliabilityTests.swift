// The reliability findings of issue 16, one test each: outputs never destroy inputs (and
// follow links, write devices and pipes in place, write a folder's files all or none), reads
// are bounded and typed, numbers and dates out of range say so, CR-only line ends are read or
// refused, a bad cell of an undeclared column is a located data error, `velo watch` agrees
// with a fresh run, and a failed REPL load keeps the previous state. Nothing here is timed.

import Foundation
import Testing
import VeloCheck
import VeloEngine
@testable import VeloFrontend
@testable import VeloRender
import VeloSyntax

@Suite struct ReliabilityTests {
    static let plan = "table items = csv(\"items.csv\") by sku:\n  units: number\n\ntable totals:\n  total = sum(items.units)\n"
    static let items = "sku,units\nA,3\nB,4\n"

    /// A scratch folder holding plan.velo and items.csv.
    static func project(plan: String = plan, items: String = items) throws -> String {
        let dir = FrontendHarness.scratch()
        try plan.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        try items.write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        return dir
    }

    static func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    static func check(_ path: String) -> FrontendHarness.Result {
        let capture = FrontendHarness.Capture()
        do {
            try CheckFrontend.run(CheckRequest(files: [path]), console: capture.console)
            return .init(status: nil, out: capture.out, err: capture.err)
        } catch {
            return .init(status: error.status, out: capture.out, err: capture.err)
        }
    }

    // MARK: - Outputs that cannot destroy (item 6)

    @Test func outputRefusesTheRuleFileTheDataAndAnImport() throws {
        let dir = try Self.project()
        defer { FrontendHarness.remove(dir) }
        for target in ["plan.velo", "items.csv", "./sub/../plan.velo"] {
            let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["totals"], output: dir + "/" + target))
            #expect(r.status == .usage, "\(target): \(r.err)")
            #expect(r.err.contains("writing it would destroy an input"), "\(r.err)")
        }
        #expect(Self.contents(dir + "/plan.velo") == Self.plan)
        #expect(Self.contents(dir + "/items.csv") == Self.items)
        // An imported rule file, and a whole output folder that would hold the data file.
        try "import \"plan.velo\"\n\ntable more:\n  x = totals.total\n".write(toFile: dir + "/main.velo", atomically: true, encoding: .utf8)
        let imported = FrontendHarness.run(RunRequest(file: dir + "/main.velo", tables: ["more"], output: dir + "/plan.velo"))
        #expect(imported.status == .usage && imported.err.contains("a rule file it imports"), "\(imported.err)")
        let folder = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["items"], output: dir + "/"))
        #expect(folder.status == .usage && folder.err.contains("the data of source `items`"), "\(folder.err)")
        #expect(Self.contents(dir + "/plan.velo") == Self.plan)
        #expect(Self.contents(dir + "/items.csv") == Self.items)
    }

    @Test func junitRefusesATestedFile() throws {
        let dir = try Self.project(plan: Self.plan + "\ntest \"total\":\n  expect totals.total == 7\n")
        defer { FrontendHarness.remove(dir) }
        let before = Self.contents(dir + "/plan.velo")
        let capture = FrontendHarness.Capture()
        var status: VeloFrontend.ExitStatus? = nil
        do { try TestFrontend.run(TestRequest(paths: [dir + "/plan.velo"], junit: dir + "/plan.velo"), console: capture.console) } catch {
            status = error.status
        }
        #expect(status == .usage, "\(capture.err)")
        #expect(Self.contents(dir + "/plan.velo") == before)
    }

    @Test func outputThroughASymbolicLinkWritesItsTarget() throws {
        let dir = try Self.project()
        defer { FrontendHarness.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: "real/target.csv")
        let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["totals"], output: dir + "/link.csv"))
        #expect(r.status == nil, "\(r.err)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.csv")) == "real/target.csv", "the link was replaced")
        #expect(Self.contents(dir + "/real/target.csv") == "total\n7\n")
    }

    @Test func outputToANamedPipeWritesIntoThePipe() throws {
        let dir = try Self.project()
        defer { FrontendHarness.remove(dir) }
        let fifo = dir + "/out.csv"
        #expect(mkfifo(fifo, 0o644) == 0)
        // Held open for reading and writing, so the run's open neither blocks nor fails.
        let fd = open(fifo, O_RDWR | O_NONBLOCK)
        #expect(fd >= 0)
        defer { close(fd) }
        let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["totals"], output: fifo))
        #expect(r.status == nil, "\(r.err)")
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &buffer, buffer.count)
        #expect(n > 0 && String(decoding: buffer[0..<max(0, n)], as: UTF8.self) == "total\n7\n")
        var st = stat()
        #expect(lstat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO, "the pipe was replaced")
    }

    @Test func outputToDevNullLeavesTheDevice() throws {
        let dir = try Self.project()
        defer { FrontendHarness.remove(dir) }
        #expect(try AtomicFile.destination("/dev/null") == .direct("/dev/null"))
        #expect(try AtomicFile.destination("/dev/stdout") == .stream(1))
        let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["totals"], output: "/dev/null"))
        #expect(r.status == nil, "\(r.err)")
        var st = stat()
        #expect(stat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test func outputFolderIsWrittenWhollyOrNotAtAll() throws {
        let dir = try Self.project()
        defer { FrontendHarness.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/out/totals.csv", withIntermediateDirectories: true)
        try "old\n".write(toFile: dir + "/out/items.csv", atomically: true, encoding: .utf8)
        let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["items", "totals"], output: dir + "/out/"))
        #expect(r.status == .dataError, "\(r.err)")
        #expect(Self.contents(dir + "/out/items.csv") == "old\n", "a file was written although another failed")
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir + "/out")).sorted() == ["items.csv", "totals.csv"])
    }

    @Test func aFailedRenameRollsBackTheFilesAlreadyRenamed() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "old a\n".write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        #expect(throws: AtomicFileError.self) {
            try AtomicFile.writeAll([(dir + "/a.csv", Array("new a\n".utf8)), (dir + "/b.csv", Array("new b\n".utf8))], failingRenameAt: 1)
        }
        #expect(Self.contents(dir + "/a.csv") == "old a\n")
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir)) == ["a.csv"])
        try AtomicFile.writeAll([(dir + "/a.csv", Array("new a\n".utf8)), (dir + "/b.csv", Array("new b\n".utf8))])
        #expect(Self.contents(dir + "/a.csv") == "new a\n" && Self.contents(dir + "/b.csv") == "new b\n")
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir)).sorted() == ["a.csv", "b.csv"])
    }

    @Test func replShowToAnInputIsRefused() throws {
        let dir = try Self.project()
        defer { FrontendHarness.remove(dir) }
        let capture = FrontendHarness.Capture()
        let session = ReplSession(console: capture.console)
        _ = session.start(ReplOptions(file: dir + "/plan.velo"))
        _ = session.execute("show totals to \(dir)/items.csv")
        #expect(capture.err.contains("writing it would destroy an input") || capture.out.contains("writing it would destroy an input"),
                "\(capture.out + capture.err)")
        #expect(Self.contents(dir + "/items.csv") == Self.items)
    }

    // MARK: - Bounded reading (item 7)

    @Test func aDeviceIsNotARuleFile() {
        let r = Self.check("/dev/zero")
        #expect(r.status == .usage)
        #expect(r.err.contains("cannot read /dev/zero: it is a character device"), "\(r.err)")
    }

    @Test func aDeviceIsNotADataSource() throws {
        let dir = try Self.project(plan: "table z = csv(\"/dev/zero\")\n\ntable t:\n  x = 1\n")
        defer { FrontendHarness.remove(dir) }
        let r = Self.check(dir + "/plan.velo")
        #expect(r.status == .dataError, "\(r.err)")
        #expect(r.err.contains("it is a character device"), "\(r.err)")
    }

    @Test func aRuleFileOverTheLimitIsRefusedUnread() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let path = dir + "/huge.velo"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, off_t(RuleCompiler.maximumRuleFileBytes + 1)) == 0)   // sparse: nothing to read
        let r = Self.check(path)
        #expect(r.status == .usage)
        #expect(r.err.contains("larger than 64 MiB"), "\(r.err)")
    }

    @Test(arguments: [("1e999", "out of range"), ("-1e999", "out of range"), ("inf", "infinities and NaN"), ("nan", "infinities and NaN")])
    func aNumberThatIsNotFiniteIsADataError(_ value: String, _ why: String) throws {
        let dir = try Self.project(items: "sku,units\nA,3\nB,\(value)\n")
        defer { FrontendHarness.remove(dir) }
        let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["totals"]))
        #expect(r.status == .dataError, "\(r.err)")
        #expect(r.err.contains("line 3, column 2") && r.err.contains(why), "\(r.err)")
        #expect(r.out.isEmpty)
    }

    @Test func dateArithmeticPastTheCalendarIsMissingWithAReason() throws {
        let file = SourceFile(path: "/tmp/dates.velo", text: "param far = 1000000000\n\ntable t:\n  d = 2024-01-01 + far * 1 days\n")
        let (program, diagnostics) = RuleCompiler.compile(file)
        let p = try #require(program, "\(diagnostics)")
        let ws = try Workspace.open(p)
        let t = try #require(p.table(named: "t"))
        let column = ws.column(ColumnRef(t, 0))
        #expect(column.missingReasons[0]?.kind == .dateOutOfRange)
        #expect(ResultText.reason(.dateOutOfRange).contains("out of range"))
    }

    // MARK: - Linear in the input, and line ends (item 8)

    @Test func manyUnclosedBracketsGiveAFewErrors() {
        let file = SourceFile(path: "b.velo", text: "table t:\n  x = " + String(repeating: "(", count: 100_000) + "\n")
        let (_, diagnostics) = Parser.parse(file)
        let unclosed = diagnostics.filter { $0.code == "unclosed-bracket" }
        #expect(unclosed.count == 4)
        #expect(unclosed.contains { $0.message.contains("neither are 99996 more") })
        // Each excerpt is a window of the 100,000-character line.
        let text = DiagnosticRenderer().render(diagnostics, in: file)
        #expect(text.utf8.count < 5_000)
    }

    @Test func aReplLineOfUnclosedBracketsGivesAFewErrors() throws {
        let dir = try Self.project()
        defer { FrontendHarness.remove(dir) }
        let capture = FrontendHarness.Capture()
        let session = ReplSession(console: capture.console)
        _ = session.start(ReplOptions(file: dir + "/plan.velo"))
        _ = session.execute(String(repeating: "(", count: 100_000))
        #expect(capture.err.utf8.count + capture.out.utf8.count < 20_000)
    }

    @Test func aRuleFileWithCarriageReturnLineEndsIsReadLineByLine() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try "table t:\r  x = 1 +\r".write(toFile: dir + "/bad.velo", atomically: true, encoding: .utf8)
        let bad = Self.check(dir + "/bad.velo")
        #expect(bad.status == .ruleErrors, "\(bad.out + bad.err)")
        #expect(bad.err.contains("bad.velo:2:"), "\(bad.err)")
        // A first line that is a comment no longer swallows the whole file (it said `ok`).
        try "# a plan\rtable t:\r  x = 1 +\r".write(toFile: dir + "/commented.velo", atomically: true, encoding: .utf8)
        let commented = Self.check(dir + "/commented.velo")
        #expect(commented.status == .ruleErrors && commented.err.contains("commented.velo:3:"), "\(commented.out + commented.err)")
        let file = SourceFile(path: "ok.velo", text: "table t:\r  x = 1 + 1\r  y = x * 2\r")
        let program = try #require(RuleCompiler.compile(file).program)
        let ws = try Workspace.open(program)
        guard case .number(let y) = ws.column(ColumnRef(try #require(program.table(named: "t")), 1)).values else {
            Issue.record("y is not a number")
            return
        }
        #expect(y == [4])
    }

    @Test func aCSVWithCarriageReturnLineEndsIsReadLineByLine() throws {
        let dir = try Self.project(items: "sku,units\rA,3\rB,4\r")
        defer { FrontendHarness.remove(dir) }
        let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["totals"], format: "csv"))
        #expect(r.status == nil, "\(r.err)")
        #expect(r.out == "total\n7\n")
    }

    @Test func aWideHeaderFindsItsColumns() throws {
        let n = 5_000
        let header = (0..<n).map { "c\($0)" }.joined(separator: ",")
        let row = (0..<n).map { "\($0)" }.joined(separator: ",")
        let dir = try Self.project(plan: "table w = csv(\"items.csv\")\n\ntable t:\n  x = sum(w.c4999) + sum(w.c0)\n", items: header + "\n" + row + "\n")
        defer { FrontendHarness.remove(dir) }
        let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["t"], format: "csv"))
        #expect(r.status == nil, "\(r.err)")
        #expect(r.out == "x\n4999\n")
    }

    // MARK: - One bad cell in a CSV

    @Test(arguments: ["--5", "\"1,000\"", "0x10", "31/12/2024"])
    func aBadCellInAnUndeclaredNumberColumnIsNamed(_ cell: String) throws {
        let dir = try Self.project(plan: "table items = csv(\"items.csv\") by sku\n\ntable totals:\n  total = sum(items.units)\n",
                                   items: "sku,units\nA,3\nB,\(cell)\nC,4\n")
        defer { FrontendHarness.remove(dir) }
        let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["totals"]))
        #expect(r.status == .dataError, "\(r.err)")
        #expect(r.err.contains("line 3, column 2: expected a number in column `units`"), "\(r.err)")
    }

    @Test func aHeaderOnlyFileDoesNotCrash() throws {
        let dir = try Self.project(plan: "table items = csv(\"items.csv\") by sku\n\ntable totals:\n  total = sum(items.units)\n",
                                   items: "sku,units\n")
        defer { FrontendHarness.remove(dir) }
        let r = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["totals"]))
        #expect(r.status == .ruleErrors, "\(r.err)")
        #expect(r.err.contains("`sum` expects a number, found a text"), "\(r.err)")
    }

    // MARK: - velo watch agrees with a fresh run

    @Test func watchRefusesAHeaderOnlyFileAsAFreshRunDoes() throws {
        let plan = "table items = csv(\"items.csv\") by sku\n\ntable totals:\n  total = sum(items.units)\n"
        let dir = try Self.project(plan: plan)
        defer { FrontendHarness.remove(dir) }
        let capture = FrontendHarness.Capture()
        var loop = try WatchFrontend.Loop(path: dir + "/plan.velo", sets: [], console: capture.console)
        try "sku,units\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        loop.poll()
        #expect(capture.err.contains("does not check against the data") && capture.err.contains("keeping the previous plan"), "\(capture.err)")
        #expect(!capture.out.contains("7 → 0"), "\(capture.out)")
        let fresh = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["totals"]))
        #expect(fresh.status == .ruleErrors)
        // Good data again: the change is computed.
        try "sku,units\nA,3\nB,5\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        loop.poll()
        #expect(capture.out.contains("totals.total  7 → 8"), "\(capture.out)")
    }

    // MARK: - Half-loaded state (item 9)

    @Test func aFailedLoadKeepsThePreviousState() throws {
        let dir = try Self.project()
        defer { FrontendHarness.remove(dir) }
        let capture = FrontendHarness.Capture()
        let session = ReplSession(console: capture.console)
        _ = session.start(ReplOptions(file: dir + "/plan.velo"))
        capture.out = ""
        _ = session.execute("totals.total")
        let before = capture.out
        #expect(before.contains("7"), "\(before)")
        // The rule file breaks; reload fails and keeps the plan it had.
        try "table totals:\n  total = sum(items.nope)\n".write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        _ = session.execute("reload")
        #expect(capture.err.contains("error"), "\(capture.err)")
        capture.out = ""
        _ = session.execute("totals.total")
        #expect(capture.out == before)
        // The data breaks; reload fails and keeps it too.
        try Self.plan.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        try "sku,units\nA,3\nA,4\n".write(toFile: dir + "/items.csv", atomically: true, encoding: .utf8)
        capture.err = ""
        _ = session.execute("reload")
        #expect(!capture.err.isEmpty)
        capture.out = ""
        _ = session.execute("totals.total")
        #expect(capture.out == before)
    }
}
