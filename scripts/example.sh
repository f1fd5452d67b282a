#!/usr/bin/env bash
# Builds Velo, installs the binary, and runs the main example plan:
# Examples/replenishment/plan.velo. The binary is .build/release/velo; a copy goes to
# $VELO_INSTALL_DIR (default ~/.local/bin) so that `velo` works from any folder once that
# folder is on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product velo
install_dir="${VELO_INSTALL_DIR:-$HOME/.local/bin}"
if mkdir -p "$install_dir" && cp .build/release/velo "$install_dir/velo.tmp.$$" && mv -f "$install_dir/velo.tmp.$$" "$install_dir/velo"; then
    echo "installed velo as $install_dir/velo (the build is .build/release/velo)" >&2
    case ":$PATH:" in
        *":$install_dir:"*) ;;
        *) echo "note: $install_dir is not on PATH; add it: export PATH=\"$install_dir:\$PATH\"" >&2 ;;
    esac
else
    echo "could not install into $install_dir; run .build/release/velo directly" >&2
fi
.build/release/velo run Examples/replenishment/plan.velo "$@"
