// The Monday review and the ERP upload (issue 14): reports in the rule file, output paths
// and formats that do what they say, --fail-on, `velo check --set/--asof`, params that
// refuse a percentage written as a plain number.

import Foundation
import Testing
@testable import VeloFrontend

@Suite("velo run: reports and output files")
struct ReportAndOutputTests {
    static let plan = FrontendHarness.root + "/Examples/replenishment/plan.velo"

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test func runPrintsTheFileReportsFlagsFirstThenWeeklyOrdersByCover() throws {
        let r = FrontendHarness.run(RunRequest(file: Self.plan))
        #expect(r.status == nil, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("Exceptions: review these first (") == true, "\(lines.prefix(3))")
        let ordersAt = try #require(lines.firstIndex { $0.hasPrefix("This week's orders, lowest cover first (") })
        #expect(lines[..<ordersAt].contains { $0.hasPrefix("new_launch ") }, "the new launch is flagged")
        // The orders: weekly cadence only, cover ascending.
        let csv = FrontendHarness.run(RunRequest(file: Self.plan, format: "csv", report: "weekly_orders"))
        let records = FrontendHarness.records(csv.out)
        #expect(records.first == ["sku", "order_qty", "need", "cover_days", "demand"])
        let cover = records.dropFirst().map { Double($0[3])! }
        #expect(!cover.isEmpty && cover == cover.sorted())
        let all = FrontendHarness.records(FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], format: "csv")).out)
        let cadence = all[0].firstIndex(of: "cadence")!
        #expect(cover.count == all.dropFirst().filter { $0[cadence] == "weekly" }.count)
    }

    @Test func tableStillGivesTheWholeTable() {
        let r = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], format: "csv"))
        #expect(r.status == nil)
        #expect(FrontendHarness.records(r.out).count == 61)
    }

    @Test func reportErrors() {
        let unknown = FrontendHarness.run(RunRequest(file: Self.plan, report: "weekly_order"))
        #expect(unknown.status == .usage)
        #expect(unknown.err.contains("no report `weekly_order`") && unknown.err.contains("weekly_orders"), "\(unknown.err)")
        let both = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], report: "weekly_orders"))
        #expect(both.status == .usage)
    }

    @Test func outputDirectoryWithATrailingSlashExistingOrNot() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        for target in [dir + "/new/", dir + "/"] {
            let r = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], output: target))
            #expect(r.status == nil, "\(r.err)")
            #expect(Self.read(target + "plan.csv")?.hasPrefix("sku,") == true)
        }
        // Reports go one file each, named after the report.
        let r = FrontendHarness.run(RunRequest(file: Self.plan, output: dir + "/reports/"))
        #expect(r.status == nil, "\(r.err)")
        #expect(Self.read(dir + "/reports/exceptions.csv")?.hasPrefix("flag,severity,table,sku,channel,message\n") == true)
        #expect(Self.read(dir + "/reports/weekly_orders.csv") != nil)
    }

    @Test func outputFormatFollowsTheExtension() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let json = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], output: dir + "/deep/plan.json"))
        #expect(json.status == nil, "\(json.err)")
        let text = try #require(Self.read(dir + "/deep/plan.json"))
        #expect(text.hasPrefix("["))
        #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil)
        let md = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], output: dir + "/plan.md"))
        #expect(md.status == nil)
        #expect(Self.read(dir + "/plan.md")?.hasPrefix("|") == true)
        // --format wins, but a file named for another format is refused.
        let mismatch = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], format: "csv", output: dir + "/x.json"))
        #expect(mismatch.status == .usage)
        #expect(mismatch.err.contains("is a .json file but --format is csv"))
        #expect(Self.read(dir + "/x.json") == nil)
        let several = FrontendHarness.run(RunRequest(file: Self.plan, output: dir + "/all.csv"))
        #expect(several.status == .usage)
        #expect(several.err.contains("need a directory"))
        // Several tables into one .json file: one document.
        let oneDocument = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["series", "plan"], output: dir + "/all.json"))
        #expect(oneDocument.status == nil, "\(oneDocument.err)")
        #expect(Self.read(dir + "/all.json")?.hasPrefix("{\n  \"series\": [") == true)
    }

    @Test func junitCreatesItsFolder() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let capture = FrontendHarness.Capture()
        try TestFrontend.run(TestRequest(paths: [FrontendHarness.root + "/Examples/replenishment"], junit: dir + "/out/velo-tests.xml"),
                             console: capture.console)
        #expect(Self.read(dir + "/out/velo-tests.xml")?.contains("<testsuites") == true)
    }

    static func severityErrorPlan(_ dir: String) throws -> String {
        try FileManager.default.copyItem(atPath: FrontendHarness.root + "/Examples/replenishment/data", toPath: dir + "/data")
        let text = try String(contentsOfFile: plan, encoding: .utf8)
            .replacingOccurrences(of: "flag velocity_shift on series when exception:", with: "flag velocity_shift on series when exception severity error:")
        try text.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        return dir + "/plan.velo"
    }

    @Test func failOnExitsOneWhenSuchAFlagFires() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let file = try Self.severityErrorPlan(dir)
        #expect(FrontendHarness.run(RunRequest(file: file)).status == nil, "without --fail-on the run succeeds")
        let error = FrontendHarness.run(RunRequest(file: file, failOn: "error"))
        #expect(error.status == .ruleErrors)
        #expect(error.err.contains("flag velocity_shift (severity error) marks 2 rows (--fail-on)"), "\(error.err)")
        #expect(error.out.hasPrefix("Exceptions"), "the outputs come first")
        // The example's own flags are warnings: only --fail-on warning fails on them.
        #expect(FrontendHarness.run(RunRequest(file: Self.plan, failOn: "error")).status == nil)
        #expect(FrontendHarness.run(RunRequest(file: Self.plan, failOn: "warning")).status == .ruleErrors)
        #expect(FrontendHarness.run(RunRequest(file: Self.plan, failOn: "fatal")).status == .usage)
    }

    @Test func percentageParamRefusesAPlainNumber() {
        let r = FrontendHarness.run(RunRequest(file: Self.plan, sets: ["service_level=98"]))
        #expect(r.status == .usage)
        #expect(r.err.contains("did you mean 98%?"), "\(r.err)")
        #expect(FrontendHarness.run(RunRequest(file: Self.plan, sets: ["service_level=0.98"], tables: ["plan"])).status == nil)
        #expect(FrontendHarness.run(RunRequest(file: Self.plan, sets: ["service_level=98%"], tables: ["plan"])).status == nil)
        // The example declares `between 50% and 99.9%`.
        let low = FrontendHarness.run(RunRequest(file: Self.plan, sets: ["service_level=30%"]))
        #expect(low.status == .usage)
        #expect(low.err == "velo: --set service_level: `service_level` must be between 50% and 99.9%, found 30%; the param's declaration says `between 50% and 99.9%`\n", "\(low.err)")
        let (ok, out) = ReplHarness.script(["set service_level = 100%"])
        #expect(!ok)
        #expect(out.contains("must be between 50% and 99.9%, found 100%"))
    }

    @Test func checkTakesSetAndAsOf() throws {
        func check(_ r: CheckRequest) -> (VeloFrontend.ExitStatus?, String) {
            let capture = FrontendHarness.Capture()
            do { try CheckFrontend.run(r, console: capture.console); return (nil, capture.out + capture.err) } catch {
                return (error.status, capture.out + capture.err)
            }
        }
        let (ok, text) = check(CheckRequest(files: [Self.plan], sets: ["velocity_threshold=90%"]))
        #expect(ok == nil)
        #expect(!text.contains("velocity_shift"), "a 90% threshold raises no velocity flag: \(text)")
        let (bad, why) = check(CheckRequest(files: [Self.plan], sets: ["service_level=98"]))
        #expect(bad == .usage && why.contains("did you mean 98%?"))
        let (unknown, _) = check(CheckRequest(files: [Self.plan], sets: ["nosuch=1"]))
        #expect(unknown == .usage)
        let (early, earlyText) = check(CheckRequest(files: [Self.plan], asof: "2024-12-01"))
        #expect(early == nil)
        #expect(earlyText != text)
        let (badDate, _) = check(CheckRequest(files: [Self.plan], asof: "yesterday"))
        #expect(badDate == .usage)
    }

    @Test func checkTakesSource() throws {
        func check(_ r: CheckRequest) -> (VeloFrontend.ExitStatus?, String) {
            let capture = FrontendHarness.Capture()
            do { try CheckFrontend.run(r, console: capture.console); return (nil, capture.out + capture.err) } catch {
                return (error.status, capture.out + capture.err)
            }
        }
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        // Another sales feed: SKU000001 sells on the web only now, a new launch there.
        try "date,sku,channel,units\n2024-12-31,SKU000001,web,30\n".write(toFile: dir + "/sales.csv", atomically: true, encoding: .utf8)
        let (ok, text) = check(CheckRequest(files: [Self.plan], sources: ["sales=" + dir + "/sales.csv"]))
        #expect(ok == nil, "\(text)")
        #expect(text.contains("new_launch") && text.contains("SKU000001"), "\(text)")
        #expect(!text.contains("SKU000010"), "the committed feed's new launch is not in this one: \(text)")
        let (unknown, why) = check(CheckRequest(files: [Self.plan], sources: ["nosuch=" + dir + "/sales.csv"]))
        #expect(unknown == .usage, "\(why)")
    }
}

@Suite("velo run --set on many rows")
struct RunRowEditTests {
    static let plan = FrontendHarness.root + "/Examples/replenishment/plan.velo"

    static func total(_ csv: String, _ column: String) -> Double {
        let records = FrontendHarness.records(csv)
        let c = records[0].firstIndex(of: column)!
        return records.dropFirst().map { Double($0[c]) ?? 0 }.reduce(0, +)
    }

    @Test func leadTimesUpForOneSupplierAsInTheREPL() {
        let base = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"], format: "csv"))
        let acme = FrontendHarness.run(RunRequest(file: Self.plan, sets: ["items.lead_time_days=lead_time_days * 1.2 where supplier == \"Acme\""],
                                                  tables: ["plan"], format: "csv"))
        #expect(acme.status == nil, "\(acme.err)")
        #expect(Self.total(base.out, "order_qty") == 100_913)
        #expect(Self.total(acme.out, "order_qty") == 112_821)
    }

    @Test func errorsAreUsageErrors() {
        for (set, message) in [
            ("items.lead_time_days=lead_time_dys * 1.2", "did you mean `lead_time_days`?"),
            ("plan.need=1", "only a data column of a keyed source table"),
            ("items.moq=moq where supplier == \"Nobody\"", "no row of `items` matches"),
        ] {
            let r = FrontendHarness.run(RunRequest(file: Self.plan, sets: [set], tables: ["plan"]))
            #expect(r.status == .usage, "\(set)")
            #expect(r.err.contains(message), "\(set): \(r.err)")
        }
        let capture = FrontendHarness.Capture()
        #expect(throws: CommandFailure.self) {
            try CheckFrontend.run(CheckRequest(files: [Self.plan], sets: ["items.moq=moq * 2"]), console: capture.console)
        }
    }
}

@Suite("velo run --table asof / checks")
struct RunAsOfAndChecksTests {
    @Test func asOfAndCheckFailuresInTheChosenFormat() throws {
        let plan = FrontendHarness.root + "/Examples/replenishment/plan.velo"
        let r = FrontendHarness.run(RunRequest(file: plan, asof: "2024-12-20", tables: ["asof", "checks"], format: "csv"))
        #expect(r.status == nil, "\(r.err)")
        #expect(r.out == "asof\n2024-12-20\n\ncheck,table,sku,detail\n")
        // A failing check: its rows, each key a column.
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try FileManager.default.copyItem(atPath: FrontendHarness.root + "/Examples/replenishment/data", toPath: dir + "/data")
        let text = try String(contentsOfFile: plan, encoding: .utf8).replacingOccurrences(of: "check plan: order_qty >= 0", with: "check plan: order_qty < 5000")
        try text.write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        let failing = FrontendHarness.run(RunRequest(file: dir + "/plan.velo", tables: ["checks"], format: "json"))
        #expect(failing.status == .ruleErrors)
        #expect(failing.out.contains("{\"check\": \"plan: order_qty < 5000\", \"table\": \"plan\", \"sku\": \"SKU000038\""), "\(failing.out)")
    }
}

@Suite("velo run: terminal pictures")
struct TerminalPictureTests {
    static let plan = FrontendHarness.root + "/Examples/replenishment/plan.velo"

    @Test func sparklineOfRecentDailyUnitsInHumanOutputOnly() {
        let human = FrontendHarness.run(RunRequest(file: Self.plan, tables: ["series"]))
        let header = human.out.split(separator: "\n")[1]
        #expect(header.hasSuffix("units, last 28 days"), "\(header)")
        let row = human.out.split(separator: "\n")[3]
        #expect(row.hasSuffix("▆▄▅▆▆▅▅▅▅▆█▅▅▄▅▅▆█▆▃▅▄▆▇▅█▃▄"), "\(row)")
        var off = RunRequest(file: Self.plan, tables: ["series"])
        off.sparkline = false
        #expect(!FrontendHarness.run(off).out.contains("last 28 days"))
        #expect(!FrontendHarness.run(RunRequest(file: Self.plan, tables: ["series"], format: "csv")).out.contains("last 28 days"))
        // A table without windows of its own gets none.
        #expect(!FrontendHarness.run(RunRequest(file: Self.plan, tables: ["plan"])).out.contains("last 28 days"))
        #expect(Sparkline.line([0, 1, 2, 4, 8]) == "·▂▃▅█")
    }

    @Test func severityInColourOnlyWhenColourIsOn() throws {
        func run(color: Bool) throws -> String {
            var out = ""
            let console = Console(out: { out += $0 }, err: { _ in }, colorOutput: color)
            try RunFrontend.run(RunRequest(file: Self.plan, tables: ["flags"]), console: console)
            return out
        }
        #expect(try run(color: true).contains("\u{1B}[33mwarning\u{1B}[0m"))
        #expect(!(try run(color: false)).contains("\u{1B}"))
    }
}

@Suite("reports: sorting, limits, flags")
struct ReportSortingTests {
    static func plan(with reports: String, in dir: String) throws -> String {
        try FileManager.default.copyItem(atPath: FrontendHarness.root + "/Examples/replenishment/data", toPath: dir + "/data")
        let text = try String(contentsOfFile: FrontendHarness.root + "/Examples/replenishment/plan.velo", encoding: .utf8)
        let head = String(text[..<text.range(of: "# What `velo run plan.velo` prints")!.lowerBound])
        try (head + reports).write(toFile: dir + "/plan.velo", atomically: true, encoding: .utf8)
        return dir + "/plan.velo"
    }

    @Test func missingValuesSortLastInEitherDirectionAndLimitsCut() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let file = try Self.plan(with: """
            report by_cover on plan:
              columns sku, cover_days
              sort by cover_days desc, sku
              limit 100

            report top3 on plan:
              columns sku, demand
              sort by demand desc
              limit 3

            report recent_flags on flags:
              columns flag, sku, channel
              sort by flag desc, sku desc
              limit 2

            """, in: dir)
        let r = FrontendHarness.run(RunRequest(file: file, format: "csv", report: "by_cover"))
        #expect(r.status == nil, "\(r.err)")
        let rows = FrontendHarness.records(r.out).dropFirst().map { $0[1] }
        let firstMissing = try #require(rows.firstIndex(of: ""))
        #expect(rows[firstMissing...].allSatisfy { $0.isEmpty }, "missing values last")
        let numbers = rows[..<firstMissing].map { Double($0)! }
        #expect(numbers == numbers.sorted(by: >))
        let top = FrontendHarness.records(FrontendHarness.run(RunRequest(file: file, format: "csv", report: "top3")).out)
        #expect(top.count == 4 && top[1][0] == "SKU000050", "\(top)")
        let flags = FrontendHarness.run(RunRequest(file: file, format: "csv", report: "recent_flags"))
        #expect(flags.out == "flag,sku,channel\nvelocity_shift,SKU000028,wholesale\nvelocity_shift,SKU000002,wholesale\n", "\(flags.out)")
        // The human title says how many rows of how many.
        let human = FrontendHarness.run(RunRequest(file: file, report: "top3"))
        #expect(human.out.hasPrefix("top3 (3 of 60 rows)\n"), "\(human.out)")
    }
}

@Suite("velo run --scenario FILE")
struct RunScenarioFileTests {
    @Test func aWhatIfWrittenDownEqualsTheSameSets() throws {
        let plan = FrontendHarness.root + "/Examples/replenishment/plan.velo"
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        try """
            # the supplier call
            set items.lead_time_days = lead_time_days * 1.2 where supplier == "Acme"  # Acme +20%
            service_level = 97%

            """.write(toFile: dir + "/acme.txt", atomically: true, encoding: .utf8)
        var request = RunRequest(file: plan, tables: ["plan"], format: "csv")
        request.scenario = dir + "/acme.txt"
        let fromFile = FrontendHarness.run(request)
        #expect(fromFile.status == nil, "\(fromFile.err)")
        let fromSets = FrontendHarness.run(RunRequest(file: plan, sets: ["items.lead_time_days=lead_time_days * 1.2 where supplier == \"Acme\"", "service_level=97%"],
                                                      tables: ["plan"], format: "csv"))
        #expect(fromFile.out == fromSets.out)
        #expect(fromFile.out != FrontendHarness.run(RunRequest(file: plan, tables: ["plan"], format: "csv")).out)
        // A line that is no edit, a cell by key, an unreadable file: usage errors naming the line.
        for (text, message) in [("hello\n", "acme2.txt:1: expected `set NAME = VALUE`"), ("\nset items.moq[\"SKU1\"] = 5\n", "acme2.txt:2: expected"),
                                ("set service_level = 98\n", "did you mean 98%?")] {
            try text.write(toFile: dir + "/acme2.txt", atomically: true, encoding: .utf8)
            request.scenario = dir + "/acme2.txt"
            let r = FrontendHarness.run(request)
            #expect(r.status == .usage)
            #expect(r.err.contains(message), "\(r.err)")
        }
        request.scenario = dir + "/nosuch.txt"
        #expect(FrontendHarness.run(request).status == .usage)
    }
}
