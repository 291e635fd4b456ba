#!/usr/bin/env bash
# On-demand benchmark of a share link's listing: GET /v1/photos?folder_id=
# of a folder of 200 photos through its link (X-Carrete-Share, no account)
# against the same listing by the folder's owner, measured in the same run
# on the same data.  See tests/bench/README.md.
#
#   tests/bench/bench-links.sh          # BUILD defaults to <repo>/build
#
# Starts a private PostgreSQL 15 cluster, carrete-users (the owner's token),
# carrete-folders (the folder and its link, made through the API) and
# carrete-photos (fs storage: presigning is local, no bytes are read) on
# 127.0.0.1, inserts the folder's photos straight into the photos database,
# measures the first page with one connection (owner, link, owner again)
# and the full paging (every page of 50, alternated), prints a table with
# the ratios and one JSON line, and removes everything on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/bench-lib.sh"
LUA=$HERE/links.lua

N_PHOTOS=${BENCH_PHOTOS:-200}
LAT_DUR=${BENCH_LATENCY_DURATION:-5} # seconds of each one-connection phase
WALKS=${BENCH_WALKS:-100}            # full pagings of each caller, alternated
PASSWORD='bench-password-0123456789'

# ---- PostgreSQL, the three services, the owner (row 1) ------------------------------
bench_tools
bench_binaries "$USERS_BIN" "$FOLDERS_BIN" "$PHOTOS_BIN"
bench_scratch carrete-linkbench
bench_postgres carrete_users carrete_folders carrete_photos
bench_keys
USERS_PORT=$(free_port)
FOLDERS_PORT=$(free_port)
PHOTOS_PORT=$(free_port)
USERS=http://127.0.0.1:$USERS_PORT
FOLDERS=http://127.0.0.1:$FOLDERS_PORT
BASE=http://127.0.0.1:$PHOTOS_PORT
mkdir -p "$TMP/store" "$TMP/spool"
start users "$USERS_BIN" "$USERS_PORT" carrete_users CARRETE_JWT_PRIVATE_KEY_FILE="$TMP/keys/jwt.pem"
start folders "$FOLDERS_BIN" "$FOLDERS_PORT" carrete_folders CARRETE_PHOTOS_URL="$BASE" \
  CARRETE_USERS_URL="$USERS"
FOLDERS_PID=${PIDS[-1]}
start photos "$PHOTOS_BIN" "$PHOTOS_PORT" carrete_photos CARRETE_FOLDERS_URL="$FOLDERS" \
  CARRETE_USERS_URL="$USERS" CARRETE_STORAGE=fs CARRETE_STORAGE_DIR="$TMP/store" \
  CARRETE_SPOOL_DIR="$TMP/spool" CARRETE_PUBLIC_URL="$BASE"
PHOTOS_PID=${PIDS[-1]}
TOKEN=$(bench_token "$USERS" bench "$PASSWORD") || die "register or login failed"
[ "$(psql_q -d carrete_users -c 'SELECT id FROM users')" = 1 ] || die "the bench user is not row 1"

# ---- the folder, its link, its photos ------------------------------------------------
FOLDER=$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"name":"linked","visibility":"private"}' "$FOLDERS/v1/folders" | jq -re .id)
SHARE=$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"folder_id\":\"$FOLDER\",\"allow_download\":true}" "$FOLDERS/v1/shares" | jq -re .token)
FOLDER_ROW=$(psql_q -d carrete_folders -c 'SELECT id FROM folders')
log "inserting $N_PHOTOS ready photos into folder row $FOLDER_ROW"
psql_q -d carrete_photos <<SQL
INSERT INTO photos (owner_id, folder_id, name, object_prefix, content_type, size, sha256, width,
                    height, taken_at, uploaded_at, updated_at, state, thumbnails)
SELECT 1, $FOLDER_ROW, format('IMG_%s.JPG', lpad(i::text, 6, '0')), 'p/' || md5('link' || i),
       'image/jpeg', 3000000 + (i * 7919) % 4000000,
       decode(md5(i::text) || md5('x' || i), 'hex'), 6000, 4000,
       timestamptz '2015-01-01 00:00:00+00' + i * interval '37 minutes',
       now() - (($N_PHOTOS - i) * interval '1 second'),
       now() - (($N_PHOTOS - i) * interval '1 second'), 'ready', 'ready'
  FROM generate_series(1, $N_PHOTOS) AS i;
ANALYZE photos;
SQL
LIST="/v1/photos?folder_id=$FOLDER&limit=50"
OWNER_PAGE=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE$LIST" | jq -c '[.items[].id]')
LINK_PAGE=$(curl -fsS -H "X-Carrete-Share: $SHARE" "$BASE$LIST" | jq -c '[.items[].id]')
[ "$(jq length <<<"$OWNER_PAGE")" = 50 ] || die "the owner's first page is not full"
[ "$OWNER_PAGE" = "$LINK_PAGE" ] || die "the link's first page differs from the owner's"

# latency NAME ENV=VALUE: one connection for LAT_DUR s on the first page; the
# server-side p50 (ms) of photos' requests, from its request log, in
# $TMP/NAME.p50.
latency() {
  local name=$1 from
  log "wrk GET $LIST as $name: -t1 -c1 -d${LAT_DUR}s (latency)"
  from=$(wc -l <"$TMP/photos.out")
  bench_wrk "$name" "$LUA" "$BASE$LIST" 1 1 "$LAT_DUR" "$2"
  alive "$PHOTOS_PID" photos "$name"
  alive "$FOLDERS_PID" folders "$name"
  bench_server_p50 "$TMP/photos.out" "$from" /v1/photos >"$TMP/$name.p50"
}

# The owner first, then the link, then the owner again: a machine that
# slows down during the run shows as two different baselines.
latency owner BENCH_TOKEN="$TOKEN"
latency link BENCH_SHARE="$SHARE"
latency owner2 BENCH_TOKEN="$TOKEN"

# ---- full paging: every page of 50, owner and link alternated -------------------------
log "paging all $N_PHOTOS photos $WALKS times each, owner and link alternated"
"$PY" - "$BASE" "$LIST" "$TOKEN" "$SHARE" "$WALKS" "$N_PHOTOS" >"$TMP/walk.json" <<'PY'
import http.client, json, statistics, sys, time, urllib.parse
base, path, token, share, walks, n = sys.argv[1:7]
url = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)

def walk(headers):
    cursor, seen, t0 = None, 0, time.perf_counter()
    while True:
        target = path + ("&cursor=" + urllib.parse.quote(cursor, safe="") if cursor else "")
        conn.request("GET", target, headers=headers)
        r = conn.getresponse()
        body = json.loads(r.read())
        assert r.status == 200, (r.status, body)
        seen += len(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            break
    assert seen == int(n), seen
    return (time.perf_counter() - t0) * 1000

owner, link = [], []
for _ in range(int(walks)):
    owner.append(walk({"Authorization": "Bearer " + token}))
    link.append(walk({"X-Carrete-Share": share}))
print(json.dumps({"owner_ms": statistics.median(owner), "link_ms": statistics.median(link)}))
PY

PYTHONPATH="$BENCH_HERE" PYTHONDONTWRITEBYTECODE=1 python3 - "$TMP" "$N_PHOTOS" <<'PY'
import json, sys
from bench_report import check, errs, missed_names, print_table, print_verdict
tmp, n = sys.argv[1:3]
run = {k: json.load(open(f"{tmp}/{k}.json")) for k in ("owner", "link", "owner2")}
p50 = {k: float(open(f"{tmp}/{k}.p50").read()) for k in run}
walk = json.load(open(f"{tmp}/walk.json"))
base = min(p50["owner"], p50["owner2"])
ratio = p50["link"] / base if base else float("inf")
client_base = min(run["owner"]["p50_ms"], run["owner2"]["p50_ms"])
client_ratio = run["link"]["p50_ms"] / client_base
walk_ratio = walk["link_ms"] / walk["owner_ms"]
rows_out = [
    ("metric", "measured", "target", "result", "notes"),
    ("first page, link / owner, p50 (server)", f"{ratio:.2f}", "<= 1.2",
     check("first page", ratio <= 1.2, f"{ratio:.2f} > 1.2"),
     f"link {p50['link']:.3f} ms; owner {p50['owner']:.3f} / {p50['owner2']:.3f} ms (before / after)"),
    ("  same at the client (wrk -c1 p50)", f"{client_ratio:.2f}", "", "",
     f"link {run['link']['p50_ms']:.3f} ms, {run['link']['rps']:.0f} req/s; owner {client_base:.3f} ms; "
     + errs(run["link"])),
    (f"all {n} photos, 4 pages, link / owner (median)", f"{walk_ratio:.2f}", "<= 1.2",
     check("full paging", walk_ratio <= 1.2, f"{walk_ratio:.2f} > 1.2"),
     f"link {walk['link_ms']:.2f} ms, owner {walk['owner_ms']:.2f} ms per full paging"),
]
print_table(f"share link listing benchmark (a folder of {n} photos, limit=50; 127.0.0.1)", rows_out)
print_verdict()
print(json.dumps({"photos": int(n), "link_p50_ms": p50["link"],
                  "owner_p50_ms": [p50["owner"], p50["owner2"]], "ratio": round(ratio, 2),
                  "client_ratio": round(client_ratio, 2), "walk_link_ms": round(walk["link_ms"], 2),
                  "walk_owner_ms": round(walk["owner_ms"], 2), "walk_ratio": round(walk_ratio, 2),
                  "non2xx": sum(r["non2xx"] for r in run.values()),
                  "targets_missed": missed_names()}, separators=(",", ":")))
PY
