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

public struct SQLRunError: Error, Sendable, Equatable {
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
        guard let bytes = FileManager.default.contents(atPath: output) else {
            throw SQLRunError("\(script.dialect.displayName): no results")
        }
        return try bytes.withUnsafeBytes { raw in
            Result { () throws(SQLRunError) in try parseResults(raw.bindMemory(to: UInt8.self), script: script) }
        }.get()
    }

    /// A `Q` line starts each query's rows; a row is `R` and then its tab-separated cells (`\N`
    /// is NULL, text escaped), so that no value (an empty text, a `Q`) reads as anything else.
    /// Read as bytes: an L plan's results are millions of cells, and a `String` per line and
    /// per cell cost more than the engine's own work.
    static func parseResults(_ b: UnsafeBufferPointer<UInt8>, script: SQLScript) throws(SQLRunError) -> [[[SQLValue]]] {
        let newline = UInt8(ascii: "\n"), tab = UInt8(ascii: "\t")
        var out: [[[SQLValue]]] = []
        var types: [VType] = []
        var start = 0
        let n = b.count
        while start < n {
            var end = start
            while end < n && b[end] != newline { end += 1 }
            defer { start = end + 1 }
            if end - start == 1 && b[start] == UInt8(ascii: "Q") {
                guard out.count < script.queries.count else {
                    throw SQLRunError("\(out.count + 1) results for \(script.queries.count) queries")
                }
                types = script.queries[out.count].types
                out.append([])
                continue
            }
            guard !out.isEmpty, b[start] == UInt8(ascii: "R") else { throw SQLRunError("unexpected output") }
            var row: [SQLValue] = []
            row.reserveCapacity(types.count)
            guard !types.isEmpty else {
                guard end - start == 1 else { throw SQLRunError("a row of more than 0 values") }
                out[out.count - 1].append(row)
                continue
            }
            var cell = start + 1
            while true {
                var stop = cell
                while stop < end && b[stop] != tab { stop += 1 }
                guard row.count < types.count else { throw SQLRunError("a row of more than \(types.count) values") }
                row.append(decode(UnsafeBufferPointer(rebasing: b[cell..<stop]), types[row.count]))
                if stop == end { break }
                cell = stop + 1
            }
            guard row.count == types.count else { throw SQLRunError("a row of \(row.count) values, expected \(types.count)") }
            out[out.count - 1].append(row)
        }
        guard out.count == script.queries.count else { throw SQLRunError("\(out.count) results for \(script.queries.count) queries") }
        return out
    }

    /// One cell as the child wrote it.
    static func decode(_ cell: UnsafeBufferPointer<UInt8>, _ type: VType) -> SQLValue {
        if cell.count == 2 && cell[0] == UInt8(ascii: "\\") && cell[1] == UInt8(ascii: "N") { return .null }
        switch type.base {
        case .number, .duration, .unknown:
            guard let x = DecimalParser.number(cell), x.isFinite else { return .null }
            return .number(x)
        case .date:
            guard cell.count >= 10, let d = CivilDate.parseISO(UnsafeBufferPointer(rebasing: cell[0..<10])) else { return .null }
            // Before year 1, PostgreSQL writes `0044-03-15 BC` and DuckDB `0044-03-15 (BC)`: the
            // year 44 BC, which is Velo's (astronomical) year -43.
            let rest = cell[10...]
            guard rest.elementsEqual(" BC".utf8) || rest.elementsEqual(" (BC)".utf8) else { return .date(d.day) }
            let c = d.components
            return CivilDate(year: 1 - c.year, month: c.month, day: c.day).map { .date($0.day) } ?? .null
        case .bool:
            return .bool(cell.elementsEqual("t".utf8) || cell.elementsEqual("true".utf8) || cell.elementsEqual("True".utf8))
        case .text:
            let s = String(decoding: cell, as: UTF8.self)
            return .text(cell.contains(UInt8(ascii: "\\")) ? unescape(s) : s)
        }
    }

    /// A cell PostgreSQL gave as text.
    static func decode(_ s: String, _ type: VType) -> SQLValue {
        var s = s
        return s.withUTF8 { decode($0, type) }
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
            if not request.get("database"):
                # An in-memory database has nothing to make durable, but DuckDB still
                # checkpoints it as its changes grow: on L, seconds of compressing the
                # sales table in the middle of the plan.
                con.execute("SET checkpoint_threshold = '1000GB'")
            def execute(sql):
                return con.execute(sql)
            def rows(sql):
                return con.execute(sql).fetchall()
            def keep(name, query, sql):
                execute(sql)
            def lines(sql, types):
                # Each row encoded by DuckDB itself, one string per row: the per-value
                # Python encoders below cost more than the plan's compute on L.
                names = ["c%d" % i for i in range(len(types))]
                cells = [SQL_ENCODERS.get(t, SQL_TEXT).format(c="q." + c) for c, t in zip(names, types)]
                wrapped = "SELECT 'R' || concat_ws(chr(9), %s) FROM (\n%s\n) AS q(%s)" % (
                    ", ".join(cells), sql, ", ".join(names))
                return [r[0] for r in con.execute(wrapped).fetchall()]
        else:
            lines = None
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
        write = out.write
        for sql, types in zip(request["queries"], request["types"]):
            write("Q\n")
            if lines and types:
                encoded = lines(sql, types)
                if encoded:
                    write("\n".join(encoded) + "\n")
                continue
            encoders = [ENCODERS.get(t, encode_text) for t in types]
            for row in rows(sql):
                write("R" + "\t".join([e(v) for e, v in zip(encoders, row)]) + "\n")
    except Exception as e:
        message = str(e).strip().split("\n")[0]
        sys.stderr.write("velo-sql: " + message + "\n")
        sys.exit(1)
    out.close()

# The encoders below, as DuckDB expressions over a column {c}: the same text for the same
# value (DuckDB writes a DOUBLE as the shortest string that reads back to it, as repr does).
SQL_TEXT = ("COALESCE(replace(replace(replace(replace(CAST({c} AS VARCHAR), '\\', '\\\\'), "
            "chr(9), '\\t'), chr(10), '\\n'), chr(13), '\\r'), '\\N')")
SQL_NUMBER = "CASE WHEN isfinite(CAST({c} AS DOUBLE)) THEN CAST(CAST({c} AS DOUBLE) AS VARCHAR) ELSE '\\N' END"
SQL_ENCODERS = {"number": SQL_NUMBER, "duration": SQL_NUMBER, "unknown": SQL_NUMBER,
                "date": "COALESCE(CAST(CAST({c} AS DATE) AS VARCHAR), '\\N')",
                "bool": "CASE WHEN {c} THEN 't' WHEN NOT {c} THEN 'f' ELSE '\\N' END", "text": SQL_TEXT}

NOT_FINITE = frozenset(("nan", "inf", "-inf"))

def encode_number(v):
    if v is None:
        return "\\N"
    r = repr(float(v))
    return "\\N" if r in NOT_FINITE else r

def encode_date(v):
    return "\\N" if v is None else v.isoformat()[:10]

def encode_bool(v):
    return "\\N" if v is None else ("t" if v else "f")

def encode_text(v):
    if v is None:
        return "\\N"
    s = str(v)
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s

ENCODERS = {"number": encode_number, "duration": encode_number, "unknown": encode_number,
            "date": encode_date, "bool": encode_bool, "text": encode_text}

main()
"""#
}
