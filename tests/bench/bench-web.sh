#!/usr/bin/env bash
# On-demand benchmark for carrete-web.  See tests/bench/README.md.
#
#   tests/bench/bench-web.sh          # BUILD defaults to <repo>/build
#
# Starts a private PostgreSQL 15, carrete-users, -folders, -photos (fs
# storage) and carrete-web on 127.0.0.1; registers a user with 50 photos;
# signs in through the web form (a real CSRF token, real cookies); then
# measures the gallery page (/, 50 thumbnails):
#   - server time p50/p90: carrete-web's own duration_ms log field for "/"
#     over BENCH_REQUESTS sequential requests (target p50 < 30 ms);
#   - throughput with wrk (BENCH_DURATION seconds, 2 threads, 8 connections);
#   - page weight: the gallery's HTML + CSS + JS, before images (target
#     < 100 KB).
# Prints a table and one JSON line; removes everything on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/bench-lib.sh"
WEB_BIN=$BUILD/services/web/carrete-web
N_PHOTOS=${BENCH_PHOTOS:-50}
N_REQUESTS=${BENCH_REQUESTS:-200}
DUR=${BENCH_DURATION:-10}
PASSWORD='bench-password-0123456789'

bench_tools
bench_binaries "$USERS_BIN" "$FOLDERS_BIN" "$PHOTOS_BIN" "$WEB_BIN"
bench_scratch carrete-bench-web
bench_postgres carrete_users carrete_folders carrete_photos
bench_keys

USERS_PORT=$(free_port)
FOLDERS_PORT=$(free_port)
PHOTOS_PORT=$(free_port)
WEB_PORT=$(free_port)
USERS=http://127.0.0.1:$USERS_PORT
PHOTOS=http://127.0.0.1:$PHOTOS_PORT
WEB=http://127.0.0.1:$WEB_PORT
mkdir -p "$TMP/storage" "$TMP/spool"
export CARRETE_USERS_URL=$USERS CARRETE_PHOTOS_URL=$PHOTOS CARRETE_FOLDERS_URL=http://127.0.0.1:$FOLDERS_PORT

start users "$USERS_BIN" "$USERS_PORT" carrete_users CARRETE_JWT_PRIVATE_KEY_FILE="$TMP/keys/jwt.pem"
start folders "$FOLDERS_BIN" "$FOLDERS_PORT" carrete_folders
start photos "$PHOTOS_BIN" "$PHOTOS_PORT" carrete_photos CARRETE_STORAGE=fs \
  CARRETE_STORAGE_DIR="$TMP/storage" CARRETE_PUBLIC_URL="$PHOTOS" CARRETE_SPOOL_DIR="$TMP/spool"
# migrate is a no-op for carrete-web; `start` runs it like for the others.
start web "$WEB_BIN" "$WEB_PORT" none CARRETE_COOKIE_SECURE=false CARRETE_SPOOL_DIR="$TMP/spool"
WEB_PID=${PIDS[-1]}

# ---- a user with 50 photos -------------------------------------------------
TOKEN=$(bench_token "$USERS" bench "$PASSWORD") || die "register or login failed"
log "uploading $N_PHOTOS photos"
for i in $(seq "$N_PHOTOS"); do
  # A distinct 64x48 PNG each time (the service refuses duplicates).
  "$PY" - "$TMP/p.png" "$i" <<'PY'
import struct, sys, zlib
path, seed = sys.argv[1], int(sys.argv[2])
w, h = 64, 48
rows = b"".join(b"\0" + bytes(((x * seed + y * 7 + seed) % 256) for x in range(w * 3)) for y in range(h))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
open(path, "wb").write(png)
PY
  curl -fsS -o /dev/null -X POST "$PHOTOS/v1/photos?name=photo-$i.png" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: image/png' --data-binary "@$TMP/p.png" || die "upload $i failed"
done

# ---- sign in through the web form ---------------------------------------------
JAR=$TMP/cookies.txt
CSRF=$(curl -fsS -c "$JAR" -b "$JAR" "$WEB/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$CSRF" ] || die "no CSRF token on /login"
STATUS=$(curl -sS -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" -X POST "$WEB/login" \
  --data-urlencode username=bench --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$CSRF")
[ "$STATUS" = 303 ] || die "web sign-in answered $STATUS"
COOKIE=$(awk '!/^#/ && NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep="; " } /^#HttpOnly_/ { sub(/^#HttpOnly_/, ""); printf "%s%s=%s", sep, $6, $7; sep="; " }' "$JAR")

# ---- page weight ---------------------------------------------------------------------
curl -fsS -H "Cookie: $COOKIE" "$WEB/" -o "$TMP/gallery.html"
CARDS=$(grep -o 'class="photo-card"' "$TMP/gallery.html" | wc -l)
[ "$CARDS" -ge "$N_PHOTOS" ] || [ "$CARDS" -eq 50 ] || die "the gallery shows $CARDS photos, not $N_PHOTOS"
HTML_BYTES=$(stat -c %s "$TMP/gallery.html")
CSS_BYTES=$(curl -fsS "$WEB/static/carrete.css" | wc -c)
JS_BYTES=$(curl -fsS "$WEB/static/upload.js" | wc -c)
TOTAL_BYTES=$((HTML_BYTES + CSS_BYTES + JS_BYTES))

# ---- server time, sequential -----------------------------------------------------------
log "$N_REQUESTS sequential gallery requests"
BEFORE=$(wc -l <"$TMP/web.out")
for _ in $(seq "$N_REQUESTS"); do
  curl -fsS -o /dev/null -H "Cookie: $COOKIE" "$WEB/"
done
alive "$WEB_PID" web "sequential requests"
tail -n +"$((BEFORE + 1))" "$TMP/web.out" | jq -r 'select(.route == "/" and .status == 200) | .duration_ms' \
  | sort -n >"$TMP/server-ms.txt"
N_MEASURED=$(wc -l <"$TMP/server-ms.txt")
[ "$N_MEASURED" -gt 0 ] || die "no gallery request logged"
pct() { awk -v p="$1" '{ a[NR] = $1 } END { i = int((NR - 1) * p / 100) + 1; printf "%.2f", a[i] }' "$TMP/server-ms.txt"; }
P50=$(pct 50)
P90=$(pct 90)
P99=$(pct 99)

# ---- throughput ------------------------------------------------------------------------------
log "wrk: ${DUR}s, 2 threads, 8 connections"
bench_wrk gallery "$HERE/web.lua" "$WEB/" 2 8 "$DUR" BENCH_COOKIE="$COOKIE"
alive "$WEB_PID" web "wrk"
RPS=$(jq -r .rps "$TMP/gallery.json")
WRK_P50=$(jq -r .p50_ms "$TMP/gallery.json")
NON2XX=$(jq -r .non2xx "$TMP/gallery.json")

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "ok" : "OVER" }'; }
printf '\n%-44s %12s %10s %6s\n' "carrete-web gallery (50 thumbnails)" "measured" "target" ""
printf '%-44s %9s ms %7s ms %6s\n' "server time p50 (own log, sequential)" "$P50" 30 "$(verdict "$P50" 30)"
printf '%-44s %9s ms\n' "server time p90" "$P90"
printf '%-44s %9s ms\n' "server time p99" "$P99"
printf '%-44s %8s r/s   (p50 %s ms, non-2xx %s)\n' "wrk throughput, 8 connections" "$RPS" "$WRK_P50" "$NON2XX"
printf '%-44s %9s B\n' "HTML" "$HTML_BYTES"
printf '%-44s %9s B\n' "CSS" "$CSS_BYTES"
printf '%-44s %9s B\n' "JS" "$JS_BYTES"
printf '%-44s %9s B %7s B %6s\n\n' "page weight before images" "$TOTAL_BYTES" 102400 "$(verdict "$TOTAL_BYTES" 102400)"
echo "BENCH_WEB_JSON {\"photos\":$CARDS,\"server_p50_ms\":$P50,\"server_p90_ms\":$P90,\"server_p99_ms\":$P99,\"measured\":$N_MEASURED,\"rps\":$RPS,\"wrk_p50_ms\":$WRK_P50,\"non2xx\":$NON2XX,\"html_bytes\":$HTML_BYTES,\"css_bytes\":$CSS_BYTES,\"js_bytes\":$JS_BYTES,\"total_bytes\":$TOTAL_BYTES}"
