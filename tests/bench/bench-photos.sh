#!/usr/bin/env bash
# On-demand benchmark for carrete-photos.  See tests/bench/README.md.
#
#   tests/bench/bench-photos.sh        # builds build-bench (release) first
#
# Starts, on 127.0.0.1 only, a private PostgreSQL 15, a private MinIO,
# carrete-users and carrete-photos (s3 storage), all in a mktemp -d folder,
# measures, prints a table and one JSON line, and removes everything on exit.
# Every phase is bounded in requests and in time; a run takes 3-5 minutes,
# plus the thumbnails-job phase (1,000 12 MP JPEGs: about 10 minutes on 2
# cores; BENCH_JOBS sets the count, BENCH_PHASES which phases run).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../scripts/lib.sh"
source "$HERE/../../scripts/postgres.sh"
source "$HERE/bench-lib.sh"

BUILD_DIR=${BENCH_BUILD_DIR:-build-bench}      # relative to the repository
BUILD=$CARRETE_ROOT/$BUILD_DIR
DUR=${BENCH_DURATION:-10}                      # seconds of each wrk / pgbench run
# The big file: a noise PNG of about W * H * 3 bytes (default), or with
# BENCH_BIG_FORMAT=jpeg a noise JPEG (quality 98, no chroma subsampling) of
# about W * H * 2 bytes, which libvips can shrink while decoding.
BIG_FORMAT=${BENCH_BIG_FORMAT:-png}
case "$BIG_FORMAT" in
  png) BIG_W=${BENCH_BIG_WIDTH:-10000} BIG_H=${BENCH_BIG_HEIGHT:-7000} ;;
  jpeg) BIG_W=${BENCH_BIG_WIDTH:-11900} BIG_H=${BENCH_BIG_HEIGHT:-8400} ;;
  *) echo "BENCH_BIG_FORMAT must be png or jpeg" >&2; exit 2 ;;
esac
export BENCH_BIG_FORMAT=$BIG_FORMAT BENCH_BIG_TYPE=image/$BIG_FORMAT
BIG_ROUNDS=${BENCH_BIG_ROUNDS:-3}              # direct PUT + service upload, alternated
N_ROWS=${BENCH_ROWS:-100000}                   # photos of the listing user
DEEP_PAGE=${BENCH_DEEP_PAGE:-2000}
LAT_RUNS=${BENCH_LATENCY_RUNS:-100}            # timed requests of page 1 and of the deep page
N_SMALL=${BENCH_SMALL:-1000}
SMALL_CLIENTS=${BENCH_SMALL_CLIENTS:-8}
SMALL_DEADLINE=${BENCH_SMALL_DEADLINE:-240}    # seconds; uploads not started by then are skipped
PERF_DIR=${BENCH_PERF:-}                       # a folder: perf profiles of the photos service
RESUMABLE_BYTES=${BENCH_RESUMABLE_BYTES:-1000000000} # the resumable upload (1 GB)
RESUMABLE_PARALLEL=${BENCH_RESUMABLE_PARALLEL:-4}    # part PUTs at a time
N_JOBS=${BENCH_JOBS:-1000}                     # 12 MP JPEGs of the thumbnails-job phase
JOBS_CLIENTS=${BENCH_JOBS_CLIENTS:-8}
JOBS_DEADLINE=${BENCH_JOBS_DEADLINE:-1800}     # seconds until every thumbnail is ready
# Which phases run (comma-separated): resumable, big, thumbs, list, small, jobs.  E.g.
# BENCH_PHASES=jobs BENCH_JOBS=20 for a quick look at the thumbnails jobs.
PHASES=${BENCH_PHASES:-resumable,big,thumbs,list,small,jobs}
phase() { [[ ",$PHASES," == *",$1,"* ]]; }
PASSWORD='bench-password-0123456789'

# ---- tools and build ----------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || die "run as root (the private PostgreSQL runs as the postgres account)"
ensure_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" python3 wrk jq \
  postgresql-contrib libvips-tools
ensure_minio
PY=$(command -v python3)
HELPER=$HERE/photos-bench.py
if [ ! -f "$BUILD/build.ninja" ]; then
  say "configuring $BUILD_DIR (release)"
  meson setup "$BUILD" "$CARRETE_ROOT" -Dbuildtype=release >/dev/null
fi
say "building $BUILD_DIR"
ninja -j2 -C "$BUILD" >/dev/null || die "build failed"
USERS_BIN=$BUILD/services/users/carrete-users
PHOTOS_BIN=$BUILD/services/photos/carrete-photos

# ---- scratch dir and cleanup ----------------------------------------------------------
bench_scratch carrete-phbench
PERF_PIDS=()

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before: $LOAD_BEFORE ($(nproc) CPUs)"

# ---- PostgreSQL, MinIO, services ----------------------------------------------------------
PG_PORT=$(free_port)
pg_init "$TMP/pg"
pg_start "$TMP/pg" "$PG_PORT"
PG_PID=$(head -n1 "$TMP/pg/data/postmaster.pid")
USERS_DB=$(pg_service_database "$TMP/pg" "$PG_PORT" carrete_users)
PHOTOS_DB=$(pg_service_database "$TMP/pg" "$PG_PORT" carrete_photos)
ensure_keys "$TMP/keys"

MINIO_PORT=$(free_port)
MINIO_USER=bench$(openssl rand -hex 4)
MINIO_PASS=$(openssl rand -hex 20)
mkdir -p "$TMP/minio"
(cd "$TMP" && MINIO_ROOT_USER=$MINIO_USER MINIO_ROOT_PASSWORD=$MINIO_PASS exec \
  "$CARRETE_ROOT/.cache/bin/minio" server --quiet --address "127.0.0.1:$MINIO_PORT" \
  --console-address "127.0.0.1:$(free_port)" "$TMP/minio" >"$TMP/minio.log" 2>&1) &
MINIO_PID=$!
PIDS+=("$MINIO_PID")
wait_for_http "http://127.0.0.1:$MINIO_PORT/minio/health/ready" 600 ||
  { tail "$TMP/minio.log" >&2; die "MinIO did not start"; }

USERS_PORT=$(free_port)
PHOTOS_PORT=$(free_port)
CLOSED_PORT=$(free_port) # nothing listens: no folders are used
export CARRETE_JWT_PUBLIC_KEY_FILE=$TMP/keys/jwt-public.pem CARRETE_ID_KEY_FILE=$TMP/keys/id.key
export CARRETE_USERS_URL=http://127.0.0.1:$USERS_PORT
export CARRETE_PHOTOS_URL=http://127.0.0.1:$PHOTOS_PORT
export CARRETE_FOLDERS_URL=http://127.0.0.1:$CLOSED_PORT

# start NAME BIN PORT DB_URL [ENV=VALUE...]: migrate, serve, wait for /readyz.
start() {
  local name=$1 bin=$2 port=$3 db=$4 pid
  shift 4
  (cd "$TMP" && env CARRETE_DATABASE_URL="$db" "$@" "$bin" migrate) >"$TMP/$name.log" 2>&1 ||
    { cat "$TMP/$name.log" >&2; die "$name: migrate failed"; }
  (cd "$TMP" && exec env CARRETE_DATABASE_URL="$db" CARRETE_LISTEN="127.0.0.1:$port" "$@" \
     "$bin" serve) >>"$TMP/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_for_http "http://127.0.0.1:$port/readyz" 200 || { tail "$TMP/$name.log" >&2; die "$name not ready"; }
  eval "${name^^}_PID=$pid"
}
start users "$USERS_BIN" "$USERS_PORT" "$USERS_DB" \
  CARRETE_JWT_PRIVATE_KEY_FILE="$TMP/keys/jwt-private.pem"
mkdir -p "$TMP/spool"
start photos "$PHOTOS_BIN" "$PHOTOS_PORT" "$PHOTOS_DB" \
  CARRETE_STORAGE=s3 CARRETE_S3_ENDPOINT="http://127.0.0.1:$MINIO_PORT" CARRETE_S3_BUCKET=carrete \
  CARRETE_S3_ACCESS_KEY="$MINIO_USER" CARRETE_S3_SECRET_KEY="$MINIO_PASS" \
  CARRETE_PUBLIC_URL="http://127.0.0.1:$PHOTOS_PORT" CARRETE_SPOOL_DIR="$TMP/spool" \
  CARRETE_MAX_UPLOAD_BYTES=$((RESUMABLE_BYTES + 1000000)) CARRETE_MAX_PIXELS=100000000
BASE=http://127.0.0.1:$PHOTOS_PORT
log "PostgreSQL :$PG_PORT, MinIO :$MINIO_PORT, users :$USERS_PORT (pid $USERS_PID)," \
    "photos :$PHOTOS_PORT (pid $PHOTOS_PID)"

# perf_during NAME SECONDS: sample the photos service in the background (BENCH_PERF only).
perf_during() {
  [ -n "$PERF_DIR" ] || return 0
  mkdir -p "$PERF_DIR"
  (perf record -q -F 499 -p "$PHOTOS_PID" -o "$PERF_DIR/$1.data" -- sleep "$2" >/dev/null 2>&1 &&
     perf report -q --stdio -i "$PERF_DIR/$1.data" --sort dso,sym --percent-limit 0.7 \
       >"$PERF_DIR/$1.txt" 2>/dev/null) &
  PERF_PIDS+=($!)
}

# photo_jpeg NAME W H SLOPES SIGMA QUALITY: a JPEG in $TMP that compresses like a
# photo (a colour gradient with some noise), made with vips.
photo_jpeg() {
  (cd "$TMP" &&
    vips xyz xyz.v "$2" "$3" && vips linear xyz.v grad.v "$4" "20 20" &&
    vips extract_band grad.v g0.v 0 && vips extract_band grad.v g1.v 1 &&
    vips gaussnoise noise.v "$2" "$3" --sigma "$5" --mean 0 &&
    vips add g0.v noise.v r.v && vips add g1.v noise.v g.v && vips bandjoin "r.v g.v r.v" rgb.v &&
    vips cast rgb.v rgbu.v uchar && vips copy rgbu.v "$1[Q=$6]" && rm -f ./*.v) ||
    die "cannot make $1"
}

snap() { "$PY" "$HELPER" snap "$TMP/snap-$1.json" photos="$PHOTOS_PID" users="$USERS_PID" \
           minio="$MINIO_PID" pg="$PG_PID"; }

UP_TOKEN=$(bench_token "http://127.0.0.1:$USERS_PORT" benchupload "$PASSWORD") || die "cannot log in"
LIST_TOKEN=$(bench_token "http://127.0.0.1:$USERS_PORT" benchlist "$PASSWORD") || die "cannot log in"

# ---- 0. a 1 GB resumable upload: presigned parts versus a direct S3 multipart upload ----------
# The file is a valid JPEG (a small image padded with comment segments), so
# complete runs the whole ingest; its time is reported apart from the
# transfer, which is what the ratio compares.
S3=http://127.0.0.1:$MINIO_PORT/carrete
if phase resumable; then
log "resumable: making a $RESUMABLE_BYTES-byte JPEG"
vips black "$TMP/tiny.jpg" 640 480 || die "cannot make the small JPEG"
"$PY" "$HELPER" padjpeg "$TMP/tiny.jpg" "$TMP/resumable.jpg" "$RESUMABLE_BYTES"
log "resumable: direct multipart to MinIO and through carrete-photos, twice each in the order direct, service, service, direct ($RESUMABLE_PARALLEL parts at a time)"
"$PY" "$HELPER" resumable "$TMP/resumable.json" --base "$BASE" --token "$UP_TOKEN" \
  --file "$TMP/resumable.jpg" --s3 "$S3" --auth "$MINIO_USER:$MINIO_PASS" --parts "$TMP/parts" \
  --parallel "$RESUMABLE_PARALLEL"
alive "$PHOTOS_PID" photos "the resumable upload"
log "  $(jq -r '"direct multipart \(.direct.seconds*100|round/100) s, resumable \(.resumable.seconds*100|round/100) s (ratio \(.ratio*100|round/100)); complete \(.resumable.complete_s*100|round/100) s"' "$TMP/resumable.json")"
rm -rf "$TMP/parts" "$TMP/resumable.jpg"
fi

# ---- 1. a 200 MB upload: through the service versus straight to MinIO ----------------------
SHA_S=0 VIPS_S=0
if phase big; then
BIG=$TMP/big.$BIG_FORMAT
log "making a ${BIG_W}x${BIG_H} noise $BIG_FORMAT"
if [ "$BIG_FORMAT" = png ]; then
  "$PY" "$HELPER" png "$BIG" "$BIG_W" "$BIG_H"
else
  for band in r g b; do vips gaussnoise "$TMP/$band.v" "$BIG_W" "$BIG_H" --sigma 50; done
  vips bandjoin "$TMP/r.v $TMP/g.v $TMP/b.v" "$TMP/rgb.v"
  vips jpegsave "$TMP/rgb.v" "$BIG" --Q 98 --subsample-mode off
  rm -f "$TMP"/r.v "$TMP"/g.v "$TMP"/b.v "$TMP/rgb.v"
fi
BIG_BYTES=$(stat -c %s "$BIG")
log "$(basename "$BIG"): $BIG_BYTES bytes"
# openssl: the same library (and CPU SHA extensions) as the service's hashing.
t0=$(date +%s.%N); BIG_SHA=$(openssl dgst -sha256 -r "$BIG" | cut -d' ' -f1); t1=$(date +%s.%N)
SHA_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
t0=$(date +%s.%N); vips avg "$BIG" >/dev/null; t1=$(date +%s.%N)
VIPS_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
log "SHA-256 (openssl) ${SHA_S} s, vips avg (one full decode) ${VIPS_S} s"

snap big0
for i in $(seq "$BIG_ROUNDS"); do
  log "round $i/$BIG_ROUNDS: direct PUT to MinIO"
  "$PY" "$HELPER" put "$TMP/direct-$i.json" --url "$S3/bench/direct-$i.png" --file "$BIG" \
    --auth "$MINIO_USER:$MINIO_PASS"
  log "round $i/$BIG_ROUNDS: POST /v1/photos (sampling RSS every 100 ms)"
  [ "$i" -eq 1 ] && perf_during big 25
  "$PY" "$HELPER" big "$TMP/service-$i.json" --url "$BASE/v1/photos?name=big-$i.$BIG_FORMAT" \
    --token "$UP_TOKEN" --file "$BIG" --pid "$PHOTOS_PID" --spool "$TMP/spool" --body "$TMP/big-$i.body"
  alive "$PHOTOS_PID" photos "the 200 MB upload"
  status=$(jq -r .status "$TMP/service-$i.json")
  [ "$status" = 201 ] || { cat "$TMP/big-$i.body" >&2; die "upload answered $status"; }
  log "  direct $(jq -r '.seconds' "$TMP/direct-$i.json") s, service $(jq -r '.seconds' "$TMP/service-$i.json") s"
  # The next round sends the same bytes: remove the photo, or it is a 409 duplicate.
  id=$(jq -r .id "$TMP/big-$i.body")
  curl -fsS --max-time 60 -X DELETE -H "Authorization: Bearer $UP_TOKEN" "$BASE/v1/photos/$id" ||
    die "cannot delete photo $id"
done
snap big1
log "direct PUT with a signed payload (MinIO checks the SHA-256), once"
"$PY" "$HELPER" put "$TMP/direct-signed.json" --url "$S3/bench/direct-signed.png" --file "$BIG" \
  --auth "$MINIO_USER:$MINIO_PASS" --sha256 "$BIG_SHA"
rm -f "$BIG"
fi

# ---- 2. thumbnails of a 24-megapixel JPEG (a separate program, if merged) ---------------------
THUMBS=
if ! phase thumbs; then
  :
elif [ -f "$HERE/bench-thumbnails.c" ]; then
  log "bench-thumbnails"
  ninja -j2 -C "$BUILD" tests/bench/bench-thumbnails >/dev/null
  "$BUILD/tests/bench/bench-thumbnails" | tee "$TMP/thumbs.out"
  THUMBS=$(tail -n1 "$TMP/thumbs.out")
else
  log "bench-thumbnails: not in this tree (imaging branch); skipped"
fi

# ---- 3. listing 100,000 photos ---------------------------------------------------------------
if phase list; then
OWNER=$(psql -X -q -At "$USERS_DB" -c "SELECT id FROM users WHERE username = 'benchlist'")
log "inserting $N_ROWS ready photos for user id $OWNER"
psql -X -q -v ON_ERROR_STOP=1 "$PHOTOS_DB" >/dev/null <<SQL
-- Plausible rows: camera names, one JPEG of 3-7 MB each, 6000x4000, shot
-- every 37 minutes from 2015; one in ten without EXIF (shot_at = upload time).
INSERT INTO photos (owner_id, name, object_prefix, content_type, size, sha256, width, height,
                    taken_at, uploaded_at, updated_at, state, thumbnails)
SELECT $OWNER, format('IMG_%s.JPG', lpad(i::text, 6, '0')), 'p/' || md5('bench' || i),
       'image/jpeg', 3000000 + (i * 7919) % 4000000,
       decode(md5(i::text) || md5('x' || i), 'hex'), 6000, 4000,
       CASE WHEN i % 10 = 0 THEN NULL
            ELSE timestamptz '2015-01-01 00:00:00+00' + i * interval '37 minutes' END,
       now() - (($N_ROWS - i) * interval '1 second'), now() - (($N_ROWS - i) * interval '1 second'),
       'ready', 'ready'
  FROM generate_series(1, $N_ROWS) AS i;
ANALYZE photos;
SQL

log "walking to page $DEEP_PAGE (limit=50)"
"$PY" "$HELPER" walk "$TMP/walk.json" --base "$BASE" --token "$LIST_TOKEN" --pages "$DEEP_PAGE"
log "  $(jq -r '"\(.pages) pages in \(.seconds|.*10|round/10) s, \(.distinct_ids) distinct ids"' "$TMP/walk.json")"
log "timing page 1 and page $DEEP_PAGE, $LAT_RUNS requests each, alternated"
"$PY" "$HELPER" latency "$TMP/latency.json" --base "$BASE" --token "$LIST_TOKEN" \
  --cursor "$(jq -r .cursor "$TMP/walk.json")" --runs "$LAT_RUNS"

# The exact SELECT the service runs for the first page, from PostgreSQL's log.
PGLOG=$TMP/pg/run/postgres.log
pg_psql "$TMP/pg" "$PG_PORT" -c 'ALTER SYSTEM SET log_min_duration_statement = 0' -c 'SELECT pg_reload_conf()' >/dev/null
sleep 0.5
curl -fsS --max-time 10 -o /dev/null -H "Authorization: Bearer $LIST_TOKEN" "$BASE/v1/photos?limit=50"
pg_psql "$TMP/pg" "$PG_PORT" -c 'ALTER SYSTEM RESET log_min_duration_statement' -c 'SELECT pg_reload_conf()' >/dev/null
"$PY" "$HELPER" pgsql "$PGLOG" "$TMP/select.sql" >"$TMP/select.json"
log "pgbench -M prepared -c16 -j2 -T$DUR on:"
sed 's/^/    /' "$TMP/select.sql" >&2
snap pgbench0
timeout $((DUR + 30)) pgbench -n -M prepared -c 16 -j 2 -T "$DUR" -f "$TMP/select.sql" "$PHOTOS_DB" \
  >"$TMP/pgbench.out" 2>&1 || { cat "$TMP/pgbench.out" >&2; die "pgbench failed"; }
snap pgbench1
PG_TPS=$(awk -F'= ' '/^tps = / { split($2, a, " "); print a[1] }' "$TMP/pgbench.out")
log "  pgbench $PG_TPS tps"

log "wrk -t2 -c16 -d${DUR}s GET /v1/photos?limit=50"
snap wrk0
perf_during list $((DUR - 2))
bench_wrk wrk "$HERE/photos.lua" "$BASE/v1/photos?limit=50" 2 16 "$DUR" BENCH_TOKEN="$LIST_TOKEN"
snap wrk1
alive "$PHOTOS_PID" photos "the list load"
log "  wrk $(jq -r .rps "$TMP/wrk.json") req/s"
fi

# ---- 4. 1,000 small JPEGs from 8 clients -------------------------------------------------------
if phase small; then
log "making $N_SMALL different ~200 KB JPEGs"
photo_jpeg base.jpg 1600 1200 "0.1 0.15" 3 85
"$PY" "$HELPER" jpegs "$TMP/base.jpg" "$TMP/small" "$N_SMALL"
log "uploading them, $SMALL_CLIENTS clients, at most ${SMALL_DEADLINE} s"
snap small0
perf_during small 20
"$PY" "$HELPER" small "$TMP/small.json" --base "$BASE" --token "$UP_TOKEN" --dir "$TMP/small" \
  --clients "$SMALL_CLIENTS" --deadline "$SMALL_DEADLINE"
snap small1
alive "$PHOTOS_PID" photos "the small uploads"
log "  $(jq -r '"\(.created) created in \(.seconds|.*10|round/10) s"' "$TMP/small.json")"
fi

# ---- 5. 1,000 12-megapixel JPEGs from 8 clients: until every thumbnail is ready --------------
# The uploads answer once the originals are stored; serve's job runner
# (CARRETE_JOBS_IN_SERVE, the default) makes the thumbnails meanwhile.
# Measured: from the first upload until no photo of the user is pending,
# and the CPU of the service and its decoder children over that time.
if phase jobs; then
log "making $N_JOBS different 12 MP JPEGs"
photo_jpeg base12.jpg 4000 3000 "0.05 0.07" 6 90
"$PY" "$HELPER" jpegs "$TMP/base12.jpg" "$TMP/jobs" "$N_JOBS"
JOBS_TOKEN=$(bench_token "http://127.0.0.1:$USERS_PORT" benchjobs "$PASSWORD") || die "cannot log in"
JOBS_OWNER=$(psql -X -q -At "$USERS_DB" -c "SELECT id FROM users WHERE username = 'benchjobs'")
log "uploading them, $JOBS_CLIENTS clients, then waiting for their thumbnails (at most ${JOBS_DEADLINE} s)"
snap jobs0
perf_during jobs 20
t0=$(date +%s.%N)
"$PY" "$HELPER" small "$TMP/jobs-upload.json" --base "$BASE" --token "$JOBS_TOKEN" --dir "$TMP/jobs" \
  --clients "$JOBS_CLIENTS" --deadline "$JOBS_DEADLINE"
count() { psql -X -q -At "$PHOTOS_DB" -c "SELECT count(*) FROM photos WHERE owner_id = $JOBS_OWNER AND thumbnails = '$1'"; }
deadline=$(( $(date +%s) + JOBS_DEADLINE ))
while [ "$(count pending)" -gt 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
t1=$(date +%s.%N)
snap jobs1
alive "$PHOTOS_PID" photos "the thumbnails jobs"
jq -n --argjson up "$(cat "$TMP/jobs-upload.json")" --arg s "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
  --arg ready "$(count ready)" --arg failed "$(count failed)" --arg pending "$(count pending)" \
  --arg clients "$JOBS_CLIENTS" \
  '{files: $up.files, clients: ($clients|tonumber), megapixels: 12, mean_bytes: $up.mean_bytes,
    upload_seconds: $up.seconds, seconds: ($s|tonumber), ready: ($ready|tonumber),
    failed: ($failed|tonumber), pending: ($pending|tonumber)}' >"$TMP/jobs.json"
log "  $(jq -r '"\(.ready) ready in \(.seconds|.*10|round/10) s (uploads answered in \(.upload_seconds|.*10|round/10) s)"' "$TMP/jobs.json")"
fi

# ---- report ------------------------------------------------------------------------------------
for p in "${PERF_PIDS[@]}"; do wait "$p" || true; done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
"$PY" - "$TMP" "$DUR" "$SMALL_CLIENTS" "$LOAD_BEFORE" "$LOAD_AFTER" "$VIPS_S" "$SHA_S" "$THUMBS" \
  >"$TMP/all.json" <<'EOF'
import json, os, statistics, sys
tmp, dur, clients, lb, la, vips_s, sha_s, thumbs = sys.argv[1:9]
sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[0])))
load = lambda name: json.load(open(os.path.join(tmp, name)))
hz = os.sysconf("SC_CLK_TCK")

def cpu(a, b):
    a, b = load(f"snap-{a}.json"), load(f"snap-{b}.json")
    dt = b["t"] - a["t"]
    out = {k: (b["procs"][k] - a["procs"][k]) / hz / dt for k in b["procs"]}
    out["machine_busy_pct"] = 100.0 * (b["machine_busy"] - a["machine_busy"]) / max(1, b["machine_total"] - a["machine_total"])
    out["loadavg"] = b["loadavg"][0]
    return out

def median_run(runs):
    return sorted(runs, key=lambda x: x["seconds"])[len(runs) // 2]

rounds = sorted(int(f[7:-5]) for f in os.listdir(tmp) if f.startswith("direct-") and f[7:-5].isdigit())
direct = [load(f"direct-{i}.json") for i in rounds]
service = [load(f"service-{i}.json") for i in rounds]
has = lambda name: os.path.exists(os.path.join(tmp, name))
print(json.dumps({
    "duration": int(dur), "small_clients": int(clients), "load_before": lb, "load_after": la,
    "big": {"direct": direct, "service": service, "direct_median": median_run(direct),
            "service_median": median_run(service), "direct_signed": load("direct-signed.json"),
            "vips_avg_s": float(vips_s), "sha256_s": float(sha_s)} if rounds else None,
    "thumbs": thumbs or None,
    "list": {"walk": load("walk.json"), "latency": load("latency.json"), "wrk": load("wrk.json"),
             "pgbench_tps": float(open(os.path.join(tmp, "pgbench.out")).read().split("tps = ")[1].split()[0]),
             "select": load("select.json")} if has("walk.json") else None,
    "small": load("small.json") if has("small.json") else None,
    "jobs": load("jobs.json") if has("jobs.json") else None,
    "resumable": load("resumable.json") if has("resumable.json") else None,
    "cpu": {phase: cpu(f"{phase}0", f"{phase}1")
            for phase in ("big", "pgbench", "wrk", "small", "jobs") if has(f"snap-{phase}1.json")},
}))
EOF
"$PY" "$HELPER" report "$TMP/all.json"
