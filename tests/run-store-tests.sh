#!/usr/bin/env bash
# The store/queue/request-log PHP suites (tests/php/Queue), once on SQLite, once on
# MariaDB (127.0.0.1:3306) and once on PostgreSQL (127.0.0.1:5432), each server
# started if needed — never skipped. CONDUIT_TEST_ENGINES="postgres" runs a subset. Assumes the
# extension is built (target/release/libconduit.so). Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
EXT=${CONDUIT_EXTENSION:-$PWD/target/release/libconduit.so}
[ -f "$EXT" ] || { echo "run-store-tests: $EXT not found: cargo build --release first" >&2; exit 2; }

engines=${CONDUIT_TEST_ENGINES:-sqlite mariadb postgres}
case " $engines " in *" mariadb "*)
  bash scripts/ensure-mariadb.sh || { echo "run-store-tests: MariaDB is required and is not reachable" >&2; exit 1; } ;;
esac
case " $engines " in *" postgres "*)
  bash scripts/ensure-postgres.sh || { echo "run-store-tests: PostgreSQL is required and is not reachable" >&2; exit 1; } ;;
esac

status=0
for engine in $engines; do
  echo "==> store suites on $engine"
  if ! CONDUIT_TEST_ENGINE=$engine php -d "extension=$EXT" /usr/bin/phpunit --configuration tests/php/Queue/phpunit.xml; then
    echo "<== store suites FAILED on $engine"
    status=1
  fi
done
exit $status
