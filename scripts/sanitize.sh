#!/usr/bin/env bash
# Runs the test suite under a sanitizer: `scripts/sanitize.sh address|thread [swift test args...]`,
# e.g. `scripts/sanitize.sh address --filter 'VeloSyntaxTests|VeloDataTests'`.
# Each sanitizer builds into its own scratch path (.build-asan, .build-tsan; gitignored by .build*/),
# so it never disturbs the ordinary debug build. Set NICE=19 to build and run at low priority.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-}"
case "$kind" in
    address) scratch=.build-asan ;;
    thread) scratch=.build-tsan ;;
    *) echo "usage: scripts/sanitize.sh address|thread [swift test arguments, e.g. --filter SUITE]" >&2; exit 2 ;;
esac
shift
nice_cmd=()
if [ -n "${NICE:-}" ]; then nice_cmd=(nice -n "$NICE"); fi
# Leaks are not errors here: process-lifetime caches and the test runner hold memory at exit.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}"
# Every race is reported (the process still exits non-zero when there was one).
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0}"
start=$(date +%s)
"${nice_cmd[@]}" swift build --build-tests --sanitize="$kind" --scratch-path "$scratch"
built=$(date +%s)
echo "== sanitize $kind: build took $((built - start)) s"
"${nice_cmd[@]}" swift test --skip-build --sanitize="$kind" --scratch-path "$scratch" "$@"
echo "== sanitize $kind: tests took $(($(date +%s) - built)) s; clean"
