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
WEB_PORT=${CARRETE_WEB_PORT:-8080}
MINIO_PORT=${CARRETE_MINIO_PORT:-9000}
# fs (default): photos in .local/storage, served by carrete-photos itself.
# s3: a private MinIO in .local/minio (built on first use).
STORAGE=${CARRETE_STORAGE:-fs}
case "$STORAGE" in fs|s3) ;; *) die "CARRETE_STORAGE must be fs or s3, not '$STORAGE'" ;; esac

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

# start_minio: a private MinIO with generated credentials, for CARRETE_STORAGE=s3.
start_minio() {
  ensure_minio
  mkdir -p "$LOCAL/minio/data" "$LOCAL/log"
  if [ ! -f "$LOCAL/keys/minio.env" ]; then
    printf 'MINIO_ROOT_USER=carrete%s\nMINIO_ROOT_PASSWORD=%s\n' "$(openssl rand -hex 4)" \
      "$(openssl rand -hex 20)" > "$LOCAL/keys/minio.env"
    chmod 600 "$LOCAL/keys/minio.env"
  fi
  port_is_free "$MINIO_PORT" || die "port $MINIO_PORT is taken (set CARRETE_MINIO_PORT)"
  (set -a; source "$LOCAL/keys/minio.env"; exec "$CARRETE_ROOT/.cache/bin/minio" server \
     --quiet --address "127.0.0.1:$MINIO_PORT" --console-address "127.0.0.1:$((MINIO_PORT + 1))" \
     "$LOCAL/minio/data" >>"$LOCAL/log/minio.log" 2>&1) &
  pids+=($!)
  wait_for_http "http://127.0.0.1:$MINIO_PORT/minio/health/ready" 600 ||
    die "MinIO did not start; see $LOCAL/log/minio.log"
}

# Settings of carrete-photos for the chosen storage.
photos_storage_env() {
  export CARRETE_STORAGE=$STORAGE CARRETE_SPOOL_DIR=$LOCAL/spool
  export CARRETE_PUBLIC_URL=http://127.0.0.1:$PHOTOS_PORT
  if [ "$STORAGE" = fs ]; then
    export CARRETE_STORAGE_DIR=$LOCAL/storage
  else
    local user pass
    user=$(sed -n 's/^MINIO_ROOT_USER=//p' "$LOCAL/keys/minio.env")
    pass=$(sed -n 's/^MINIO_ROOT_PASSWORD=//p' "$LOCAL/keys/minio.env")
    export CARRETE_S3_ENDPOINT=http://127.0.0.1:$MINIO_PORT CARRETE_S3_BUCKET=carrete
    export CARRETE_S3_ACCESS_KEY=$user CARRETE_S3_SECRET_KEY=$pass
  fi
}

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

export CARRETE_USERS_URL=http://127.0.0.1:$USERS_PORT
export CARRETE_PHOTOS_URL=http://127.0.0.1:$PHOTOS_PORT
export CARRETE_FOLDERS_URL=http://127.0.0.1:$FOLDERS_PORT
[ "$STORAGE" = s3 ] && start_minio
start_service users "$USERS_PORT"
start_service folders "$FOLDERS_PORT"
photos_storage_env
start_service photos "$PHOTOS_PORT"

# start_web: the browser frontend.  No database; plain http on loopback, so
# the session cookies go without Secure (the pages say so).  Images load
# from photos itself (fs) or from MinIO (s3).
start_web() {
  port_is_free "$WEB_PORT" || die "port $WEB_PORT is taken (set CARRETE_WEB_PORT)"
  mkdir -p "$LOCAL/spool" "$LOCAL/log"
  # Its own address (a new share link's full address): photos' is
  # another here, where no gateway puts them behind one origin.
  (export CARRETE_LISTEN=127.0.0.1:$WEB_PORT CARRETE_COOKIE_SECURE=false \
     CARRETE_PUBLIC_URL=http://127.0.0.1:$WEB_PORT \
     CARRETE_PHOTOS_URL=http://127.0.0.1:$PHOTOS_PORT \
     CARRETE_ID_KEY_FILE=$LOCAL/keys/id.key CARRETE_SPOOL_DIR=$LOCAL/spool
   [ "$STORAGE" = s3 ] && export CARRETE_IMAGES_ORIGIN=http://127.0.0.1:$MINIO_PORT
   exec "$CARRETE_ROOT/build/services/web/carrete-web" serve >>"$LOCAL/log/web.log" 2>&1) &
  pids+=($!)
  wait_for_http "http://127.0.0.1:$WEB_PORT/readyz" ||
    die "carrete-web did not become ready; see $LOCAL/log/web.log"
}
start_web

cat <<BANNER

  Carrete is running.
    web (open this) http://127.0.0.1:$WEB_PORT   (plain http: cookies without Secure)
    users service   http://127.0.0.1:$USERS_PORT   (API docs: http://127.0.0.1:$USERS_PORT/docs)
    photos service  http://127.0.0.1:$PHOTOS_PORT   (API docs: http://127.0.0.1:$PHOTOS_PORT/docs)
    storage         $( [ "$STORAGE" = fs ] && echo "fs, in .local/storage" || echo "MinIO on http://127.0.0.1:$MINIO_PORT (data in .local/minio)")
    folders service http://127.0.0.1:$FOLDERS_PORT   (API docs: http://127.0.0.1:$FOLDERS_PORT/docs)
    PostgreSQL      127.0.0.1:$PG_PORT             (data in .local/pg)
    logs            .local/log/

  Make a registered user an administrator:  scripts/make-admin.sh USERNAME
  Press Ctrl-C to stop.

BANNER
status=0
wait -n "${pids[@]}" || status=$?
# Ctrl-C reaches the services too (they share the terminal's process
# group) and they stop on it, cleanly (0) or by the signal (130), sometimes
# before this shell runs its trap: that is the user stopping, not a failure.
if [ "$status" -eq 0 ] || [ "$status" -eq 130 ]; then
  cleanup
  exit 0
fi
die "a service stopped unexpectedly (exit status $status); see $LOCAL/log/"
