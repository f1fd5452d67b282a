#!/usr/bin/env bash
# Installs what building and testing Velo needs on a fresh Debian machine, when missing:
# the Swift toolchain must already be on PATH; everything else comes from apt (python3,
# libreadline-dev for `velo repl`, tmux for its terminal test, chromium for the HTML report's
# test, libsqlite3-dev and libpq-dev for database sources, postgresql for their tests and for
# `--engine postgres`, Java 17 for Spark) and PyPI (lark; duckdb and pyspark for `--engine`).
set -euo pipefail

need_apt=()
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)
# `velo repl` links GNU readline; its end-to-end test drives the terminal through tmux.
[ -f /usr/include/readline/readline.h ] || need_apt+=(libreadline-dev)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
# `velo report --html` is tested by rendering the page in headless Chromium.
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need_apt+=(chromium)
# `sqlite(...)` sources link the SQLite C library.
[ -f /usr/include/sqlite3.h ] || need_apt+=(libsqlite3-dev)
# `postgres(...)` sources link libpq; their tests start a throwaway PostgreSQL server.
[ -f /usr/include/postgresql/libpq-fe.h ] || need_apt+=(libpq-dev)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# `--engine spark` needs Java 17 for pyspark.
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
if [ "${#need_apt[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

pip_install() {
    python3 -m pip install --quiet "$@" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "$@"
}
python3 -c "import lark" >/dev/null 2>&1 || pip_install lark
# `velo run --engine duckdb|spark` runs the SQL through these (PyPI).
python3 -c "import duckdb" >/dev/null 2>&1 || pip_install duckdb
python3 -c "import pyspark" >/dev/null 2>&1 || pip_install pyspark

command -v swift >/dev/null 2>&1 || { echo "setup: the Swift toolchain (swift 6) is not on PATH" >&2; exit 1; }
