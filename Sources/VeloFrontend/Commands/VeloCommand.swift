// `velo`: the root command and the entry point that maps every failure to an exit status.

import ArgumentParser

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

public struct VeloCommand: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "velo",
        abstract: "Velo: planning rules for supply-chain planners, computed over your data.",
        discussion: """
            A rule file (.velo) says how to turn sales, items and inventory into a plan: velocity windows,
            safety stock, MOQ decisions, exception flags and checks. Velo checks it, computes it and
            prints the plan.

            Exit status: 0 ok; 1 the rule file has errors or a check failed; 2 usage error (bad option or
            value, unreadable rule file); 3 the data cannot be read or is invalid, or an output cannot be written.
            """,
        version: version,
        subcommands: [Check.self, Run.self, Report.self, Compile.self, Test.self, Watch.self, Bench.self, Repl.self, Fmt.self, Lsp.self]
    )

    public init() {}

    /// Runs the command line and exits with the documented status.
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Glibc.exit(ExitStatus.ok.rawValue)
        } catch let failure as CommandFailure {
            Glibc.exit(failure.status.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help, --version
                writeAll(1, fullMessage(for: error) + "\n")
                Glibc.exit(ExitStatus.ok.rawValue)
            }
            writeAll(2, fullMessage(for: error) + "\n")
            Glibc.exit(ExitStatus.usage.rawValue)
        }
    }
}
