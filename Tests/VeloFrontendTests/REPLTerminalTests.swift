// The REPL on a real terminal: the `velo` binary runs inside tmux, keys are sent with
// send-keys and the screen is read with capture-pane. It shows that history recall (Up,
// from the history file), Tab completion of names and key values, Ctrl-C (abandons the
// line, the process lives on) and Ctrl-D (leaves, the history file has the session) work.
// Skipped, saying so, when tmux is not installed.

import Foundation
import Testing
@testable import VeloFrontend

enum Tmux {
    static let path: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static var available: Bool { path != nil && ReplHarness.veloBinary != nil }
}

/// One tmux server of its own (its own socket), with one pane running a command.
final class TmuxPane {
    let socket = "velo-repl-test-\(getpid())-\(UUID().uuidString.prefix(8))"

    /// Runs a tmux client command (posix_spawn and waitpid: Foundation's Process can miss
    /// the exit of the client that starts the server). `capture: false` for that client,
    /// whose server would otherwise keep the output pipe open for as long as it runs.
    @discardableResult
    func tmux(_ arguments: [String], capture: Bool = true) -> (status: Int32, output: String) {
        let argv = [Tmux.path!, "-L", socket] + arguments
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return (-1, "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        // The test runner's threads may block or ignore signals; the terminal must get them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, &cargs, environ)
        close(fds[1])
        defer { close(fds[0]) }
        guard spawned == 0 else { return (-1, "cannot run tmux") }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while capture {
            let n = read(fds[0], &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output += buffer[0..<n]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : -1, String(decoding: output, as: UTF8.self))
    }

    init(command: String, directory: String) {
        tmux(["-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "50", "-c", directory, command], capture: false)
    }

    /// Ends the tmux server and the program in it.
    func end() { tmux(["kill-server"]) }

    deinit { end() }

    var screen: String { tmux(["capture-pane", "-p"]).output }
    var alive: Bool { tmux(["has-session"]).status == 0 }

    /// Types text literally (a trailing `;` would end a tmux command: escape it).
    func type(_ text: String) {
        tmux(["send-keys", "-l", text.hasSuffix(";") ? String(text.dropLast()) + "\\;" : text])
        settle()
    }

    /// Presses keys by name: Up, Tab, Enter, C-c, C-d.
    func press(_ keys: String...) {
        for k in keys {
            tmux(["send-keys", k])
            settle()
        }
    }

    /// Gives the program time to read and redraw before the next key.
    func settle() { usleep(150_000) }

    /// Waits until the screen satisfies `condition`; the last screen either way.
    @discardableResult
    func wait(timeout: Double = 10, _ condition: (String) -> Bool) -> (ok: Bool, screen: String) {
        let start = Date()
        var last = ""
        while Date().timeIntervalSince(start) < timeout {
            last = screen
            if condition(last) { return (true, last) }
            usleep(50_000)
        }
        return (false, last)
    }

    func wait(for text: String, timeout: Double = 10) -> (ok: Bool, screen: String) { wait(timeout: timeout) { $0.contains(text) } }
}

@Suite("REPL terminal (tmux)", .serialized)
struct REPLTerminalTests {
    @Test(.enabled(if: Tmux.available, "tmux is not installed (scripts/setup.sh installs it): the terminal test cannot run"))
    func historyCompletionCtrlCAndCtrlD() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let history = dir + "/history"
        try "z(95%)\n".write(toFile: history, atomically: true, encoding: .utf8)
        let velo = ReplHarness.veloBinary!
        let pane = TmuxPane(command: "env VELO_HISTORY='\(history)' TERM=xterm '\(velo)' repl \(ReplHarness.planRelative)",
                            directory: ReplHarness.root)
        defer { pane.end() }
        // capture-pane drops trailing spaces: an empty prompt reads `velo>`.
        var r = pane.wait(for: "\nvelo>")
        try #require(r.ok, "no prompt:\n\(r.screen)")

        // Up recalls the line kept in the history file from an earlier session.
        pane.press("Up")
        r = pane.wait(for: "velo> z(95%)")
        #expect(r.ok, "Up did not recall the history:\n\(r.screen)")
        pane.press("Enter")
        r = pane.wait(for: "\n1.64\n")
        #expect(r.ok, "the recalled line did not run:\n\(r.screen)")

        // Tab completes a column, lists the key values that fit, and completes one key.
        pane.type("plan.ord")
        pane.press("Tab")
        r = pane.wait(for: "velo> plan.order_qty")
        #expect(r.ok, "Tab did not complete the column:\n\(r.screen)")
        pane.type("[\"SKU00005")
        pane.press("Tab", "Tab")
        r = pane.wait { $0.contains("SKU000051\"]") && $0.contains("SKU000059\"]") }
        #expect(r.ok, "Tab Tab did not list the keys:\n\(r.screen)")
        pane.type("0")
        pane.press("Tab")
        r = pane.wait(for: "velo> plan.order_qty[\"SKU000050\"]\n")
        #expect(r.ok || pane.screen.contains("plan.order_qty[\"SKU000050\"]"), "Tab did not complete the key:\n\(r.screen)")
        pane.press("Enter")
        r = pane.wait(for: "\n20,178\n")
        #expect(r.ok, "the completed cell did not evaluate:\n\(r.screen)")

        // Ctrl-C abandons the line being typed; the REPL stays and runs the next one.
        pane.type("show plan")
        pane.press("C-c")
        r = pane.wait { $0.contains("show plan^C") || $0.contains("show plan\n") }
        #expect(r.ok, "Ctrl-C did not abandon the line:\n\(r.screen)")
        pane.type("1 + 1")
        pane.press("Enter")
        r = pane.wait(for: "velo> 1 + 1\n2\n")
        #expect(r.ok, "no new prompt after Ctrl-C:\n\(r.screen)")
        #expect(!r.screen.contains("plan (60 rows)"), "the abandoned line ran")
        #expect(pane.alive)

        // A multi-line input: the bracket is open, so Enter asks for more.
        pane.type("sum(plan.order_qty")
        pane.press("Enter")
        r = pane.wait(for: "...>")
        #expect(r.ok, "no continuation prompt:\n\(r.screen)")
        pane.type(")")
        pane.press("Enter")
        r = pane.wait(for: "\n100,913\n")
        #expect(r.ok, "the continued input did not run:\n\(r.screen)")

        // Ctrl-D leaves; the history file has what was typed.
        pane.press("C-d")
        let gone = pane.wait { _ in !pane.alive }
        #expect(gone.ok, "Ctrl-D did not end the REPL")
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("plan.order_qty[\"SKU000050\"]"), "history: \(saved)")
        #expect(saved.contains("1 + 1"))
        #expect(saved.contains("sum(plan.order_qty )") || saved.contains("sum(plan.order_qty)"))
        #expect(!saved.contains("show plan"), "an abandoned line went into the history")
    }
}
