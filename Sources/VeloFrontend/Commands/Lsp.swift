// `velo lsp`: the language server, over standard input and output.

import ArgumentParser

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

struct Lsp: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the language server (LSP over standard input and output) for editors.",
        discussion: """
            Editors start `velo lsp` and talk to it in the Language Server Protocol: diagnostics as you \
            type (the messages of `velo check --static`), hover, completion, go to definition, references, \
            rename, formatting (as `velo fmt`), document symbols, and inlay hints with the plan's values. \
            See "Editor support" in the README for VS Code and Neovim.

            Exit status: 0 after `shutdown` and `exit`; 1 when the editor exits or goes away without `shutdown`.
            """)

    func run() throws {
        let status = LSPServer.runStdio()
        if status != 0 { throw CommandFailure(.ruleErrors) }
    }
}
