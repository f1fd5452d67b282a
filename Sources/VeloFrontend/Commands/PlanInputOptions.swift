// The options that say which plan to compute, shared by `run`, `report`, `repl` and `check`:
// params set, sources read from other files, the as-of date.

import ArgumentParser

struct PlanInputOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a param, e.g. --set service_level=98%.", valueName: "NAME=VALUE"))
    var sets: [String] = []

    @Option(name: .customLong("source"), help: ArgumentHelp("Read a source table from another file.", valueName: "NAME=PATH"))
    var sources: [String] = []

    @Option(help: ArgumentHelp("The as-of date (YYYY-MM-DD); default: the latest date in the data.", valueName: "DATE"))
    var asof: String?
}
