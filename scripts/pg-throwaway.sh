# A throw-away PostgreSQL cluster on a free loopback port in a temp dir, for the receiver's tests
# and benchmark. Source it, then: pg_install; pg_start [extra server options...]; ...; pg_stop.
# pg_start sets PG_URL (postgres://postgres@127.0.0.1:PORT/postgres) and PG_DIR. As root the
# cluster runs as the `postgres` user (PostgreSQL refuses to run as root).

# Installs Debian's postgresql when no initdb is found (as root; apt-get update only if needed).
pg_install() {
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is missing: run as root, or apt-get install postgresql" >&2
    return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; } || return 1
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}

# Runs a command as the cluster's owner.
pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

pg_start() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/cg-pg.XXXXXX")
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
  pg_as "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
    cat "$PG_DIR/initdb.log" >&2
    return 1
  }
  local port
  for _ in 1 2 3 4 5; do
    port=$(pg_free_port) || return 1
    # Loopback only; the socket lives in the temp dir too.
    if pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $PG_DIR $*" start >/dev/null 2>&1; then
      PG_BIN=$bin
      PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
      export PG_URL PG_DIR PG_BIN
      return 0
    fi
  done
  tail -n 20 "$PG_DIR/server.log" >&2
  return 1
}

pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$PG_DIR"
  PG_DIR=
}
