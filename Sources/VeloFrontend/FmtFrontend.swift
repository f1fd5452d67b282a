// What `velo fmt` does, independent of argument parsing (so tests drive it directly).
//
// Each file is read, formatted (VeloSyntax's RuleFormatter) and, unless checking, written
// back atomically when it changed. A file with syntax errors is left alone and its
// diagnostics are printed. Every file named is processed; the exit status is the most
// serious outcome: 3 a file could not be written, 2 a file could not be read, 1 a file has
// syntax errors or (with --check) would be reformatted, 0 otherwise.

import VeloRender
import VeloSyntax

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

public enum FmtFrontend {
    public static func run(files: [String], check: Bool, console: Console) throws(CommandFailure) {
        var status = ExitStatus.ok
        func fail(_ s: ExitStatus) {
            if s.rawValue > status.rawValue { status = s }
        }
        for path in files {
            let file: SourceFile
            do {
                file = try Frontend.readRuleFile(path, console: console)
            } catch {
                fail(error.status)
                continue
            }
            let result = RuleFormatter.format(file)
            guard let text = result.text else {
                Frontend.render(result.diagnostics, in: file, console: console)
                console.err("\(path): \(Frontend.summary(result.diagnostics)); not formatted\n")
                fail(.ruleErrors)
                continue
            }
            if Array(text.utf8) == file.bytes { continue }
            if check {
                console.out("\(path) would be reformatted\n")
                fail(.ruleErrors)
                continue
            }
            do {
                // Through a symbolic link to its target: renaming over the link would replace it.
                try AtomicFile.write(text, to: resolvedPath(path))
            } catch {
                console.err("velo: \(error)\n")
                fail(.dataError)
                continue
            }
            console.out("formatted \(path)\n")
        }
        if status != .ok { throw CommandFailure(status) }
    }

    /// The file a path names, symbolic links followed; the path itself when that fails.
    static func resolvedPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
