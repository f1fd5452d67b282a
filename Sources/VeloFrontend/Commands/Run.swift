// `velo run FILE`: compute the plan and print or write its tables.

import ArgumentParser

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute a rule file over its data and print or write the tables.",
        discussion: """
            By default prints the reports of the rule file, or (when it has none) every computed table, then the
            flags. --table NAME prints that whole table. With --output, writes one file (its format from the
            extension: .csv, .json, .md, .txt) or, for a path ending in `/`, a directory with one file per table.
            """)

    @ArgumentParser.Argument(help: "The rule file.")
    var file: String

    @OptionGroup var inputs: PlanInputOptions

    @Option(name: .customLong("table"), help: ArgumentHelp("A table to output (repeatable); `flags` names the flags.", valueName: "NAME"))
    var tables: [String] = []

    @Option(help: "Output format: table, csv, json or markdown.")
    var format: String?

    @Option(help: ArgumentHelp("Write to a file (one table) or a directory (several).", valueName: "PATH"))
    var output: String?

    @Option(help: "Show at most this many rows per table on a terminal (default 50; 0 = all).")
    var limit: Int?

    @Flag(help: "Print the time and the number of cells of each phase.")
    var stats = false

    @Option(help: ArgumentHelp("Show period tables with their periods as columns, holding this column (e.g. closing).", valueName: "COLUMN"))
    var pivot: String?

    @Option(help: ArgumentHelp("Print only this report of the rule file.", valueName: "NAME"))
    var report: String?

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Exit 1 when a flag of this severity fires: error or warning.", valueName: "SEVERITY"))
    var failOn: String?

    @Option(help: ArgumentHelp("A what-if written down: one `set` a line, as in the REPL.", valueName: "FILE"))
    var scenario: String?

    @Flag(name: .customLong("no-sparkline"), help: "No column of the recent daily units in human output.")
    var noSparkline = false

    @Option(help: "Run the plan as SQL on an engine: duckdb, postgres or spark (default: Velo's own engine).")
    var engine: String?

    @Option(name: .customLong("source-table"),
            help: ArgumentHelp("With --engine: read a source from a table already in the engine.", valueName: "NAME=TABLE"))
    var sourceTables: [String] = []

    @Option(help: ArgumentHelp("With --engine postgres: a connection URL (default: the PG* environment); duckdb: a database file.", valueName: "URL"))
    var database: String?

    @Option(name: .customLong("spark-master"), help: ArgumentHelp("With --engine spark: the master URL (default: Spark's configuration, else local).", valueName: "URL"))
    var sparkMaster: String?

    @Flag(name: .customLong("write-back"), help: "With --engine: keep the computed tables in the database (not temporary).")
    var writeBack = false

    @Flag(help: "CSV and JSON carry the units: headers `need (units)`, a `units` object per JSON table.")
    var units = false

    func run() throws {
        var request = RunRequest(file: file, sets: inputs.sets, sources: inputs.sources, asof: inputs.asof, tables: tables, format: format,
                                 output: output, limit: limit, stats: stats, report: report, failOn: failOn)
        request.pivot = pivot
        request.sparkline = !noSparkline
        request.scenario = scenario
        request.engine = engine
        request.sourceTables = sourceTables
        request.database = database
        request.sparkMaster = sparkMaster
        request.writeBack = writeBack
        request.units = units
        try RunFrontend.run(request, console: .standard())
    }
}
