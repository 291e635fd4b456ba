#!/bin/bash
# Starts PostgreSQL 15 in the foreground.  On the first start it initialises
# $PGDATA with the superuser "postgres" (password from POSTGRES_PASSWORD_FILE
# or POSTGRES_PASSWORD; scram-sha-256 over TCP, trust on the local socket).
# The socket lives in /tmp so that the root filesystem can stay read-only.
# JIT is off: the image leaves LLVM out.  Extra arguments go to postgres (e.g. -c shared_buffers=256MB).
set -euo pipefail
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"

password=${POSTGRES_PASSWORD:-}
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  password=$(<"$POSTGRES_PASSWORD_FILE")
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "$password" ]; then
    echo "carrete-postgres: POSTGRES_PASSWORD_FILE or POSTGRES_PASSWORD must be set" >&2
    exit 1
  fi
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s\n' "$password" > "$pwfile"
  initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-host=scram-sha-256 \
    --auth-local=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "carrete-postgres: initialised $PGDATA"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp \
  -c jit=off "$@"
