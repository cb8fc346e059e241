#!/usr/bin/env bash
# Fuzzes the pure core on demand (not part of CI): each target in fuzz/ runs for N seconds.
#
#   scripts/fuzz.sh            # every target, 60 s each
#   scripts/fuzz.sh 300        # every target, 300 s each
#   scripts/fuzz.sh 30 path_match language
#
# Needs a nightly toolchain (libFuzzer's sanitizer flags); installs cargo-fuzz if missing.
# New corpus entries go to fuzz/corpus/<target>/ and crashes to fuzz/artifacts/<target>/ (both
# git-ignored); fuzz/seeds/<target>/ holds the committed starting inputs. A crash is replayed
# with `cargo +$(cat rust-nightly.txt) fuzz run <target> fuzz/artifacts/<target>/<file>`; keep it as a
# regression test in src/core/tests/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-60}"
if [ $# -gt 0 ]; then shift; fi
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [seconds] [target...]" >&2; exit 2 ;; esac
targets=(config_json record_decode cookie_parse path_match language)
if [ $# -gt 0 ]; then targets=("$@"); fi

# The same dated nightly as the release build (rust-nightly.txt; scripts/setup.sh installs it).
NIGHTLY="$(cat rust-nightly.txt)"
if ! rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1; then
  echo "fuzz.sh: needs $NIGHTLY: run 'bash scripts/setup.sh'" >&2
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

failed=()
for t in "${targets[@]}"; do
  corpus="fuzz/corpus/$t"
  mkdir -p "$corpus"
  # The demo site's real configuration is the best seed for the configuration reader.
  if [ "$t" = config_json ] && [ -f www/consent.json ]; then cp www/consent.json "$corpus/seed-www-consent.json"; fi
  args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048)
  [ "$t" = config_json ] && args+=(-dict=fuzz/config_json.dict)
  echo "== $t: ${secs}s"
  # Paths given to cargo fuzz are relative to the repository root (where this script runs).
  if ! cargo "+$NIGHTLY" fuzz run --fuzz-dir fuzz "$t" "$corpus" "fuzz/seeds/$t" -- "${args[@]}"; then
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: crashes in: ${failed[*]} (see fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz.sh: no crash in ${targets[*]} (${secs}s each)"
