// `velo fmt [--check] FILE...`: rewrite rule files in the canonical layout.

import ArgumentParser

struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Format rule files in the canonical layout, keeping comments.",
        discussion: """
            Rewrites each file in place (atomically) and prints `formatted FILE` for each file it changed; \
            files already formatted are left untouched. With --check, changes nothing and prints \
            `FILE would be reformatted` for each file that is not formatted. A file with syntax errors is \
            not formatted; its errors are printed. Only whitespace, indentation, blank lines and the \
            position of comments change: every token is kept as written.

            Exit status: 0 every file is formatted (or was rewritten); 1 a file has syntax errors, or with \
            --check a file would be reformatted; 2 usage error (unknown option, unreadable file); 3 a file \
            cannot be written.
            """)

    @Flag(help: "Change nothing; exit 1 if any file would be reformatted.")
    var check = false

    @ArgumentParser.Argument(help: "Rule files to format.")
    var files: [String]

    func run() throws {
        try FmtFrontend.run(files: files, check: check, console: .standard())
    }
}
