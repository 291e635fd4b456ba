#!/usr/bin/env bash
# On-demand benchmark for carrete-folders.  See tests/bench/README.md.
#
#   tests/bench/bench-folders.sh          # BUILD defaults to <repo>/build
#
# Starts a private PostgreSQL 15 cluster, carrete-users (to register the
# user whose token the requests carry) and carrete-folders on 127.0.0.1,
# bulk-loads 100,000 folders of 1,000 owners (5 tags each) straight into the
# folders database with generate_series, measures, prints a table and one
# JSON line, and removes everything on exit.  Every load phase is bounded in
# time; a full run takes about 45 s.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/bench-lib.sh"
LUA=$HERE/folders.lua

N_FOLDERS=${BENCH_FOLDERS:-100000}
N_OWNERS=${BENCH_OWNERS:-1000}
DUR=${BENCH_DURATION:-10}            # seconds per throughput phase
LAT_DUR=${BENCH_LATENCY_DURATION:-5} # seconds of the one-connection latency phase
QUERY='/v1/folders?tags=a,b'

# ---- PostgreSQL, carrete-users, carrete-folders, the bench user (row 1) ----------
bench_folders_stack

# ---- bulk load ---------------------------------------------------------------------
# Owners get contiguous blocks of 100 rows.  Tags: one of a c e g i, one of
# b d f h j, and three from larger sets, so "a and b" matches 1 row in 25
# (4 of each owner's 100).
log "loading $N_FOLDERS folders of $N_OWNERS owners, 5 tags each"
LOAD_START=$(date +%s.%N)
{ bench_folders_sql "$N_FOLDERS" "$N_OWNERS"; echo 'VACUUM ANALYZE folders;'; } | psql_q -d carrete_folders
LOAD_S=$(python3 -c "import time; print(f'{time.time() - $LOAD_START:.1f}')")
ROWS=$(psql_q -d carrete_folders -c 'SELECT count(*) FROM folders')
MATCHES=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE$QUERY" | jq '.items | length')
EXPECTED=$(psql_q -d carrete_folders -c "SELECT count(*) FROM folders WHERE owner_id = 1 AND tags @> '{a,b}'")
[ "$MATCHES" = "$EXPECTED" ] || die "the API found $MATCHES folders, the database $EXPECTED"
log "$ROWS rows in ${LOAD_S} s; owner 1 has $MATCHES folders tagged a and b"
psql_q -d carrete_folders -c "EXPLAIN SELECT id FROM folders WHERE owner_id = 1 AND tags @> '{a,b}'
  ORDER BY created_at DESC, id DESC LIMIT 51" >"$TMP/plan.txt"

# ---- wrk helper -------------------------------------------------------------------------
# run_wrk NAME THREADS CONNS DURATION: result JSON in $TMP/NAME.json
run_wrk() {
  bench_wrk "$1" "$LUA" "$BASE$QUERY" "$2" "$3" "$4" BENCH_TOKEN="$TOKEN"
  alive "$FOLDERS_PID" folders "$1"
}

# ---- 1. latency: one connection, one request at a time ---------------------------------
log "wrk GET $QUERY: -t1 -c1 -d${LAT_DUR}s (latency)"
LOG_FROM=$(wc -l <"$TMP/folders.out")
run_wrk latency 1 1 "$LAT_DUR"
# Server-side durations of those requests, from the service's request log.
SERVER_P50=$(bench_server_p50 "$TMP/folders.out" "$LOG_FROM" /v1/folders)

# ---- 2. throughput at 16 connections, then pgbench on the bare SELECT -----------------------
log "wrk GET $QUERY: -t2 -c16 -d${DUR}s (throughput)"
run_wrk throughput 2 16 "$DUR"

# The statement the service runs for this search, with the filters it was
# given written in and the absent ones dropped.  pgbench would read ":MI"
# and ":SS" in the to_char formats as variables, so those colons are \x3a in
# an E'' literal: the same string, the same query.
cat >"$TMP/select.sql" <<'SQL'
SELECT id, owner_id, name, visibility, array_to_json(tags)::text, to_char(created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\x3aMI\x3aSS.MS"Z"'), to_char(updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\x3aMI\x3aSS.MS"Z"'), created_at::text AS sort_key, CASE WHEN owner_id = 1 THEN 'owner' ELSE (SELECT m.role FROM folder_members m WHERE m.folder_id = folders.id AND m.user_id = 1) END FROM folders WHERE owner_id = 1 AND tags @> '{a,b}' ORDER BY created_at DESC, id DESC LIMIT 51;
SQL
log "pgbench: 16 clients, 2 threads, ${DUR} s, -M prepared, the bare SELECT"
timeout $((DUR + 20)) "$PGBENCH" -n -h 127.0.0.1 -p "$PGPORT" -U postgres -M prepared \
  -c 16 -j 2 -T "$DUR" -f "$TMP/select.sql" carrete_folders >"$TMP/pgbench.out" 2>&1 ||
  { cat "$TMP/pgbench.out" >&2; die "pgbench failed"; }
PG_TPS=$(awk -F'= ' '/^tps = / { split($2, a, " "); print a[1] }' "$TMP/pgbench.out")

# ---- report ---------------------------------------------------------------------------------
PYTHONPATH="$BENCH_HERE" PYTHONDONTWRITEBYTECODE=1 python3 - "$TMP/latency.json" "$TMP/throughput.json" "$PG_TPS" "$SERVER_P50" "$ROWS" "$MATCHES" \
  "$LOAD_S" "$TMP/plan.txt" "$DUR" <<'PY'
import json, sys
from bench_report import check, errs, missed_names, print_table, print_verdict
lat, thr = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
pg_tps, server_p50 = float(sys.argv[3]), float(sys.argv[4])
rows, matches, load_s, plan, dur = sys.argv[5], sys.argv[6], sys.argv[7], open(sys.argv[8]).read(), sys.argv[9]
ratio = thr["rps"] / pg_tps if pg_tps else 0.0

rows_out = [
    ("metric", "measured", "target", "result", "notes"),
    ("owner search, 2 tags, p50 (server)", f"{server_p50:.3f} ms", "< 5 ms",
     check("p50", server_p50 < 5, f"{server_p50:.3f} ms >= 5 ms"), "from the service's request log, 1 connection"),
    ("  same, p50 / p99 at the client", f"{lat['p50_ms']:.3f} / {lat['p99_ms']:.3f} ms", "", "",
     f"wrk -c1, {lat['rps']:.0f} req/s; " + errs(lat)),
    (f"GET {'/v1/folders?tags=a,b'} (wrk -t2 -c16)", f"{thr['rps']:.0f} req/s", "", "",
     f"p50 {thr['p50_ms']:.2f} ms, p99 {thr['p99_ms']:.2f} ms; " + errs(thr)),
    (f"pgbench bare SELECT, 16c/2j/{dur}s", f"{pg_tps:.0f} tps", "(baseline)", "", "-M prepared"),
    ("HTTP req/s / pgbench tps", f"{ratio:.2f}", ">= 0.30",
     check("ratio", ratio >= 0.30, f"{ratio:.2f} < 0.30"), ""),
]
print_table(f"carrete-folders benchmark ({rows} folders, 1 000 owners, {matches} matches for owner 1,"
            f" loaded in {load_s} s; 127.0.0.1)", rows_out)
print("plan of the bare SELECT:")
print("".join("  " + l + "\n" for l in plan.strip().splitlines()))
print_verdict()
print(json.dumps({"rows": int(rows), "server_p50_ms": server_p50, "client_p50_ms": lat["p50_ms"],
                  "client_p99_ms": lat["p99_ms"], "rps_16c": round(thr["rps"], 1),
                  "pgbench_tps": pg_tps, "ratio": round(ratio, 2),
                  "non2xx": lat["non2xx"] + thr["non2xx"],
                  "targets_missed": missed_names()}, separators=(",", ":")))
PY
