#!/usr/bin/env bash
# The test command: installs what is missing, then runs every layer and ends with one line
# "N passed, M failed". Exits non-zero when anything failed or no test ran.
#   1. native cargo test (the pure core), cargo fmt --check, cargo clippy
#   2. wasm-bindgen-test in headless Chromium (the web layer)
#   3. the build of pkg/ (fails over the size budget); the npm package packed, installed into
#      tests/npm-app, built there with Vite 7, with webpack 5 and as a Vite + React app, and
#      type-checked with tsc
#   4. the consent event receiver (receiver/): integration tests on SQLite and a throw-away
#      PostgreSQL cluster (scripts/test-receiver.sh installs Debian's postgresql when missing)
#   5. end-to-end tests: playwright-core driving /usr/bin/chromium against the demo on 127.0.0.1
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

PASSED=0
FAILED=0
LOG="$(mktemp -d)"
pass() { PASSED=$((PASSED + $1)); }
fail() { FAILED=$((FAILED + $1)); }

# Adds up cargo's "test result: ... N passed; M failed" lines.
count_cargo() {
  local p f
  p=$(grep -Eo '[0-9]+ passed' "$1" | awk '{s+=$1} END {print s+0}')
  f=$(grep -Eo '[0-9]+ failed' "$1" | awk '{s+=$1} END {print s+0}')
  pass "$p"
  fail "$f"
  echo "   $p passed, $f failed"
}

check() { # name, command...: one check that passes or fails as a whole
  local name="$1"
  shift
  if "$@" >"$LOG/$name.log" 2>&1; then
    pass 1
    echo "== $name: ok"
  else
    fail 1
    echo "== $name: FAILED"
    tail -n 40 "$LOG/$name.log"
  fi
}

echo "== native core tests (cargo test)"
cargo test --quiet >"$LOG/native.log" 2>&1
NATIVE_STATUS=$?
grep -E '^(test result|failures:|---- )' "$LOG/native.log" || true
if grep -q 'test result' "$LOG/native.log"; then count_cargo "$LOG/native.log"; else tail -n 40 "$LOG/native.log"; fail 1; fi
[ "$NATIVE_STATUS" = 0 ] || grep -q '[1-9][0-9]* failed' "$LOG/native.log" || fail 1

check fmt cargo fmt --check
check clippy-native cargo clippy --quiet --all-targets -- -D warnings
check clippy-wasm cargo clippy --quiet --lib --target wasm32-unknown-unknown -- -D warnings
check clippy-wasm-nolog cargo clippy --quiet --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings
check clippy-wasm-release cargo clippy --quiet --lib --target wasm32-unknown-unknown --no-default-features --features lazy-messages,lazy-texts -- -D warnings

echo "== web layer tests (wasm-bindgen-test in headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_TIMEOUT=60 cargo test --target wasm32-unknown-unknown --test web >"$LOG/wasm.log" 2>&1
WASM_STATUS=$?
grep -E '^(test result|failures:|---- )' "$LOG/wasm.log" || true
if grep -q 'test result' "$LOG/wasm.log"; then count_cargo "$LOG/wasm.log"; else tail -n 40 "$LOG/wasm.log"; fail 1; fi
[ "$WASM_STATUS" = 0 ] || grep -q '[1-9][0-9]* failed' "$LOG/wasm.log" || fail 1

check build node scripts/build.mjs
grep -A5 'bytes a script-tag site' "$LOG/build.log" || true

# The npm package used by real bundlers: `npm pack pkg/`, installed into tests/npm-app and built by
# Vite, by webpack and as a React app (each step only when its inputs changed). A failure here
# counts as two (it and the type check); the apps' browser tests are in
# tests/e2e/npm-app.test.mjs (Vite, webpack) and tests/e2e/npm-app-react.test.mjs.
echo "== npm package: pack, install into tests/npm-app, build with vite, webpack, vite + react"
if [ -f pkg/package.json ] && bash tests/npm-app/prepare.sh >"$LOG/npm-app.log" 2>&1; then
  echo "   ready"
  check npm-app-tsc tests/npm-app/node_modules/.bin/tsc --noEmit -p tests/npm-app
else
  echo "   FAILED"
  tail -n 40 "$LOG/npm-app.log" 2>/dev/null
  fail 2 # the preparation and the type check that could not run
fi

echo "== receiver tests (SQLite and a throw-away PostgreSQL)"
bash scripts/test-receiver.sh >"$LOG/receiver.log" 2>&1
RECEIVER_STATUS=$?
grep -E '^(test result|failures:|---- )' "$LOG/receiver.log" || true
if grep -q 'test result' "$LOG/receiver.log"; then count_cargo "$LOG/receiver.log"; else tail -n 40 "$LOG/receiver.log"; fail 1; fi
[ "$RECEIVER_STATUS" = 0 ] || grep -q '[1-9][0-9]* failed' "$LOG/receiver.log" || fail 1
check clippy-receiver cargo clippy --quiet -p consent-gate-receiver --all-targets -- -D warnings

echo "== end-to-end tests (playwright-core + /usr/bin/chromium)"
if [ -f pkg/consent-gate.js ]; then
  # --test-force-exit: a browser left open by a failing test must not hang the run. The counts
  # come from the spec reporter's summary on stdout (a second reporter's file may not be flushed
  # before a forced exit).
  node --test --test-concurrency=1 --test-force-exit --test-timeout=600000 --test-reporter=spec \
    tests/e2e/*.test.mjs 2>&1 | tee "$LOG/e2e.log"
  E2E_STATUS=${PIPESTATUS[0]}
  p=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$LOG/e2e.log" | tail -n 1)
  f=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$LOG/e2e.log" | tail -n 1)
  pass "${p:-0}"
  fail "${f:-0}"
  [ -n "$p" ] || fail 1
  [ "$E2E_STATUS" = 0 ] || [ "${f:-0}" != 0 ] || fail 1
else
  echo "   skipped: pkg/ was not built"
  fail 1
fi

echo
if [ "$PASSED" = 0 ] && [ "$FAILED" = 0 ]; then
  echo "no test ran"
  exit 1
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
