#!/bin/bash
# Gives one service its own role and database, idempotently (the migration
# Jobs run it before `carrete-<svc> migrate`):
#
#   CARRETE_DB_PASSWORD=... carrete-db-setup ROLE DATABASE
#
# It connects as an administrator through libpq's variables (PGHOST, PGPORT,
# PGUSER, PGPASSWORD, PGSSLMODE) and waits up to two minutes for the server.
# The role's password is set every time (so a rotated Secret takes effect);
# the database belongs to the role and no other role may connect to it.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: CARRETE_DB_PASSWORD=... carrete-db-setup ROLE DATABASE" >&2
  exit 2
fi
role=$1 db=$2
password=${CARRETE_DB_PASSWORD:?carrete-db-setup: CARRETE_DB_PASSWORD must be set}

end=$((SECONDS + ${CARRETE_DB_WAIT_SECONDS:-120}))
until pg_isready -q -d postgres; do
  if [ "$SECONDS" -ge "$end" ]; then
    echo "carrete-db-setup: the server at ${PGHOST:-local}:${PGPORT:-5432} does not answer" >&2
    exit 1
  fi
  sleep 2
done

psql -X -q -v ON_ERROR_STOP=1 -d postgres -v role="$role" -v db="$db" -v password="$password" <<'SQL'
SELECT pg_advisory_lock(7134029118) \gset
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'role', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SQL
echo "carrete-db-setup: role $role and database $db are ready"
