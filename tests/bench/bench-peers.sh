#!/usr/bin/env bash
# On-demand benchmark: Carrete against the same endpoints written on the
# roadmap's stack (FastAPI + uvicorn + asyncpg + PyJWT, tests/bench/peers/).
# See tests/bench/README.md.
#
#   tests/bench/bench-peers.sh            # BUILD defaults to <repo>/build
#   BENCH_CHECK_ONLY=1 tests/bench/bench-peers.sh   # only the same-answers check
#
# Starts a private PostgreSQL 15, carrete-users, carrete-photos (fs storage)
# and the peer on the same two databases, all on 127.0.0.1; checks that both
# sides give the same answers; then runs wrk on each endpoint of each side
# in turn and prints a table, the ratios and one JSON line.  About 75 s
# (more the first time, when it installs the peer).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/bench-lib.sh"
LUA=$HERE/users.lua
PEER_DIR=$HERE/peers/fastapi
VENV=${BENCH_PEER_VENV:-$ROOT/.cache/peers/fastapi}

N_USERS=${BENCH_USERS:-200}          # accounts; every request takes the next token
N_PHOTOS=${BENCH_PHOTOS:-60}         # ready photos of each account
DUR=${BENCH_DURATION:-10}            # seconds of each measured wrk run
WARM=${BENCH_WARMUP:-3}              # seconds of wrk on each side before measuring
WORKERS=${BENCH_PEER_WORKERS:-2}     # uvicorn worker processes
POOL=${BENCH_PEER_POOL:-10}          # asyncpg connections per worker and database (its default)
CHECK_ONLY=${BENCH_CHECK_ONLY:-}
TARGET=5                             # the issue's goal: carrete req/s >= 5 x the peer's
PASSWORD='bench-password-0123456789'

# ---- tools, binaries, the peer's virtualenv --------------------------------------
bench_tools python3-venv
bench_binaries "$USERS_BIN" "$PHOTOS_BIN"
# (Re)made whenever requirements.txt changes; the copy inside marks what it holds.
if ! cmp -s "$PEER_DIR/requirements.txt" "$VENV/requirements.txt"; then
  log "installing the peer's pinned packages into $VENV"
  rm -rf "$VENV"
  /usr/bin/python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$PEER_DIR/requirements.txt" ||
    die "cannot install $PEER_DIR/requirements.txt"
  cp "$PEER_DIR/requirements.txt" "$VENV/requirements.txt"
fi

# ---- scratch, PostgreSQL, Carrete ------------------------------------------------------
bench_scratch carrete-peers
cd "$TMP" # no .env of a developer's checkout is read
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
bench_postgres carrete_users carrete_photos
PG_PID=$(head -n1 "$PGDIR/data/postmaster.pid")
bench_keys
mkdir "$TMP/storage"
USERS_PORT=$(free_port)
PHOTOS_PORT=$(free_port)
PEER_PORT=$(free_port)
CLOSED_PORT=$(free_port) # nothing listens there: the listing asks no folder
USERS=http://127.0.0.1:$USERS_PORT
PHOTOS=http://127.0.0.1:$PHOTOS_PORT
PEER=http://127.0.0.1:$PEER_PORT
start users "$USERS_BIN" "$USERS_PORT" carrete_users CARRETE_JWT_PRIVATE_KEY_FILE="$TMP/keys/jwt.pem"
USERS_PID=${PIDS[-1]}
start photos "$PHOTOS_BIN" "$PHOTOS_PORT" carrete_photos CARRETE_STORAGE=fs \
  CARRETE_STORAGE_DIR="$TMP/storage" CARRETE_PUBLIC_URL="$PHOTOS" \
  CARRETE_FOLDERS_URL="http://127.0.0.1:$CLOSED_PORT"
PHOTOS_PID=${PIDS[-1]}
# How many worker threads each service chose (CARRETE_WORKERS, default: the CPUs).
carrete_workers() { grep -o 'with [0-9]* worker' "$TMP/$1.out" | head -n1 | awk '{ print $2 }'; }
C_WORKERS="$(carrete_workers users)/$(carrete_workers photos)"

# ---- users and their photos -------------------------------------------------------------
bench_register "$USERS" "$N_USERS" "$PASSWORD"
N_READY=$(wc -l <"$TMP/tokens.txt")
OWNERS=$(psql_q -d carrete_users -c "SELECT '{' || string_agg(id::text, ',') || '}' FROM users")
log "inserting $N_PHOTOS ready photos for each of the $N_READY users"
# Plausible rows, as an upload leaves them: a random-looking object prefix,
# camera names, 1-5 MB JPEGs; one in ten without EXIF (shot_at = upload
# time); one in five in one of three folders of the owner (so that folder
# ids are written too; the listing never asks carrete-folders).
psql_q -d carrete_photos >/dev/null <<SQL
INSERT INTO photos (owner_id, folder_id, name, object_prefix, content_type, size, sha256, width,
                    height, taken_at, uploaded_at, updated_at, state)
SELECT o, CASE WHEN i % 5 = 0 THEN o * 10 + i % 3 END, format('IMG_%s.JPG', lpad(i::text, 4, '0')),
       'p/' || md5(o || '/' || i), 'image/jpeg', 1000000 + (o * 7919 + i * 104729) % 4000000,
       decode(md5(o || '/' || i) || md5(i || '/' || o), 'hex'), 4000, 3000,
       CASE WHEN i % 10 <> 0
            THEN timestamptz '2020-01-01 00:00:00+00' + i * interval '1 day 7 hours' + o * interval '1 minute' END,
       now() - i * interval '1 minute', now() - i * interval '1 minute', 'ready'
  FROM unnest('$OWNERS'::bigint[]) AS o, generate_series(1, $N_PHOTOS) AS i;
ANALYZE photos;
SQL

# ---- the peer ------------------------------------------------------------------------------
log "starting the FastAPI peer: uvicorn, $WORKERS workers, $POOL connections per worker and database"
env CARRETE_PUBLIC_URL="$PHOTOS" PEER_DB_POOL_SIZE="$POOL" PYTHONPYCACHEPREFIX="$TMP/pycache" \
  PEER_USERS_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/carrete_users" \
  PEER_PHOTOS_DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/carrete_photos" \
  "$VENV/bin/uvicorn" app:app --app-dir "$PEER_DIR" --host 127.0.0.1 --port "$PEER_PORT" \
  --workers "$WORKERS" --loop uvloop --http httptools --no-access-log --log-level info \
  >"$TMP/peer.log" 2>&1 &
PEER_PID=$!
PIDS+=("$PEER_PID")
# Ready when every worker has opened its pools and said so.
for _ in $(seq 300); do
  [ "$(grep -c 'Application startup complete' "$TMP/peer.log")" -ge "$WORKERS" ] && break
  alive "$PEER_PID" peer "start-up"
  sleep 0.1
done
[ "$(grep -c 'Application startup complete' "$TMP/peer.log")" -ge "$WORKERS" ] ||
  { cat "$TMP/peer.log" >&2; die "the peer's workers did not all start"; }

# ---- the same answers on both sides -----------------------------------------------------
log "checking that both sides answer the same ($N_READY users)"
"$PY" "$HERE/peers/check_same.py" "$USERS" "$PHOTOS" "$PEER" "$TMP/tokens.txt" 50 ||
  die "the peer does not answer as Carrete: nothing measured"
if [ -n "$CHECK_ONLY" ]; then
  log "BENCH_CHECK_ONLY: done"
  exit 0
fi

# ---- measure ---------------------------------------------------------------------------------
# The CPU ticks of each uvicorn worker (a child started by multiprocessing's
# spawn_main, not its resource tracker), to show how they shared the load.
worker_ticks() {
  local c
  for c in $(pgrep -P "$1"); do
    tr '\0' ' ' <"/proc/$c/cmdline" | grep -q spawn_main && awk '{ print $14 + $15 }' "/proc/$c/stat"
  done
  return 0
}
delta() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
# run SIDE ENDPOINT PATH URL PID LOG: wrk -t2 -c16 over every token, with the
# CPU seconds of the server's processes (and of PostgreSQL) around it.
run() {
  local side=$1 ep=$2 path=$3 url=$4 pid=$5 logname=$6 name=$2-$1 c0 p0 w0 t0
  bench_wrk "warm-$name" "$LUA" "$url$path" 2 16 "$WARM" BENCH_MODE=me BENCH_PATH="$path" \
    BENCH_TOKENS_FILE="$TMP/tokens.txt"
  c0=$(bench_cpu "$pid")
  p0=$(bench_cpu "$PG_PID")
  w0=$(worker_ticks "$pid")
  "$PY" "$HERE/proc-cpu.py" snapshot "$TMP/$name.snap0"; t0=$(date +%s.%N)
  bench_wrk "$name" "$LUA" "$url$path" 2 16 "$DUR" BENCH_MODE=me BENCH_PATH="$path" \
    BENCH_TOKENS_FILE="$TMP/tokens.txt"
  "$PY" "$HERE/proc-cpu.py" snapshot "$TMP/$name.snap1"
  # The CPU of processes that are neither this script's (services, wrk) nor
  # PostgreSQL's: other work that shared the cores, in cores.
  local others
  others=$("$PY" "$HERE/proc-cpu.py" others "$TMP/$name.snap0" "$TMP/$name.snap1" \
    "$(delta "$t0" "$(date +%s.%N)")" $$ "$PG_PID")
  jq -c --argjson cpu "$(delta "$c0" "$(bench_cpu "$pid")")" \
    --argjson pg "$(delta "$p0" "$(bench_cpu "$PG_PID")")" --argjson others "$others" \
    --argjson split "$(paste <(echo "$w0") <(worker_ticks "$pid") | awk '$1 != "" { print $2 - $1 }' | jq -s -c .)" \
    '. + {cpu_s: $cpu, pg_cpu_s: $pg, worker_ticks: $split, others_cores: $others}' \
    "$TMP/$name.json" >"$TMP/$name.run.json"
  alive "$pid" "$logname" "wrk on $path"
  log "  $side $path: $(jq -r '.rps | floor' "$TMP/$name.json") req/s"
}
log "wrk -t2 -c16 -d${DUR}s on each endpoint of each side in turn (after ${WARM} s of warm-up each)"
run carrete me /v1/users/me "$USERS" "$USERS_PID" users
run peer me /v1/users/me "$PEER" "$PEER_PID" peer
run carrete photos "/v1/photos?limit=50" "$PHOTOS" "$PHOTOS_PID" photos
run peer photos "/v1/photos?limit=50" "$PEER" "$PEER_PID" peer
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ------------------------------------------------------------------------------------
"$PY" - "$TMP" "$N_READY" "$N_PHOTOS" "$DUR" "$WORKERS" "$POOL" "$TARGET" "$LOAD_BEFORE" "$LOAD_AFTER" \
  "$C_WORKERS" <<'EOF'
import json, sys, time
tmp, users, photos, dur, workers, pool, target, load0, load1, c_workers = sys.argv[1:]
target = float(target)
runs = {(ep, side): json.load(open(f"{tmp}/{ep}-{side}.run.json"))
        for ep in ("me", "photos") for side in ("carrete", "peer")}
paths = {"me": "GET /v1/users/me", "photos": "GET /v1/photos?limit=50"}

def per_k(r, key):
    return r[key] / r["requests"] * 1000 if r["requests"] else float("nan")

def errors(r):
    return r["non2xx"] + r["connect_err"] + r["read_err"] + r["write_err"] + r["timeout_err"]

rows = [("endpoint", "side", "req/s", "p50 ms", "p99 ms", "CPU s/1k req", "PG CPU s/1k", "errors",
         "others")]
summary = {"date": time.strftime("%Y-%m-%d"), "users": int(users), "photos_per_user": int(photos),
           "duration_s": int(dur), "carrete_workers": c_workers, "peer_workers": int(workers),
           "peer_pool": int(pool),
           "target_ratio": target, "load_before": load0, "load_after": load1}
broken, disturbed = [], []
for ep in ("me", "photos"):
    for side in ("carrete", "peer"):
        r = runs[ep, side]
        rows.append((paths[ep], "carrete" if side == "carrete" else "fastapi peer",
                     f"{r['rps']:.0f}", f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}",
                     f"{per_k(r, 'cpu_s'):.3f}", f"{per_k(r, 'pg_cpu_s'):.3f}", str(errors(r)),
                     f"{r['others_cores']:.2f}"))
        if errors(r):
            broken.append(f"{paths[ep]} on {side}: {errors(r)} errors or non-2xx answers")
        if r["others_cores"] > 0.1:
            disturbed.append(f"{paths[ep]} on {side}: {r['others_cores']:.2f} cores")
    c, p = runs[ep, "carrete"], runs[ep, "peer"]
    summary[ep] = {
        side: {"rps": round(r["rps"], 1), "p50_ms": round(r["p50_ms"], 3), "p99_ms": round(r["p99_ms"], 3),
               "cpu_s_per_1k": round(per_k(r, "cpu_s"), 4), "pg_cpu_s_per_1k": round(per_k(r, "pg_cpu_s"), 4),
               "errors": errors(r), "others_cores": r["others_cores"]}
        for side, r in (("carrete", c), ("peer", p))}
    summary[ep]["peer_worker_cpu_share"] = [round(t / sum(p["worker_ticks"]), 2) for t in p["worker_ticks"]
                                            if sum(p["worker_ticks"])]
    summary[ep]["rps_ratio"] = round(c["rps"] / p["rps"], 2)
    summary[ep]["cpu_per_request_ratio"] = round(per_k(p, "cpu_s") / per_k(c, "cpu_s"), 2)

widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
print()
print(f"Carrete vs FastAPI peer ({users} users, {photos} photos each; wrk -t2 -c16 -d{dur}s;"
      f" carrete-users/-photos worker threads {c_workers}; peer: uvicorn {workers} workers,"
      f" asyncpg pools of {pool}; load {load0} -> {load1})")
for n, row in enumerate(rows):
    print("  ".join(cell.rjust(w) if i >= 2 else cell.ljust(w)
                    for i, (cell, w) in enumerate(zip(row, widths))).rstrip())
    if n == 0:
        print("  ".join("-" * w for w in widths))
print()
met = True
for ep in ("me", "photos"):
    s = summary[ep]
    ok = s["rps_ratio"] >= target
    met &= ok
    print(f"{paths[ep]}: carrete/peer req/s = {s['rps_ratio']:.2f} (target >= {target:g}: "
          f"{'met' if ok else 'MISSED'}); peer CPU per request = {s['cpu_per_request_ratio']:.2f} x carrete's;"
          f" peer workers' shares of its CPU: {'/'.join(f'{x:.0%}' for x in s['peer_worker_cpu_share'])}")
summary["target_met"] = met
summary["disturbed"] = bool(disturbed)
if disturbed:
    print("DISTURBED: other work used the machine during " + "; ".join(disturbed)
          + ": these figures are not comparable; run again on a quiet machine")
print(json.dumps(summary, separators=(",", ":")))
if broken:
    print("INVALID: " + "; ".join(broken), file=sys.stderr)
    sys.exit(1)
EOF
