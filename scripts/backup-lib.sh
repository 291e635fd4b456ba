# The settings scripts/backup.sh and scripts/restore.sh share.  Sourced,
# not run, after scripts/lib.sh.
#
# Databases: CARRETE_USERS_DATABASE_URL, CARRETE_FOLDERS_DATABASE_URL and
# CARRETE_PHOTOS_DATABASE_URL (each service's CARRETE_DATABASE_URL).  Unset,
# each is the database scripts/run.sh made in .local/pg (127.0.0.1,
# CARRETE_PG_PORT or 5544, the password in .local/pg/secrets/).
# Objects: carrete-photos' own storage settings (CARRETE_STORAGE,
# CARRETE_STORAGE_DIR, CARRETE_S3_*).  Unset, those of scripts/run.sh: fs in
# .local/storage, or with CARRETE_STORAGE=s3 its MinIO (.local/keys/minio.env,
# CARRETE_MINIO_PORT or 9000).
# Programs: carrete-NAME in CARRETE_BIN_DIR, else in build/services/NAME/
# when built there, else in PATH.  pg_dump, pg_restore and psql in PATH.
# shellcheck shell=bash

BACKUP_DATABASES=(photos folders users) # dump order: children first
LOCAL="$CARRETE_ROOT/.local"

# backup_database_url NAME: the database of carrete-NAME.
backup_database_url() {
  local var="CARRETE_${1^^}_DATABASE_URL" pw
  if [ -n "${!var:-}" ]; then
    printf '%s\n' "${!var}"
    return 0
  fi
  pw=$(cat "$LOCAL/pg/secrets/carrete_$1.pw" 2>/dev/null) ||
    die "$var is not set, and there is no scripts/run.sh database to fall back on"
  printf 'postgresql://carrete_%s:%s@127.0.0.1:%s/carrete_%s\n' "$1" "$pw" "${CARRETE_PG_PORT:-5544}" "$1"
}

# backup_bin NAME: the path of carrete-NAME.
backup_bin() {
  if [ -n "${CARRETE_BIN_DIR:-}" ]; then
    printf '%s\n' "$CARRETE_BIN_DIR/carrete-$1"
  elif [ -x "$CARRETE_ROOT/build/services/$1/carrete-$1" ]; then
    printf '%s\n' "$CARRETE_ROOT/build/services/$1/carrete-$1"
  else
    command -v "carrete-$1" || die "no carrete-$1 (set CARRETE_BIN_DIR)"
  fi
}

# backup_storage_env: exports carrete-photos' storage settings (run.sh's
# when none is set).
backup_storage_env() {
  export CARRETE_STORAGE=${CARRETE_STORAGE:-fs}
  if [ "$CARRETE_STORAGE" = fs ]; then
    export CARRETE_STORAGE_DIR=${CARRETE_STORAGE_DIR:-$LOCAL/storage}
  elif [ -z "${CARRETE_S3_ENDPOINT:-}" ] && [ -f "$LOCAL/keys/minio.env" ]; then
    export CARRETE_S3_ENDPOINT=http://127.0.0.1:${CARRETE_MINIO_PORT:-9000} CARRETE_S3_BUCKET=carrete
    CARRETE_S3_ACCESS_KEY=$(sed -n 's/^MINIO_ROOT_USER=//p' "$LOCAL/keys/minio.env")
    CARRETE_S3_SECRET_KEY=$(sed -n 's/^MINIO_ROOT_PASSWORD=//p' "$LOCAL/keys/minio.env")
    export CARRETE_S3_ACCESS_KEY CARRETE_S3_SECRET_KEY
  fi
}

# backup_psql URL ARGS...: psql that stops at the first error, quietly.
backup_psql() {
  local url=$1
  shift
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$url" "$@"
}

# Sessions: a psql kept open on one database and fed SQL through a pipe,
# so that a transaction (the snapshot a dump is read in, a restore not yet
# committed) outlives one command.  Its answers come back through another
# pipe, one line per query; its errors go to a file.  The pipes and files
# live in BACKUP_WORK, which the script makes.
declare -A SESSION_PID=() SESSION_IN=() SESSION_OUT=()
ANSWER=

# backup_session_open NAME URL
backup_session_open() {
  local name=$1 dir=$BACKUP_WORK/session-$1 in out
  mkdir "$dir" && mkfifo "$dir/in" "$dir/out"
  (
    # Without the other sessions' pipes: each must see its end of file
    # when the script closes it.
    for fd in "${SESSION_IN[@]}" "${SESSION_OUT[@]}"; do
      exec {fd}>&-
    done
    exec psql -X -q -At -v ON_ERROR_STOP=1 -d "$2" -f - <"$dir/in" >"$dir/out" 2>"$dir/err"
  ) &
  SESSION_PID[$name]=$!
  exec {in}>"$dir/in" {out}<"$dir/out"
  SESSION_IN[$name]=$in SESSION_OUT[$name]=$out
  backup_session_send "$name" "SET client_min_messages = warning;"
}

# backup_session_send NAME LINE...: SQL (or psql commands) for the session.
# A session that ended is noticed by its (missing) answer, not here.
backup_session_send() {
  local name=$1
  shift
  printf '%s\n' "$@" >&"${SESSION_IN[$name]}" 2>/dev/null || true
}

# backup_session_error NAME: why the session gave no answer.
backup_session_error() {
  local err
  err=$(grep -v '^$' "$BACKUP_WORK/session-$1/err" 2>/dev/null | tail -n 3 | tr '\n' ' ')
  printf '%s\n' "${err:-psql ended without saying why}"
}

# backup_session_answer NAME [SECONDS]: the next line the session printed,
# in ANSWER; without one (the session ended, or is silent for SECONDS), fails
# with the reason in ANSWER.
backup_session_answer() {
  local name=$1
  if read -r ${2:+-t "$2"} ANSWER <&"${SESSION_OUT[$name]}"; then
    return 0
  fi
  if kill -0 "${SESSION_PID[$name]}" 2>/dev/null; then
    ANSWER="no answer in $2 s"
  else
    ANSWER=$(backup_session_error "$name")
  fi
  return 1
}

# backup_session_close NAME SQL: sends SQL (COMMIT, ROLLBACK) and ends the
# session; fails, with psql's error in ANSWER, when psql did.
backup_session_close() {
  local name=$1 in=${SESSION_IN[$1]:-} out=${SESSION_OUT[$1]:-} status=0
  [ -n "${SESSION_PID[$name]:-}" ] || return 0
  backup_session_send "$name" "$2"
  exec {in}>&- {out}<&-
  wait "${SESSION_PID[$name]}" || status=$?
  [ "$status" = 0 ] || ANSWER=$(backup_session_error "$name")
  unset "SESSION_PID[$name]" "SESSION_IN[$name]" "SESSION_OUT[$name]"
  return "$status"
}

# backup_session_kill_all: ends every open session; PostgreSQL rolls back
# what they had not committed.
backup_session_kill_all() {
  local pid
  for pid in "${SESSION_PID[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
}

# The PostgreSQL client programs both scripts run.
for tool in pg_dump pg_restore psql; do
  command -v "$tool" >/dev/null || die "$tool is missing (install postgresql-client)"
done
