#!/usr/bin/env bash
# Installs the Debian packages the build, tests, demo and benchmarks need — only
# those missing, quietly, so it is cheap to run before every make target.
set -euo pipefail

PACKAGES=(
  build-essential pkg-config libclang-dev        # bindgen for ext-php-rs
  php8.2-dev php8.2-cli                          # headers, php-config, run-tests.php
  php8.2-curl php8.2-mysql php8.2-sqlite3 php8.2-mbstring php8.2-xml
  php8.2-fpm libfcgi-bin                         # the FPM test drives workers over FastCGI
  phpunit php-guzzlehttp-guzzle                  # PHP tests; Guzzle is a benchmark baseline
  php-symfony-console                            # the module's Bitrix console commands (tests/module/ConsoleCommandsTest.php)
  mariadb-server mariadb-client                  # MySQL-backed store tests
  postgresql postgresql-client php8.2-pgsql      # PostgreSQL-backed store tests (php8.2-pgsql: test fixtures only)
  python3-yaml dpkg-dev                          # tests/docker/check.py parses compose.yaml; make deb (dpkg-shlibdeps)
  chromium                                       # tests/browser: the admin pages in headless Chromium
)
# tests/browser installs playwright-core with `npm ci`. A machine whose Node.js comes
# with its own npm (NodeSource's nodejs package) must not get Debian's npm package,
# which conflicts with it; only a machine without npm gets Debian's nodejs + npm.
if ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] || { echo "install-deps: no Rust toolchain (cargo) found; install rustup's stable toolchain" >&2; exit 1; }
fi
