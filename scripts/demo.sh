#!/usr/bin/env bash
# `make demo`: the main job — Conduit doing real work against the mock API.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/with-mockapi.sh php -d "extension=$PWD/target/release/libconduit.so" scripts/demo.php
