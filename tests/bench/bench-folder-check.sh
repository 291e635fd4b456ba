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
source "$HERE/bench-lib.sh"
LUA=$HERE/folders.lua

LAT_DUR=${BENCH_LATENCY_DURATION:-5} # seconds of each one-connection latency phase
PASSWORD='bench-password-0123456789'

# ---- tools ------------------------------------------------------------------
bench_tools libvips-tools

bench_binaries "$USERS_BIN" "$FOLDERS_BIN" "$PHOTOS_BIN"

# ---- scratch dir and cleanup --------------------------------------------------
bench_scratch

# ---- PostgreSQL -----------------------------------------------------------------
bench_postgres carrete_users carrete_folders carrete_photos

# ---- services ------------------------------------------------------------------------
mkdir "$TMP/storage"
bench_keys
USERS_PORT=$(free_port)
FOLDERS_PORT=$(free_port)
PHOTOS_PORT=$(free_port)
USERS=http://127.0.0.1:$USERS_PORT
FOLDERS=http://127.0.0.1:$FOLDERS_PORT
PHOTOS=http://127.0.0.1:$PHOTOS_PORT
start users "$USERS_BIN" "$USERS_PORT" carrete_users CARRETE_JWT_PRIVATE_KEY_FILE="$TMP/keys/jwt.pem"
start folders "$FOLDERS_BIN" "$FOLDERS_PORT" carrete_folders CARRETE_PHOTOS_URL="$PHOTOS"
start photos "$PHOTOS_BIN" "$PHOTOS_PORT" carrete_photos CARRETE_FOLDERS_URL="$FOLDERS" \
  CARRETE_STORAGE=fs CARRETE_STORAGE_DIR="$TMP/storage" CARRETE_PUBLIC_URL="$PHOTOS"
PHOTOS_PID=${PIDS[-1]}

# ---- data: two users, a public folder, two photos ------------------------------------
ANA=$(bench_token "$USERS" ana "$PASSWORD") || die "cannot log in"
BEA=$(bench_token "$USERS" bea "$PASSWORD") || die "cannot log in"
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
  bench_wrk "$name" "$LUA" "$PHOTOS$path" 1 1 "$LAT_DUR" BENCH_TOKEN="$token"
  alive "$PHOTOS_PID" photos "$name"
  local client server non2xx
  client=$(jq -r .p50_ms "$TMP/$name.json")
  non2xx=$(jq -r .non2xx "$TMP/$name.json")
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
