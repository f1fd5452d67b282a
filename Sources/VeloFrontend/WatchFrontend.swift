// What `velo watch` does: poll the rule file and the source files, and on each change
// recompute incrementally and print what moved — the demand-sensing cadence made continuous.
//
// A source's reader says what tells that it may have changed (`SourceWatch`): a file's size and
// modification time (a CSV file; a SQLite database and its write-ahead log), or nothing local
// (a PostgreSQL server), in which case the reader is asked on every poll of servers — every
// `--interval`, but at most once per `serverPollMilliseconds` — and a poll that finds nothing
// new prints nothing.

import VeloCheck
import VeloData
import VeloEngine
import VeloRender
import VeloSyntax
import Synchronization

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Set by the SIGINT handler; the watch loop ends cleanly when it is. Atomic: a plain global
/// written by a signal handler and read by the loop is a data race (ThreadSanitizer found it
/// when a test stopped the loop from another thread).
let watchInterrupted = Atomic<Int32>(0)

public enum WatchFrontend {
    /// Database servers are asked for new rows at most this often, whatever `--interval` is.
    static let serverPollMilliseconds = 1000

    public static func run(file path: String, sets: [String], interval: Int, console: Console,
                           maxPolls: Int? = nil) throws(CommandFailure) {
        guard interval >= 10 else {
            console.err("velo: --interval must be at least 10 ms\n")
            throw CommandFailure(.usage)
        }
        var loop = try Loop(path: path, sets: sets, console: console)
        let files = loop.watched.sources.count, servers = loop.watched.polled.count
        console.out("watching \(path) and \(files) data file\(files == 1 ? "" : "s")"
                    + (servers == 0 ? "" : ", polling \(servers) database source\(servers == 1 ? "" : "s")")
                    + "; \(loop.ws.flags().count) flags; Ctrl-C to stop\n")
        watchInterrupted.store(0, ordering: .relaxed)
        signal(SIGINT) { _ in watchInterrupted.store(1, ordering: .relaxed) }
        defer { signal(SIGINT, SIG_DFL) }
        var polls = 0
        // Every how many polls the servers are asked (at least one second apart).
        let serverEvery = max(1, (serverPollMilliseconds + interval - 1) / interval)
        while watchInterrupted.load(ordering: .relaxed) == 0 {
            if let maxPolls, polls >= maxPolls { break }
            polls += 1
            usleep(useconds_t(interval * 1000))
            loop.poll(servers: polls % serverEvery == 0)
        }
        console.out("stopped watching \(path)\n")
    }

    /// The watch loop's state and one step of it, apart from the waiting (tests call `poll`
    /// after changing a file, so nothing in them depends on timing).
    struct Loop {
        let path: String
        let console: Console
        private(set) var ws: Workspace
        private(set) var watched: Snapshot

        init(path: String, sets: [String], console: Console) throws(CommandFailure) {
            self.path = path
            self.console = console
            let (_, program) = try Frontend.loadProgram(path, console: console)
            let params = try PlanInputs.params(sets, program: program, file: path, console: console)
            // Appends only move the as-of date forward and a rule edit reads again what its
            // windows reach (Workspace.reopen), so rows no window reaches are never read.
            var options = WorkspaceOptions(params: params)
            options.windowPushDown = WindowPushDown()
            options.keepsWindowSums = true
            ws = try Frontend.open(program, options, console: console)
            watched = Snapshot(ws: ws, rulePath: path)
        }

        /// Looks at the files once (and, with `servers`, asks the database servers); recomputes
        /// and prints what changed, if anything did.
        mutating func poll(servers: Bool = true) {
            let now = Snapshot(ws: ws, rulePath: path)
            if now.rule != watched.rule {
                ws = reloadRules(path, ws: ws, console: console)
                watched = Snapshot(ws: ws, rulePath: path)
                return
            }
            let changed = now.sources.filter { watched.sources[$0.key] != $0.value }.map(\.key).sorted()
            let polled = servers ? now.polled : []
            guard !changed.isEmpty || !polled.isEmpty else { return }
            watched = now
            // The rule file checked again against the changed data, as a fresh run would: data
            // it no longer checks against (a header-only file whose column has no type any
            // more) keeps the previous plan instead of computing from it.
            if !changed.isEmpty, let problem = recheck() {
                console.err("\(clockTime())  \(changed.joined(separator: ", ")) changed: \(problem) (keeping the previous plan)\n")
                return
            }
            do {
                let report = try ws.apply((changed + polled).map { Edit.source($0, path: nil) })
                // A polled source is named only when it had something new.
                let named = (changed + polled.filter(report.sourcesRead.contains)).sorted()
                guard !named.isEmpty else { return }
                console.out("\(clockTime())  \(named.joined(separator: ", ")) changed: \(ChangeReportText.summary(report))\n")
                console.out(ChangeReportText.render(report))
            } catch {
                // A polled source that changed so that the rule file no longer checks against it
                // (its table gone, a column's type changed): the diagnostics, located.
                if changed.isEmpty, let problem = recheck() {
                    console.err("\(clockTime())  \(polled.joined(separator: ", ")): \(problem) (keeping the previous plan)\n")
                    return
                }
                console.err("\(clockTime())  velo: \(error.message) (keeping the previous plan)\n")
            }
        }

        /// Why the rule file does not check against the files as they are now (its
        /// diagnostics printed), or nil when it does.
        func recheck() -> String? {
            guard let file = try? Frontend.readRuleFile(path, console: console) else { return "\(path) cannot be read" }
            let rules = Frontend.check(file)
            guard rules.program == nil || rules.diagnostics.hasErrors else { return nil }
            Frontend.render(rules.diagnostics, in: file, console: console)
            return "\(path) does not check against the data: \(Frontend.summary(rules.diagnostics.filter { $0.severity == .error }))"
        }
    }

    /// Recompiles an edited rule file; a file that does not check keeps the previous plan.
    static func reloadRules(_ path: String, ws: Workspace, console: Console) -> Workspace {
        guard let file = try? Frontend.readRuleFile(path, console: console) else { return ws }
        let rules = Frontend.check(file)
        Frontend.render(rules.diagnostics, in: file, console: console)
        guard let program = rules.program else {
            console.err("\(clockTime())  \(path) has errors: keeping the previous plan\n")
            return ws
        }
        do {
            let next = try Workspace.reopen(program, previous: ws)
            let report = next.differences(from: ws)
            console.out("\(clockTime())  \(path) reloaded: \(NumberFormat.grouped(next.stats.cellsEvaluated)) cells computed, "
                        + "\(NumberFormat.grouped(next.stats.cellsReused)) reused; \(ChangeReportText.summary(report))\n")
            console.out(ChangeReportText.render(report))
            return next
        } catch {
            console.err("\(clockTime())  velo: \(error.message) (keeping the previous plan)\n")
            return ws
        }
    }

    static func clockTime() -> String {
        var t = time(nil)
        var tm = tm()
        localtime_r(&t, &tm)
        func two(_ x: Int32) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))"
    }

    /// Sizes and modification times of the watched files, and the sources polled.
    struct Snapshot: Equatable {
        struct Stamp: Equatable {
            var size: Int
            var seconds: Int
            var nanoseconds: Int
        }
        var rule: Stamp?
        /// Per source read from files, the stamps of its files (nil: a file that is not there).
        var sources: [String: [Stamp?]]
        /// Sources nothing local tells about (database servers), sorted.
        var polled: [String]

        init(ws: Workspace, rulePath: String) {
            rule = Snapshot.stamp(rulePath)
            var s: [String: [Stamp?]] = [:]
            var p: [String] = []
            for (name, watch) in ws.sourceWatches {
                switch watch {
                case .files(let paths): s[name] = paths.map(Snapshot.stamp)
                case .poll: p.append(name)
                case .never: break
                }
            }
            sources = s
            polled = p.sorted()
        }

        static func stamp(_ path: String) -> Stamp? {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }
            return Stamp(size: Int(st.st_size), seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec))
        }
    }
}
