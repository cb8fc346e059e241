#!/usr/bin/env bash
# Load benchmark of consent-gate-receiver on SQLite and PostgreSQL (a measurement, not a test):
# builds the release binary, starts a throw-away PostgreSQL cluster (scripts/pg-throwaway.sh,
# with the server's durable defaults), runs bench/receiver.mjs and writes
# bench/results/receiver.md. Bounded: BENCH_EVENTS (20000) events, at most BENCH_SECONDS (60)
# of sending per database. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg-throwaway.sh
cargo build --release -q -p consent-gate-receiver
pg_install
trap pg_stop EXIT
pg_start -c max_connections=50
PG_VERSION=$("$PG_BIN/postgres" --version | awk '{print $3}')
export PG_VERSION
WORK=$(mktemp -d)
trap 'pg_stop; rm -rf "$WORK"' EXIT
mkdir -p bench/results
node bench/receiver.mjs bench/results/receiver.md "sqlite:$WORK/bench.sqlite" "$PG_URL"
