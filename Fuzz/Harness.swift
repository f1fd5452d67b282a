// The libFuzzer entry point of every Velo fuzz target (see scripts/fuzz.sh). Compiled with
// Tests/VeloFrontendTests/FuzzEntryPoints.swift, which holds what one input does, into one
// executable per target: `-D FUZZ_SYNTAX`, `FUZZ_CSV`, `FUZZ_REPL` or `FUZZ_LSP` picks it.

#if FUZZ_SYNTAX
let fuzzTarget = "syntax"
#elseif FUZZ_CSV
let fuzzTarget = "csv"
#elseif FUZZ_REPL
let fuzzTarget = "repl"
#else
let fuzzTarget = "lsp"
#endif

#if canImport(Glibc)
import Glibc
#endif

/// A file of the fuzzer's own for the CSV target (one per process).
let fuzzScratch: String = {
    let dir = getenv("VELO_FUZZ_SCRATCH").map { String(cString: $0) } ?? "/tmp"
    return "\(dir)/velo-fuzz-\(getpid()).csv"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    FuzzEntryPoints.run(fuzzTarget, bytes, scratch: fuzzScratch)
    return 0
}
