#!/usr/bin/env bash
# Make sure a PostgreSQL server is running for the database tests.
# Installs Debian's postgresql when missing, starts a private cluster on
# port 54329 owned by the postgres user, and creates role and database
# "rmperf". Idempotent; prints the URL it set up into scripts/pg-env.sh's
# expectations (RMPERF_TEST_PG_URL).
set -euo pipefail
PORT=${RMPERF_PG_PORT:-54329}
DATA=${RMPERF_PG_DATA:-/tmp/rmperf-pg-$PORT}
export DEBIAN_FRONTEND=noninteractive

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
  echo "installing PostgreSQL (Debian package)…"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq postgresql >/dev/null
fi
BIN=$(pg_bin)

run_as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
fi

if ! run_as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
  run_as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
run_as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
for _ in $(seq 1 30); do
  run_as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.5
done
fi
PSQL=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
if [ "$(run_as_pg "${PSQL[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='rmperf'")" != "1" ]; then
  run_as_pg "${PSQL[@]}" -c "CREATE ROLE rmperf LOGIN CREATEDB PASSWORD 'rmperf'"
fi
# the role the application connects as in production: it owns nothing (rmperf db-grant gives it its rights)
if [ "$(run_as_pg "${PSQL[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='rmperf_app'")" != "1" ]; then
  run_as_pg "${PSQL[@]}" -c "CREATE ROLE rmperf_app LOGIN PASSWORD 'rmperf_app'"
fi
if [ "$(run_as_pg "${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname='rmperf'")" != "1" ]; then
  run_as_pg "${PSQL[@]}" -c "CREATE DATABASE rmperf OWNER rmperf"
fi
echo "PostgreSQL ready on 127.0.0.1:$PORT"
