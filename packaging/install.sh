#!/usr/bin/env bash
# `make install` / `make uninstall`: the extension from this source tree into the
# system PHP that php-config describes, the Debian way (mods-available + phpenmod).
#
#   install    target/release/libconduit.so -> $(php-config --extension-dir)/conduit.so,
#              /etc/php/<ver>/mods-available/conduit.ini, phpenmod for cli and fpm
#   uninstall  phpdismod, then removes the ini and the .so (exactly what install added)
#
# Both are idempotent. Run as root. PHP_CONFIG=/path/to/php-config picks another PHP.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "make ${ACTION:-install}: $*" >&2; exit 1; }
ACTION=${1:-}
case "$ACTION" in install|uninstall) ;; *) die "usage: $0 install|uninstall" ;; esac

PHP_CONFIG=${PHP_CONFIG:-php-config}
command -v "$PHP_CONFIG" >/dev/null 2>&1 \
  || die "php-config not found (Debian: apt-get install php8.2-dev, or set PHP_CONFIG=/path/to/php-config)"
EXT_DIR=$("$PHP_CONFIG" --extension-dir)
PHP_VER=$("$PHP_CONFIG" --version | cut -d. -f1,2)        # 8.2
PHP_API=$("$PHP_CONFIG" --phpapi)
PHP_BIN=$("$PHP_CONFIG" --php-binary)
INI_DIR=/etc/php/$PHP_VER/mods-available
INI=$INI_DIR/conduit.ini
SO=$EXT_DIR/conduit.so
BUILT=target/release/libconduit.so
PKG=php$PHP_VER-conduit

[ "$(id -u)" -eq 0 ] || die "run as root (writes $EXT_DIR and /etc/php/$PHP_VER)"
command -v phpenmod >/dev/null 2>&1 || die "phpenmod not found: this target is for Debian/Ubuntu PHP packages (php-common)"

# A packaged install owns these paths: leave them to dpkg.
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep 'ok installed' >/dev/null; then
  die "the Debian package $PKG is installed and owns $SO; use apt-get remove $PKG instead"
fi

# The SAPIs to enable: cli always, fpm when php$PHP_VER-fpm is installed.
SAPIS=(cli)
[ -d "/etc/php/$PHP_VER/fpm/conf.d" ] && SAPIS+=(fpm)

if [ "$ACTION" = install ]; then
  [ -f "$BUILT" ] || die "$BUILT is missing: run \`make build\` first"
  # The build must match this PHP (PHP refuses a module built for another API).
  built_api=$("$PHP_BIN" -n -d "extension=$PWD/$BUILT" -r 'echo Conduit\Version::PHP_API;' 2>&1) \
    || die "$BUILT does not load into $PHP_BIN: $built_api"
  [ "$built_api" = "$PHP_API" ] || die "$BUILT was built for PHP API $built_api, $PHP_CONFIG reports $PHP_API: rebuild"

  # install(1) writes a new inode: running php-fpm workers keep the old mapping.
  install -D -m 0644 "$BUILT" "$SO"
  mkdir -p "$INI_DIR"
  ini_text="; Conduit PHP extension, installed by \`make install\` (docs/install.md).
; priority=20
extension=conduit.so"
  if [ ! -f "$INI" ] || [ "$(cat "$INI")" != "$ini_text" ]; then
    printf '%s\n' "$ini_text" >"$INI"
  fi
  # -r: registered, so a SAPI installed later (php8.2-fpm) enables it as well.
  for sapi in "${SAPIS[@]}"; do phpenmod -r -v "$PHP_VER" -s "$sapi" conduit; done

  echo "Installed conduit $("$PHP_BIN" -n -d "extension=$SO" -r 'echo phpversion("conduit");') for PHP $PHP_VER:"
  echo "  $SO"
  echo "  $INI (enabled for: ${SAPIS[*]})"
  echo "Check:  php --ri conduit"
  if [[ " ${SAPIS[*]} " == *" fpm "* ]]; then
    echo "php-fpm loads extensions only at start: reload it now:  systemctl reload php$PHP_VER-fpm"
  else
    echo "(php$PHP_VER-fpm is not installed: enabled for the CLI only)"
  fi
else
  # -p: also forget the enabled/disabled state, so a later install (make or .deb) starts fresh.
  for sapi in cli fpm; do
    if [ -f "$INI" ] || [ -e "/etc/php/$PHP_VER/$sapi/conf.d/20-conduit.ini" ] || [ -L "/etc/php/$PHP_VER/$sapi/conf.d/20-conduit.ini" ]; then
      if [ -d "/etc/php/$PHP_VER/$sapi" ]; then phpdismod -p -v "$PHP_VER" -s "$sapi" conduit; fi
    fi
    # A link left behind by hand edits (any priority) that points at our ini.
    find "/etc/php/$PHP_VER/$sapi/conf.d" -maxdepth 1 -type l -lname "$INI" -delete 2>/dev/null || true
  done
  rm -f "$INI" "$SO" "/var/lib/php/modules/$PHP_VER/registry/conduit"
  echo "Removed conduit from PHP $PHP_VER ($SO, $INI, conf.d links)."
  [ -d "/etc/php/$PHP_VER/fpm" ] && echo "Reload php-fpm so its workers drop it:  systemctl reload php$PHP_VER-fpm"
fi
exit 0
