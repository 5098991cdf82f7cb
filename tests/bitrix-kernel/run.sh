#!/usr/bin/env bash
# The Bitrix test kernel's own checks: MariaDB up, a site of its own (not the module suite's),
# the 41 conformance checks (all must pass), then the kernel's PHPUnit suite.
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
# an isolated site and database, so these checks never touch the site the module's suite uses
export CONDUIT_KERNEL_ROOT="$REPO/target/bitrix-kernel-selftest"
export CONDUIT_KERNEL_DB=conduit_bitrix_selftest
# shared/ lies beside the clone (as CI lays it out); CONDUIT_CONFORMANCE overrides.
CONFORMANCE=${CONDUIT_CONFORMANCE:-$REPO/../shared/bitrix-conformance/conformance.php}
[ -f "$CONFORMANCE" ] || CONFORMANCE=/work/shared/bitrix-conformance/conformance.php
[ -f "$CONFORMANCE" ] || { echo "conformance.php not found (set CONDUIT_CONFORMANCE)" >&2; exit 1; }
status=0

bash scripts/ensure-mariadb.sh || exit 1
php tests/bitrix-kernel/setup-site.php --force >/dev/null || { echo "setup-site failed" >&2; exit 1; }

echo "--- conformance ($CONFORMANCE)"
out=$(php -d short_open_tag=On "$CONFORMANCE" tests/bitrix-kernel/boot.php 2>&1); rc=$?
echo "$out" | grep -v "^ok " | sed "$d" || true
last=$(echo "$out" | tail -n 1)
echo "$last"
if [ $rc -ne 0 ] || [ "$last" != "41 passed, 0 failed" ]; then
  echo "conformance: expected \"41 passed, 0 failed\"" >&2
  status=1
fi

echo "--- kernel PHPUnit suite"
php -d short_open_tag=On /usr/bin/phpunit -c tests/bitrix-kernel/phpunit.xml || status=1
exit $status
