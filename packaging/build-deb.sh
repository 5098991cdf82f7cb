#!/usr/bin/env bash
# `make deb`: target/php<ver>-conduit_<version>_<arch>.deb, built with dpkg-deb from a
# staged tree (no cargo-deb: it would have to be compiled with `cargo install` first).
#
# The package holds:
#   /usr/lib/php/<phpapi>/conduit.so                 the extension (target/release/libconduit.so)
#   /usr/share/conduit/conduit.ini                   the ini; postinst puts it into
#                                                    /etc/php/<ver>/mods-available and phpenmods it
#   /usr/share/conduit/stubs/                        IDE stubs
#   /usr/share/conduit/bitrix/conduit.integration/   the Bitrix module
#   /usr/bin/conduit-install-bitrix-module           copies the module into a site
#   /usr/share/doc/php<ver>-conduit/                 copyright, install guide
# Depends: phpapi-<phpapi> (the PHP ABI the .so was built for), php<ver>-common, and
# the shared libraries dpkg-shlibdeps finds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
die() { echo "make deb: $*" >&2; exit 1; }

PHP_CONFIG=${PHP_CONFIG:-php-config}
command -v "$PHP_CONFIG" >/dev/null 2>&1 || die "php-config not found (apt-get install php8.2-dev)"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found (apt-get install dpkg)"
PHP_VER=$("$PHP_CONFIG" --version | cut -d. -f1,2)
PHP_API=$("$PHP_CONFIG" --phpapi)
PHP_BIN=$("$PHP_CONFIG" --php-binary)
EXT_DIR=$("$PHP_CONFIG" --extension-dir)
ARCH=$(dpkg --print-architecture)
PKG=php$PHP_VER-conduit
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -1)
[ -n "$VERSION" ] || die "no version in Cargo.toml [workspace.package]"
SO=target/release/libconduit.so
MODULE=php/conduit.integration
STUBS=stubs/conduit.stubs.php
for f in "$SO" "$MODULE/include.php" "$STUBS" packaging/deb/postinst; do [ -e "$f" ] || die "missing $f (run \`make build\`)"; done

# What the .so says about itself must match what the package will claim.
read -r built_version built_api built_commit < <("$PHP_BIN" -n -d "extension=$ROOT/$SO" -r \
  'echo Conduit\Version::VERSION, " ", Conduit\Version::PHP_API, " ", Conduit\Version::GIT_COMMIT, "\n";') \
  || die "$SO does not load into $PHP_BIN"
[ "$built_version" = "$VERSION" ] || die "$SO is version $built_version, Cargo.toml says $VERSION: rebuild"
[ "$built_api" = "$PHP_API" ] || die "$SO was built for PHP API $built_api, $PHP_CONFIG reports $PHP_API: rebuild"

STAGE=$(mktemp -d -t conduit-deb.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
P=$STAGE/$PKG
umask 022
mkdir -p "$P/DEBIAN" "$P$EXT_DIR" "$P/usr/share/conduit/stubs" "$P/usr/share/conduit/bitrix" \
         "$P/usr/bin" "$P/usr/share/doc/$PKG"

install -m 0644 "$SO" "$P$EXT_DIR/conduit.so"
# Debian ships stripped objects; the symbols PHP needs (get_module) are dynamic and stay.
command -v strip >/dev/null 2>&1 && strip --strip-unneeded "$P$EXT_DIR/conduit.so"
printf '%s\n' "; Conduit PHP extension, package $PKG (/usr/share/doc/$PKG/install.md)." \
  "; Managed by the package: changes are kept on upgrade (the new one lands in conduit.ini.dpkg-dist)." \
  "; priority=20" "extension=conduit.so" >"$P/usr/share/conduit/conduit.ini"
install -m 0644 "$STUBS" "$P/usr/share/conduit/stubs/conduit.stubs.php"
cp -R "$MODULE" "$P/usr/share/conduit/bitrix/conduit.integration"
chmod -R u=rwX,go=rX "$P/usr/share/conduit/bitrix"
[ -f "$P/usr/share/conduit/bitrix/conduit.integration/bin/conduit" ] && chmod 0755 "$P/usr/share/conduit/bitrix/conduit.integration/bin/conduit"
for script in postinst prerm postrm; do
  sed "s/@PHP_VER@/$PHP_VER/g" "packaging/deb/$script" >"$P/DEBIAN/$script"
  chmod 0755 "$P/DEBIAN/$script"
done
sed "s/@PHP_VER@/$PHP_VER/g" packaging/deb/conduit-install-bitrix-module >"$P/usr/bin/conduit-install-bitrix-module"
chmod 0755 "$P/usr/bin/conduit-install-bitrix-module"
[ -f docs/install.md ] && install -m 0644 docs/install.md "$P/usr/share/doc/$PKG/install.md"
cat >"$P/usr/share/doc/$PKG/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: conduit
Comment: built from git commit $built_commit

Files: *
License: MIT
COPYRIGHT

# Shared libraries of the .so -> Depends (dpkg-shlibdeps wants a debian/control).
shlibs="libc6"
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
  mkdir -p "$STAGE/src/debian"
  printf 'Source: conduit\n\nPackage: %s\nArchitecture: any\n' "$PKG" >"$STAGE/src/debian/control"
  if out=$(cd "$STAGE/src" && dpkg-shlibdeps -O "$P$EXT_DIR/conduit.so" 2>/dev/null); then
    shlibs=$(sed -n 's/^shlibs:Depends=//p' <<<"$out")
  fi
fi

cat >"$P/DEBIAN/control" <<CONTROL
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: Conduit maintainers <maintainers@users.noreply.r-seed-9b039447.example>
Installed-Size: $(du -sk --exclude=DEBIAN "$P" | cut -f1)
Depends: phpapi-$PHP_API, php$PHP_VER-common, $shlibs
Section: php
Priority: optional
Description: Conduit: reliable external API integrations for PHP $PHP_VER and 1C-Bitrix
 A native PHP extension (Rust) with an HTTP client with retries, rate limit and
 circuit breaker, a durable job queue, a request log, webhook signature checks
 and encrypted secrets (namespace Conduit\\), plus the conduit.integration Bitrix
 module in /usr/share/conduit/bitrix (conduit-install-bitrix-module SITE_ROOT
 copies it into a site) and IDE stubs in /usr/share/conduit/stubs.
 .
 Built from commit $built_commit against PHP API $PHP_API.
CONTROL

mkdir -p target
OUT=target/${PKG}_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group --build "$P" "$OUT" >/dev/null
echo "make deb: $OUT ($(du -h "$OUT" | cut -f1), Depends: phpapi-$PHP_API, php$PHP_VER-common, $shlibs; commit $built_commit)"
if [ "${CONDUIT_LINTIAN:-0}" = 1 ] && command -v lintian >/dev/null 2>&1; then
  lintian --no-tag-display-limit "$OUT" || true
fi
