#!/usr/bin/env bash
# `make demo`: the main job — Conduit doing real work against the mock API:
# the engine on its own (scripts/demo.php), then the Bitrix module conduit.integration
# installed into the Bitrix test kernel over MariaDB (scripts/demo-module.php).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-mariadb.sh >/dev/null || { echo "demo: MariaDB is required for the module part and is not reachable" >&2; exit 1; }
PHP="php -d extension=$PWD/target/release/libconduit.so"
exec bash scripts/with-mockapi.sh bash -c "$PHP scripts/demo.php && $PHP scripts/demo-module.php"
