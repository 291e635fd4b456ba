# A private Carrete stack for script-driven tests (tests/postman,
# tests/browser).  Sourced, not run; the caller has sourced scripts/lib.sh and
# scripts/postgres.sh, set BUILD_DIR, and calls stack_script_begin, which
# makes STACK (an empty temp dir) and sends TAP to fd 3.
#
# Each service runs under a small wrapper that writes its pid to
# $STACK/run/NAME.pid and, once it exits, its exit status to
# $STACK/run/NAME.status.  A test may therefore stop a service itself (SIGTERM
# to the pid) and start it again with $STACK/run/NAME.start, and the final
# clean-exit check still sees the status of whichever process ran last.
# shellcheck shell=bash

RESULTS=() # "ok - …" / "not ok - …", numbered when printed
STACK_SERVICES=() # started services, in start order
STACK_USERS_ENV=() # more VAR=VALUE for carrete-users (stack_start_services)
PG_UP=0

tap_result() { RESULTS+=("$1 - $2"); }
# tap_check DESCRIPTION COMMAND...: one result, ok when the command succeeds.
tap_check() {
  local desc=$1
  shift
  if "$@"; then tap_result ok "$desc"; else tap_result "not ok" "$desc"; fi
}
TAP_NOTES=() # lines printed as TAP comments after the plan
tap_note() { TAP_NOTES+=("$1"); }
tap_print() {
  [ ${#RESULTS[@]} -gt 0 ] || return 0
  printf '%s\n' "${RESULTS[@]}" | awk '{ sub(/^(ok|not ok)/, "& " NR); print } END { print "1.." NR }' >&3
  [ ${#TAP_NOTES[@]} -eq 0 ] || printf '# %s\n' "${TAP_NOTES[@]}" >&3
}
tap_failed() {
  local line
  for line in "${RESULTS[@]}"; do
    [[ $line == "not ok"* ]] && return 0
  done
  return 1
}

# stack_script_begin KIND "WHAT RAN": the start every such script shares.
# Sanitizer settings of scripts/test.sh for standalone runs, TAP on fd 3 and
# everything else on stderr, STACK in a new temp dir, and an EXIT trap that
# stops the stack, reports a run that died before STACK_RAN=1 as one failure
# ("WHAT RAN"), prints the TAP and removes STACK unless CARRETE_<KIND>_KEEP
# is set.
stack_script_begin() {
  STACK_KIND=$1
  STACK_WHAT=$2
  STACK_RAN=0
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:fast_unwind_on_malloc=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$CARRETE_ROOT/tests/lsan.supp}
  exec 3>&1 1>&2
  STACK=$(mktemp -d -t "carrete-${STACK_KIND,,}-XXXXXX")
  trap stack_script_finish EXIT
  trap 'exit 130' INT TERM
}

stack_script_finish() {
  local status=$? keep_var="CARRETE_${STACK_KIND^^}_KEEP"
  trap - EXIT
  stack_stop
  if [ "$status" -ne 0 ] && [ "$STACK_RAN" -eq 0 ]; then
    tap_result "not ok" "$STACK_WHAT (see the log above)"
  fi
  tap_print
  if [ -n "${!keep_var:-}" ]; then
    echo "kept $STACK"
  else
    rm -rf "$STACK"
  fi
  tap_failed && exit 1
  exit "$status"
}

# stack_free_ports N: N free loopback ports, asked of the kernel together so
# that they differ.
stack_free_ports() {
  node -e '
    const net = require("net"); const want = Number(process.argv[1]), servers = [], ports = [];
    (function next() {
      if (ports.length === want) { console.log(ports.join(" ")); servers.forEach(s => s.close()); return; }
      const s = net.createServer().listen(0, "127.0.0.1", () => { ports.push(s.address().port); next(); });
      servers.push(s);
    })();' "$1"
}

# stack_start_db PORT: keys for this run and a PostgreSQL cluster.
stack_start_db() {
  # The postgres account must reach its data folder; the keys stay private.
  chmod 711 "$STACK"
  mkdir -p "$STACK/log" "$STACK/run" "$STACK/spool" "$STACK/storage"
  ensure_keys "$STACK/keys" 2>/dev/null
  pg_init "$STACK/pg"
  pg_start "$STACK/pg" "$1"
  PG_UP=1
  STACK_PG_PORT=$1
}

# stack_spawn NAME COMMAND...: runs COMMAND in the background from the temp
# dir under the pid/status wrapper; $STACK/run/NAME.start starts it again.
stack_spawn() {
  local name=$1 q arg
  shift
  {
    echo '#!/usr/bin/env bash'
    echo "cd $(printf '%q' "$STACK") || exit 1"
    echo "rm -f run/$name.status run/$name.pid"
    printf '('
    for arg in "$@"; do
      printf -v q ' %q' "$arg"
      printf '%s' "$q"
    done
    echo " >>log/$name.log 2>&1 & pid=\$!; echo \$pid > run/$name.pid; wait \$pid; echo \$? > run/$name.status ) </dev/null >/dev/null 2>&1 &"
    echo "while [ ! -s run/$name.pid ]; do sleep 0.02; done"
  } > "$STACK/run/$name.start"
  chmod +x "$STACK/run/$name.start"
  "$STACK/run/$name.start"
  STACK_SERVICES+=("$name")
}

# stack_start_service NAME PORT BIN [VAR=VALUE...]: migrate (when the service
# has a database), then serve in the background from the temp dir (so that no
# developer's .env is read) and wait for /readyz.
stack_start_service() {
  local name=$1 port=$2 bin=$3 db_env=()
  shift 3
  if [ "$name" != web ]; then
    db_env=("CARRETE_DATABASE_URL=$(pg_service_database "$STACK/pg" "$STACK_PG_PORT" "carrete_$name")")
    (cd "$STACK" && env "$@" "${db_env[@]}" "$bin" migrate) >>"$STACK/log/$name.log" 2>&1 ||
      { cat "$STACK/log/$name.log"; die "carrete-$name migrate failed"; }
  fi
  stack_spawn "$name" env "$@" "${db_env[@]}" "CARRETE_LISTEN=127.0.0.1:$port" "$bin" serve
  wait_for_http "http://127.0.0.1:$port/readyz" 1200 ||
    { cat "$STACK/log/$name.log"; die "carrete-$name did not become ready"; }
}

# stack_start_minio PORT BIN: a MinIO with credentials made for this run;
# sets STACK_S3_ENV to the photos service's s3 settings (VAR=VALUE words).
stack_start_minio() {
  local port=$1 bin=$2 user pass
  [ -x "$bin" ] || die "no MinIO at $bin (scripts/test.sh builds it into .cache/bin)"
  user=carrete$(openssl rand -hex 4)
  pass=$(openssl rand -hex 20)
  mkdir -p "$STACK/minio"
  stack_spawn minio env MINIO_ROOT_USER="$user" MINIO_ROOT_PASSWORD="$pass" MINIO_BROWSER=off \
    "$bin" server --quiet --address "127.0.0.1:$port" "$STACK/minio"
  wait_for_http "http://127.0.0.1:$port/minio/health/ready" 1200 ||
    { cat "$STACK/log/minio.log"; die "MinIO did not become ready"; }
  STACK_S3_ENV=(CARRETE_STORAGE=s3 "CARRETE_S3_ENDPOINT=http://127.0.0.1:$port" CARRETE_S3_BUCKET=carrete
                "CARRETE_S3_ACCESS_KEY=$user" "CARRETE_S3_SECRET_KEY=$pass")
}

# stack_start_services USERS_PORT FOLDERS_PORT PHOTOS_PORT [PHOTOS VAR=VALUE...]:
# the three API services on fs storage; exports their URLs and keys.
stack_start_services() {
  local users_port=$1 folders_port=$2 photos_port=$3
  shift 3
  local name
  for name in users folders photos; do
    [ -x "$BUILD_DIR/services/$name/carrete-$name" ] ||
      die "no $BUILD_DIR/services/$name/carrete-$name (build first, or set BUILD)"
  done
  export CARRETE_USERS_URL=http://127.0.0.1:$users_port
  export CARRETE_FOLDERS_URL=http://127.0.0.1:$folders_port
  export CARRETE_PHOTOS_URL=http://127.0.0.1:$photos_port
  export CARRETE_JWT_PUBLIC_KEY_FILE=$STACK/keys/jwt-public.pem
  export CARRETE_ID_KEY_FILE=$STACK/keys/id.key
  say "starting carrete-users, carrete-folders, carrete-photos from $BUILD_DIR"
  stack_start_service users "$users_port" "$BUILD_DIR/services/users/carrete-users" \
    CARRETE_JWT_PRIVATE_KEY_FILE="$STACK/keys/jwt-private.pem" "${STACK_USERS_ENV[@]}"
  stack_start_service folders "$folders_port" "$BUILD_DIR/services/folders/carrete-folders"
  STACK_PHOTOS_ENV=(CARRETE_STORAGE=fs "CARRETE_STORAGE_DIR=$STACK/storage"
                    "CARRETE_SPOOL_DIR=$STACK/spool" "CARRETE_PUBLIC_URL=$CARRETE_PHOTOS_URL" "$@")
  stack_start_service photos "$photos_port" "$BUILD_DIR/services/photos/carrete-photos" \
    "${STACK_PHOTOS_ENV[@]}"
}

# stack_start_keycloak USERNAME:EMAIL[:unverified]...: a real Keycloak for
# this run, with those users (tests/harness/carrete-test-keycloak-run, as
# service "keycloak": stopping it removes its data).  Sets
# STACK_OIDC_ISSUER, STACK_OIDC_CLIENT_ID, STACK_OIDC_SECRET_FILE and
# STACK_OIDC_PASSWORDS[USERNAME].  Returns 1, with STACK_OIDC_UNAVAILABLE
# saying why, when Keycloak cannot run here (not built, or no Java 21+).
declare -A STACK_OIDC_PASSWORDS=()
stack_start_keycloak() {
  local bin=$BUILD_DIR/tests/harness/carrete-test-keycloak-run tries=3300 key a b
  local log=$STACK/log/keycloak.log
  [ -x "$bin" ] || die "no $bin (build first, or set BUILD)"
  export CARRETE_SOURCE_DIR=${CARRETE_SOURCE_DIR:-$CARRETE_ROOT}
  if ! STACK_OIDC_UNAVAILABLE=$("$bin" --check); then
    STACK_OIDC_UNAVAILABLE=${STACK_OIDC_UNAVAILABLE#unavailable }
    return 1
  fi
  say "starting Keycloak (up to five minutes on a loaded machine)"
  stack_spawn keycloak "$bin" "$@"
  while [ "$tries" -gt 0 ] && ! grep -q '^ready$' "$log" 2>/dev/null; do
    [ -e "$STACK/run/keycloak.status" ] && break
    sleep 0.1
    tries=$((tries - 1))
  done
  grep -q '^ready$' "$log" 2>/dev/null || { cat "$log"; die "Keycloak did not start"; }
  while read -r key a b; do
    case $key in
      issuer) STACK_OIDC_ISSUER=$a ;;
      client_id) STACK_OIDC_CLIENT_ID=$a ;;
      secret_file) STACK_OIDC_SECRET_FILE=$a ;;
      password) STACK_OIDC_PASSWORDS[$a]=$b ;;
    esac
  done < "$log"
}

# stack_start_photos_worker PORT: `carrete-photos work` with the photos
# service's settings (after stack_start_services) and a CARRETE_LISTEN of
# its own (/readyz there), as service "worker": a test can kill it and
# start it again like the others.
stack_start_photos_worker() {
  local port=$1 db
  db=$(pg_service_database "$STACK/pg" "$STACK_PG_PORT" carrete_photos)
  stack_spawn worker env "${STACK_PHOTOS_ENV[@]}" "CARRETE_DATABASE_URL=$db" \
    "CARRETE_LISTEN=127.0.0.1:$port" "$BUILD_DIR/services/photos/carrete-photos" work
  wait_for_http "http://127.0.0.1:$port/readyz" 1200 ||
    { cat "$STACK/log/worker.log"; die "carrete-photos work did not become ready"; }
}

# stack_store_keys s3|fs DIR: every object key in the store, sorted; DIR is
# MinIO's bucket folder (each object a folder holding xl.meta) or the fs
# storage directory (one file per object; .meta, .uploads and temporary
# files start with '.').
stack_store_keys() {
  if [ "$1" = s3 ]; then
    (cd "$2" && find . -name xl.meta -printf '%h\n' | sed 's|^\./||')
  else
    (cd "$2" && find . -mindepth 1 -name '.*' -prune -o -type f -printf '%P\n')
  fi | sort
}

# stack_row_objects DATABASE_URL: per ready or trashed photo row (a trashed
# one keeps its objects until it is purged), its object prefix and
# how many objects it has (the original, and its two thumbnails once made),
# sorted.
stack_row_objects() {
  psql -X -At -F ' ' -d "$1" -c \
    "SELECT object_prefix, CASE thumbnails WHEN 'ready' THEN 3 ELSE 1 END FROM photos WHERE state IN ('ready', 'trashed')" |
    sort
}

# stack_stop_service NAME: SIGTERM, up to 30 s to exit, then SIGKILL; the exit
# status must be 0 (LeakSanitizer findings make it non-zero).  A service that
# a test stopped and did not start again counts by its recorded status.
stack_stop_service() {
  local name=$1 pid status tries=300 label=carrete-$1
  [ "$1" = minio ] && label=minio
  [ "$1" = worker ] && label="carrete-photos work"
  [ "$1" = keycloak ] && label="Keycloak (carrete-test-keycloak-run)"
  pid=$(cat "$STACK/run/$name.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && [ ! -e "$STACK/run/$name.status" ]; then
    kill -TERM "$pid" 2>/dev/null || true
  fi
  while [ "$tries" -gt 0 ] && [ ! -s "$STACK/run/$name.status" ]; do
    sleep 0.1
    tries=$((tries - 1))
  done
  if [ "$tries" -eq 0 ]; then
    echo "$label ignored SIGTERM for 30 s; killing it"
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  fi
  status=$(cat "$STACK/run/$name.status" 2>/dev/null || echo "unknown")
  if [ "$status" = 0 ] && [ "$tries" -gt 0 ]; then
    tap_result ok "$label exits 0 on SIGTERM"
  else
    tap_result "not ok" "$label exits 0 on SIGTERM (status $status)"
    echo "---- last lines of $label's log ----"
    tail -n 60 "$STACK/log/$name.log" || true
  fi
}

# stack_stop: every service, last started first, then PostgreSQL.
stack_stop() {
  local i
  for ((i = ${#STACK_SERVICES[@]} - 1; i >= 0; i--)); do
    stack_stop_service "${STACK_SERVICES[$i]}"
  done
  STACK_SERVICES=()
  [ "$PG_UP" -eq 1 ] && pg_stop "$STACK/pg"
  PG_UP=0
}
