// `velo watch FILE`: recompute incrementally whenever the rule file or its data changes.

import ArgumentParser

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch a rule file and its data; on each change, recompute and print what changed.",
        discussion: """
            Appended lines of a data file are read alone, and so are rows appended to a SQLite table \
            (by rowid or a declared `increasing:` column) or a PostgreSQL source (by its `increasing:` \
            column); other changes are re-read and diffed by key. A PostgreSQL server is asked at most \
            once a second. \
            An edit of the rule file that does not check keeps the previous plan. Ctrl-C stops.
            """)

    @ArgumentParser.Argument(help: "The rule file.")
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a param, e.g. --set service_level=98%.", valueName: "NAME=VALUE"))
    var sets: [String] = []

    @Option(help: ArgumentHelp("How often to look for changes, in milliseconds.", valueName: "MS"))
    var interval: Int = 200

    func run() throws {
        try WatchFrontend.run(file: file, sets: sets, interval: interval, console: .standard())
    }
}
