// `velo report FILE --html OUT.html`: the plan as one self-contained page with charts.

import ArgumentParser

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the plan's reports as one self-contained HTML page with charts.",
        discussion: """
            The page has the rule file's reports (or every computed table and the flags) as tables, a chart \
            of the daily units over its windows for every flagged row, and with --compare the what-if's \
            deltas. Inline CSS and SVG only: nothing is loaded from the network, and no JavaScript.
            """)

    @ArgumentParser.Argument(help: "The rule file.")
    var file: String

    @Option(help: ArgumentHelp("The page to write.", valueName: "OUT.html"))
    var html: String?

    @OptionGroup var inputs: PlanInputOptions

    @Option(name: .customLong("compare"), help: ArgumentHelp("A second param set to compare with (repeatable).", valueName: "NAME=VALUE"))
    var compare: [String] = []

    func run() throws {
        try ReportFrontend.run(ReportRequest(file: file, html: html, sets: inputs.sets, sources: inputs.sources, asof: inputs.asof, compare: compare),
                               console: .standard())
    }
}
