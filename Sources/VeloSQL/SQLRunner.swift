// Running a compiled script on an engine and reading the result queries back as typed values.
//
// DuckDB and Spark run in a Python child process (the `duckdb` and `pyspark` packages from PyPI,
// the script below); PostgreSQL through libpq in this process (SQLRunner+Postgres.swift). Either
// way the engine returns rows of typed values; the frontend turns them into the same tables,
// flags and check failures the native engine gives.

import Foundation
import VeloCheck
import VeloData

public enum SQLValue: Sendable, Equatable {
    case null
    case number(Double)
    case text(String)
    case date(Int32)
    case bool(Bool)
}

public struct SQLEngineOptions: Sendable {
    /// PostgreSQL: a connection URL or `key=value` string; empty: the standard PG* environment.
    /// DuckDB: a database file (empty: in memory).
    public var connection: String
    /// Spark: the master URL (default: Spark's configuration, else local mode on every core).
    public var sparkMaster: String?
    /// The Python interpreter for DuckDB and Spark (VELO_PYTHON, else python3).
    public var python: String

    public init(connection: String = "", sparkMaster: String? = nil, python: String? = nil) {
        self.connection = connection
        self.sparkMaster = sparkMaster
        self.python = python ?? ProcessInfo.processInfo.environment["VELO_PYTHON"] ?? "python3"
    }
}

public struct SQLRunError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

public enum SQLRunner {
    /// Runs the script and returns the rows of each of its result queries, in order.
    public static func run(_ script: SQLScript, options: SQLEngineOptions) throws(SQLRunError) -> [[[SQLValue]]] {
        switch script.dialect {
        case .postgres: return try runPostgres(script, options: options)
        case .duckdb, .spark: return try runPython(script, options: options)
        }
    }

    // MARK: - Python (DuckDB, Spark)

    static func runPython(_ script: SQLScript, options: SQLEngineOptions) throws(SQLRunError) -> [[[SQLValue]]] {
        // A table's statement also names it and gives its query: Spark keeps those rows itself.
        var statements: [[String: String]] = []
        for s in script.statements {
            switch s {
            case .sql(_, let text): statements.append(["sql": text])
            case .table(_, let name, let query, let text):
                statements.append(["sql": text, "table": script.dialect.quote(name), "query": query])
            case .copyCSV: throw SQLRunError("\\copy is PostgreSQL's")
            }
        }
        let request: [String: Any] = [
            "engine": script.dialect.rawValue,
            "master": options.sparkMaster ?? "",
            "database": options.connection,
            "statements": statements,
            "queries": script.queries.map(\.sql),
            "types": script.queries.map { $0.types.map(\.base.rawValue) },
        ]
        let dir = NSTemporaryDirectory() + "velo-sql-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw SQLRunError("cannot create a temporary directory: \(error)")
        }
        defer { try? fm.removeItem(atPath: dir) }
        let input = dir + "/request.json", output = dir + "/result.tsv", program = dir + "/runner.py", errors = dir + "/stderr"
        do {
            let json = try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys])
            try json.write(to: URL(fileURLWithPath: input))
            try pythonRunner.write(toFile: program, atomically: true, encoding: .utf8)
        } catch {
            throw SQLRunError("cannot write the request: \(error)")
        }
        let status = Spawn.run([options.python, program, input, output], stderr: errors)
        if status == -1 { throw SQLRunError("cannot start \(options.python)") }
        if status != 0 {
            let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n").map(String.init)
            let message = lines.last { $0.hasPrefix("velo-sql: ") }.map { String($0.dropFirst(10)) }
                ?? lines.suffix(3).joined(separator: "\n")
            throw SQLRunError("\(script.dialect.displayName): \(message.isEmpty ? "the engine failed" : message)")
        }
        guard let text = try? String(contentsOfFile: output, encoding: .utf8) else {
            throw SQLRunError("\(script.dialect.displayName): no results")
        }
        return try parseResults(text, script: script)
    }

    /// `Q` lines separate the queries; a row is tab-separated cells (`\N` is NULL, text escaped).
    static func parseResults(_ text: String, script: SQLScript) throws(SQLRunError) -> [[[SQLValue]]] {
        var out: [[[SQLValue]]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "Q" { out.append([]); continue }
            if line.isEmpty { continue }
            guard !out.isEmpty else { throw SQLRunError("unexpected output") }
            let q = out.count - 1
            let types = script.queries[q].types
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard cells.count == types.count else { throw SQLRunError("a row of \(cells.count) values, expected \(types.count)") }
            out[q].append(zip(cells, types).map { decode(String($0), $1) })
        }
        guard out.count == script.queries.count else { throw SQLRunError("\(out.count) results for \(script.queries.count) queries") }
        return out
    }

    static func decode(_ s: String, _ type: VType) -> SQLValue {
        if s == "\\N" { return .null }
        switch type.base {
        case .number, .duration, .unknown:
            guard let x = Double(s), x.isFinite else { return .null }
            return .number(x)
        case .date: return CivilDate(iso: String(s.prefix(10))).map { .date($0.day) } ?? .null
        case .bool: return .bool(s == "t" || s == "true" || s == "True")
        case .text: return .text(unescape(s))
        }
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        var out = ""
        var escape = false
        for ch in s {
            if escape {
                switch ch {
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                default: out.append(ch)
                }
                escape = false
            } else if ch == "\\" {
                escape = true
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// The child process: runs the statements, then writes each query's rows.
    static let pythonRunner = #"""
import json, sys, math, datetime

def main():
    request = json.load(open(sys.argv[1]))
    engine = request["engine"]
    out = open(sys.argv[2], "w")
    try:
        if engine == "duckdb":
            import duckdb
            con = duckdb.connect(request.get("database") or ":memory:")
            def execute(sql):
                return con.execute(sql)
            def rows(sql):
                return con.execute(sql).fetchall()
            def keep(name, query, sql):
                execute(sql)
        else:
            import os
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            from pyspark.sql import SparkSession
            builder = SparkSession.builder
            if request["master"]:
                builder = builder.master(request["master"])
            spark = (builder.appName("velo")
                     .config("spark.ui.enabled", "false")
                     .config("spark.sql.shuffle.partitions", "4")
                     .config("spark.sql.session.timeZone", "UTC")
                     # Inferring filters from constraints breaks on a UNION of checkpointed
                     # rows (the periods of a recurrence together: "key not found"), and
                     # only adds IS NOT NULL filters here.
                     .config("spark.sql.constraintPropagation.enabled", "false")
                     .getOrCreate())
            spark.sparkContext.setLogLevel("ERROR")
            def execute(sql):
                return spark.sql(sql.strip().rstrip(";"))
            def rows(sql):
                return [tuple(r) for r in spark.sql(sql.strip().rstrip(";")).collect()]
            def keep(name, query, sql):
                # The rows computed now and kept (a local checkpoint), not a cached plan: a
                # later step's plan starts from them instead of holding every step before it,
                # which Spark would analyse again at each step (minutes per step, growing).
                spark.sql(query).localCheckpoint().createOrReplaceTempView(name)
        for s in request["statements"]:
            if "table" in s:
                keep(s["table"], s["query"], s["sql"])
            else:
                execute(s["sql"])
        for sql, types in zip(request["queries"], request["types"]):
            out.write("Q\n")
            for row in rows(sql):
                out.write("\t".join(encode(v, t) for v, t in zip(row, types)) + "\n")
    except Exception as e:
        message = str(e).strip().split("\n")[0]
        sys.stderr.write("velo-sql: " + message + "\n")
        sys.exit(1)
    out.close()

def encode(v, t):
    if v is None:
        return "\\N"
    if t in ("number", "duration", "unknown"):
        x = float(v)
        return "\\N" if math.isnan(x) or math.isinf(x) else repr(x)
    if t == "date":
        return v.isoformat()[:10]
    if t == "bool":
        return "t" if v else "f"
    s = str(v)
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

main()
"""#
}
