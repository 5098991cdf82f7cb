#!/usr/bin/env bash
# The admin pages of conduit.integration in headless Chromium (node --test + playwright-core).
#   bash tests/browser/run.sh [extra node --test args]
# Uses its own site and database (CONDUIT_KERNEL_ROOT, default /tmp/conduit-browser-site;
# CONDUIT_KERNEL_DB, default conduit_bitrix_browser), so it never disturbs the module suite's
# site. Serves it with PHP's built-in server (the extension loaded) next to the mock API,
# installs playwright-core from the lockfile (npm ci) when missing, and saves a 1280×800
# screenshot of every page under target/screenshots/.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
EXT=${CONDUIT_EXTENSION:-$ROOT/target/release/libconduit.so}
MOCK_BIN=${CONDUIT_MOCKAPI_BIN:-$ROOT/target/release/conduit-mockapi}
CHROMIUM=${CONDUIT_CHROMIUM:-/usr/bin/chromium}
export CONDUIT_KERNEL_ROOT=${CONDUIT_KERNEL_ROOT:-/tmp/conduit-browser-site}
export CONDUIT_KERNEL_DB=${CONDUIT_KERNEL_DB:-conduit_bitrix_browser}
[ -f "$EXT" ] || { echo "browser tests: $EXT not found: run make build" >&2; exit 2; }
[ -x "$MOCK_BIN" ] || { echo "browser tests: $MOCK_BIN not found: run make build" >&2; exit 2; }
[ -x "$CHROMIUM" ] || { echo "browser tests: $CHROMIUM not found: scripts/install-deps.sh installs Debian's chromium" >&2; exit 2; }
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) || { echo "browser tests: npm ci failed" >&2; exit 1; }
fi
bash scripts/ensure-mariadb.sh >/dev/null || { echo "browser tests: MariaDB is required and is not reachable" >&2; exit 1; }
mariadb -h 127.0.0.1 -P 3306 -u root -e "CREATE DATABASE IF NOT EXISTS \`$CONDUIT_KERNEL_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" || exit 1

TMP=$(mktemp -d -t conduit-browser.XXXXXX)
MOCK_PID=""; PHP_PID=""
cleanup() {
  for pid in $PHP_PID $MOCK_PID; do kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$MOCK_BIN" --port 0 >"$TMP/mock.out" 2>"$TMP/mock.err" &
MOCK_PID=$!
for _ in $(seq 1 100); do grep -q '^LISTENING ' "$TMP/mock.out" 2>/dev/null && break; sleep 0.05; done
MOCK_URL="http://$(sed -n 's/^LISTENING //p' "$TMP/mock.out" | head -1)"
[ "$MOCK_URL" != "http://" ] || { echo "browser tests: the mock API did not start: $(cat "$TMP/mock.err")" >&2; exit 1; }

PHP=(php -d "extension=$EXT" -d short_open_tag=On)
"${PHP[@]}" tests/browser/setup.php "$MOCK_URL" >"$TMP/setup.out" 2>&1 || { echo "browser tests: setup failed:" >&2; cat "$TMP/setup.out" >&2; exit 1; }

free_port() { "${PHP[@]}" -r '$s=stream_socket_server("tcp://127.0.0.1:0");echo explode(":",stream_socket_get_name($s,false))[1];'; }
PORT=$(free_port)
# With Debian's own ini, opcache included, as a site runs it.
"${PHP[@]}" -d display_errors=stderr -S "127.0.0.1:$PORT" -t "$CONDUIT_KERNEL_ROOT" >"$TMP/php.log" 2>&1 &
PHP_PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/bitrix/admin/index.php" && break; sleep 0.05; done
# The extension must work under the server: one request through the module's services.
mkdir -p "$CONDUIT_KERNEL_ROOT/upload"
cat >"$CONDUIT_KERNEL_ROOT/upload/conduit-probe.php" <<'PHP'
<?php
require $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
\Bitrix\Main\Loader::includeModule('conduit.integration');
try { \Conduit\Integration\Services::queue()->count(); echo 'PROBE-OK'; } catch (\Throwable $e) { echo 'PROBE-FAILED ', $e->getMessage(); }
PHP
probe=$(curl -s "http://127.0.0.1:$PORT/upload/conduit-probe.php")
[[ "$probe" == PROBE-OK* ]] || { echo "browser tests: the extension does not work under PHP's built-in server: ${probe:0:300}" >&2; exit 1; }

mkdir -p target/screenshots
export CONDUIT_BASE_URL="http://127.0.0.1:$PORT" CONDUIT_MOCK_URL="$MOCK_URL" CONDUIT_CHROMIUM="$CHROMIUM"
export CONDUIT_PHP="php -d extension=$EXT -d short_open_tag=On" CONDUIT_SCREENSHOTS="$ROOT/target/screenshots"
node --test --test-concurrency=1 "$@" tests/browser/
status=$?
if [ $status -ne 0 ]; then
  echo "--- PHP built-in server log (last 40 lines) ---" >&2
  grep -v ' Accepted$\| Closing$' "$TMP/php.log" | tail -40 >&2
fi
exit $status
