# Conduit — every entry point a developer or CI needs. `make demo` and `make test`
# are the two commands in the README; each installs what it needs first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

EXT      := $(CURDIR)/target/release/libconduit.so
PHP_EXT  := php -d extension=$(EXT)

.PHONY: deps build test test-rust test-php test-fpm test-stubs demo bench bench-http bench-queue bench-crypto bench-admin bench-import stubs clean install uninstall deb

deps:
	@bash scripts/install-deps.sh

build: deps
	cargo build --release --workspace --quiet
	@bash scripts/package-module.sh

test: build
	@bash scripts/test.sh

test-rust: deps
	cargo test --workspace --release

demo: build
	@bash scripts/demo.sh

bench: bench-http bench-queue bench-crypto bench-admin bench-import

bench-http: build
	@bash bench/run.sh http

bench-queue: build
	@bash bench/run.sh queue

bench-crypto: build
	@bash bench/run.sh crypto

bench-admin: build
	@bash bench/run.sh admin

bench-import: build
	@bash bench/run.sh import

# Regenerates nothing by hand: checks the stubs against the built extension.
test-stubs: build
	$(PHP_EXT) tests/stubs/check-stubs.php stubs/conduit.stubs.php

# Into the system PHP, as root, after `make build`: $(php-config --extension-dir)/conduit.so,
# /etc/php/<ver>/mods-available/conduit.ini, phpenmod for cli and fpm. docs/install.md.
install:
	@bash packaging/install.sh install

# Exactly reverses `make install`: phpdismod, removes the ini and conduit.so.
uninstall:
	@bash packaging/install.sh uninstall

# target/php<ver>-conduit_<version>_<arch>.deb, built with dpkg-deb (packaging/build-deb.sh).
deb: build
	@bash packaging/build-deb.sh

clean:
	cargo clean
