// The fuzzers compile the few VeloFrontend files they exercise (the REPL's line reading and
// command parser, the LSP framing and JSON) into their own module instead of linking all of
// VeloFrontend (and the engine, SQL and argument parsing it brings): what those files need
// from the rest of VeloFrontend is declared here, as there (Sources/VeloFrontend/Frontend.swift).

public enum ExitStatus: Int32, Sendable {
    case ok = 0
    case ruleErrors = 1
    case usage = 2
    case dataError = 3
}
