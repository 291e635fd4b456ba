#!/usr/bin/env bash
# Bad settings at start-up (TAP): every service, given a missing required
# setting or a malformed one, prints exactly one line on stderr that names
# the variable, and exits 2: no crash, no stack trace, nothing else.
#
#   test-startup.sh USERS PHOTOS FOLDERS WEB   (the four binaries; meson passes them)
#
# Each run is in an empty folder (no .env) with an empty environment but
# for what the case sets, so the first missing setting is deterministic.
set -uo pipefail
declare -A BIN=([users]=$(realpath "$1") [photos]=$(realpath "$2") [folders]=$(realpath "$3") [web]=$(realpath "$4"))
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

openssl ecparam -genkey -name prime256v1 -noout -out "$WORK/jwt.pem" 2>/dev/null
openssl ec -in "$WORK/jwt.pem" -pubout -out "$WORK/jwt.pub" 2>/dev/null
openssl rand -hex 32 > "$WORK/id.key"
DB=postgresql://nobody@127.0.0.1:1/none
URL=http://127.0.0.1:1
# Each service's required settings (its main.c's serve_required), then what
# else it needs to get past its configuration, so that a case can break
# exactly one thing.
declare -A REQUIRED=(
  [users]="CARRETE_DATABASE_URL=$DB CARRETE_JWT_PUBLIC_KEY_FILE=$WORK/jwt.pub CARRETE_JWT_PRIVATE_KEY_FILE=$WORK/jwt.pem CARRETE_ID_KEY_FILE=$WORK/id.key"
  [photos]="CARRETE_DATABASE_URL=$DB CARRETE_JWT_PUBLIC_KEY_FILE=$WORK/jwt.pub CARRETE_ID_KEY_FILE=$WORK/id.key CARRETE_FOLDERS_URL=$URL"
  [folders]="CARRETE_DATABASE_URL=$DB CARRETE_JWT_PUBLIC_KEY_FILE=$WORK/jwt.pub CARRETE_ID_KEY_FILE=$WORK/id.key CARRETE_PHOTOS_URL=$URL"
  [web]="CARRETE_USERS_URL=$URL CARRETE_PHOTOS_URL=$URL CARRETE_FOLDERS_URL=$URL CARRETE_ID_KEY_FILE=$WORK/id.key"
)
declare -A EXTRA=(
  [users]=""
  [photos]="CARRETE_STORAGE=fs CARRETE_STORAGE_DIR=$WORK CARRETE_PUBLIC_URL=$URL"
  [folders]=""
  [web]=""
)

n=0
# expect SERVICE VARIABLE DESCRIPTION ENV...: `serve` with exactly ENV must
# exit 2 with one stderr line that names VARIABLE.
expect() {
  local svc=$1 var=$2 desc=$3 out status lines
  shift 3
  n=$((n + 1))
  out=$(cd "$WORK" && env -i PATH=/usr/bin:/bin ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" "$@" \
        timeout 20 "${BIN[$svc]}" serve 2>&1 >/dev/null)
  status=$?
  lines=$(printf '%s\n' "$out" | grep -c .)
  if [ "$status" = 2 ] && [ "$lines" = 1 ] && grep -q -- "$var" <<<"$out"; then
    echo "ok $n - carrete-$svc: $desc → exit 2, one line naming $var"
  else
    echo "not ok $n - carrete-$svc: $desc → exit 2, one line naming $var (got exit $status, $lines lines)"
    printf '%s\n' "$out" | head -n 20 | sed 's/^/# /'
  fi
}

# expect_every SERVICE: `serve` with no settings at all must exit 2 with one
# stderr line per required setting, each naming it, in the service's order.
expect_every() {
  local svc=$1 out status want got
  n=$((n + 1))
  out=$(cd "$WORK" && env -i PATH=/usr/bin:/bin ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
        timeout 20 "${BIN[$svc]}" serve 2>&1 >/dev/null)
  status=$?
  # shellcheck disable=SC2086
  want=$(printf '%s\n' ${REQUIRED[$svc]} | sed 's/=.*//')
  got=$(printf '%s\n' "$out" | sed -n "s/^carrete-$svc: \(CARRETE_[A-Z0-9_]*\) is required but not set$/\1/p")
  if [ "$status" = 2 ] && [ "$got" = "$want" ] &&
     [ "$(printf '%s\n' "$out" | grep -c .)" = "$(printf '%s\n' "$want" | grep -c .)" ]; then
    echo "ok $n - carrete-$svc: no settings at all → exit 2, a line naming each required setting"
  else
    echo "not ok $n - carrete-$svc: no settings at all → exit 2, a line naming each required setting (got exit $status)"
    printf '%s\n' "$out" | head -n 20 | sed 's/^/# /'
  fi
}

# shellcheck disable=SC2086 # the settings lists are meant to be split
for svc in users photos folders web; do
  all="${REQUIRED[$svc]} ${EXTRA[$svc]}"
  # Nothing at all: every required setting is reported at once.
  expect_every "$svc"
  # Every required setting but one.
  for pair in ${REQUIRED[$svc]}; do
    var=${pair%%=*}
    expect "$svc" "$var" "without $var" $(printf '%s\n' $all | grep -v "^$var=")
  done
  # Malformed values.
  expect "$svc" CARRETE_LISTEN "CARRETE_LISTEN=nonsense" $all CARRETE_LISTEN=nonsense
  expect "$svc" CARRETE_LISTEN "CARRETE_LISTEN port 70000" $all CARRETE_LISTEN=127.0.0.1:70000
  expect "$svc" CARRETE_ID_KEY_FILE "an ID key file that does not exist" $all \
    CARRETE_ID_KEY_FILE=$WORK/missing.key
  expect "$svc" CARRETE_READ_TIMEOUT "CARRETE_READ_TIMEOUT=abc" $all CARRETE_READ_TIMEOUT=abc
  for workers in 0 -3 abc 10000 "" " 2"; do
    expect "$svc" CARRETE_WORKERS "CARRETE_WORKERS='$workers'" $all "CARRETE_WORKERS=$workers"
  done
done
# shellcheck disable=SC2086
{
  expect users CARRETE_DATABASE_URL "a database URL libpq cannot parse" ${REQUIRED[users]} \
    "CARRETE_DATABASE_URL=postgresql://%zz"
  expect users CARRETE_DB_POOL_SIZE "CARRETE_DB_POOL_SIZE=-3" ${REQUIRED[users]} \
    CARRETE_DB_POOL_SIZE=-3
  expect photos CARRETE_STORAGE "CARRETE_STORAGE=ftp" ${REQUIRED[photos]} ${EXTRA[photos]} \
    CARRETE_STORAGE=ftp
  S3="CARRETE_STORAGE=s3 CARRETE_S3_ACCESS_KEY=key CARRETE_S3_SECRET_KEY=secret CARRETE_PUBLIC_URL=$URL"
  expect photos CARRETE_S3_ADDRESSING "CARRETE_S3_ADDRESSING=vhost" ${REQUIRED[photos]} $S3 \
    CARRETE_S3_ENDPOINT=http://minio:9000 CARRETE_S3_ADDRESSING=vhost
  expect photos CARRETE_S3_ENDPOINT "virtual-hosted addressing of an IP address" \
    ${REQUIRED[photos]} $S3 CARRETE_S3_ENDPOINT=http://127.0.0.1:9000 CARRETE_S3_ADDRESSING=virtual
  expect photos CARRETE_S3_PUBLIC_ENDPOINT "virtual-hosted addressing of a public IP address" \
    ${REQUIRED[photos]} $S3 CARRETE_S3_ENDPOINT=http://minio:9000 \
    CARRETE_S3_PUBLIC_ENDPOINT=https://192.0.2.1 CARRETE_S3_ADDRESSING=virtual
  expect photos CARRETE_MAX_UPLOAD_BYTES "CARRETE_MAX_UPLOAD_BYTES=abc" ${REQUIRED[photos]} \
    ${EXTRA[photos]} CARRETE_MAX_UPLOAD_BYTES=abc
  expect folders CARRETE_PHOTOS_URL "CARRETE_PHOTOS_URL=ftp://x" ${REQUIRED[folders]} \
    CARRETE_PHOTOS_URL=ftp://x
  expect web CARRETE_COOKIE_SECURE "CARRETE_COOKIE_SECURE=maybe" ${REQUIRED[web]} \
    CARRETE_COOKIE_SECURE=maybe
}
echo "1..$n"
