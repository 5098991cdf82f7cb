#!/usr/bin/env bash
# Packaging, end to end, as an administrator would do it:
#
#  1. `make install` (twice: idempotent) -> php -m lists conduit in cli and fpm ->
#     `make uninstall` (twice) -> no .so, no ini, no conf.d link, php -m does not list it.
#  2. `make deb` builds target/php8.2-conduit_<ver>_<arch>.deb; `apt-get install -y ./….deb`;
#     `php -m` and `php --ri conduit` in the CLI; a private php-fpm (own config, temp
#     unix socket, reads the system conf.d like a real pool) answers a FastCGI request
#     printing extension_loaded('conduit') and phpversion('conduit');
#     conduit-install-bitrix-module copies the module into a fake site;
#     `apt-get remove -y php8.2-conduit` -> the same checks as 1, and php-fpm no longer loads it.
#
# The rest of the suite loads the extension with `-d extension=target/release/libconduit.so`;
# a system-wide install at the same time makes PHP warn "Module conduit is already
# loaded". So:
#  - by default (CONDUIT_DEB_ISOLATE=auto) the installs happen in a private mount
#    namespace with throw-away overlays on /etc, /usr and /var (unshare + overlayfs):
#    dpkg, apt and phpenmod run for real, and no other process ever sees the package;
#  - where that is not possible (CONDUIT_DEB_ISOLATE=0, or no unshare/overlay) it
#    installs into the real system, and an EXIT trap purges the package and undoes
#    `make install` whatever happens. scripts/test.sh runs this step last.
#
# Usage (root): bash tests/deb/run.sh     CONDUIT_DEB_NO_BUILD=1 packages the existing
# target/release/libconduit.so without `make build` first. Exit code 0 = pass.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

T0=$SECONDS
fail() { echo "FAIL tests/deb: $*  ($((SECONDS - T0)) s)"; exit 1; }
ok() { echo "ok   $*"; }

[ "$(id -u)" -eq 0 ] || fail "needs root (apt-get, /etc/php)"
PHP_VER=$(php-config --version | cut -d. -f1,2)
PHP_API=$(php-config --phpapi)
EXT_DIR=$(php-config --extension-dir)
ARCH=$(dpkg --print-architecture)
PKG=php$PHP_VER-conduit
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -1)
DEB=target/${PKG}_${VERSION}_${ARCH}.deb
FPM_BIN=${PHP_FPM_BIN:-$(command -v php-fpm$PHP_VER || echo /usr/sbin/php-fpm$PHP_VER)}
INI=/etc/php/$PHP_VER/mods-available/conduit.ini
SO=$EXT_DIR/conduit.so

# --- outside the namespace: build, then re-run this script isolated -----------------
if [ -z "${CONDUIT_DEB_INNER:-}" ]; then
  if [ -n "${CONDUIT_DEB_NO_BUILD:-}" ]; then
    bash packaging/build-deb.sh || fail "packaging/build-deb.sh failed"
  else
    make -s deb || fail "make deb failed"
  fi
  [ -f "$DEB" ] || fail "make deb did not produce $DEB"
  ok "make deb: $DEB"

  isolate=${CONDUIT_DEB_ISOLATE:-auto}
  can_isolate=""
  if [ "$isolate" != 0 ] && command -v unshare >/dev/null \
     && unshare -m --propagation private sh -c 'd=$(mktemp -d) && mount -t tmpfs t "$d" && mkdir "$d/u" "$d/w" "$d/m" && mount -t overlay o -o "lowerdir=/etc,upperdir=$d/u,workdir=$d/w" "$d/m"' 2>/dev/null; then
    can_isolate=1
  fi
  if [ -n "$can_isolate" ]; then
    echo "isolation: private mount namespace, overlays on /etc /usr /var (the system is not changed)"
    OVL=$(mktemp -d -t conduit-deb-ovl.XXXXXX)
    set +e
    CONDUIT_DEB_INNER=isolated CONDUIT_DEB_OVL=$OVL unshare -m --propagation private bash "$0" "$@"
    rc=$?
    rmdir "$OVL" 2>/dev/null   # the tmpfs on it went with the namespace
    exit $rc
  fi
  [ "$isolate" = 1 ] && fail "CONDUIT_DEB_ISOLATE=1 but unshare/overlayfs is not available"
  echo "isolation: none — installing into this system; the EXIT trap removes everything again"
  export CONDUIT_DEB_INNER=system
fi

# --- inside: overlays first --------------------------------------------------------
if [ "$CONDUIT_DEB_INNER" = isolated ]; then
  # The overlays show later changes of the real /var/lib/dpkg: let a running apt
  # (another job's install-deps) finish first, so dpkg state is not caught mid-write.
  python3 - <<'PY' || echo "(dpkg is still locked by another apt after 300 s: going on)"
import fcntl, sys, time
deadline = time.time() + 300
with open("/var/lib/dpkg/lock-frontend", "a") as f:
    while True:
        try:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            sys.exit(0)  # released on exit at once
        except OSError:
            if time.time() > deadline:
                sys.exit(1)
            time.sleep(1)
PY
  OVL=$CONDUIT_DEB_OVL
  mount -t tmpfs conduit-deb "$OVL"
  for d in etc usr var; do
    mkdir -p "$OVL/$d.upper" "$OVL/$d.work"
    mount -t overlay "conduit-deb-$d" -o "lowerdir=/$d,upperdir=$OVL/$d.upper,workdir=$OVL/$d.work" "/$d" \
      || fail "cannot mount the overlay on /$d"
  done
fi

TMP=$(mktemp -d -t conduit-deb.XXXXXX)
FPM_PID=""
stop_fpm() {
  if [ -n "$FPM_PID" ] && kill -0 "$FPM_PID" 2>/dev/null; then
    kill -QUIT "$FPM_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$FPM_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$FPM_PID" 2>/dev/null || true
    wait "$FPM_PID" 2>/dev/null || true
  fi
  FPM_PID=""
}
cleanup() {
  local rc=$?
  stop_fpm
  # Leave the system as it was: no package, no make-install leftovers.
  if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -v 'not-installed' >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 "$PKG" >/dev/null 2>&1 || dpkg --purge "$PKG" >/dev/null 2>&1 || true
  fi
  if [ -f "$INI" ] || [ -f "$SO" ]; then bash "$ROOT/packaging/install.sh" uninstall >/dev/null 2>&1 || true; fi
  if [ "$CONDUIT_DEB_INNER" = system ] && { [ -f "$INI" ] || [ -f "$SO" ]; }; then
    echo "WARNING tests/deb: could not clean up $INI / $SO — remove them by hand"
  fi
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# (grep without -q: with pipefail an early exit of grep -q would SIGPIPE php.)
cli_loaded() { php -m 2>/dev/null | grep -x conduit >/dev/null; }
fpm_loaded() { "$FPM_BIN" -m 2>/dev/null | grep -x conduit >/dev/null; }

# Nothing of ours may be installed before we start (it would make the checks lie).
cli_loaded && fail "conduit is already enabled in the system PHP before the test (installed by hand?)"
[ -e "$SO" ] && fail "$SO already exists before the test"


# FastCGI probe through a private php-fpm on a unix socket, reading the system ini
# files like any pool does. Prints the response body.
cat >"$TMP/probe.php" <<'PHP'
<?php
echo 'loaded=', extension_loaded('conduit') ? 'yes' : 'no', ' version=', phpversion('conduit') ?: 'none',
     ' sapi=', PHP_SAPI, "\n";
PHP
fpm_probe() {
  local sock=$TMP/fpm.sock user_lines="" extra=()
  if [ "$(id -u)" -eq 0 ]; then user_lines=$'user = root\ngroup = root'; extra=(-R); fi
  cat >"$TMP/php-fpm.conf" <<CONF
[global]
pid = $TMP/php-fpm.pid
error_log = $TMP/php-fpm.log
daemonize = no
[probe]
$user_lines
listen = $sock
pm = static
pm.max_children = 1
php_admin_value[error_log] = $TMP/php-errors.log
php_admin_flag[log_errors] = on
CONF
  rm -f "$sock"; : >"$TMP/php-fpm.log"
  "$FPM_BIN" -y "$TMP/php-fpm.conf" -p "$TMP" -F "${extra[@]}" >"$TMP/fpm.stdout" 2>&1 &
  FPM_PID=$!
  for _ in $(seq 1 100); do [ -S "$sock" ] && grep -q 'ready to handle' "$TMP/php-fpm.log" 2>/dev/null && break; sleep 0.05; done
  [ -S "$sock" ] || { stop_fpm; echo "php-fpm did not start: $(tail -3 "$TMP/php-fpm.log" "$TMP/fpm.stdout")"; return 1; }
  env -i SCRIPT_FILENAME="$TMP/probe.php" SCRIPT_NAME=/probe.php REQUEST_METHOD=GET \
      SERVER_PROTOCOL=HTTP/1.1 GATEWAY_INTERFACE=CGI/1.1 REMOTE_ADDR=127.0.0.1 \
      timeout 10 cgi-fcgi -bind -connect "$sock" | tr -d '\r' | sed -n '/^$/,$p' | sed '/^$/d'
  if grep -q 'already loaded' "$TMP/php-fpm.log" "$TMP/fpm.stdout" 2>/dev/null; then echo "WARNING: already loaded"; fi
  stop_fpm
}
command -v cgi-fcgi >/dev/null || fail "cgi-fcgi not found (Debian package libfcgi-bin)"
[ -x "$FPM_BIN" ] || fail "php-fpm not found at $FPM_BIN (php$PHP_VER-fpm)"

assert_gone() { # WHAT
  [ ! -e "$SO" ] || fail "$1: $SO still exists"
  [ ! -e "$INI" ] || fail "$1: $INI still exists"
  local links
  links=$(find /etc/php/"$PHP_VER" -path '*/conf.d/*' -name '*conduit*' 2>/dev/null || true)
  [ -z "$links" ] || fail "$1: conf.d still has $links"
  [ ! -e "/var/lib/php/modules/$PHP_VER/registry/conduit" ] || fail "$1: phpenmod's registry still lists conduit"
  cli_loaded && fail "$1: php -m still lists conduit"
  fpm_loaded && fail "$1: php-fpm -m still lists conduit"
  local body; body=$(fpm_probe) || fail "$1: $body"
  [[ "$body" == *"loaded=no"* ]] || fail "$1: php-fpm answered \"$body\""
  return 0
}

# --- 1. make install / make uninstall -------------------------------------------------
make -s install >"$TMP/install.out" 2>&1 || fail "make install: $(cat "$TMP/install.out")"
make -s install >"$TMP/install2.out" 2>&1 || fail "second make install: $(cat "$TMP/install2.out")"
grep -q "systemctl reload php$PHP_VER-fpm" "$TMP/install.out" || fail "make install does not tell the administrator to reload php-fpm"
cli_loaded || fail "after make install php -m does not list conduit"
fpm_loaded || fail "after make install php-fpm -m does not list conduit"
body=$(fpm_probe) || fail "$body"
[[ "$body" == *"loaded=yes version=$VERSION"* ]] || fail "after make install php-fpm answered \"$body\""
ok "make install (twice): cli and fpm load conduit $VERSION; fpm says: $body"
make -s uninstall >"$TMP/uninstall.out" 2>&1 || fail "make uninstall: $(cat "$TMP/uninstall.out")"
make -s uninstall >"$TMP/uninstall2.out" 2>&1 || fail "second make uninstall: $(cat "$TMP/uninstall2.out")"
assert_gone "after make uninstall"
ok "make uninstall (twice): no .so, no ini, no conf.d link; cli and fpm do not load it"

# --- 2. the .deb -------------------------------------------------------------------
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends "./$DEB" >"$TMP/apt-install.out" 2>&1 \
  || fail "apt-get install ./$DEB: $(tail -20 "$TMP/apt-install.out")"
grep -q "systemctl reload php$PHP_VER-fpm" "$TMP/apt-install.out" || fail "postinst does not tell the administrator to reload php-fpm"
ok "apt-get install ./$DEB"
[ -f "$SO" ] && [ -f "$INI" ] || fail "the package did not install $SO and $INI"
for f in /usr/share/conduit/stubs/conduit.stubs.php /usr/share/conduit/bitrix/conduit.integration/include.php \
         /usr/bin/conduit-install-bitrix-module; do
  [ -e "$f" ] || fail "the package has no $f"
done
cli_loaded || fail "php -m does not list conduit after installing the package"
php -m 2>&1 | grep 'already loaded' >/dev/null && fail "php warns: Module conduit is already loaded"
php --ri conduit >"$TMP/ri.out" 2>&1 || fail "php --ri conduit: $(cat "$TMP/ri.out")"
for row in "version => $VERSION" "git commit => " "built for PHP => " "(API $PHP_API)" "TLS backend => "; do
  grep -qF "$row" "$TMP/ri.out" || fail "php --ri conduit has no \"$row\": $(cat "$TMP/ri.out")"
done
ok "cli: php -m lists conduit; php --ri conduit:"
sed -n '/^version/,/^TLS backend/p' "$TMP/ri.out" | sed 's/^/       /'
fpm_loaded || fail "php-fpm -m does not list conduit after installing the package"
body=$(fpm_probe) || fail "$body"
[[ "$body" == *"loaded=yes version=$VERSION sapi=fpm-fcgi"* ]] || fail "php-fpm answered \"$body\""
[[ "$body" != *WARNING* ]] || fail "php-fpm: $body"
# php-fpm has no --ri: its -i (phpinfo of the fpm SAPI and its conf.d) has the same section.
"$FPM_BIN" -i 2>&1 | sed -n '/^conduit$/,/^TLS backend/p' | grep -F "version => $VERSION" >/dev/null \
  || fail "php-fpm -i has no conduit section with version $VERSION"
ok "fpm: php-fpm -m lists conduit, php-fpm -i shows its section; FastCGI request says: $body"

mkdir -p "$TMP/site/bitrix" "$TMP/site/local"
conduit-install-bitrix-module "$TMP/site" >"$TMP/helper.out" 2>&1 || fail "conduit-install-bitrix-module: $(cat "$TMP/helper.out")"
[ -f "$TMP/site/local/modules/conduit.integration/include.php" ] || fail "conduit-install-bitrix-module copied nothing"
diff -r /usr/share/conduit/bitrix/conduit.integration "$TMP/site/local/modules/conduit.integration" >/dev/null \
  || fail "the copied module differs from /usr/share/conduit/bitrix/conduit.integration"
conduit-install-bitrix-module "$TMP/nosite" >/dev/null 2>&1 && fail "conduit-install-bitrix-module accepted a missing site"
ok "conduit-install-bitrix-module SITE copies the module to SITE/local/modules/conduit.integration"

apt-get remove -y -q -o DPkg::Lock::Timeout=300 "$PKG" >"$TMP/apt-remove.out" 2>&1 || fail "apt-get remove $PKG: $(tail -20 "$TMP/apt-remove.out")"
dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep 'ok installed' >/dev/null && fail "$PKG is still installed"
assert_gone "after apt-get remove"
for f in /usr/share/conduit /usr/bin/conduit-install-bitrix-module; do [ ! -e "$f" ] || fail "after apt-get remove: $f still exists"; done
ok "apt-get remove $PKG: no .so, no ini, no conf.d link, no /usr/share/conduit; cli and fpm do not load it"

echo "PASS tests/deb: make install/uninstall and $DEB (cli + fpm) install and remove cleanly  ($((SECONDS - T0)) s)"
