// `velo test [PATH...]`: run the tests written in Velo.

import ArgumentParser

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the tests written in Velo: `test` blocks in rule files and X.test.velo files.",
        discussion: """
            PATH is a rule file, a test file or a folder (searched recursively; default: the current folder). \
            X.test.velo tests the rule file X.velo next to it. Prints PASS or FAIL per test, what was expected \
            and what was found, then `N passed, M failed`. Exit status 0 when every test passes, 1 when one \
            fails (or a file has errors), 2 on usage errors, 3 when data cannot be read or --junit cannot be written.
            """)

    @ArgumentParser.Argument(help: "Rule files, test files or folders (default: the current folder).")
    var paths: [String] = []

    @Option(help: ArgumentHelp("Also write the results as JUnit XML to this file.", valueName: "PATH"))
    var junit: String?

    @Option(help: "Output format: text or json.")
    var format: String?

    func run() throws {
        try TestFrontend.run(TestRequest(paths: paths, junit: junit, format: format), console: .standard())
    }
}
