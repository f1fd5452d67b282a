#!/usr/bin/env bash
# libFuzzer over Velo's input readers: `scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]`.
#   syntax  lexer + parser + checker + diagnostics rendering + formatter, on a rule file's text
#   csv     the CSV reader with dialect options (the first 4 bytes pick the options)
#   repl    the REPL's line reading (continuation lines) and command parser
#   lsp     the `velo lsp` message reader: Content-Length framing, then JSON
#   all     each target in turn for SECONDS
# `scripts/fuzz.sh build` only builds. What one input does is in
# Tests/VeloFrontendTests/FuzzEntryPoints.swift, shared with FuzzRegressionTests, which runs
# every saved crash (Tests/Fixtures/fuzz/<target>/crash-*). A crash found here is copied
# there; the script then fails.
#
# The library modules it needs are built with coverage and AddressSanitizer
# (`swift build --target VeloCheck|VeloRender -Xswiftc -sanitize=fuzzer,address -Xswiftc -O`,
# into .build-fuzz/, incremental); one swiftc invocation compiles Fuzz/Harness.swift,
# FuzzEntryPoints.swift and the REPL/LSP files into .build-fuzz/velo-fuzz, linked with their
# objects (VELO_FUZZ_TARGET picks the target). The seed corpus is Examples/ and
# Tests/Fixtures/ (copied into a temporary directory; nothing generated is kept).
# NICE=19 runs the build and the fuzzer at low priority; FUZZ_NO_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
targets=(syntax csv repl lsp)
usage() { echo "usage: scripts/fuzz.sh syntax|csv|repl|lsp|all SECONDS [libFuzzer flags] | scripts/fuzz.sh build" >&2; exit 2; }
target="${1:-}"; [ -n "$target" ] || usage
seconds="${2:-20}"
shift $(( $# >= 2 ? 2 : $# ))
nice_cmd=()
if [ -n "${NICE:-}" ]; then nice_cmd=(nice -n "$NICE"); fi
out="${FUZZ_BUILD_PATH:-.build-fuzz}"
config=debug

# The library modules the fuzzers link, built with coverage + ASan; the VeloFrontend files they
# exercise are compiled into each fuzzer (with Fuzz/FrontendStubs.swift), so neither the engine
# nor the rest of the frontend is built.
modules=(VeloSyntax VeloData VeloCheck VeloRender)
frontend_files=(Sources/VeloFrontend/REPL/InputScanner.swift Sources/VeloFrontend/REPL/ReplCommand.swift
    Sources/VeloFrontend/LSP/JSONValue.swift Sources/VeloFrontend/LSP/LSPFraming.swift)

build() {
    local start; start=$(date +%s)
    # -O: the fuzzers run several times faster than at -Onone; the debug configuration keeps
    # -enable-testing (FuzzEntryPoints uses `@testable import VeloData`).
    for m in VeloCheck VeloRender; do
        "${nice_cmd[@]}" swift build --build-path "$out" -c "$config" --target "$m" \
            -Xswiftc -sanitize=fuzzer,address -Xswiftc -O
    done
    local bin; bin=$(swift build --build-path "$out" -c "$config" --show-bin-path)
    local objects=()
    for m in "${modules[@]}"; do objects+=("$bin/$m.build"/*.o); done
    local maps=()
    for m in Sources/C*/module.modulemap; do maps+=(-Xcc "-fmodule-map-file=$root/$m"); done
    local sources=(Fuzz/Harness.swift Fuzz/FrontendStubs.swift Tests/VeloFrontendTests/FuzzEntryPoints.swift "${frontend_files[@]}")
    local exe="$out/velo-fuzz"
    if [ ! -x "$exe" ] || [ -n "$(find "${objects[@]}" "${sources[@]}" -newer "$exe" -print -quit)" ]; then
        "${nice_cmd[@]}" swiftc -parse-as-library -sanitize=fuzzer,address -O -g -swift-version 6 -module-name VeloFuzz \
            -D VELO_FUZZ_BUILD -I "$bin/Modules" "${maps[@]}" \
            "${sources[@]}" "${objects[@]}" -lsqlite3 -lpq -use-ld=lld -o "$exe"
    fi
    echo "== fuzz build: $(( $(date +%s) - start )) s"
}

run() {
    local t="$1"; shift
    local work; work=$(mktemp -d "${TMPDIR:-/tmp}/velo-fuzz-$t.XXXXXX")
    local corpus="$work/corpus" seeds="$work/seeds" artifacts="$work/artifacts"
    mkdir -p "$corpus" "$seeds" "$artifacts"
    case "$t" in
        syntax) find Examples Tests/Fixtures -name '*.velo' -size -64k -exec cp {} "$seeds/" \; 2>/dev/null || true ;;
        csv) # four option bytes (none, then ; with a decimal comma and dd.mm.yyyy dates) before each file
            local i=0
            while IFS= read -r f; do
                i=$((i + 1))
                { printf '\x00\x00\x00\x00'; head -c 4096 "$f"; } > "$seeds/plain-$i"
                { printf '\x0b\x01\x00\x00'; head -c 4096 "$f" | tr ',.' ';,'; } > "$seeds/dialect-$i"
            done < <(find Examples Tests/Fixtures -name '*.csv' -size -64k | sort | head -300) ;;
        repl) find Tests/Fixtures/repl -type f -size -64k -exec cp {} "$seeds/" \; 2>/dev/null || true
              find Examples -name '*.velo' -size -16k -exec cp {} "$seeds/" \; ;;
        lsp) local i=0
            while IFS= read -r f; do
                i=$((i + 1))
                python3 - "$f" > "$seeds/open-$i" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()[:4000]
msgs = [{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen",
         "params": {"textDocument": {"uri": "file:///p.velo", "languageId": "velo", "version": 1, "text": text}}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
         "params": {"textDocument": {"uri": "file:///p.velo"}, "position": {"line": 1, "character": 3}}}]
out = b"\x3f"
for m in msgs:
    body = json.dumps(m).encode()
    out += b"Content-Length: %d\r\n\r\n" % len(body) + body
sys.stdout.buffer.write(out)
PY
            done < <(find Examples -name '*.velo' -size -16k | sort | head -40) ;;
    esac
    local dict=()
    [ -f "Fuzz/$t.dict" ] && dict=(-dict="Fuzz/$t.dict")
    local scratch; scratch=$(mktemp -d "${TMPDIR:-/tmp}/velo-fuzz-scratch.XXXXXX")
    echo "== fuzz $t: ${seconds} s, $(ls "$seeds" | wc -l) seeds"
    local status=0
    VELO_FUZZ_SCRATCH="$scratch" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" VELO_FUZZ_TARGET="$t" "${nice_cmd[@]}" "${FUZZ_EXE:-$out/velo-fuzz}" \
        -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "${dict[@]}" "$@" "$corpus" "$seeds" 2>&1 | tee "$work/log" | grep -v '^#[0-9]*.*\(NEW\|REDUCE\|pulse\)' || status=$?
    grep -h 'Done [0-9]* runs' "$work/log" | tail -1 || true
    local found=0
    for a in "$artifacts"/*; do
        [ -f "$a" ] || continue
        found=1
        mkdir -p "Tests/Fixtures/fuzz/$t"
        cp "$a" "Tests/Fixtures/fuzz/$t/$(basename "$a" | sed 's/^\(crash\|leak\|timeout\|oom\|slow-unit\)-/crash-\1-/;s/^crash-crash-/crash-/')"
        echo "== fuzz $t: found $(basename "$a"), saved to Tests/Fixtures/fuzz/$t/ (a regression fixture now)" >&2
    done
    rm -rf "$scratch" "$work"
    [ "$found" = 0 ] || return 1
    [ "$status" = 0 ] || { echo "== fuzz $t: the fuzzer failed (status $status)" >&2; return 1; }
    return 0
}

# FUZZ_NO_BUILD=1: run what is built (several targets at once share one build).
[ -n "${FUZZ_NO_BUILD:-}" ] || [ "$target" = build ] || build
case "$target" in
    build) build ;;
    all) rc=0; for t in "${targets[@]}"; do run "$t" "$@" || rc=1; done; exit $rc ;;
    syntax|csv|repl|lsp) run "$target" "$@" ;;
    *) usage ;;
esac
