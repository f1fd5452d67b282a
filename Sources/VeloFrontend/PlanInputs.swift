// The command-line inputs every plan-running command shares: `--set NAME=VALUE`,
// `--source NAME=PATH` and `--asof DATE`, parsed and validated in one place.

import VeloCheck
import VeloData
import VeloEngine
import VeloSyntax

enum PlanInputs {
    /// `--source NAME=PATH` values as a dictionary.
    static func sources(_ values: [String], console: Console) throws(CommandFailure) -> [String: String] {
        var out: [String: String] = [:]
        for s in values {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex, s.index(after: eq) != s.endIndex else {
                console.err("velo: --source needs NAME=PATH, found `\(s)`\n")
                throw CommandFailure(.usage)
            }
            out[String(s[..<eq])] = String(s[s.index(after: eq)...])
        }
        return out
    }

    /// `--asof DATE` as a day number.
    static func asOf(_ value: String?, console: Console) throws(CommandFailure) -> Int32? {
        guard let a = value else { return nil }
        guard let d = CivilDate(iso: a) else {
            console.err("velo: --asof needs a date as YYYY-MM-DD, found `\(a)`\n")
            throw CommandFailure(.usage)
        }
        return d.day
    }

    /// `--set NAME=VALUE` values, typed and validated against the program's params.
    static func params(_ values: [String], program: CheckedProgram, file: String,
                       console: Console) throws(CommandFailure) -> [String: Literal] {
        var out: [String: Literal] = [:]
        for s in values {
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex else {
                console.err("velo: --set needs NAME=VALUE, found `\(s)`\n")
                throw CommandFailure(.usage)
            }
            let name = String(s[..<eq]).trimmingWhitespace()
            guard let p = program.param(named: name) else {
                let hint = Suggest.didYouMean(name, in: program.params.map(\.name)).map { ": \($0)" } ?? ""
                console.err("velo: --set: unknown param `\(name)`\(hint)\n")
                throw CommandFailure(.usage)
            }
            switch ParamValue.parse(String(s[s.index(after: eq)...]), for: program.params[p]) {
            case .success(let v): out[name] = v
            case .failure(let e):
                console.err("velo: --set \(name): \(e.message)\n")
                throw CommandFailure(.usage)
            }
        }
        return out
    }
}
