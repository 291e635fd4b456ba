#!/usr/bin/env bash
# On-demand benchmark for carrete-users.  See tests/bench/README.md.
#
#   tests/bench/bench-users.sh            # BUILD defaults to <repo>/build
#
# Starts a private PostgreSQL 15 cluster and one carrete-users on 127.0.0.1,
# measures, prints a table and one JSON line, and removes everything on exit.
# Every load phase is bounded in time; a full run takes about 80-90 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/bench-lib.sh"
BIN=$USERS_BIN
LUA=$HERE/users.lua

N_USERS=${BENCH_USERS:-200}       # accounts registered through the API
DUR=${BENCH_DURATION:-10}         # seconds per load phase
PACED_DELAY_MS=${BENCH_PACED_DELAY_MS:-4}   # extra paced /me run in phase 4 (0 = skip)
PASSWORD='bench-password-0123456789'

# ---- tools ------------------------------------------------------------------
bench_tools

bench_binaries "$BIN"

# ---- scratch dir and cleanup --------------------------------------------------
bench_scratch

# ---- PostgreSQL -----------------------------------------------------------------
bench_postgres carrete

# ---- service configuration ---------------------------------------------------------
PORT=$(free_port)
bench_keys
export CARRETE_LISTEN=127.0.0.1:$PORT
export CARRETE_DATABASE_URL=postgresql://postgres@127.0.0.1:$PGPORT/carrete
export CARRETE_JWT_PRIVATE_KEY_FILE=$TMP/keys/jwt.pem
BASE=http://127.0.0.1:$PORT
SVC_ERR=$TMP/users.log

timeout 30 "$BIN" migrate >/dev/null 2>"$SVC_ERR" || { cat "$SVC_ERR" >&2; die "migrate failed"; }

# ---- 5b. exec -> first 200 from /healthz (median of 3 fresh starts) --------------------
log "startup time: exec -> first GET /healthz 200, polling every 5 ms"
STARTUP_MS=$("$PY" - "$BIN" "$PORT" "$SVC_ERR" <<'EOF'
import os, socket, statistics, subprocess, sys, time
binary, port, errlog = sys.argv[1], int(sys.argv[2]), sys.argv[3]
req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

def healthy():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(req)
            data = b""
            while len(data) < 12:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False

runs = []
with open(os.devnull, "wb") as devnull, open(errlog, "ab") as err:
    for _ in range(3):
        t0 = time.monotonic()
        p = subprocess.Popen([binary, "serve"], stdout=devnull, stderr=err)
        ms = None
        while time.monotonic() - t0 < 5:
            if p.poll() is not None:
                break
            if healthy():
                ms = (time.monotonic() - t0) * 1000
                break
            time.sleep(0.005)
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        if ms is None:
            print("nan")
            sys.exit(0)
        runs.append(ms)
print(f"{statistics.median(runs):.1f}")
EOF
)
[ "$STARTUP_MS" != nan ] || { cat "$SVC_ERR" >&2; die "service never answered /healthz"; }

# ---- 5a. idle RSS of a fresh instance (no request before reading it) ---------------------
"$BIN" serve >/dev/null 2>>"$SVC_ERR" &
SVC_PID=$!
PIDS+=("$SVC_PID")
port_hex=$(printf '%04X' "$PORT")
listening() { awk -v p=":$port_hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' /proc/net/tcp; }
for _ in $(seq 400); do listening && break; kill -0 "$SVC_PID" 2>/dev/null || break; sleep 0.005; done
listening || { cat "$SVC_ERR" >&2; die "service is not listening on $PORT"; }
sleep 0.5
IDLE_RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SVC_PID/status")
log "idle RSS ${IDLE_RSS_KB} kB (pid $SVC_PID, port $PORT)"


# ---- 2a. register and log in the users --------------------------------------------------
bench_register "$BASE" "$N_USERS" "$PASSWORD"
alive "$SVC_PID" users "user setup"
N_READY=$(wc -l <"$TMP/tokens.txt")

# ---- 1. pgbench baseline ------------------------------------------------------------------
read -r MINID MAXID < <(psql_q -d carrete -F ' ' -c 'SELECT min(id), max(id) FROM users')
# The service's SELECT for GET /v1/users/me (store.c, find_by_id).  The ':' in
# the to_char formats is written as \x3a in an E'' literal: pgbench would
# otherwise take ":MI" and ":SS" for variables.  The literal's value is the same.
cat >"$TMP/me.sql" <<'EOF'
\set id random(:minid, :maxid)
SELECT id, username, email, password_hash, role, to_char(created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\x3aMI\x3aSS.MS"Z"'), to_char(updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\x3aMI\x3aSS.MS"Z"') FROM users WHERE id = :id;
EOF
log "pgbench: 16 clients, 2 threads, ${DUR} s, -M prepared, ids $MINID..$MAXID"
timeout $((DUR + 20)) "$PGBENCH" -n -h 127.0.0.1 -p "$PGPORT" -U postgres -M prepared \
  -c 16 -j 2 -T "$DUR" -D minid="$MINID" -D maxid="$MAXID" -f "$TMP/me.sql" carrete \
  >"$TMP/pgbench.out" 2>&1 || { cat "$TMP/pgbench.out" >&2; die "pgbench failed"; }
PG_TPS=$(awk -F'= ' '/^tps = / { split($2, a, " "); print a[1] }' "$TMP/pgbench.out")
PG_FAILED=$(awk '/number of failed transactions/ { print $5 }' "$TMP/pgbench.out")
log "pgbench tps $PG_TPS"

# ---- wrk helper -------------------------------------------------------------------------
# CPU seconds (user+system, all threads) the service has used so far.
svc_cpu() { bench_cpu "$SVC_PID"; }
# cpu_around NAME COMMAND...: run COMMAND, store the service's CPU use in cores in $TMP/NAME.cpu
cpu_around() {
  local name=$1 c0 t0
  shift
  c0=$(svc_cpu); t0=$(date +%s.%N)
  "$@"
  awk -v c0="$c0" -v c1="$(svc_cpu)" -v t0="$t0" -v t1="$(date +%s.%N)" \
    'BEGIN { printf "%.2f\n", (c1 - c0) / (t1 - t0) }' >"$TMP/$name.cpu"
}
# run_wrk NAME URL_PATH THREADS CONNS DURATION [ENV=VALUE...]; result JSON in $TMP/NAME.json
run_wrk() {
  local name=$1 path=$2
  shift 2
  bench_wrk "$name" "$LUA" "$BASE$path" "$@" BENCH_TOKENS_FILE="$TMP/tokens.txt" \
    BENCH_USERS_FILE="$TMP/users.txt" BENCH_PASSWORD="$PASSWORD"
}

# ---- 2b. GET /v1/users/me throughput ------------------------------------------------------
log "wrk GET /v1/users/me: -t2 -c16 -d${DUR}s over $N_READY tokens"
cpu_around me run_wrk me /v1/users/me 2 16 "$DUR" BENCH_MODE=me
alive "$SVC_PID" users "GET /v1/users/me load"

# ---- 3. login throughput ------------------------------------------------------------------
log "wrk POST /v1/auth/login: -t2 -c8 -d${DUR}s over $N_READY users"
cpu_around login run_wrk login /v1/auth/login 2 8 "$DUR" BENCH_MODE=login BENCH_COUNT_STATUS=1
alive "$SVC_PID" users "login load"

# ---- 4. /v1/users/me while logins saturate the hash pool -----------------------------------
# The login load starts 0.5 s early and ends 0.5 s late, so the whole /me
# window runs against a saturated hash pool.
mixed() {
  local tag=$1
  shift
  run_wrk "mixlogin$tag" /v1/auth/login 2 8 $((DUR + 1)) BENCH_MODE=login BENCH_COUNT_STATUS=1 &
  BG_PIDS+=($!)
  sleep 0.5
  run_wrk "mixme$tag" /v1/users/me 2 4 "$DUR" BENCH_MODE=me BENCH_COUNT_STATUS=1 "$@"
  wait "${BG_PIDS[@]}"
  BG_PIDS=()
}
log "wrk GET /v1/users/me -c4 (unpaced) while POST /v1/auth/login -c8 runs"
cpu_around mix mixed ""
alive "$SVC_PID" users "mixed load"
if [ "$PACED_DELAY_MS" -gt 0 ]; then
  log "same, with /me paced at one request per ${PACED_DELAY_MS} ms per connection"
  mixed paced BENCH_DELAY_MS="$PACED_DELAY_MS"
  alive "$SVC_PID" users "paced mixed load"
else
  echo '{}' >"$TMP/mixmepaced.json"
  echo '{}' >"$TMP/mixloginpaced.json"
fi

AFTER_RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SVC_PID/status")
PEAK_RSS_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SVC_PID/status")
# Logins still queued when the load stops keep hashing (64 MiB each) for a
# moment; this second sample shows what stays once they are done.
sleep 3
SETTLED_RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SVC_PID/status")
HEALTH_AFTER=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/healthz" || true)

# ---- report ---------------------------------------------------------------------------------
jq -n \
  --argjson pg_tps "$PG_TPS" --argjson pg_failed "${PG_FAILED:-0}" \
  --argjson users "$N_READY" --argjson startup_ms "$STARTUP_MS" \
  --argjson idle_rss_kb "$IDLE_RSS_KB" --argjson after_rss_kb "$AFTER_RSS_KB" \
  --argjson peak_rss_kb "$PEAK_RSS_KB" --argjson settled_rss_kb "$SETTLED_RSS_KB" \
  --arg health_after "$HEALTH_AFTER" \
  --argjson cpu_me "$(cat "$TMP/me.cpu")" --argjson cpu_login "$(cat "$TMP/login.cpu")" \
  --argjson cpu_mix "$(cat "$TMP/mix.cpu")" \
  --slurpfile me "$TMP/me.json" --slurpfile login "$TMP/login.json" \
  --slurpfile mixme "$TMP/mixme.json" --slurpfile mixlogin "$TMP/mixlogin.json" \
  --slurpfile mixmepaced "$TMP/mixmepaced.json" --slurpfile mixloginpaced "$TMP/mixloginpaced.json" \
  '{pg_tps: $pg_tps, pg_failed: $pg_failed, users: $users, startup_ms: $startup_ms,
    idle_rss_kb: $idle_rss_kb, after_rss_kb: $after_rss_kb, peak_rss_kb: $peak_rss_kb,
    settled_rss_kb: $settled_rss_kb,
    health_after: $health_after, cpu: {me: $cpu_me, login: $cpu_login, mix: $cpu_mix}, me: $me[0], login: $login[0], mixme: $mixme[0],
    mixlogin: $mixlogin[0], mixmepaced: $mixmepaced[0], mixloginpaced: $mixloginpaced[0]}' \
  >"$TMP/all.json"

PYTHONPATH="$BENCH_HERE" PYTHONDONTWRITEBYTECODE=1 "$PY" - "$TMP/all.json" "$DUR" "$PACED_DELAY_MS" <<'EOF'
import json, sys
from bench_report import check, errs, missed_names, print_table, print_verdict
r = json.load(open(sys.argv[1]))
dur, paced_delay = sys.argv[2], int(sys.argv[3])
me, login, mixme, mixlogin = r["me"], r["login"], r["mixme"], r["mixlogin"]
ratio = me["rps"] / r["pg_tps"] if r["pg_tps"] else 0.0
idle_mib = r["idle_rss_kb"] / 1024

rows = [
    ("metric", "measured", "target", "result", "notes"),
    (f"pgbench SELECT by id, 16c/2j/{dur}s", f"{r['pg_tps']:.0f} tps", "(baseline)", "",
     f"failed tx {r['pg_failed']}"),
    ("GET /me req/s (wrk -t2 -c16)", f"{me['rps']:.0f} req/s", ">= 10000 req/s",
     check("GET /me req/s", me["rps"] >= 10000, f"{me['rps']:.0f} req/s < 10000"),
     errs(me) + f"; svc CPU {r['cpu']['me']:.2f} cores"),
    ("GET /me / pgbench tps", f"{ratio:.2f}", ">= 0.40",
     check("GET /me / pgbench ratio", ratio >= 0.40, f"{ratio:.2f} < 0.40"), ""),
    ("GET /me p50", f"{me['p50_ms']:.2f} ms", "", "", ""),
    ("GET /me p99", f"{me['p99_ms']:.2f} ms", "< 10 ms",
     check("GET /me p99", me["p99_ms"] < 10, f"{me['p99_ms']:.2f} ms >= 10 ms"), ""),
    ("POST /login (wrk -t2 -c8)", f"{login['rps']:.1f} logins/s", "", "",
     errs(login) + f"; svc CPU {r['cpu']['login']:.2f} cores"),
    ("POST /login p50 / p99", f"{login['p50_ms']:.1f} / {login['p99_ms']:.1f} ms", "", "", ""),
    ("GET /me -c4 p99 during logins", f"{mixme['p99_ms']:.2f} ms", "< 25 ms",
     check("GET /me p99 during login saturation", mixme["p99_ms"] < 25,
           f"{mixme['p99_ms']:.2f} ms >= 25 ms"),
     errs(mixme) + f"; svc CPU {r['cpu']['mix']:.2f} cores"),
    ("  (that /me rate; logins/s)", f"{mixme['rps']:.0f} req/s; {mixlogin['rps']:.1f}/s", "", "",
     "login " + errs(mixlogin)),
]
if paced_delay > 0:
    mp, mlp = r["mixmepaced"], r["mixloginpaced"]
    rows += [
        (f"  paced /me ({paced_delay} ms gap) p99", f"{mp['p99_ms']:.2f} ms", "(info) < 25 ms",
         "ok" if mp["p99_ms"] < 25 else "over", errs(mp)),
        ("  (that /me rate; logins/s)", f"{mp['rps']:.0f} req/s; {mlp['rps']:.1f}/s", "", "",
         "login " + errs(mlp)),
    ]
rows += [
    ("idle RSS, fresh process", f"{idle_mib:.2f} MiB", "< 15 MiB",
     check("idle RSS", idle_mib < 15, f"{idle_mib:.2f} MiB >= 15 MiB"), ""),
    ("exec -> first /healthz 200", f"{r['startup_ms']:.1f} ms", "< 200 ms",
     check("startup", r["startup_ms"] < 200, f"{r['startup_ms']:.1f} ms >= 200 ms"),
     "median of 3"),
    ("RSS 3 s after load", f"{r['settled_rss_kb']/1024:.1f} MiB", "", "", "hash queue drained"),
    ("RSS after load (peak)", f"{r['after_rss_kb']/1024:.1f} MiB ({r['peak_rss_kb']/1024:.1f})",
     "", "", f"/healthz after: {r['health_after']}"),
]
print_table(f"carrete-users benchmark ({r['users']} users, 127.0.0.1, {dur} s phases)", rows)
print_verdict()
summary = {
    "pgbench_tps": round(r["pg_tps"], 1),
    "me_rps": round(me["rps"], 1), "me_p50_ms": round(me["p50_ms"], 3),
    "me_p99_ms": round(me["p99_ms"], 3), "me_to_pgbench_ratio": round(ratio, 2),
    "me_non2xx": me["non2xx"],
    "login_per_s": round(login["rps"], 2), "login_p50_ms": round(login["p50_ms"], 3),
    "login_p99_ms": round(login["p99_ms"], 3), "login_non2xx": login["non2xx"],
    "me_p99_during_login_ms": round(mixme["p99_ms"], 3), "me_rps_during_login": round(mixme["rps"], 1),
    "idle_rss_mib": round(idle_mib, 2), "startup_ms": r["startup_ms"],
    "rss_after_load_mib": round(r["after_rss_kb"] / 1024, 1),
    "rss_settled_mib": round(r["settled_rss_kb"] / 1024, 1),
    "targets_missed": missed_names(),
}
if paced_delay > 0:
    summary["me_paced_p99_during_login_ms"] = round(r["mixmepaced"]["p99_ms"], 3)
print(json.dumps(summary, separators=(",", ":")))
EOF
