#!/usr/bin/env bash
# The Postgres and Redis the tests talk to, for `make test` on any Debian machine: the machine's
# own on their standard ports when they answer, otherwise private ones started here from
# Debian's packages (installed when missing), on ports of their own, their data under .cache/.
# Prints `export` lines for the variables tests/conftest.py reads; everything else goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
PG_PORT=54329
REDIS_PORT=63799
CACHE="$PWD/.cache/services"

need() {
  dpkg -s "$@" >/dev/null 2>&1 && return
  echo "installing Debian packages: $*" >&2
  { $SUDO apt-get update -q && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; } >&2
}

wait_for() {  # a command, tried for up to 30 s
  for _ in $(seq 60); do "$@" >/dev/null 2>&1 && return; sleep 0.5; done
  echo "timed out waiting for: $*" >&2
  return 1
}

postgres() {
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "export BODA_TEST_PG_ADMIN_URL=postgresql://postgres@127.0.0.1:5432/postgres"
    return
  fi
  need postgresql
  local version
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    if ! pg_lsclusters -h | awk '{print $1 "/" $2}' | grep -qx "$version/boda-test"; then
      $SUDO pg_createcluster "$version" boda-test --port "$PG_PORT" -- --auth=trust >&2
    fi
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" boda-test start >&2
    wait_for pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
  fi
  echo "export BODA_TEST_PG_ADMIN_URL=postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
}

redis() {
  if command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "export BODA_TEST_REDIS_URL=redis://127.0.0.1:6379/0"
    return
  fi
  need redis-server
  if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    mkdir -p "$CACHE/redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" \
      --appendonly no --dir "$CACHE/redis" --logfile "$CACHE/redis/redis.log" >&2
    wait_for redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
  fi
  echo "export BODA_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

postgres
redis
