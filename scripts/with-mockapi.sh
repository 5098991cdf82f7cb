#!/usr/bin/env bash
# Runs a command with the mock API listening; exports CONDUIT_MOCK_URL for it.
# Usage: scripts/with-mockapi.sh COMMAND [ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
"$root/target/release/conduit-mockapi" --port 0 >"$out" 2>/dev/null &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do grep -q LISTENING "$out" && break; sleep 0.05; done
addr=$(sed -n 's/^LISTENING //p' "$out")
[ -n "$addr" ] || { echo "the mock API did not start" >&2; exit 1; }
export CONDUIT_MOCK_URL="http://$addr"
"$@"
