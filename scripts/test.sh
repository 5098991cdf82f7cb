#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. Each layer runs even if an
# earlier one failed, so one run shows everything; the exit code is non-zero if any did.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

EXT="$PWD/target/release/libconduit.so"
PHP=(php -d "extension=$EXT")
RUN_TESTS=$(php-config --extension-dir)/build/run-tests.php
passed=0; failed=0; failed_names=()

step() { # step NAME COMMAND...
  local name=$1; shift
  echo; echo "==> $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); echo "<== $name: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1)); failed_names+=("$name"); echo "<== $name: FAILED ($((SECONDS - start)) s)"
  fi
}

step "MariaDB is up" bash scripts/ensure-mariadb.sh
step "PostgreSQL is up" bash scripts/ensure-postgres.sh
step "cargo test (Rust core, mock API)" cargo test --workspace --release --quiet
step "cargo clippy -D warnings" cargo clippy --workspace --release --quiet -- -D warnings
if compgen -G "tests/phpt/**/*.phpt" >/dev/null || compgen -G "tests/phpt/*/*.phpt" >/dev/null; then
  step "phpt (extension as PHP sees it)" php "$RUN_TESTS" -q --show-diff -d "extension=$EXT" tests/phpt
fi
step "Options fuzzer (no panic, no \\Error)" env CONDUIT_EXTENSION="$EXT" "${PHP[@]}" tests/fuzz/options-fuzz.php
step "PHPUnit (extension against the mock API)" "${PHP[@]}" /usr/bin/phpunit --configuration phpunit.xml.dist
[ -x tests/run-store-tests.sh ] && step "Store/queue/log suites on SQLite, MariaDB and PostgreSQL" bash tests/run-store-tests.sh
step "Bitrix test kernel: conformance + own tests" bash tests/bitrix-kernel/run.sh
step "Bitrix test kernel on PostgreSQL: conformance + own tests" env CONDUIT_KERNEL_DB_TYPE=pgsql bash tests/bitrix-kernel/run.sh
step "Bitrix module on the test kernel (MariaDB)" bash tests/module/run.sh
step "Bitrix module on the test kernel (PostgreSQL)" env CONDUIT_KERNEL_DB_TYPE=pgsql CONDUIT_KERNEL_ROOT="$PWD/target/bitrix-site-pgsql" CONDUIT_KERNEL_DB=conduit_bitrix bash tests/module/run.sh
step "Admin pages in headless Chromium" bash tests/browser/run.sh
step "php-fpm: 4 workers, 400 FastCGI requests" bash tests/fpm/run.sh
step "Stubs match the extension" "${PHP[@]}" tests/stubs/check-stubs.php stubs/conduit.stubs.php
step "Docker files reference only existing files" python3 tests/docker/check.py
# Last: installs the package system-wide (isolated when it can be) and removes it again.
step "Debian package: build, install, cli+fpm, remove" bash tests/deb/run.sh

echo
[ $failed -gt 0 ] && echo "Failed layers: ${failed_names[*]}"
echo "test layers: $passed passed, $failed failed"
[ $failed -eq 0 ]
