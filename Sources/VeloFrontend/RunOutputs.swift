// `velo run` options about what its outcome means (`--fail-on error|warning`) and how CSV
// output is written (`--csv-delimiter`, `--csv-decimal`, `--csv-dates`).

import VeloCheck
import VeloEngine
import VeloRender

enum RunOutputs {
    /// `--fail-on error|warning` as the set of severities that fail the run.
    static func failOn(_ value: String?, console: Console) throws(CommandFailure) -> Set<FlagSeverity> {
        switch value {
        case nil: return []
        case "error"?: return [.error]
        case "warning"?: return [.error, .warning]
        case let v?:
            console.err("velo: --fail-on takes error or warning, found `\(v)`\n")
            throw CommandFailure(.usage)
        }
    }

    /// The dialect of CSV output the `--csv-…` flags give; a bad value is a usage error.
    static func csvDialect(_ request: RunRequest, console: Console) throws(CommandFailure) -> CSVOutputDialect {
        switch CSVOutputDialect.parse(delimiter: request.csvDelimiter, decimal: request.csvDecimal, dates: request.csvDates) {
        case .success(let d): return d
        case .failure(let problem):
            console.err("velo: \(problem.message)\n")
            throw CommandFailure(.usage)
        }
    }

    /// The `--csv-…` flags given for output that is not CSV.
    static func csvDialectWithoutCSV(console: Console) -> CommandFailure {
        console.err("velo: --csv-delimiter, --csv-decimal and --csv-dates apply to CSV output; add --format csv or write --output to a .csv file\n")
        return CommandFailure(.usage)
    }

    /// Exit 1 (after the outputs) when a flag of a failing severity marks a row; says which on stderr.
    static func failIfFlagged(_ hits: [FlagHit], failOn: Set<FlagSeverity>, console: Console) throws(CommandFailure) {
        guard !failOn.isEmpty else { return }
        var counts: [(String, FlagSeverity, Int)] = []
        for h in hits where failOn.contains(h.severity) {
            if let i = counts.firstIndex(where: { $0.0 == h.flag }) { counts[i].2 += 1 } else { counts.append((h.flag, h.severity, 1)) }
        }
        guard !counts.isEmpty else { return }
        for (flag, severity, n) in counts {
            console.err("flag \(flag) (severity \(severity.rawValue)) marks \(n) row\(n == 1 ? "" : "s") (--fail-on)\n")
        }
        throw CommandFailure(.ruleErrors)
    }
}
