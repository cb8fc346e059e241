#!/usr/bin/env bash
# The receiver's tests (receiver/): unit tests, and integration tests against SQLite and a real
# PostgreSQL. Installs Debian's postgresql when missing, starts a throw-away cluster on a free
# loopback port (unless CONSENT_GATE_TEST_POSTGRES already names a server), runs
# `cargo test -p consent-gate-receiver` with its URL in CONSENT_GATE_TEST_POSTGRES, and stops it.
# Prints cargo's `test result:` lines; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/pg-throwaway.sh

if [ -z "${CONSENT_GATE_TEST_POSTGRES:-}" ]; then
  pg_install || { echo "test-receiver: could not install PostgreSQL" >&2; exit 1; }
  trap pg_stop EXIT
  # Durability against a killed receiver does not need the server's fsync: faster tests.
  pg_start -c fsync=off -c max_connections=200 || { echo "test-receiver: could not start PostgreSQL" >&2; exit 1; }
  export CONSENT_GATE_TEST_POSTGRES=$PG_URL
fi
cargo test -p consent-gate-receiver 2>&1
