#!/usr/bin/env bash
# Builds target/conduit.integration.tar.gz: the Bitrix module folder, the built extension
# (conduit.so) and the server administrator's README (php/PACKAGE-README.md).
# Called by `make build` after the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
ext=${CONDUIT_EXTENSION:-target/release/libconduit.so}
[ -f "$ext" ] || { echo "package-module: $ext not found: cargo build --release first" >&2; exit 1; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R php/conduit.integration "$stage/conduit.integration"
find "$stage/conduit.integration" -name .gitkeep -delete
cp "$ext" "$stage/conduit.so"
version=$(sed -n "s/.*'VERSION' => '\([^']*\)'.*/\1/p" php/conduit.integration/install/version.php)
ext_version=$(php -d "extension=$PWD/$ext" -r 'echo phpversion("conduit");' 2>/dev/null || echo unknown)
sed -e "s/@MODULE_VERSION@/$version/g" -e "s/@EXTENSION_VERSION@/$ext_version/g" php/PACKAGE-README.md > "$stage/README.md"
tar -C "$stage" --owner=0 --group=0 -czf target/conduit.integration.tar.gz README.md conduit.so conduit.integration
echo "package-module: target/conduit.integration.tar.gz (module $version, extension $ext_version)"
