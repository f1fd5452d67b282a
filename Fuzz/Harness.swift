// The libFuzzer entry point of every Velo fuzz target (see scripts/fuzz.sh). Compiled with
// Tests/VeloFrontendTests/FuzzEntryPoints.swift, which holds what one input does, into one
// executable; VELO_FUZZ_TARGET (syntax, csv, repl, lsp) picks the target when it runs.

#if canImport(Glibc)
import Glibc
#endif

let fuzzTarget: String = {
    if let name = getenv("VELO_FUZZ_TARGET").map({ String(cString: $0) }), FuzzEntryPoints.targets.contains(name) { return name }
    let message = "velo-fuzz: set VELO_FUZZ_TARGET to one of \(FuzzEntryPoints.targets.joined(separator: ", "))\n"
    _ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(2)
}()

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
