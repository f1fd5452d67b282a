// GNU readline, for a terminal: line editing, history kept in a file, tab completion, and
// Ctrl-C that abandons the line instead of killing the process.
//
// readline's alternate (callback) interface is used so that a SIGINT can interrupt the wait
// for input: our handler only sets a flag (readline's own signal handling is off), poll()
// returns EINTR, and the loop throws the line away and shows a fresh prompt. readline's C
// globals are touched only from the main thread; the Swift state its C callbacks need lives
// in `nonisolated(unsafe)` globals because a C function pointer cannot capture context.

@preconcurrency import CReadline

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Ctrl-C: set by the SIGINT handler, read and cleared by the REPL.
enum Interrupt {
    nonisolated(unsafe) static var pending: sig_atomic_t = 0

    /// Installs the handler (without SA_RESTART, so a blocking poll() returns EINTR).
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupt.pending = 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        // A parent may have blocked it (signal masks are inherited).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    static func take() -> Bool {
        let was = pending != 0
        pending = 0
        return was
    }
}

/// The state readline's C callbacks reach.
private enum LineState {
    nonisolated(unsafe) static var line: String? = nil
    nonisolated(unsafe) static var done = false
    nonisolated(unsafe) static var eof = false
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var next = 0
    nonisolated(unsafe) static var complete: ((String, String) -> [String])? = nil
    /// Lines already typed of a multi-line input, for completion context.
    nonisolated(unsafe) static var earlier = ""
}

final class LineEditor {
    enum Input {
        case line(String)
        case interrupted
        case end
    }

    let historyPath: String?
    private var historyExists = false

    init(historyPath: String?, complete: @escaping (_ before: String, _ word: String) -> [String]) {
        self.historyPath = historyPath
        LineState.complete = complete
        rl_readline_name = UnsafePointer(strdup("velo"))
        rl_catch_signals = 0
        rl_completer_word_break_characters = UnsafePointer(strdup(ReplCompleter.wordBreaks))
        // Otherwise a `"` before the word is taken for a delimiter and appended after a completion.
        rl_basic_quote_characters = UnsafePointer(strdup(""))
        rl_attempted_completion_function = { text, start, _ in
            rl_attempted_completion_over = 1
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(rl_line_buffer)!.assumingMemoryBound(to: UInt8.self),
                                            count: Int(max(0, start)))
            let before = LineState.earlier + String(decoding: bytes, as: UTF8.self)
            let word = text.map { String(cString: $0) } ?? ""
            LineState.candidates = LineState.complete?(before, word) ?? []
            LineState.next = 0
            if LineState.candidates.count == 1, !ReplCompleter.appendsSpace(LineState.candidates[0]) {
                rl_completion_suppress_append = 1
            }
            guard !LineState.candidates.isEmpty, let text else { return nil }
            return rl_completion_matches(text, { _, state in
                if state == 0 { LineState.next = 0 }
                guard LineState.next < LineState.candidates.count else { return nil }
                defer { LineState.next += 1 }
                return strdup(LineState.candidates[LineState.next])
            })
        }
        using_history()
        stifle_history(1000)
        if let historyPath {
            historyExists = access(historyPath, F_OK) == 0
            if historyExists { read_history(historyPath) }
        }
    }

    /// One line from the terminal (without its newline); `earlier` is the text of a
    /// multi-line input so far.
    func read(prompt: String, earlier: String) -> Input {
        LineState.line = nil
        LineState.done = false
        LineState.eof = false
        LineState.earlier = earlier.isEmpty ? "" : earlier + " "
        _ = Interrupt.take()
        rl_callback_handler_install(prompt) { line in
            if let line {
                LineState.line = String(cString: line)
                free(line)
            } else {
                LineState.eof = true
            }
            LineState.done = true
            // No prompt while the command runs.
            rl_callback_handler_remove()
        }
        while !LineState.done {
            if Interrupt.take() {
                abandonLine()
                return .interrupted
            }
            var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let r = poll(&fd, 1, -1)
            if r < 0 {
                if errno == EINTR { continue }
                rl_callback_handler_remove()
                return .end
            }
            if fd.revents & Int16(POLLIN) != 0 {
                rl_callback_read_char()
            } else if fd.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                rl_callback_handler_remove()
                return .end
            }
        }
        if LineState.eof { return .end }
        return .line(LineState.line ?? "")
    }

    /// Ctrl-C at the prompt: the line is dropped, the cursor goes to a fresh line.
    private func abandonLine() {
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_replace_line("", 0)
        rl_echo_signal_char(SIGINT)
        rl_crlf()
        rl_callback_handler_remove()
        fflush(stdout)
    }

    /// Adds an input to the history and appends it to the history file at once, so a crash
    /// loses nothing.
    func remember(_ entry: String) {
        let text = entry.trimmingWhitespace()
        guard !text.isEmpty else { return }
        if history_length > 0, let last = history_get(history_base + history_length - 1), let line = last.pointee.line,
           String(cString: line) == text {
            return
        }
        add_history(text)
        guard let historyPath else { return }
        if historyExists {
            append_history(1, historyPath)
        } else {
            historyExists = write_history(historyPath) == 0
        }
    }

    /// Keeps the history file to its last 1,000 entries.
    func close() {
        if let historyPath, historyExists { history_truncate_file(historyPath, 1000) }
    }

    /// The history file: $VELO_HISTORY, else ~/.velo_history (nil without a home).
    static func defaultHistoryPath() -> String? {
        if let p = getenv("VELO_HISTORY").map({ String(cString: $0) }), !p.isEmpty { return p }
        if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty { return home + "/.velo_history" }
        return nil
    }
}
