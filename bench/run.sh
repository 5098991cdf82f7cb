#!/usr/bin/env bash
# Benchmark dispatcher: `bash bench/run.sh http|queue|crypto|admin|import [args…]`.
# Builds nothing (the Makefile builds first). Starts the mock API when the bench
# needs it (http always; others when their script reads CONDUIT_MOCK_URL), exports
# CONDUIT_MOCK_URL=http://127.0.0.1:PORT, runs bench/<name>.php with the extension,
# and stops the mock on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EXT=${CONDUIT_EXT:-$ROOT/target/release/libconduit.so}
MOCK_BIN=${CONDUIT_MOCKAPI_BIN:-$ROOT/target/release/conduit-mockapi}

usage() { echo "usage: bash bench/run.sh http|queue|crypto|admin|import [args…]" >&2; exit 2; }
[ $# -ge 1 ] || usage
name=$1; shift
case "$name" in http|queue|crypto|admin|import) ;; *) usage ;; esac

script="bench/$name.php"
[ -f "$script" ] || { echo "bench/run.sh: $script does not exist (the '$name' benchmark has not been written yet)" >&2; exit 2; }
[ -f "$EXT" ] || { echo "bench/run.sh: $EXT not found: run \`make build\` first" >&2; exit 2; }

MOCK_PID=""
TMP=$(mktemp -d -t conduit-bench.XXXXXX)
cleanup() {
  if [ -n "$MOCK_PID" ] && kill -0 "$MOCK_PID" 2>/dev/null; then
    kill -TERM "$MOCK_PID" 2>/dev/null || true
    wait "$MOCK_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$name" = http ] || grep -q CONDUIT_MOCK_URL "$script"; then
  [ -x "$MOCK_BIN" ] || { echo "bench/run.sh: $MOCK_BIN not found: run \`make build\` first" >&2; exit 2; }
  "$MOCK_BIN" --port 0 >"$TMP/mock.out" 2>"$TMP/mock.err" &
  MOCK_PID=$!
  for _ in $(seq 1 100); do grep -q '^LISTENING ' "$TMP/mock.out" 2>/dev/null && break; sleep 0.05; done
  grep -q '^LISTENING ' "$TMP/mock.out" || { echo "bench/run.sh: the mock API did not start: $(cat "$TMP/mock.err")" >&2; exit 1; }
  CONDUIT_MOCK_URL="http://$(sed -n 's/^LISTENING //p' "$TMP/mock.out" | head -1)"
  export CONDUIT_MOCK_URL
fi

PHP=(php)
php -m 2>/dev/null | grep -qx conduit || PHP+=(-d "extension=$EXT")   # unless installed in conf.d
# Not exec: the trap must stop the mock afterwards.
"${PHP[@]}" -d memory_limit=1G "$script" "$@"
