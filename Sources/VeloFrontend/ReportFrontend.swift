// What `velo report FILE --html OUT.html` does, independent of argument parsing.

import VeloCheck
import VeloEngine
import VeloRender
import VeloSyntax

public struct ReportRequest: Sendable {
    public var file: String
    public var html: String?
    public var sets: [String]
    public var sources: [String]
    public var asof: String?
    /// `--compare NAME=VALUE` (repeatable): a second param set, shown as deltas.
    public var compare: [String]

    public init(file: String, html: String? = nil, sets: [String] = [], sources: [String] = [], asof: String? = nil, compare: [String] = []) {
        self.file = file
        self.html = html
        self.sets = sets
        self.sources = sources
        self.asof = asof
        self.compare = compare
    }
}

public enum ReportFrontend {
    public static func run(_ request: ReportRequest, console: Console) throws(CommandFailure) {
        guard let out = request.html, !out.isEmpty else {
            console.err("velo: name the page to write with --html OUT.html\n")
            throw CommandFailure(.usage)
        }
        let asOf = try PlanInputs.asOf(request.asof, console: console)
        let sources = try PlanInputs.sources(request.sources, console: console)
        let (_, program) = try Frontend.loadProgram(request.file, sourceOverrides: sources, console: console)
        let params = try PlanInputs.params(request.sets, program: program, file: request.file, console: console)
        let ws = try Frontend.open(program, WorkspaceOptions(asOf: asOf, params: params, sources: sources), console: console)
        try PlanInputs.applyRowEdits(request.sets, to: ws, console: console)
        var compare: (String, Workspace)? = nil
        if !request.compare.isEmpty {
            let other = try PlanInputs.params(request.compare, program: program, file: request.file, console: console)
            let merged = params.merging(other) { _, new in new }
            let second = try Frontend.open(program, WorkspaceOptions(asOf: asOf, params: merged, sources: sources), console: console)
            try PlanInputs.applyRowEdits(request.sets + request.compare, to: second, console: console)
            compare = (request.compare.joined(separator: ", "), second)
        }
        try OutputGuard.refuse([out], inputs: OutputGuard.inputs(rulePath: request.file, program: program, sources: sources),
                               option: "--html", console: console)
        let page = HTMLReport.page(.init(path: request.file, workspace: ws, params: params, compare: compare))
        guard OutputFiles.makeParentDirectories(of: out) else {
            console.err("velo: cannot create the directory for \(out): \(String(cString: strerror(errno)))\n")
            throw CommandFailure(.dataError)
        }
        do { try AtomicFile.write(page, to: out) } catch {
            console.err("velo: \(error)\n")
            throw CommandFailure(.dataError)
        }
        console.err("wrote \(out)\n")
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
