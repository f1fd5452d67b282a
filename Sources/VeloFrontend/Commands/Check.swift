// `velo check FILE...`: parse and check rule files; exit 1 when any has errors.

import ArgumentParser
import VeloSyntax

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check rule files: syntax, names, keys, types and cycles.",
        discussion: "Reads each CSV header to learn column names and types; evaluates nothing. Exit status 0 when every file is sound, 1 when a rule file has errors, 2 on usage errors.")

    @ArgumentParser.Argument(help: "Rule files to check.")
    var files: [String]

    func run() throws {
        try CheckFrontend.run(files: files, console: .standard())
    }
}

public enum CheckFrontend {
    public static func run(files: [String], console: Console) throws(CommandFailure) {
        var failed: ExitStatus? = nil
        for path in files {
            let file = try Frontend.readRuleFile(path, console: console)
            let rules = Frontend.check(file)
            Frontend.render(rules.diagnostics, in: file, console: console)
            if rules.diagnostics.hasErrors {
                failed = failed == .ruleErrors ? .ruleErrors : Frontend.status(for: rules.diagnostics)
                console.err("\(path): \(Frontend.summary(rules.diagnostics))\n")
            } else {
                console.out("\(path): ok\n")
            }
        }
        if let failed { throw CommandFailure(failed) }
    }
}
