// `velo check FILE...`: the rule file is sound, and its checks hold on the data.

import ArgumentParser

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check rule files: syntax, names, keys, types and cycles, then the checks on the data.",
        discussion: """
            After the static checks, evaluates each rule file over its data: a failing `check` and a flag \
            with `severity error` fail the run; warnings are listed. --static stops after the static checks.

            Exit status: 0 ok (warnings allowed); 1 rule errors or check failures; 2 usage error; \
            3 data that cannot be read or is invalid.
            """)

    @ArgumentParser.Argument(help: "Rule files to check.")
    var files: [String]

    @Flag(name: .customLong("static"), help: "Only the static checks: read CSV headers, evaluate nothing.")
    var staticOnly = false

    @Flag(help: "Also fail on any missing value or non-finite number in a computed table.")
    var strict = false

    @Option(help: "Output: human, github (workflow annotations) or json.")
    var format: String = "human"

    @OptionGroup var inputs: PlanInputOptions

    @Flag(help: "Also say how each source is read: its separator, dates, encoding and column types, declared or guessed.")
    var verbose = false

    func run() throws {
        var request = CheckRequest(files: files, staticOnly: staticOnly, strict: strict, format: format, sources: inputs.sources,
                                   sets: inputs.sets, asof: inputs.asof)
        request.verbose = verbose
        try CheckFrontend.run(request, console: .standard())
    }
}
