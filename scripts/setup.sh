#!/usr/bin/env bash
# Installs what the build, the demo and the tests need, and nothing that is already there.
# Idempotent and quick when everything is present. Run as root on a Debian machine with the
# package registries reachable (crates.io, npm, Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)"

fail() {
  echo "setup: $1" >&2
  exit 1
}

command -v cargo >/dev/null || fail "cargo is missing: install Rust with rustup (https://rustup.rs), then run this again."
command -v node >/dev/null || fail "node is missing: install Node.js 20 or newer (apt-get install nodejs npm), then run this again."
command -v npm >/dev/null || fail "npm is missing: install it (apt-get install npm), then run this again."

if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown || fail "rustup could not add wasm32-unknown-unknown: run 'rustup target add wasm32-unknown-unknown'."
fi

# The release build rebuilds std with one dated nightly (scripts/build.mjs): the name is in
# rust-nightly.txt, the only place it is written. It needs rust-src; the wasm32 target is added too.
NIGHTLY="$(tr -d '[:space:]' <rust-nightly.txt)"
[ -n "$NIGHTLY" ] || fail "rust-nightly.txt is empty: it names the nightly toolchain of the release build."
command -v rustup >/dev/null || fail "rustup is missing: the release build needs $NIGHTLY through rustup (https://rustup.rs)."
if ! rustup component list --toolchain "$NIGHTLY" --installed 2>/dev/null | grep -q '^rust-src' ||
  ! rustup target list --toolchain "$NIGHTLY" --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: installing the $NIGHTLY toolchain with rust-src and the wasm32 target (once)"
  rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src --target wasm32-unknown-unknown ||
    fail "rustup could not install $NIGHTLY: run 'rustup toolchain install $NIGHTLY --profile minimal --component rust-src --target wasm32-unknown-unknown'."
fi

if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$WASM_BINDGEN_VERSION" ]; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (takes a few minutes once)"
  # Without --locked: its lockfile pins a crate version the registry mirror of this machine lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" ||
    fail "could not install wasm-bindgen-cli $WASM_BINDGEN_VERSION: run 'cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION'."
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "setup: installing Debian's chromium and chromium-driver"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null ||
      fail "apt-get could not install chromium and chromium-driver: run 'apt-get install chromium chromium-driver'."
  else
    fail "chromium and chromium-driver are missing: run 'sudo apt-get install chromium chromium-driver'."
  fi
fi

# npm packages: reinstall only when package-lock.json changed since the last install.
LOCK_SUM="$(sha256sum package-lock.json 2>/dev/null | cut -d' ' -f1 || true)"
if [ ! -f node_modules/.setup-stamp ] || [ "$(cat node_modules/.setup-stamp)" != "$LOCK_SUM" ]; then
  echo "setup: installing npm packages"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi ||
    fail "npm could not install the devDependencies: run 'npm ci' and read its error."
  echo "$LOCK_SUM" >node_modules/.setup-stamp
fi
[ -x node_modules/.bin/wasm-opt ] || fail "wasm-opt is missing from node_modules (npm package binaryen): run 'npm ci'."
