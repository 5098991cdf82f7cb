#!/usr/bin/env bash
# php-fpm + fork safety for Conduit\ApiClient.
#
#  1. A private php-fpm8.2 master (pm = static, 4 workers, the extension loaded in the
#     master before it forks) answers 400 FastCGI requests sent 8 at a time with
#     cgi-fcgi; each request calls the mock API once. Passes when all 400 answer 200
#     in time, at least 2 workers served, and the mock saw at most one connection
#     per worker (keep-alive pool per worker, kept across PHP requests).
#  2. A CLI script uses the client, then pcntl_fork()s 3 children that use it too
#     (tests/fpm/fork.php); none may hang.
#  3. tests/fpm/outage.sh: 200 requests that log while the database is down; request
#     end stays fast and every record is in the table after the restart.
#
# Usage: bash tests/fpm/run.sh   (after `make build`). Exit code 0 = pass.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/fpm/lib.sh
ROOT=$PWD
HERE=$ROOT/tests/fpm
EXT=${CONDUIT_EXT:-$ROOT/target/release/libconduit.so}
MOCK_BIN=${CONDUIT_MOCKAPI_BIN:-$ROOT/target/release/conduit-mockapi}
FPM_BIN=${PHP_FPM_BIN:-$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)}
REQUESTS=400
PARALLEL=8
WORKERS=4

T0=$(date +%s.%N)
elapsed() { php -r 'printf("%.1f", microtime(true) - (float) $argv[1]);' "$T0"; }
fail() { echo "FAIL tests/fpm: $*  ($(elapsed) s)"; exit 1; }

for f in "$EXT" "$MOCK_BIN" "$FPM_BIN"; do [ -x "$f" ] || [ -f "$f" ] || fail "missing $f (run \`make build\`; php8.2-fpm installed?)"; done
command -v cgi-fcgi >/dev/null || fail "cgi-fcgi not found (Debian package libfcgi-bin)"

TMP=$(mktemp -d -t conduit-fpm.XXXXXX)
MOCK_PID=""; FPM_PID=""
cleanup() {
  local rc=$?
  # Only the processes this script started, by pid.
  stop_fpm_master "$FPM_PID"
  stop_process "$MOCK_PID"
  if [ $rc -ne 0 ] && [ -n "${KEEP_TMP:-}" ]; then echo "(kept $TMP)"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the mock API -------------------------------------------------------------------
"$MOCK_BIN" --port 0 >"$TMP/mock.out" 2>"$TMP/mock.err" &
MOCK_PID=$!
for _ in $(seq 1 100); do grep -q '^LISTENING ' "$TMP/mock.out" 2>/dev/null && break; sleep 0.05; done
grep -q '^LISTENING ' "$TMP/mock.out" || fail "mock API did not start: $(cat "$TMP/mock.err")"
MOCK_URL="http://$(sed -n 's/^LISTENING //p' "$TMP/mock.out" | head -1)"
echo "mock API: $MOCK_URL (pid $MOCK_PID)"

# --- the FPM master -------------------------------------------------------------------
free_port() { php -n -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo parse_url("tcp://" . stream_socket_get_name($s, false), PHP_URL_PORT);'; }
FPM_ARGS=(-y "$TMP/php-fpm.conf" -p "$TMP" -F)
USER_LINES=""
if [ "$(id -u)" -eq 0 ]; then
  FPM_ARGS+=(-R)   # root (containers, CI): workers run as root, allowed explicitly
  USER_LINES="user = root
group = root"
fi
# The Debian php.ini and conf.d are read as usual (no -n); the extension is added
# to the master's command line so it is loaded before the workers are forked —
# unless it is already installed in conf.d.
"$FPM_BIN" -m 2>/dev/null | grep -qx conduit || FPM_ARGS+=(-d "extension=$EXT")

start_fpm() {
  FPM_PORT=$(free_port)
  : >"$TMP/php-fpm.log"
  php -n -r '
    [, $in, $out, $dir, $port, $mock, $user] = $argv;
    file_put_contents($out, strtr(file_get_contents($in), ["@DIR@" => $dir, "@PORT@" => $port, "@MOCK_URL@" => $mock, "@USER_LINES@" => $user]));
  ' "$HERE/php-fpm.conf.in" "$TMP/php-fpm.conf" "$TMP" "$FPM_PORT" "$MOCK_URL" "$USER_LINES"
  "$FPM_BIN" "${FPM_ARGS[@]}" >"$TMP/fpm.stdout" 2>&1 &
  FPM_PID=$!
  for _ in $(seq 1 100); do
    grep -q 'ready to handle connections' "$TMP/php-fpm.log" 2>/dev/null && return 0
    kill -0 "$FPM_PID" 2>/dev/null || break
    sleep 0.05
  done
  return 1
}
started=""
for attempt in 1 2 3; do   # another process may grab the free port in between: retry
  if start_fpm; then started=1; break; fi
  kill -KILL "$FPM_PID" 2>/dev/null || true; wait "$FPM_PID" 2>/dev/null || true; FPM_PID=""
done
[ -n "$started" ] || fail "php-fpm did not start: $(tail -5 "$TMP/php-fpm.log" "$TMP/fpm.stdout" 2>/dev/null)"
sleep 0.2   # let the static workers finish forking
WORKER_PIDS=$(pgrep -P "$FPM_PID" | tr '\n' ' ' || true)
echo "php-fpm: master pid $FPM_PID on 127.0.0.1:$FPM_PORT, pm = static, $WORKERS workers: $WORKER_PIDS"

# Count only the FPM traffic: reset the mock's records and counters first.
php -n -r '$c = stream_context_create(["http" => ["method" => "POST", "timeout" => 5]]); exit(file_get_contents($argv[1] . "/__admin/reset", false, $c) === false ? 1 : 0);' "$MOCK_URL" \
  || fail "mock reset failed"

# --- 400 FastCGI requests, 8 in parallel -----------------------------------------------
mkdir -p "$TMP/out"
export FPM_PORT TMP HERE
t_start=$(date +%s.%N)
set +e
seq 1 "$REQUESTS" | timeout 30 xargs -P "$PARALLEL" -I{} sh -c '
  env -i SCRIPT_FILENAME="$HERE/worker.php" SCRIPT_NAME=/worker.php REQUEST_METHOD=GET QUERY_STRING="n=$1" \
      SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 REMOTE_ADDR=127.0.0.1 \
      timeout 10 cgi-fcgi -bind -connect "127.0.0.1:$FPM_PORT" >"$TMP/out/$1.out" 2>"$TMP/out/$1.err"
  echo "exit=$?" >>"$TMP/out/$1.err"
' _ {}
xargs_rc=$?
set -e
t_fpm=$(php -r 'printf("%.2f", microtime(true) - (float) $argv[1]);' "$t_start")
echo "FastCGI: $REQUESTS requests, $PARALLEL in parallel, in $t_fpm s (xargs exit $xargs_rc)"
[ $xargs_rc -eq 124 ] && echo "  FAIL: the FastCGI run did not finish within 30 s (hang)"

fpm_ok=1
php -n "$HERE/check.php" "$MOCK_URL" "$TMP/out" "$REQUESTS" "$WORKERS" || fpm_ok=""
[ $xargs_rc -eq 0 ] || fpm_ok=""
if [ -s "$TMP/php-errors.log" ]; then echo "  PHP errors in workers:"; head -5 "$TMP/php-errors.log" | sed 's/^/    /'; fi
if grep -qiE 'WARNING|ERROR' "$TMP/php-fpm.log"; then echo "  php-fpm log:"; grep -iE 'WARNING|ERROR' "$TMP/php-fpm.log" | head -5 | sed 's/^/    /'; fi
alive=$(pgrep -P "$FPM_PID" | wc -l)
echo "  workers alive after the run: $alive"
[ "$alive" -eq "$WORKERS" ] || { echo "  FAIL: expected $WORKERS live workers (one crashed?)"; fpm_ok=""; }
if [ -n "$fpm_ok" ]; then echo "ok   php-fpm: $REQUESTS/$REQUESTS answered, ≤ 1 connection per worker"; else echo "FAIL php-fpm check"; fi

# --- fork safety in the CLI ------------------------------------------------------------
echo "fork: parent request, then pcntl_fork() × 3 children making requests"
fork_ok=1
PHP_CLI=(php)
php -m 2>/dev/null | grep -qx conduit || PHP_CLI+=(-d "extension=$EXT")
set +e
timeout 20 "${PHP_CLI[@]}" "$HERE/fork.php" "$MOCK_URL"
fork_rc=$?
set -e
[ $fork_rc -eq 124 ] && echo "  FAIL: fork.php hung (killed after 20 s)"
[ $fork_rc -eq 0 ] || fork_ok=""
if [ -n "$fork_ok" ]; then echo "ok   fork: 3 children completed, parent still works"; else echo "FAIL fork check (exit $fork_rc)"; fi

# --- a database outage under php-fpm (its own FPM master and MariaDB) ---------------------
echo "outage: the request log while the database is down (tests/fpm/outage.sh)"
outage_ok=1
CONDUIT_EXT=$EXT bash "$HERE/outage.sh" | sed 's/^/  /' || outage_ok=""

if [ -n "$fpm_ok" ] && [ -n "$fork_ok" ] && [ -n "$outage_ok" ]; then
  echo "PASS tests/fpm: php-fpm ($REQUESTS requests, $WORKERS workers), fork safety and a database outage  ($(elapsed) s)"
  exit 0
fi
fail "see the lines above"
