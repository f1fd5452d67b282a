// `velo compile FILE --sql duckdb|postgres|spark`: the rule file as one SQL script.

import ArgumentParser

struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile a rule file to one SQL script for DuckDB, PostgreSQL or Spark.",
        discussion: """
            The script creates one table per Velo table (named after it, with Velo's column names) from the
            source tables, then queries the flags and the failing checks. Sources are read from their CSV files,
            or from tables already in the engine with --source-table NAME=schema.table.
            """)

    @ArgumentParser.Argument(help: "The rule file.")
    var file: String

    @Option(help: "The SQL dialect: duckdb, postgres or spark.")
    var sql: String

    @Option(help: ArgumentHelp("Write the script to this file (atomically) instead of standard output.", valueName: "PATH"))
    var output: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a param, e.g. --set service_level=98%.", valueName: "NAME=VALUE"))
    var sets: [String] = []

    @Option(name: .customLong("source"), help: ArgumentHelp("Read a source table from another CSV file.", valueName: "NAME=PATH"))
    var sources: [String] = []

    @Option(name: .customLong("source-table"),
            help: ArgumentHelp("Read a source from a table already in the engine.", valueName: "NAME=TABLE"))
    var sourceTables: [String] = []

    @Option(help: ArgumentHelp("With --source-table: a PostgreSQL connection URL (default: the PG* environment).", valueName: "URL"))
    var database: String?

    @Option(help: ArgumentHelp("The as-of date (YYYY-MM-DD); default: the latest date in the data.", valueName: "DATE"))
    var asof: String?

    func run() throws {
        var request = CompileRequest(file: file, sql: sql, output: output, sets: sets, sources: sources,
                                     sourceTables: sourceTables, asof: asof)
        request.database = database
        try CompileFrontend.run(request, console: .standard())
    }
}
