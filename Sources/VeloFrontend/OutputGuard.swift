// An output must never destroy an input of the same run: `--output plan.velo`,
// `--output data/items.csv` or `--junit plan.test.velo` are refused before anything is
// written. Paths are compared as files (device and inode, through symbolic links and `..`),
// not as strings, so `./data/../plan.velo` or a link to the rule file are caught too.

import VeloCheck
import VeloEngine
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum OutputGuard {
    /// A file the run reads, and what it is to the run (for the message).
    struct Input: Equatable {
        var path: String
        var role: String
    }

    /// The rule file, the rule file a test file tests, the files it imports (and theirs), and
    /// every source's file (`--source` overrides included).
    static func inputs(ruleFile: SourceFile, program: CheckedProgram?, sources: [String: String] = [:]) -> [Input] {
        var list = [Input(path: ruleFile.path, role: "the rule file")]
        if let tested = TestFiles.ruleFile(forTestFile: ruleFile.path) {
            list.append(Input(path: tested, role: "the rule file it tests"))
            if let text = RuleCompiler.readWhole(tested).flatMap({ String(validating: $0, as: UTF8.self) }) {
                list += imports(of: SourceFile(path: tested, text: text))
            }
        }
        list += imports(of: ruleFile)
        if let program { list += dataFiles(program, sources: sources) }
        return list
    }

    /// The same, for a rule file named by its path (read again for its imports).
    static func inputs(rulePath: String, program: CheckedProgram?, sources: [String: String] = [:]) -> [Input] {
        let text = RuleCompiler.readWhole(rulePath).flatMap { String(validating: $0, as: UTF8.self) } ?? ""
        return inputs(ruleFile: SourceFile(path: rulePath, text: text), program: program, sources: sources)
    }

    static func imports(of file: SourceFile) -> [Input] {
        (RuleCompiler.importedText(file)?.parts ?? []).map { Input(path: $0.file, role: "a rule file it imports") }
    }

    static func dataFiles(_ program: CheckedProgram, sources: [String: String]) -> [Input] {
        program.tables.compactMap { t in
            guard let s = t.source, s.base == nil else { return nil }
            return Input(path: sources[t.name] ?? s.resolvedPath, role: "the data of source `\(t.name)`")
        }
    }

    /// The input that `output` is, when it is one (the same file on the same device).
    static func conflict(_ output: String, _ inputs: [Input]) -> Input? {
        // `sub/../plan.velo` with no `sub` yet: the folders are made before writing, so the
        // path is also compared with `..` taken away.
        guard let out = identity(output) ?? identity(RuleCompiler.normalized(output)) else { return nil }
        return inputs.first { identity($0.path) == out }
    }

    /// Ends the command (usage, status 2) when one of `outputs` is an input of the run.
    static func refuse(_ outputs: [String], inputs: [Input], option: String, console: Console) throws(CommandFailure) {
        for output in outputs {
            guard let input = conflict(output, inputs) else { continue }
            let same = input.path == output ? "" : " (\(input.path))"
            console.err("velo: \(option) \(output) is \(input.role)\(same) of this run; writing it would destroy an input. "
                        + "Choose another path\n")
            throw CommandFailure(.usage)
        }
    }

    /// Device and inode of a regular file (symbolic links followed); nil when it does not
    /// exist or is not a regular file (a device such as /dev/stdout is no input's twin).
    static func identity(_ path: String) -> [UInt64]? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return [UInt64(st.st_dev), UInt64(st.st_ino)]
    }
}
