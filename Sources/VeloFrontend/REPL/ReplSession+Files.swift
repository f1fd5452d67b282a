// Writing a result to a file from the REPL (`show … to FILE`, `compare … to FILE`,
// `flags to FILE`, `checks to FILE`): the command's output alone, no banner or prompt, in the
// format the file's extension names (else the current mode), written atomically. And
// notes (the banner, `mode: csv`) go to standard error when standard output is not a
// terminal, so a redirected session's output holds only results.

import VeloRender

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension ReplSession {
    /// An informational line: on standard output at a terminal, else on standard error.
    func note(_ s: String) {
        let line = s.hasSuffix("\n") ? s : s + "\n"
        if console.outputIsTerminal { console.out(line) } else { console.err(line) }
    }

    /// Runs `command` with its output captured, then writes it to `path`.
    func runToFile(_ command: ReplCommand, path: String) throws {
        let savedOut = console.out, savedTerminal = console.outputIsTerminal, savedFormat = format, savedColor = console.colorOutput
        var buffer = ""
        console.out = { buffer += $0 }
        console.outputIsTerminal = false
        console.colorOutput = false
        if let f = OutputFiles.format(ofExtension: path) { format = f }
        defer {
            console.out = savedOut
            console.outputIsTerminal = savedTerminal
            console.colorOutput = savedColor
            format = savedFormat
        }
        try run(command)
        var inputs = OutputGuard.dataFiles(program, sources: workspace.sourcePaths)
        if let filePath { inputs += OutputGuard.inputs(rulePath: filePath, program: nil) }
        if let input = OutputGuard.conflict(path, inputs) {
            throw ReplError("\(path) is \(input.role) of this session; writing it would destroy an input. Choose another path",
                            status: .usage)
        }
        guard OutputFiles.makeParentDirectories(of: path) else {
            throw ReplError("cannot create the directory for \(path): \(String(cString: strerror(errno)))")
        }
        do { try AtomicFile.write(buffer, to: path) } catch { throw ReplError("\(error)") }
        let lines = buffer.split(separator: "\n", omittingEmptySubsequences: false).count - (buffer.hasSuffix("\n") ? 1 : 0)
        console.out = savedOut
        out("wrote \(path) (\(format.rawValue), \(lines) line\(lines == 1 ? "" : "s"))")
    }
}
