#!/usr/bin/env bash
# The Bitrix test kernel's own checks: the database up, a site of its own (not the module suite's),
# the 41 conformance checks (all must pass), then the kernel's PHPUnit suite.
#
#   bash tests/bitrix-kernel/run.sh                               # MariaDB (MysqliConnection)
#   CONDUIT_KERNEL_DB_TYPE=pgsql bash tests/bitrix-kernel/run.sh  # PostgreSQL (PgsqlConnection)
#
# On PostgreSQL the conformance file runs through conformance-pgsql.php, which changes exactly the
# two MySQL-only expectations of the shared file (see that script) and nothing else.
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
DB_TYPE=${CONDUIT_KERNEL_DB_TYPE:-mysql}
case "$DB_TYPE" in
  mysql|mariadb) DB_TYPE=mysql; SUFFIX= ;;
  pgsql|postgres|postgresql) DB_TYPE=pgsql; SUFFIX=-pgsql ;;
  *) echo "CONDUIT_KERNEL_DB_TYPE must be mysql or pgsql" >&2; exit 2 ;;
esac
export CONDUIT_KERNEL_DB_TYPE=$DB_TYPE
# an isolated site and database, so these checks never touch the site the module's suite uses
export CONDUIT_KERNEL_ROOT="$REPO/target/bitrix-kernel-selftest$SUFFIX"
export CONDUIT_KERNEL_DB=conduit_bitrix_selftest
# shared/ lies beside the clone (as CI lays it out); CONDUIT_CONFORMANCE overrides.
CONFORMANCE=${CONDUIT_CONFORMANCE:-$REPO/../shared/bitrix-conformance/conformance.php}
[ -f "$CONFORMANCE" ] || CONFORMANCE=/work/shared/bitrix-conformance/conformance.php
[ -f "$CONFORMANCE" ] || { echo "conformance.php not found (set CONDUIT_CONFORMANCE)" >&2; exit 1; }
status=0

if [ "$DB_TYPE" = pgsql ]; then
  if [ -f scripts/ensure-postgres.sh ]; then
    bash scripts/ensure-postgres.sh || exit 1
  else
    pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || exit 1
    for _ in $(seq 1 40); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.25; done
    pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
  fi
  mkdir -p "$REPO/target"
  RUN_CONFORMANCE="$REPO/target/conformance-pgsql.php"
  php tests/bitrix-kernel/conformance-pgsql.php "$CONFORMANCE" "$RUN_CONFORMANCE" || exit 1
else
  bash scripts/ensure-mariadb.sh || exit 1
  RUN_CONFORMANCE=$CONFORMANCE
fi
php tests/bitrix-kernel/setup-site.php --force >/dev/null || { echo "setup-site failed" >&2; exit 1; }

echo "--- conformance on $DB_TYPE ($CONFORMANCE)"
out=$(php -d short_open_tag=On "$RUN_CONFORMANCE" tests/bitrix-kernel/boot.php 2>&1); rc=$?
echo "$out" | grep -v "^ok " | sed '$d' || true
last=$(echo "$out" | tail -n 1)
echo "$last"
if [ $rc -ne 0 ] || [ "$last" != "41 passed, 0 failed" ]; then
  echo "conformance: expected \"41 passed, 0 failed\"" >&2
  status=1
fi

echo "--- kernel PHPUnit suite on $DB_TYPE"
php -d short_open_tag=On /usr/bin/phpunit -c tests/bitrix-kernel/phpunit.xml || status=1
exit $status
