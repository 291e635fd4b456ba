# Shared prologue of the on-demand benchmarks (tests/bench/bench-*.sh).
# Sourced, not run.  Every benchmark starts the same way: install missing
# tools, make a scratch folder that a trap removes on exit together with
# every process started, pick free loopback ports, start a private
# PostgreSQL 15 and the services, and drive them with wrk.
# shellcheck shell=bash

BENCH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
ROOT=$(cd "$BENCH_HERE/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
USERS_BIN=$BUILD/services/users/carrete-users
FOLDERS_BIN=$BUILD/services/folders/carrete-folders
PHOTOS_BIN=$BUILD/services/photos/carrete-photos

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# bench_tools [PACKAGE...]: install (with apt-get) the tools every benchmark
# uses, plus PACKAGE... when their command is missing; sets PY, PGBENCH, PSQL.
bench_tools() {
  local missing=() pkg
  command -v wrk >/dev/null || missing+=(wrk)
  [ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
  command -v pgbench >/dev/null || [ -x "$PG_BIN/pgbench" ] || missing+=(postgresql-contrib)
  command -v psql >/dev/null || [ -x "$PG_BIN/psql" ] || missing+=(postgresql-client-15)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  command -v jq >/dev/null || missing+=(jq)
  command -v python3 >/dev/null || missing+=(python3)
  # Extra packages are named by package; libvips-tools provides `vips`.
  for pkg in "$@"; do
    case $pkg in
      libvips-tools) command -v vips >/dev/null || missing+=("$pkg") ;;
      *) dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg") ;;
    esac
  done
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The system python3 when there is one, not whatever python3 leads PATH.
  if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3); fi
  PGBENCH=$(command -v pgbench || echo "$PG_BIN/pgbench")
  PSQL=$(command -v psql || echo "$PG_BIN/psql")
}

# bench_binaries BINARY...: runs ninja in $BUILD when one is missing.
bench_binaries() {
  local bin
  for bin in "$@"; do
    [ -x "$bin" ] && continue
    log "building in $BUILD"
    ninja -C "$BUILD" >/dev/null
    break
  done
  for bin in "$@"; do [ -x "$bin" ] || die "no binary at $bin"; done
}

# bench_scratch [PREFIX]: a private folder in $TMP (PostgreSQL's in $PGDIR),
# removed on exit with every process listed in PIDS; BENCH_KEEP keeps it.
bench_scratch() {
  TMP=$(mktemp -d "/tmp/${1:-carrete-bench}.XXXXXX")
  # The postgres account must be able to reach $PGDIR inside it.
  chmod 755 "$TMP"
  PGDIR=$TMP/pg
  PIDS=()
  BG_PIDS=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

bench_cleanup() {
  local rc=$? p
  set +e
  trap - EXIT INT TERM
  # Background wrk runs first: they would only report errors from the
  # services stopped next.
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  if [ -f "$PGDIR/data/postmaster.pid" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1
  fi
  if [ -n "${BENCH_KEEP:-}" ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# bench_postgres DATABASE...: a throwaway PostgreSQL 15 (trust, fsync off) on
# 127.0.0.1:$PGPORT in $PGDIR with these databases; defines psql_q.
bench_postgres() {
  PGPORT=$(free_port)
  log "PostgreSQL 15 on 127.0.0.1:$PGPORT in $PGDIR"
  install -d -o postgres -g postgres -m 700 "$PGDIR" "$PGDIR/data"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log" >&2; die "initdb failed"; }
  timeout 30 runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w \
    -o "-k $PGDIR -p $PGPORT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60" \
    start >/dev/null || { cat "$PGDIR/server.log" >&2; die "PostgreSQL did not start"; }
  local db create=()
  for db in "$@"; do create+=(-c "CREATE DATABASE $db"); done
  psql_q -d postgres "${create[@]}"
}
psql_q() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres "$@"; }

# bench_keys: an ES256 key pair and an id key in $TMP/keys, exported to the
# services through CARRETE_JWT_PUBLIC_KEY_FILE and CARRETE_ID_KEY_FILE.
bench_keys() {
  mkdir "$TMP/keys"
  openssl ecparam -genkey -name prime256v1 -noout -out "$TMP/keys/jwt.pem" 2>/dev/null
  openssl ec -in "$TMP/keys/jwt.pem" -pubout -out "$TMP/keys/jwt.pub" 2>/dev/null
  openssl rand -hex 32 >"$TMP/keys/id.key"
  export CARRETE_JWT_PUBLIC_KEY_FILE=$TMP/keys/jwt.pub CARRETE_ID_KEY_FILE=$TMP/keys/id.key
}

# start NAME BINARY PORT DB [ENV=VALUE...]: migrate, then serve in the
# background (stdout in $TMP/NAME.out, stderr in $TMP/NAME.log).
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

# alive PID NAME WHAT: exit with the tail of $TMP/NAME.log if PID is gone.
alive() {
  local pid=$1 name=$2 what=$3
  kill -0 "$pid" 2>/dev/null && return 0
  log "$name (pid $pid) DIED during: $what"
  tail -n 30 "$TMP/$name.log" >&2
  exit 1
}

# bench_wrk NAME SCRIPT URL THREADS CONNS SECONDS [ENV=VALUE...]: one wrk run
# (bounded by timeout), its output in $TMP/NAME.wrk and the BENCH_JSON line
# that the script's done() prints (bench-report.lua) in $TMP/NAME.json.
bench_wrk() {
  local name=$1 script=$2 url=$3 t=$4 c=$5 d=$6
  shift 6
  env "$@" timeout $((d + 30)) wrk -t"$t" -c"$c" -d"${d}s" --timeout 5s --latency -s "$script" \
    "$url" >"$TMP/$name.wrk" 2>&1 || true
  grep -q '^BENCH_JSON ' "$TMP/$name.wrk" || { cat "$TMP/$name.wrk" >&2; die "wrk run '$name' produced no result"; }
  sed -n 's/^BENCH_JSON //p' "$TMP/$name.wrk" >"$TMP/$name.json"
}

# bench_token BASE NAME PASSWORD: registers NAME at the carrete-users at
# BASE, logs in and prints the access token; fails when either is refused.
bench_token() {
  curl -fsS --max-time 10 -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"email\":\"$2@example.org\",\"password\":\"$3\"}" \
    "$1/v1/auth/register" &&
    curl -fsS --max-time 10 -H 'Content-Type: application/json' \
      -d "{\"username\":\"$2\",\"password\":\"$3\"}" "$1/v1/auth/login" | jq -re .access_token
}

# bench_register BASE N PASSWORD: registers N users bench0000.. through the
# carrete-users at BASE (4 at a time, retrying 503s for up to 90 s) and logs
# each in; writes their names to $TMP/users.txt and access tokens to
# $TMP/tokens.txt, one a line.  Fails when fewer than half are ready.
bench_register() {
  log "registering and logging in $2 users (4 in parallel)"
  "$PY" - "$1" "$2" "$3" "$TMP" <<'EOF' || die "user setup failed"
import concurrent.futures, json, sys, time, urllib.error, urllib.request
base, n, password, tmp = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
deadline = time.monotonic() + 90
codes = {}

def post(path, body):
    while True:
        req = urllib.request.Request(base + path, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            codes[e.code] = codes.get(e.code, 0) + 1
            if e.code == 503 and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            return e.code, None

def one(i):
    name = f"bench{i:04d}"
    if time.monotonic() > deadline:
        return None
    st, _ = post("/v1/auth/register", {"username": name, "email": f"{name}@example.com",
                                       "password": password})
    if st not in (201, 409):
        return None
    st, body = post("/v1/auth/login", {"username": name, "password": password})
    return (name, body["access_token"]) if st == 200 else None

t0 = time.monotonic()
with concurrent.futures.ThreadPoolExecutor(4) as ex:
    done = [r for r in ex.map(one, range(n)) if r]
with open(f"{tmp}/users.txt", "w") as u, open(f"{tmp}/tokens.txt", "w") as t:
    for name, token in done:
        u.write(name + "\n")
        t.write(token + "\n")
print(f"[bench] {len(done)}/{n} users ready in {time.monotonic() - t0:.1f} s;"
      f" error statuses seen: {codes or 'none'}", file=sys.stderr)
sys.exit(0 if len(done) >= max(1, n // 2) else 1)
EOF
}

# bench_cpu PID...: CPU seconds (user + system) used so far by these
# processes and all their descendants, with the children they have reaped.
bench_cpu() { "$PY" "$BENCH_HERE/proc-cpu.py" tree "$@"; }

# bench_folders_sql N_FOLDERS N_OWNERS: the INSERT of the folders benchmarks'
# rows (bench-folders.sh, bench-members.sh): owners in contiguous blocks,
# every 4th folder public, 5 tags each (one of a c e g i, one of b d f h j,
# three from larger sets: "a and b" is on 1 row in 25), one second apart.
bench_folders_sql() {
  cat <<SQL
INSERT INTO folders (owner_id, name, visibility, tags, created_at)
SELECT 1 + (g / ($1 / $2)) % $2, 'folder ' || g,
       CASE WHEN g % 4 = 0 THEN 'public' ELSE 'private' END,
       ARRAY[(ARRAY['a','c','e','g','i'])[1 + g % 5], (ARRAY['b','d','f','h','j'])[1 + g / 5 % 5],
             'k' || (g * 13 % 17), 'm' || (g * 7 % 23), 'n' || (g % 31)],
       now() - make_interval(secs => g)
FROM generate_series(0, $1 - 1) AS g;
SQL
}

# bench_server_p50 LOG FROM ROUTE: the median duration_ms of the 200
# answers on ROUTE in the JSON request log LOG after its line FROM ("nan"
# when there are none): the server-side latency, without the client's.
bench_server_p50() {
  tail -n +"$(($2 + 1))" "$1" | python3 -c '
import json, statistics, sys
d = []
for line in sys.stdin:
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("route") == sys.argv[1] and e.get("status") == 200:
        d.append(e["duration_ms"])
print(f"{statistics.median(d):.3f}" if d else "nan")' "$3"
}

# bench_folders_stack: the setting of the folders benchmarks (bench-folders.sh,
# bench-members.sh): the tools, a scratch dir, PostgreSQL with both
# databases, carrete-users and carrete-folders on free ports, and the bench
# user registered first (row 1: the bulk rows of owner 1 are theirs).  Sets
# USERS, BASE (carrete-folders), FOLDERS_PID and TOKEN.
bench_folders_stack() {
  local users_port folders_port
  bench_tools
  bench_binaries "$USERS_BIN" "$FOLDERS_BIN"
  bench_scratch
  bench_postgres carrete_users carrete_folders
  bench_keys
  users_port=$(free_port)
  folders_port=$(free_port)
  USERS=http://127.0.0.1:$users_port
  BASE=http://127.0.0.1:$folders_port
  start users "$USERS_BIN" "$users_port" carrete_users CARRETE_JWT_PRIVATE_KEY_FILE="$TMP/keys/jwt.pem"
  start folders "$FOLDERS_BIN" "$folders_port" carrete_folders CARRETE_PHOTOS_URL=http://127.0.0.1:9
  FOLDERS_PID=${PIDS[-1]}
  TOKEN=$(bench_token "$USERS" bench 'bench-password-0123456789') || die "register or login failed"
  [ "$(psql_q -d carrete_users -c 'SELECT id FROM users')" = 1 ] || die "the bench user is not row 1"
}
