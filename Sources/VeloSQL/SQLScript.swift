// What `velo compile` produces: one SQL script per dialect, and the queries `velo run
// --engine` reads the results back with.

import VeloCheck
import VeloSyntax

/// One step of a script.
public enum SQLStatement: Sendable {
    /// A statement (with its leading comment lines, already `-- `-prefixed).
    case sql(comment: [String], text: String)
    /// A table computed by a query; `text` creates it as the dialect does (on Spark a cached
    /// table). `velo run` on Spark keeps the rows instead (a local checkpoint, SQLRunner.swift),
    /// so a later step's plan starts from them, not from every step before it.
    case table(comment: [String], name: String, query: String, text: String)
    /// Load a CSV file into an existing table, its columns in the file's order, with COPY's
    /// options after `FORMAT csv` (PostgreSQL: `\copy`, sent as COPY FROM STDIN by `velo run`).
    case copyCSV(table: String, columns: [String], path: String, options: [String])
}

/// A query whose rows `velo run --engine` reads back: a table, a flag's marked rows, a
/// check's failing rows.
public struct ResultQuery: Sendable {
    public enum Purpose: Sendable {
        case table(TableRef)
        case flag(Int)
        case check(Int)
    }
    public var purpose: Purpose
    public var sql: String
    /// The type of each column the query returns, in order.
    public var types: [VType]
    /// How many leading columns are the row's keys.
    public var keyCount: Int
}

public struct SQLScript: Sendable {
    public var dialect: SQLDialect
    public var statements: [SQLStatement]
    public var queries: [ResultQuery]

    /// The script as text: a header, the statements, and the flag and check queries as comments-led
    /// statements (a user running it by hand sees the flags and failing checks).
    public func text(header: [String]) -> String {
        var out = header.map { "-- " + $0 }.joined(separator: "\n") + "\n"
        for s in statements {
            out += "\n"
            switch s {
            case .sql(let comment, let text), .table(let comment, _, _, let text):
                out += comment.map { $0 + "\n" }.joined() + text + "\n"
            case .copyCSV(let table, let columns, let path, let options):
                out += "\\copy \(dialect.quote(table)) (\(columns.map(dialect.quote).joined(separator: ", "))) FROM \(dialect.string(path)) WITH (\((["FORMAT csv"] + options).joined(separator: ", ")))\n"
            }
        }
        for q in queries {
            switch q.purpose {
            case .table: continue
            case .flag, .check: out += "\n" + q.sql + ";\n"
            }
        }
        return out
    }
}

/// A construct the chosen dialect cannot express (or Velo cannot yet compile to SQL).
public struct SQLCompileError: Error, Sendable {
    public var construct: String
    public var span: Span
    public var dialect: SQLDialect
    /// What to do instead, when it is not rewriting the formula.
    public var hint: String? = nil
    public var message: String { "\(construct) cannot be compiled to \(dialect.displayName)" }
}
