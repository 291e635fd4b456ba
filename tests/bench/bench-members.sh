#!/usr/bin/env bash
# On-demand benchmark of "Shared with me": GET /v1/folders?scope=shared at
# 100,000 folders and 10,000 memberships, against a baseline measured in the
# same run on the same data (scope=mine, the owner-scoped search of
# bench-folders.sh).  See tests/bench/README.md.
#
#   tests/bench/bench-members.sh          # BUILD defaults to <repo>/build
#
# Starts a private PostgreSQL 15 cluster, carrete-users (to register the
# user whose token the requests carry) and carrete-folders on 127.0.0.1,
# bulk-loads 100,000 folders of 1,000 owners and 10,000 memberships straight
# into the folders database with generate_series (the bench user, row 1, is
# a member of 1,000 folders of other owners; the other 9,000 memberships
# belong to 900 other users), measures both searches with one connection,
# prints a table with their ratio and one JSON line, and removes everything
# on exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/bench-lib.sh"
LUA=$HERE/folders.lua

N_FOLDERS=${BENCH_FOLDERS:-100000}
N_OWNERS=${BENCH_OWNERS:-1000}
N_MEMBERSHIPS=${BENCH_MEMBERSHIPS:-10000}
MINE_SHARED=${BENCH_MINE_SHARED:-1000} # of them, the bench user's
LAT_DUR=${BENCH_LATENCY_DURATION:-5}   # seconds of each one-connection phase
SHARED='/v1/folders?scope=shared'
MINE='/v1/folders?scope=mine'

# ---- PostgreSQL, carrete-users, carrete-folders, the bench user (row 1) ----------
bench_folders_stack

# ---- bulk load ---------------------------------------------------------------------
# Folders as in bench-folders.sh (owners in contiguous blocks of 100 rows).
# Memberships: the bench user (1) in every 97th folder not theirs, up to
# MINE_SHARED; users 2001.. in the rest, 10 folders each, spread over the
# whole table.
log "loading $N_FOLDERS folders of $N_OWNERS owners and $N_MEMBERSHIPS memberships"
LOAD_START=$(date +%s.%N)
{ bench_folders_sql "$N_FOLDERS" "$N_OWNERS"; cat <<SQL; } | psql_q -d carrete_folders
INSERT INTO folder_members (folder_id, user_id, username, role, folder_created_at)
SELECT id, 1, 'bench', CASE WHEN id % 2 = 0 THEN 'viewer' ELSE 'contributor' END, created_at
FROM (SELECT id, created_at FROM folders WHERE owner_id <> 1 AND id % 97 = 0 ORDER BY id
      LIMIT $MINE_SHARED) AS f;
INSERT INTO folder_members (folder_id, user_id, username, role, folder_created_at)
SELECT f.id, 2001 + g / 10, 'u' || (2001 + g / 10), 'viewer', f.created_at
FROM generate_series(0, $N_MEMBERSHIPS - $MINE_SHARED - 1) AS g
JOIN folders f ON f.id = 1 + (g * 7919) % $N_FOLDERS
ON CONFLICT DO NOTHING;
VACUUM ANALYZE folders;
VACUUM ANALYZE folder_members;
SQL
LOAD_S=$(python3 -c "import time; print(f'{time.time() - $LOAD_START:.1f}')")
ROWS=$(psql_q -d carrete_folders -c 'SELECT count(*) FROM folders')
MEMBERSHIPS=$(psql_q -d carrete_folders -c 'SELECT count(*) FROM folder_members')
SHARED_N=$(psql_q -d carrete_folders -c 'SELECT count(*) FROM folder_members WHERE user_id = 1')
PAGE=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE$SHARED" | jq '.items | length')
[ "$PAGE" = 50 ] || die "the first page of scope=shared has $PAGE folders, not 50"
log "$ROWS folders, $MEMBERSHIPS memberships ($SHARED_N of the bench user) in ${LOAD_S} s"
psql_q -d carrete_folders -c "EXPLAIN SELECT folders.id FROM folder_members shared
  JOIN folders ON folders.id = shared.folder_id WHERE shared.user_id = 1
  ORDER BY shared.folder_created_at DESC, shared.folder_id DESC LIMIT 51" >"$TMP/plan.txt"

# latency NAME QUERY: one connection for LAT_DUR s; the server-side p50 (ms)
# of its requests, from the service's request log, in $TMP/NAME.p50.
latency() {
  local name=$1 query=$2 from
  log "wrk GET $query: -t1 -c1 -d${LAT_DUR}s (latency)"
  from=$(wc -l <"$TMP/folders.out")
  bench_wrk "$name" "$LUA" "$BASE$query" 1 1 "$LAT_DUR" BENCH_TOKEN="$TOKEN"
  alive "$FOLDERS_PID" folders "$name"
  bench_server_p50 "$TMP/folders.out" "$from" /v1/folders >"$TMP/$name.p50"
}

# The baseline first, then the shared search, then the baseline again: a
# machine that slows down during the run shows as two different baselines.
latency mine "$MINE"
latency shared "$SHARED"
latency mine2 "$MINE"

PYTHONPATH="$BENCH_HERE" PYTHONDONTWRITEBYTECODE=1 python3 - "$TMP" "$ROWS" "$MEMBERSHIPS" "$SHARED_N" \
  "$LOAD_S" <<'PY'
import json, sys
from bench_report import check, errs, missed_names, print_table, print_verdict
tmp, rows, memberships, shared_n, load_s = sys.argv[1:6]
run = {n: json.load(open(f"{tmp}/{n}.json")) for n in ("mine", "shared", "mine2")}
p50 = {n: float(open(f"{tmp}/{n}.p50").read()) for n in run}
base = min(p50["mine"], p50["mine2"])
ratio = p50["shared"] / base if base else float("inf")
client_ratio = run["shared"]["p50_ms"] / min(run["mine"]["p50_ms"], run["mine2"]["p50_ms"])
rows_out = [
    ("metric", "measured", "target", "result", "notes"),
    ("scope=shared, p50 (server)", f"{p50['shared']:.3f} ms", "< 5 ms",
     check("p50", p50["shared"] < 5, f"{p50['shared']:.3f} ms >= 5 ms"),
     f"first page of {shared_n} shared folders, 1 connection"),
    ("  same, p50 / p99 at the client", f"{run['shared']['p50_ms']:.3f} / {run['shared']['p99_ms']:.3f} ms",
     "", "", f"wrk -c1, {run['shared']['rps']:.0f} req/s; " + errs(run["shared"])),
    ("scope=mine, p50 (server), before / after", f"{p50['mine']:.3f} / {p50['mine2']:.3f} ms", "(baseline)", "",
     "same data, same run: the owner-scoped search"),
    ("shared / mine, p50 (server)", f"{ratio:.2f}", "", "", f"at the client {client_ratio:.2f}"),
]
print_table(f"carrete-folders scope=shared benchmark ({rows} folders, {memberships} memberships,"
            f" loaded in {load_s} s; 127.0.0.1)", rows_out)
print("plan of the membership part:")
print("".join("  " + l + "\n" for l in open(f"{tmp}/plan.txt").read().strip().splitlines()))
print_verdict()
print(json.dumps({"rows": int(rows), "memberships": int(memberships), "shared_p50_ms": p50["shared"],
                  "mine_p50_ms": [p50["mine"], p50["mine2"]], "ratio": round(ratio, 2),
                  "client_shared_p50_ms": run["shared"]["p50_ms"],
                  "non2xx": sum(r["non2xx"] for r in run.values()),
                  "targets_missed": missed_names()}, separators=(",", ":")))
PY
