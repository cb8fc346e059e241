#!/usr/bin/env bash
# Makes the npm test app ready: `npm pack pkg/`, installs that tarball into this app the way a site
# would (by package name, from the packed file), and builds the app with `vite build` into dist/.
# Idempotent and quick when already done: each step runs only when its inputs changed (hash stamps):
#   npm ci            when package.json / package-lock.json changed     (node_modules/.cg-lock-stamp)
#   pack + install    when any file in pkg/ changed                      (node_modules/.cg-pkg-stamp)
#   vite build        when pkg/, the app's sources or its lockfile changed (dist/.cg-build-stamp)
# consent-gate is installed with --no-save so that package-lock.json never records the tarball's
# hash, which changes with every build of pkg/.
set -euo pipefail
APP="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$APP/../.." && pwd)"
PKG="$ROOT/pkg"
PACKS="$ROOT/target/npm-pack"
cd "$APP"

# Another build may be rewriting pkg/ right now: wait (up to 3 minutes) until it is complete.
for _ in $(seq 1 180); do
  [ -f "$PKG/package.json" ] && [ -f "$PKG/index.js" ] && [ -f "$PKG/consent_gate_bg.wasm" ] && break
  sleep 1
done
[ -f "$PKG/package.json" ] || { echo "prepare: pkg/ is not built: run 'node scripts/build.mjs'" >&2; exit 1; }

sum() { sha256sum "$@" | sha256sum | cut -c1-64; }
LOCK_SUM="$(sum package.json package-lock.json)"
PKG_SUM="$(cd "$PKG" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64)"
stamp() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

if ! stamp node_modules/.cg-lock-stamp "$LOCK_SUM"; then
  echo "prepare: npm ci (vite, typescript)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_SUM" >node_modules/.cg-lock-stamp
  rm -f node_modules/.cg-pkg-stamp
fi

if ! stamp node_modules/.cg-pkg-stamp "$PKG_SUM" || [ ! -f node_modules/consent-gate/package.json ]; then
  echo "prepare: npm pack pkg/ and install the tarball"
  rm -rf "$PACKS"
  mkdir -p "$PACKS"
  TGZ="$(cd "$ROOT" && npm pack ./pkg --pack-destination "$PACKS" --loglevel=error | tail -n 1)"
  [ -f "$PACKS/$TGZ" ] || { echo "prepare: npm pack did not produce a tarball" >&2; exit 1; }
  npm install --no-save --no-audit --no-fund --loglevel=error "$PACKS/$TGZ"
  echo "$PKG_SUM" >node_modules/.cg-pkg-stamp
fi

BUILD_SUM="$(echo "$PKG_SUM $LOCK_SUM $(find index.html about.html vite.config.js src -type f | LC_ALL=C sort | xargs sha256sum)" | sha256sum | cut -c1-64)"
if ! stamp dist/.cg-build-stamp "$BUILD_SUM"; then
  echo "prepare: vite build"
  node_modules/.bin/vite build
  echo "$BUILD_SUM" >dist/.cg-build-stamp
fi
echo "prepare: tests/npm-app is ready (dist/)"
