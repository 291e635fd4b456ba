#!/usr/bin/env bash
# Runs Carrete on this machine: a private PostgreSQL cluster in .local/
# (ignored by git), migrations, and every service in the foreground.
# Ctrl-C stops everything.  Safe to run again: it reuses what exists.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres.sh"

LOCAL="$CARRETE_ROOT/.local"
PG_PORT=${CARRETE_PG_PORT:-5544}
USERS_PORT=${CARRETE_USERS_PORT:-8081}
PHOTOS_PORT=${CARRETE_PHOTOS_PORT:-8082}
FOLDERS_PORT=${CARRETE_FOLDERS_PORT:-8083}

ensure_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}"
build_tree build
ensure_keys "$LOCAL/keys"
pg_init "$LOCAL/pg"

pids=()
cleanup() {
  # A second Ctrl-C must not cut the clean-up short and leave PostgreSQL up.
  trap '' INT TERM
  trap - EXIT
  say "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop "$LOCAL/pg"
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT
pg_start "$LOCAL/pg" "$PG_PORT"

# start_service NAME PORT: migrate, then serve in the background.
start_service() {
  local name=$1 port=$2 url
  url=$(pg_service_database "$LOCAL/pg" "$PG_PORT" "carrete_$name")
  port_is_free "$port" || die "port $port is taken (another carrete-$name running?)"
  export CARRETE_DATABASE_URL=$url CARRETE_LISTEN=127.0.0.1:$port
  export CARRETE_JWT_PUBLIC_KEY_FILE=$LOCAL/keys/jwt-public.pem
  export CARRETE_ID_KEY_FILE=$LOCAL/keys/id.key
  [ "$name" = users ] && export CARRETE_JWT_PRIVATE_KEY_FILE=$LOCAL/keys/jwt-private.pem
  [ "$name" = folders ] && export CARRETE_PHOTOS_URL=http://127.0.0.1:$PHOTOS_PORT
  "$CARRETE_ROOT/build/services/$name/carrete-$name" migrate >/dev/null
  mkdir -p "$LOCAL/log"
  "$CARRETE_ROOT/build/services/$name/carrete-$name" serve >>"$LOCAL/log/$name.log" 2>&1 &
  pids+=($!)
  unset CARRETE_JWT_PRIVATE_KEY_FILE CARRETE_PHOTOS_URL
  wait_for_http "http://127.0.0.1:$port/readyz" ||
    die "carrete-$name did not become ready; see $LOCAL/log/$name.log"
}

start_service users "$USERS_PORT"
start_service folders "$FOLDERS_PORT"

cat <<BANNER

  Carrete is running.
    users service   http://127.0.0.1:$USERS_PORT   (API docs: http://127.0.0.1:$USERS_PORT/docs)
    folders service http://127.0.0.1:$FOLDERS_PORT   (API docs: http://127.0.0.1:$FOLDERS_PORT/docs)
    PostgreSQL      127.0.0.1:$PG_PORT             (data in .local/pg)
    logs            .local/log/

  Make a registered user an administrator:  scripts/make-admin.sh USERNAME
  Press Ctrl-C to stop.

BANNER
wait -n "${pids[@]}"
die "a service stopped unexpectedly; see $LOCAL/log/"
