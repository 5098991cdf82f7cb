#!/usr/bin/env bash
# php-fpm during a database outage: request end never waits for a dead database, and
# every request-log record written during the outage reaches the table once the
# database is back (through the local spool, conduit.log_spool_dir).
#
#  1. A private MariaDB (own datadir and port) and a private php-fpm master (pm =
#     static, 4 workers, conduit.log_spool_dir in the temp dir).
#  2. Warm-up: WARM requests with the database up, each logging RECORDS records.
#  3. The database is stopped; REQUESTS requests (4 at a time) each log RECORDS
#     records. Per request the driver measures the time from the script's last line
#     to the end of the FastCGI response (destructors, RSHUTDOWN flush, Store drop):
#     p99 must stay under MAX_P99_MS.
#  4. The database is started again; within 30 s the table must hold exactly
#     (WARM + REQUESTS) × RECORDS records, none twice, and the spool must be empty.
#
# Usage: bash tests/fpm/outage.sh   (after `make build`). Exit code 0 = pass.
# Env: CONDUIT_EXT, OUTAGE_REQUESTS (200), OUTAGE_RECORDS (3), OUTAGE_MAX_P99_MS (50).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/fpm/lib.sh
ROOT=$PWD
HERE=$ROOT/tests/fpm
EXT=${CONDUIT_EXT:-$ROOT/target/release/libconduit.so}
FPM_BIN=${PHP_FPM_BIN:-$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)}
REQUESTS=${OUTAGE_REQUESTS:-200}
RECORDS=${OUTAGE_RECORDS:-3}
MAX_P99_MS=${OUTAGE_MAX_P99_MS:-50}
WARM=20
PARALLEL=4

T0=$(date +%s.%N)
elapsed() { php -r 'printf("%.1f", microtime(true) - (float) $argv[1]);' "$T0"; }
fail() { echo "FAIL tests/fpm/outage: $*  ($(elapsed) s)"; exit 1; }

for f in "$EXT" "$FPM_BIN" /usr/sbin/mariadbd; do [ -f "$f" ] || fail "missing $f"; done
for c in cgi-fcgi mariadb-install-db mariadb mariadb-admin; do command -v "$c" >/dev/null || fail "$c not found"; done

TMP=$(mktemp -d -t conduit-outage.XXXXXX)
DB_PID=""; FPM_PID=""
cleanup() {
  local rc=$?
  # Only the processes this script started, by pid.
  stop_fpm_master "$FPM_PID"
  stop_process "$DB_PID"
  if [ $rc -ne 0 ] && [ -n "${KEEP_TMP:-}" ]; then echo "(kept $TMP)"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { php -n -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo parse_url("tcp://" . stream_socket_get_name($s, false), PHP_URL_PORT);'; }

# --- a private MariaDB -----------------------------------------------------------------
mkdir -p "$TMP/db"
mariadb-install-db --no-defaults --user=root --datadir="$TMP/db/data" --auth-root-authentication-method=normal --skip-test-db \
  >"$TMP/db/install.log" 2>&1 || fail "mariadb-install-db: $(tail -3 "$TMP/db/install.log")"
DB_PORT=$(free_port)
sql() { mariadb --no-defaults -h 127.0.0.1 -P "$DB_PORT" -u root -N -B -e "$1"; }
start_db() {
  /usr/sbin/mariadbd --no-defaults --user=root --datadir="$TMP/db/data" --port="$DB_PORT" --bind-address=127.0.0.1 \
    --socket="$TMP/db/mysqld.sock" --pid-file="$TMP/db/mysqld.pid" --innodb-buffer-pool-size=32M --skip-log-bin \
    --innodb-log-file-size=16M >>"$TMP/db/out.log" 2>>"$TMP/db/err.log" &
  DB_PID=$!
  for _ in $(seq 1 300); do
    mariadb-admin --no-defaults -h 127.0.0.1 -P "$DB_PORT" -u root ping >/dev/null 2>&1 && return 0
    kill -0 "$DB_PID" 2>/dev/null || break
    sleep 0.1
  done
  fail "private MariaDB did not start: $(tail -3 "$TMP/db/err.log")"
}
stop_db() {
  kill -TERM "$DB_PID"
  wait "$DB_PID" 2>/dev/null || true
  DB_PID=""
}
start_db
sql 'CREATE DATABASE outage'
DSN="mysql://root@127.0.0.1:$DB_PORT/outage"
PHP_CLI=(php)
php -m 2>/dev/null | grep -qx conduit || PHP_CLI+=(-d "extension=$EXT")
"${PHP_CLI[@]}" -r '(new Conduit\Store($argv[1]))->migrate();' "$DSN" || fail "migrate"
echo "private MariaDB: 127.0.0.1:$DB_PORT (pid $DB_PID)"

# --- php-fpm ---------------------------------------------------------------------------
SPOOL=$TMP/spool
FPM_PORT=$(free_port)
USER_LINES=""
FPM_ARGS=(-y "$TMP/php-fpm.conf" -p "$TMP" -F -d "conduit.log_spool_dir=$SPOOL")
if [ "$(id -u)" -eq 0 ]; then
  FPM_ARGS+=(-R)
  USER_LINES="user = root
group = root"
fi
"$FPM_BIN" -m 2>/dev/null | grep -qx conduit || FPM_ARGS+=(-d "extension=$EXT")
php -n -r '
  [, $in, $out, $dir, $port, $dsn, $records, $user] = $argv;
  file_put_contents($out, strtr(file_get_contents($in), ["@DIR@" => $dir, "@PORT@" => $port, "@DSN@" => $dsn, "@RECORDS@" => $records, "@USER_LINES@" => $user]));
' "$HERE/outage-fpm.conf.in" "$TMP/php-fpm.conf" "$TMP" "$FPM_PORT" "$DSN" "$RECORDS" "$USER_LINES"
"$FPM_BIN" "${FPM_ARGS[@]}" >"$TMP/fpm.stdout" 2>&1 &
FPM_PID=$!
for _ in $(seq 1 100); do
  grep -q 'ready to handle connections' "$TMP/php-fpm.log" 2>/dev/null && break
  kill -0 "$FPM_PID" 2>/dev/null || fail "php-fpm exited: $(tail -5 "$TMP/php-fpm.log" "$TMP/fpm.stdout")"
  sleep 0.05
done
grep -q 'ready to handle connections' "$TMP/php-fpm.log" || fail "php-fpm did not start"
sleep 0.2
echo "php-fpm: master pid $FPM_PID on 127.0.0.1:$FPM_PORT, 4 workers, spool $SPOOL"

drive() { php -n "$HERE/outage-drive.php" "$FPM_PORT" "$HERE/outage-worker.php" "$1" "$2" "$PARALLEL"; }

# --- database up: the baseline -----------------------------------------------------------
up=$(drive up "$WARM") || fail "warm-up requests failed: $up"
echo "database up:   $WARM requests × $RECORDS records: $up"

# --- database down -------------------------------------------------------------------------
stop_db
echo "database stopped"
t_start=$(date +%s.%N)
down=$(drive down "$REQUESTS") || fail "requests during the outage failed: $down"
t_down=$(php -r 'printf("%.2f", microtime(true) - (float) $argv[1]);' "$t_start")
echo "database down: $REQUESTS requests × $RECORDS records in $t_down s: $down"
p99=$(sed -n 's/.* p99=\([0-9.]*\) .*/\1/p' <<<"$down")
spooled_files=$(find "$SPOOL" -name '*.jsonl' 2>/dev/null | wc -l)
spooled_lines=$(cat "$SPOOL"/*.jsonl 2>/dev/null | wc -l)
echo "spool: $spooled_files files, $spooled_lines records"
ok=1
php -r 'exit((float) $argv[1] <= (float) $argv[2] ? 0 : 1);' "$p99" "$MAX_P99_MS" \
  || { echo "  FAIL: request end p99 $p99 ms > $MAX_P99_MS ms during the outage"; ok=""; }
[ -s "$TMP/php-errors.log" ] && { echo "  PHP errors in workers:"; head -5 "$TMP/php-errors.log" | sed 's/^/    /'; }

# --- database back: every record replayed, once -------------------------------------------
start_db
echo "database started again"
expected=$(( (WARM + REQUESTS) * RECORDS ))
t_back=$(date +%s.%N)
count=0
for _ in $(seq 1 300); do
  count=$(sql "SELECT COUNT(*) FROM outage.conduit_request_log" 2>/dev/null || echo 0)
  [ "$count" -ge "$expected" ] && break
  sleep 0.1
done
sleep 1   # let anything extra (a duplicate) arrive before counting for good
read -r total distinct down_rows <<<"$(sql "SELECT COUNT(*), COUNT(DISTINCT correlation_id), SUM(correlation_id LIKE 'outage-down-%') FROM outage.conduit_request_log")"
t_replay=$(php -r 'printf("%.2f", microtime(true) - (float) $argv[1]);' "$t_back")
left=$(find "$SPOOL" -name '*.jsonl' 2>/dev/null | wc -l)
echo "after restart: $total records in the table ($distinct distinct, $down_rows from the outage) within $t_replay s; expected $expected; spool files left: $left"
[ "$total" -eq "$expected" ] || { echo "  FAIL: expected exactly $expected records, found $total"; ok=""; }
[ "$distinct" -eq "$total" ] || { echo "  FAIL: $((total - distinct)) records written twice"; ok=""; }
[ "$down_rows" -eq $((REQUESTS * RECORDS)) ] || { echo "  FAIL: $down_rows of $((REQUESTS * RECORDS)) outage records"; ok=""; }
[ "$left" -eq 0 ] || { echo "  FAIL: $left spool files left after the replay"; ok=""; }

if [ -n "$ok" ]; then
  echo "PASS tests/fpm/outage: request end p99 $p99 ms with the database down; $total/$expected records after restart  ($(elapsed) s)"
  exit 0
fi
fail "see the lines above"
