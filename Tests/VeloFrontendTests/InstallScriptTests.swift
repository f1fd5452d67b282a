// README "Two commands": `bash scripts/example.sh` builds Velo, installs `velo` (default
// ~/.local/bin, or $VELO_INSTALL_DIR) saying where, and runs the example with its arguments.
// Run here on a copy of the script with the build step stubbed (a `swift` that does nothing,
// the release binary being the one built next to the tests), so it takes seconds.

import Foundation
import Testing
@testable import VeloFrontend

@Suite("scripts/example.sh installs velo")
struct InstallScriptTests {
    @Test(.enabled(if: ReplHarness.veloBinary != nil, "the velo binary is not next to the test bundle"))
    func installsAndSaysWhere() throws {
        let dir = FrontendHarness.scratch()
        defer { FrontendHarness.remove(dir) }
        let fm = FileManager.default
        let repo = dir + "/clone", stubs = dir + "/stubs", install = dir + "/home/bin"
        for d in [repo + "/scripts", repo + "/.build/release", stubs] { try fm.createDirectory(atPath: d, withIntermediateDirectories: true) }
        try fm.copyItem(atPath: FrontendHarness.root + "/scripts/example.sh", toPath: repo + "/scripts/example.sh")
        try fm.copyItem(atPath: FrontendHarness.root + "/Examples", toPath: repo + "/Examples")
        try "exit 0\n".write(toFile: repo + "/scripts/setup.sh", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: repo + "/.build/release/velo", withDestinationPath: ReplHarness.veloBinary!)
        try "#!/bin/sh\nexit 0\n".write(toFile: stubs + "/swift", atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stubs + "/swift")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repo + "/scripts/example.sh", "--table", "plan", "--format", "csv"]
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = stubs + ":/usr/bin:/bin"
        env["VELO_INSTALL_DIR"] = install
        env["NO_COLOR"] = "1"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(e)")
        #expect(e.contains("installed velo as \(install)/velo (the build is .build/release/velo)"), "\(e)")
        #expect(e.contains("note: \(install) is not on PATH; add it: export PATH=\"\(install):$PATH\""), "\(e)")
        #expect(fm.isExecutableFile(atPath: install + "/velo"))
        // The arguments went on to `velo run`.
        #expect(o.hasPrefix("sku,"), "\(o.prefix(200))")
    }
}
