# A private PostgreSQL cluster for local runs (sourced by run.sh).
# shellcheck shell=bash

# PG_DIR holds data/ (owned by the postgres account when we are root) and
# the generated superuser password; PG_PORT is where it listens (loopback).
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_init() {
  local dir=$1
  [ -f "$dir/data/PG_VERSION" ] && return 0
  say "creating a private PostgreSQL cluster in $dir"
  mkdir -p "$dir/secrets"
  chmod 700 "$dir/secrets"
  openssl rand -hex 24 > "$dir/secrets/superuser.pw"
  if [ "$(id -u)" -eq 0 ]; then
    install -d -o postgres -g postgres -m 700 "$dir/data" "$dir/run"
    install -o postgres -g postgres -m 600 "$dir/secrets/superuser.pw" "$dir/run/pw"
    pg_as_owner test -w "$dir/data" ||
      die "the postgres account cannot write $dir (is a parent folder private?)"
  else
    mkdir -p -m 700 "$dir/data" "$dir/run"
    cp "$dir/secrets/superuser.pw" "$dir/run/pw"
  fi
  pg_as_owner "$PG_BINDIR/initdb" -D "$dir/data" -U postgres -A scram-sha-256 \
    --pwfile="$dir/run/pw" -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$dir/run/pw"
}

pg_start() {
  local dir=$1 port=$2
  if pg_as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    return 0
  fi
  port_is_free "$port" || die "port $port is taken; set CARRETE_PG_PORT to another one"
  say "starting PostgreSQL on 127.0.0.1:$port"
  pg_as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/run/postgres.log" -w \
    -o "-p $port -k $dir/run -c listen_addresses=127.0.0.1" start >/dev/null ||
    die "PostgreSQL did not start; see $dir/run/postgres.log"
}

pg_stop() {
  local dir=$1
  pg_as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
}

pg_psql() {
  local dir=$1 port=$2; shift 2
  PGPASSWORD=$(cat "$dir/secrets/superuser.pw") psql -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

# One database and one role per service; prints the service's URL.
# pg_scram_secret PASSWORD ITERATIONS: the role's SCRAM-SHA-256 secret made
# here with that many iterations (PostgreSQL 15 always makes 4096).
pg_scram_secret() {
  python3 - "$1" "$2" <<'PY'
import base64, hashlib, hmac, os, sys
password, iterations, salt = sys.argv[1].encode(), int(sys.argv[2]), os.urandom(16)
salted = hashlib.pbkdf2_hmac("sha256", password, salt, iterations)
client_key = hmac.new(salted, b"Client Key", "sha256").digest()
server_key = hmac.new(salted, b"Server Key", "sha256").digest()
b64 = lambda b: base64.b64encode(b).decode()
print(f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(hashlib.sha256(client_key).digest())}:{b64(server_key)}")
PY
}

# PG_SCRAM_ITERATIONS, when set (the test stacks), stores each service
# role's secret with that many iterations: a client derives its key with
# the count the server names, and under AddressSanitizer's slow unwinder
# (every allocation of 4096 HMAC rounds unwound) one handshake costs 0.5 to
# 3 s of a service's CPU, which no real deployment pays.
pg_service_database() {
  local dir=$1 port=$2 name=$3 pwfile pw secret
  pwfile="$dir/secrets/$name.pw"
  [ -f "$pwfile" ] || { openssl rand -hex 24 > "$pwfile"; chmod 600 "$pwfile"; }
  pw=$(cat "$pwfile")
  secret=$pw
  [ -z "${PG_SCRAM_ITERATIONS:-}" ] || secret=$(pg_scram_secret "$pw" "$PG_SCRAM_ITERATIONS")
  pg_psql "$dir" "$port" >/dev/null <<SQL
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', '$name', '$secret')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$name') \gexec
ALTER ROLE "$name" PASSWORD '$secret';
SELECT format('CREATE DATABASE %I OWNER %I', '$name', '$name')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$name') \gexec
REVOKE ALL ON DATABASE "$name" FROM PUBLIC;
SQL
  echo "postgresql://$name:$pw@127.0.0.1:$port/$name"
}
