#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests, the grammar cross-check against an
# independent parser, and `velo check` and `velo test` over every example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

swift build --build-tests
echo "== velo fmt --check Examples"
find Examples -name '*.velo' -print0 | sort -z | xargs -0 .build/debug/velo fmt --check
echo "== velo check Examples"
find Examples -name '*.velo' -print0 | sort -z | xargs -0 .build/debug/velo check
echo "== velo test Examples"
.build/debug/velo test Examples
echo "== grammar cross-check (lark)"
python3 Tests/grammar/check_grammar.py
echo "== TextMate grammar (editors/vscode) over the examples"
python3 Tests/editors/check_tmgrammar.py
echo "== swift test"
swift test --skip-build
echo "== fuzz: ${VELO_FUZZ_SECONDS:-20} s per target (scripts/fuzz.sh; a crash is saved as a regression fixture and fails)"
bash scripts/fuzz.sh all "${VELO_FUZZ_SECONDS:-20}"
