// A throwaway PostgreSQL server for the tests: Debian's `postgresql` binaries, a cluster in a
// temporary directory, a Unix socket only (no TCP), waits bounded by pg_ctl's -t, and stopped
// (immediate mode) and removed by `stop()` — which the tests call in a defer, so also on failure.
// As root the server runs as the `postgres` user (initdb refuses root).

import Foundation
import VeloSQL

final class PostgresServer: @unchecked Sendable {
    let directory: String
    let port: Int
    private var started = false

    static func binDirectory() -> String? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        return versions.last.map { "\(base)/\($0)/bin" }
    }

    /// The libpq connection string of this server.
    var connection: String { "host=\(directory) port=\(port) user=velo dbname=postgres connect_timeout=10" }

    init() throws {
        guard let bin = PostgresServer.binDirectory() else { throw Failure("PostgreSQL is not installed (apt-get install postgresql)") }
        directory = "/tmp/velo-pg-\(getpid())-\(UInt16.random(in: 1000...60000))"
        port = 50000 + Int(getpid() % 10000)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot { try shell(["chown", "postgres", directory]) }
        func pg(_ args: [String]) throws {
            if asRoot { try shell(["runuser", "-u", "postgres", "--"] + args) } else { try shell(args) }
        }
        try pg(["\(bin)/initdb", "-D", "\(directory)/data", "-A", "trust", "-U", "velo", "--no-sync"])
        try pg(["\(bin)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/log", "-w", "-t", "60",
                "-o", "-k \(directory) -p \(port) -c listen_addresses= -c fsync=off", "start"])
        started = true
        stopCommand = asRoot ? ["runuser", "-u", "postgres", "--"] : []
        stopCommand += ["\(bin)/pg_ctl", "-D", "\(directory)/data", "-m", "immediate", "-w", "-t", "30", "stop"]
    }

    private var stopCommand: [String] = []

    func stop() {
        if started { try? shell(stopCommand) }
        started = false
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    private func shell(_ args: [String]) throws {
        let status = Spawn.run(args)
        if status != 0 { throw Failure("\(args.joined(separator: " ")) failed with status \(status)") }
    }
}
