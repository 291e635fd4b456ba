#!/usr/bin/env bash
# On-demand benchmark: what a folder check costs a photo read.  See
# tests/bench/README.md.
#
#   tests/bench/bench-folder-check.sh     # BUILD defaults to <repo>/build
#
# Starts a private PostgreSQL 15, carrete-users, carrete-folders and
# carrete-photos (fs storage) on 127.0.0.1.  Ana uploads two photos: one in
# no folder, one in her public folder.  Bea then reads Ana's public photo
# (carrete-photos must ask carrete-folders whether the folder is public) and
# Ana reads her own unfiled photo (no question asked).  Both are timed with
# one connection, one request at a time; the difference of the medians is
# the cost of the check.  About 30 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
FOLDERS_BIN=$BUILD/services/folders/carrete-folders
PHOTOS_BIN=$BUILD/services/photos/carrete-photos
USERS_BIN=$BUILD/services/users/carrete-users
LUA=$HERE/folders.lua
PG_BIN=/usr/lib/postgresql/15/bin

LAT_DUR=${BENCH_LATENCY_DURATION:-5} # seconds of each one-connection latency phase
PASSWORD='bench-password-0123456789'

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- tools ------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
command -v pgbench >/dev/null || [ -x "$PG_BIN/pgbench" ] || missing+=(postgresql-contrib)
command -v psql >/dev/null || [ -x "$PG_BIN/psql" ] || missing+=(postgresql-client-15)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
command -v jq >/dev/null || missing+=(jq)
command -v vips >/dev/null || missing+=(libvips-tools)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PGBENCH=$(command -v pgbench || echo "$PG_BIN/pgbench")
PSQL=$(command -v psql || echo "$PG_BIN/psql")

if [ ! -x "$FOLDERS_BIN" ] || [ ! -x "$USERS_BIN" ] || [ ! -x "$PHOTOS_BIN" ]; then
  log "building in $BUILD"
  ninja -C "$BUILD" >/dev/null
fi
[ -x "$FOLDERS_BIN" ] || die "no binary at $FOLDERS_BIN"

# ---- scratch dir and cleanup --------------------------------------------------
TMP=$(mktemp -d /tmp/carrete-bench.XXXXXX)
chmod 755 "$TMP"
PGDIR=$TMP/pg
PIDS=()

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  if [ -f "$PGDIR/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---- PostgreSQL -----------------------------------------------------------------
PGPORT=$(free_port)
log "PostgreSQL 15 on 127.0.0.1:$PGPORT in $PGDIR"
install -d -o postgres -g postgres -m 700 "$PGDIR" "$PGDIR/data"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 \
  --locale=C.UTF-8 --no-sync >"$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log" >&2; die "initdb failed"; }
timeout 30 runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
  -o "-k $PGDIR -p $PGPORT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60" \
  start >/dev/null || { cat "$PGDIR/server.log" >&2; die "PostgreSQL did not start"; }
psql_q() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }
psql_q -d postgres -c 'CREATE DATABASE carrete_users' -c 'CREATE DATABASE carrete_folders' \
  -c 'CREATE DATABASE carrete_photos'

# ---- services ------------------------------------------------------------------------
mkdir "$TMP/keys" "$TMP/storage"
openssl ecparam -genkey -name prime256v1 -noout -out "$TMP/keys/jwt.pem" 2>/dev/null
openssl ec -in "$TMP/keys/jwt.pem" -pubout -out "$TMP/keys/jwt.pub" 2>/dev/null
openssl rand -hex 32 >"$TMP/keys/id.key"
export CARRETE_JWT_PUBLIC_KEY_FILE=$TMP/keys/jwt.pub CARRETE_ID_KEY_FILE=$TMP/keys/id.key
USERS_PORT=$(free_port)
FOLDERS_PORT=$(free_port)
PHOTOS_PORT=$(free_port)
USERS=http://127.0.0.1:$USERS_PORT
FOLDERS=http://127.0.0.1:$FOLDERS_PORT
PHOTOS=http://127.0.0.1:$PHOTOS_PORT

# start NAME BINARY PORT DB [ENV=VALUE...]: migrate, then serve in the background.
start() {
  local name=$1 bin=$2 port=$3 db=$4
  shift 4
  env CARRETE_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/$db" "$@" \
    timeout 60 "$bin" migrate >/dev/null 2>"$TMP/$name.log" || { cat "$TMP/$name.log" >&2; die "$name migrate failed"; }
  env CARRETE_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/$db" \
    CARRETE_LISTEN=127.0.0.1:$port "$@" "$bin" serve >"$TMP/$name.out" 2>>"$TMP/$name.log" &
  PIDS+=($!)
  for _ in $(seq 200); do curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null && return 0; sleep 0.05; done
  cat "$TMP/$name.log" >&2
  die "$name did not become ready"
}
start users "$USERS_BIN" "$USERS_PORT" carrete_users CARRETE_JWT_PRIVATE_KEY_FILE="$TMP/keys/jwt.pem"
start folders "$FOLDERS_BIN" "$FOLDERS_PORT" carrete_folders CARRETE_PHOTOS_URL="$PHOTOS"
start photos "$PHOTOS_BIN" "$PHOTOS_PORT" carrete_photos CARRETE_FOLDERS_URL="$FOLDERS" \
  CARRETE_STORAGE=fs CARRETE_STORAGE_DIR="$TMP/storage" CARRETE_PUBLIC_URL="$PHOTOS"
PHOTOS_PID=${PIDS[-1]}

# ---- data: two users, a public folder, two photos ------------------------------------
token_of() {
  curl -fsS -X POST "$USERS/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"email\":\"$1@example.org\",\"password\":\"$PASSWORD\"}" >/dev/null
  curl -fsS -X POST "$USERS/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" | jq -r .access_token
}
ANA=$(token_of ana)
BEA=$(token_of bea)
FOLDER=$(curl -fsS -X POST "$FOLDERS/v1/folders" -H "Authorization: Bearer $ANA" \
  -H 'Content-Type: application/json' -d '{"name":"Public","visibility":"public","tags":["bench"]}' | jq -r .id)
vips gaussnoise "$TMP/a.v" 640 480 && vips copy "$TMP/a.v" "$TMP/a.jpg"
vips gaussnoise "$TMP/b.v" 640 480 && vips copy "$TMP/b.v" "$TMP/b.jpg"
upload() {
  curl -fsS -X POST "$PHOTOS/v1/photos?name=$1$2" -H "Authorization: Bearer $ANA" \
    -H 'Content-Type: image/jpeg' --data-binary @"$TMP/$1.jpg" | jq -r .id
}
UNFILED=$(upload a "")
IN_PUBLIC=$(upload b "&folder_id=$FOLDER")
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $BEA" "$PHOTOS/v1/photos/$IN_PUBLIC")" = 200 ] ||
  die "bea cannot read ana's public photo"

# ---- latency: one connection each ---------------------------------------------------------
# measure NAME TOKEN PATH: wrk -c1 for LAT_DUR s; prints "client_p50 server_p50"
measure() {
  local name=$1 token=$2 path=$3 from
  from=$(wc -l <"$TMP/photos.out")
  BENCH_TOKEN=$token timeout $((LAT_DUR + 20)) wrk -t1 -c1 -d"${LAT_DUR}s" --timeout 5s --latency \
    -s "$LUA" "$PHOTOS$path" >"$TMP/$name.wrk" 2>&1 || true
  grep -q '^BENCH_JSON ' "$TMP/$name.wrk" || { cat "$TMP/$name.wrk" >&2; die "wrk run '$name' produced no result"; }
  kill -0 "$PHOTOS_PID" 2>/dev/null || die "carrete-photos died during $name"
  local client server non2xx
  client=$(sed -n 's/^BENCH_JSON //p' "$TMP/$name.wrk" | jq -r .p50_ms)
  non2xx=$(sed -n 's/^BENCH_JSON //p' "$TMP/$name.wrk" | jq -r .non2xx)
  [ "$non2xx" = 0 ] || die "$name: $non2xx answers were not 2xx"
  server=$(tail -n +"$((from + 1))" "$TMP/photos.out" | python3 -c '
import json, statistics, sys
d = [json.loads(l)["duration_ms"] for l in sys.stdin
     if l.startswith("{") and "\"route\":\"/v1/photos/{id}\"" in l and "\"status\":200" in l]
print(f"{statistics.median(d):.3f}" if d else "nan")')
  echo "$client $server"
}
log "GET own unfiled photo (no folder check): wrk -c1 -d${LAT_DUR}s"
read -r PLAIN_CLIENT PLAIN_SERVER < <(measure plain "$ANA" "/v1/photos/$UNFILED")
log "GET someone else's photo in a public folder (folder check): wrk -c1 -d${LAT_DUR}s"
read -r CHECK_CLIENT CHECK_SERVER < <(measure checked "$BEA" "/v1/photos/$IN_PUBLIC")

python3 - "$PLAIN_CLIENT" "$PLAIN_SERVER" "$CHECK_CLIENT" "$CHECK_SERVER" <<'PY'
import sys
pc, ps, cc, cs = map(float, sys.argv[1:])
print()
print("| measure | without check | with folder check | added | target |")
print("|---|---|---|---|---|")
print(f"| p50 server-side (request log) | {ps:.3f} ms | {cs:.3f} ms | {cs - ps:.3f} ms | < 2 ms |")
print(f"| p50 client-side (wrk) | {pc:.3f} ms | {cc:.3f} ms | {cc - pc:.3f} ms | — |")
print(f"\nadded p50 / 2 ms target = {(cs - ps) / 2:.2f}")
PY
