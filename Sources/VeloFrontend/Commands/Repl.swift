// `velo repl [FILE]`: ask "what if" interactively, or run a session from a file.

import ArgumentParser
import VeloData

struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explore a plan interactively: what-if edits, scenarios, explanations.",
        discussion: """
            On a terminal: line editing, history (~/.velo_history, or the file $VELO_HISTORY names), Tab
            completion, Ctrl-C abandons the line or command, Ctrl-D leaves. Type `help` for the commands.
            With standard input from a file or pipe, reads one command per line without prompts; exit
            status 0 when every command succeeded, 1 when one failed (2 or 3 when FILE cannot be opened).
            """)

    @ArgumentParser.Argument(help: "The rule file to open.")
    var file: String?

    @OptionGroup var inputs: PlanInputOptions

    func run() throws {
        let console = Console.standard()
        let asOf = try PlanInputs.asOf(inputs.asof, console: console)
        let overrides = try PlanInputs.sources(inputs.sources, console: console)
        try ReplFrontend.run(ReplOptions(file: file, sets: inputs.sets, sources: overrides, asOf: asOf), console: console)
    }
}
