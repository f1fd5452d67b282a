// The generated SQL of every example and fixture, per dialect, is a golden file
// (Tests/VeloSQLTests/Golden/NAME.DIALECT.sql; VELO_RECORD=1 rewrites them).

import Foundation
import Testing
import VeloSQL
@testable import VeloFrontend

struct SQLGoldenTests {
    static let cases: [(String, SQLDialect)] = SQLSupport.programs.flatMap { p in SQLDialect.allCases.map { (p, $0) } }

    @Test("velo compile --sql gives the golden script", arguments: cases)
    func golden(_ program: String, _ dialect: SQLDialect) throws {
        let outcome = SQLSupport.compile(CompileRequest(file: SQLSupport.root + "/" + program, sql: dialect.rawValue))
        #expect(outcome.status == 0, "\(outcome.err)")
        let text = outcome.out.replacingOccurrences(of: SQLSupport.root + "/", with: "")
        let name = (program.split(separator: "/").last ?? "").replacingOccurrences(of: ".velo", with: "")
        let path = SQLSupport.root + "/Tests/VeloSQLTests/Golden/\(name).\(dialect.rawValue).sql"
        let golden = try? String(contentsOfFile: path, encoding: .utf8)
        if SQLSupport.recording || golden == nil {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(golden != nil, "golden written: \(path)")
            return
        }
        #expect(text == golden, "the script differs from \(path) (VELO_RECORD=1 rewrites it)")
    }

    @Test("the script is deterministic")
    func deterministic() {
        let request = CompileRequest(file: SQLSupport.root + "/Examples/replenishment/plan.velo", sql: "duckdb")
        #expect(SQLSupport.compile(request).out == SQLSupport.compile(request).out)
    }

    @Test("--output writes the script to a file")
    func output() throws {
        let dir = SQLSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outcome = SQLSupport.compile(CompileRequest(file: SQLSupport.root + "/Examples/replenishment/plan.velo", sql: "postgres",
                                                        output: dir + "/plan.sql"))
        #expect(outcome.status == 0 && outcome.out.isEmpty)
        let text = try String(contentsOfFile: dir + "/plan.sql", encoding: .utf8)
        #expect(text.contains("CREATE TABLE plan AS"))
        #expect(text.contains("\\copy sales"))
    }
}

extension SQLDialect: CustomTestStringConvertible {
    public var testDescription: String { rawValue }
}
