#!/usr/bin/env bash
# The conduit.integration module suite (tests/module) on MariaDB or PostgreSQL.
#   tests/module/run.sh                         on the Bitrix test kernel (target/bitrix-site), MariaDB
#   CONDUIT_KERNEL_DB_TYPE=pgsql CONDUIT_KERNEL_ROOT=target/bitrix-site-pgsql tests/module/run.sh
#                                               on the test kernel over PostgreSQL (PgsqlConnection)
#   BITRIX_ROOT=/var/www/site tests/module/run.sh   on a real Bitrix site (see docs/admin-guide.md)
# Needs the built extension (target/release/libconduit.so, or CONDUIT_EXTENSION) and
# the mock API (target/release/conduit-mockapi). Extra arguments go to phpunit.
set -uo pipefail
cd "$(dirname "$0")/../.."
EXT=${CONDUIT_EXTENSION:-$PWD/target/release/libconduit.so}
export CONDUIT_EXTENSION=$EXT
if [ -z "${BITRIX_ROOT:-}" ]; then
  [ -f "$EXT" ] || { echo "module suite: $EXT not found: run make build" >&2; exit 2; }
  case "${CONDUIT_KERNEL_DB_TYPE:-mysql}" in
    pgsql|postgres|postgresql)
      export CONDUIT_KERNEL_DB_TYPE=pgsql
      if [ -f scripts/ensure-postgres.sh ]; then
        bash scripts/ensure-postgres.sh || { echo "module suite: PostgreSQL is required and is not reachable" >&2; exit 1; }
      else
        pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start \
          || { echo "module suite: PostgreSQL is required and is not reachable" >&2; exit 1; }
      fi
      # setup-site.php creates the database (UTF8) when it is missing
      ;;
    *)
      bash scripts/ensure-mariadb.sh || { echo "module suite: MariaDB is required and is not reachable" >&2; exit 1; }
      mariadb -h 127.0.0.1 -P 3306 -u root -e "CREATE DATABASE IF NOT EXISTS \`${CONDUIT_KERNEL_DB:-conduit_bitrix}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" \
        || { echo "module suite: cannot create database ${CONDUIT_KERNEL_DB:-conduit_bitrix}" >&2; exit 1; }
      ;;
  esac
  PHP=(php -d "extension=$EXT" -d short_open_tag=On)
else
  # A real site's PHP loads the extension from its own ini files (extension=conduit).
  if php -m | grep -qx conduit; then PHP=(php -d short_open_tag=On); export CONDUIT_EXTENSION=; else PHP=(php -d "extension=$EXT" -d short_open_tag=On); fi
fi
exec "${PHP[@]}" /usr/bin/phpunit --configuration tests/module/phpunit.xml "$@"
