// Helpers of the SQL tests: the package root, running `velo run` / `velo compile` in process,
// reading the CSV outputs, and comparing two runs with a tolerance (naming both engines).

import Foundation
import VeloEngine
import VeloSyntax
@testable import VeloFrontend

enum SQLSupport {
    static let root: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// Every example and fixture program the cross-engine harness runs (relative to the root).
    static let programs = [
        "Examples/replenishment/plan.velo",
        "Examples/retrospective/retro.velo",
        "Examples/moq_decision/moq.velo",
        "Tests/Fixtures/sql/constructs.velo",
        "Examples/production/production.velo",
        "Examples/production/lot_sizing.velo",
        "Tests/Fixtures/sql/periods.velo",
        "Tests/Fixtures/sql/decisions.velo",
        "Tests/Fixtures/sql/filtered.velo",
        "Examples/erp_export/erp.velo",
        "Tests/Fixtures/sql/dialects.velo",
    ]

    static var recording: Bool {
        let v = ProcessInfo.processInfo.environment["VELO_RECORD"] ?? ""
        return !v.isEmpty && v != "0"
    }

    struct Outcome {
        var status: Int32
        var out: String
        var err: String
    }

    static func console() -> (Console, () -> (String, String)) {
        final class Box: @unchecked Sendable { var out = ""; var err = "" }
        let box = Box()
        let c = Console(out: { box.out += $0 }, err: { box.err += $0 })
        return (c, { (box.out, box.err) })
    }

    static func run(_ request: RunRequest) -> Outcome {
        let (c, read) = console()
        var status: Int32 = 0
        do { try RunFrontend.run(request, console: c) } catch { status = error.status.rawValue }
        let (o, e) = read()
        return Outcome(status: status, out: o, err: e)
    }

    static func compile(_ request: CompileRequest) -> Outcome {
        let (c, read) = console()
        var status: Int32 = 0
        do { try CompileFrontend.run(request, console: c) } catch { status = error.status.rawValue }
        let (o, e) = read()
        return Outcome(status: status, out: o, err: e)
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "velo-sql-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The computed tables of a program, in file order.
    static func tables(of program: String) -> [String] {
        guard let text = try? String(contentsOfFile: root + "/" + program, encoding: .utf8),
              let checked = RuleCompiler.compile(SourceFile(path: root + "/" + program, text: text)).program else { return [] }
        return checked.tables.filter { !$0.isSource }.map(\.name)
    }

    /// `velo run FILE --output DIR` on an engine (nil: native), the files it wrote by name.
    static func outputs(_ program: String, engine: String?, database: String? = nil, extra: (inout RunRequest) -> Void = { _ in })
        -> (Outcome, [String: [[String]]]) {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Every computed table and the flags, named: a rule file's reports run on Velo's own
        // engine only, so both sides write whole tables.
        var request = RunRequest(file: root + "/" + program, tables: tables(of: program) + ["flags"], output: dir)
        request.engine = engine
        request.database = database
        extra(&request)
        let outcome = run(request)
        var files: [String: [[String]]] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            if let text = try? String(contentsOfFile: dir + "/" + name, encoding: .utf8) { files[name] = parseCSV(text) }
        }
        return (outcome, files)
    }

    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, wasQuoted = false
        var it = Array(text).makeIterator()
        var pending: Character? = nil
        while let ch = pending ?? it.next() {
            pending = nil
            if quoted {
                if ch == "\"" {
                    if let n = it.next() { if n == "\"" { field.append("\"") } else { quoted = false; pending = n } } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" { quoted = true; wasQuoted = true }
            else if ch == "," { row.append(field); field = ""; wasQuoted = false }
            else if ch == "\n" { row.append(field); rows.append(row); row = []; field = ""; wasQuoted = false }
            else if ch != "\r" { field.append(ch) }
        }
        if !field.isEmpty || wasQuoted || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// Differences between two runs' files: same files, rows and headers; numbers within 1e-9 relative.
    static func differences(_ a: [String: [[String]]], _ b: [String: [[String]]], names: (String, String)) -> [String] {
        var problems: [String] = []
        for file in Set(a.keys).union(b.keys).sorted() {
            guard let x = a[file], let y = b[file] else {
                problems.append("\(file): only in \(a[file] == nil ? names.1 : names.0)")
                continue
            }
            if x.count != y.count { problems.append("\(file): \(x.count - 1) rows on \(names.0), \(y.count - 1) on \(names.1)"); continue }
            for (i, (r, s)) in zip(x, y).enumerated() {
                if r.count != s.count { problems.append("\(file):\(i + 1): \(r.count) vs \(s.count) fields"); continue }
                for (j, (p, q)) in zip(r, s).enumerated() where !same(p, q) {
                    problems.append("\(file):\(i + 1) \(x[0][j]): \(names.0) \(p), \(names.1) \(q)")
                }
            }
        }
        return problems
    }

    static func same(_ p: String, _ q: String) -> Bool {
        if p == q { return true }
        guard let x = Double(p), let y = Double(q) else { return false }
        return abs(x - y) <= 1e-9 * max(abs(x), abs(y))
    }
}
