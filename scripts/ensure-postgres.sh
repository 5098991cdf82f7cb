#!/usr/bin/env bash
# Makes sure the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth for
# loopback TCP) answers; creates the cluster on a fresh install, opens loopback
# trust auth for the tests, and starts it when it is not running. Never a silent
# skip: exits non-zero if it can't.
set -euo pipefail
ping() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; }
ping && exit 0
command -v pg_lsclusters >/dev/null || { echo "ensure-postgres: PostgreSQL is not installed (bash scripts/install-deps.sh)" >&2; exit 1; }
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >/dev/null
fi
hba=/etc/postgresql/$version/main/pg_hba.conf
if ! grep -q 'conduit-tests' "$hba"; then
  # First matching line wins: trust loopback TCP ahead of the packaged scram lines.
  { echo 'host all all 127.0.0.1/32 trust # conduit-tests'
    echo 'host all all ::1/128 trust # conduit-tests'
    cat "$hba"; } > "$hba.new"
  chown postgres:postgres "$hba.new" 2>/dev/null || true
  mv "$hba.new" "$hba"
fi
if pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload
else
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 60); do ping && break; sleep 0.5; done
ping || { echo "ensure-postgres: PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1; }
