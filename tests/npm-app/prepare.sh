#!/usr/bin/env bash
# Makes the npm test apps ready: `npm pack pkg/`, installs that tarball into this folder the way a
# site would (by package name, from the packed file), and builds the three apps that share it:
#   ./        a plain Vite 7 site                                   -> dist/
#   webpack/  a plain webpack 5 site                                -> webpack/dist/
#   react/    Vite 7 + React + React Router, <StrictMode> on (built
#             with React's development build, see react/vite.config.js) -> react/dist/
# Idempotent and quick when already done: each step runs only when its inputs changed (hash stamps):
#   npm ci            when package.json / package-lock.json changed     (node_modules/.cg-lock-stamp)
#   pack + install    when any file in pkg/ changed                      (node_modules/.cg-pkg-stamp)
#   each app's build  when pkg/, the app's sources or the lockfile changed (<out>/.cg-build-stamp)
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
  echo "prepare: npm ci (vite, webpack, react, typescript)"
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

# build OUT INPUTS... -- COMMAND...: runs COMMAND when pkg/, the lockfile or an input changed.
build() {
  local out="$1" inputs=()
  shift
  while [ "$1" != "--" ]; do inputs+=("$1"); shift; done
  shift
  local sum
  sum="$(echo "$PKG_SUM $LOCK_SUM $(find "${inputs[@]}" -type f | LC_ALL=C sort | xargs sha256sum)" | sha256sum | cut -c1-64)"
  if ! stamp "$out/.cg-build-stamp" "$sum"; then
    echo "prepare: $*"
    "$@"
    echo "$sum" >"$out/.cg-build-stamp"
  fi
}
build dist index.html about.html vite.config.js src -- node_modules/.bin/vite build
build webpack/dist webpack/webpack.config.js webpack/src -- node_modules/.bin/webpack --config webpack/webpack.config.js
build react/dist react/index.html react/vite.config.js react/src -- env NODE_ENV=development node_modules/.bin/vite build --config react/vite.config.js
echo "prepare: tests/npm-app is ready (dist/, webpack/dist/, react/dist/)"
