// `velo repl`: the loop around `ReplSession`. On a terminal (stdin and stdout both TTYs) it
// reads through readline: prompt, editing, history, completion, Ctrl-C. Otherwise it reads
// plain lines, prints no prompt and no escape codes, keeps going after an error, and the
// exit status says whether any command failed — so `velo repl plan.velo < session.txt`
// works in scripts and CI.

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

public enum ReplFrontend {
    /// Runs the REPL on standard input.
    public static func run(_ options: ReplOptions, console: Console) throws(CommandFailure) {
        let interactive = isatty(0) == 1 && isatty(1) == 1
        let session = ReplSession(console: console, sourceOverrides: options.sources)
        if interactive {
            Interrupt.install()
            session.interruptRequested = { Interrupt.pending != 0 }
            _ = session.start(options)
            if options.file != nil { console.out("Type `help` for commands, Ctrl-D to leave.\n") }
            runInteractive(session, console: console)
            return
        }
        let status = session.start(options)
        guard status == .ok else { throw CommandFailure(status) }
        let ok = runScript(session) { readLine(strippingNewline: true) }
        if !ok { throw CommandFailure(.ruleErrors) }
    }

    /// Plain lines until the input ends or `quit`; true when every command succeeded.
    public static func runScript(_ session: ReplSession, next: () -> String?) -> Bool {
        var ok = true
        var lines: [String] = []
        while let line = next() {
            for part in line.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append(String(part))
                let text = lines.joined(separator: "\n")
                if InputContinuation.needsMore(text) { continue }
                if !session.execute(InputContinuation.join(lines)) { ok = false }
                lines = []
                if session.wantsQuit { return ok }
            }
        }
        if !lines.isEmpty, !session.execute(InputContinuation.join(lines)) { ok = false }
        return ok
    }

    static func runInteractive(_ session: ReplSession, console: Console) {
        let editor = LineEditor(historyPath: LineEditor.defaultHistoryPath()) { before, word in
            session.completions(before: before, word: word)
        }
        defer { editor.close() }
        var lines: [String] = []
        while !session.wantsQuit {
            let prompt = lines.isEmpty ? session.prompt : session.continuationPrompt
            switch editor.read(prompt: prompt, earlier: InputContinuation.join(lines)) {
            case .end:
                console.out("\n")
                return
            case .interrupted:
                lines = []
                continue
            case .line(let line):
                for part in line.split(separator: "\n", omittingEmptySubsequences: false) { lines.append(String(part)) }
                if InputContinuation.needsMore(lines.joined(separator: "\n")) { continue }
                let input = InputContinuation.join(lines)
                lines = []
                editor.remember(input)
                updateWidth(console)
                _ = Interrupt.take()
                session.execute(input)
                _ = Interrupt.take()
            }
        }
    }

    /// The terminal may have been resized since the last command.
    static func updateWidth(_ console: Console) {
        var ws = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 { console.width = Int(ws.ws_col) }
    }
}
