#!/usr/bin/env bash
# Builds Velo and runs the main example plan: Examples/replenishment/plan.velo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product velo
.build/release/velo run Examples/replenishment/plan.velo "$@"
