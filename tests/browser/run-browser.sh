#!/usr/bin/env bash
# Browser tests of carrete-web: Debian's chromium driven by playwright-core
# (tests/browser/journey.js) against a private stack, printing TAP: one line
# per step of the journey, then one per service saying it stopped cleanly on
# SIGTERM.
#
#   tests/browser/run-browser.sh                       (Meson runs it: suite "browser")
#   tests/browser/run-browser.sh --update-screenshots  also copy the screenshots to docs/screenshots/
#   tests/browser/run-browser.sh --oidc   the "Sign in with …" journey (oidc.js) instead,
#                            against a real Keycloak (stack.sh stack_start_keycloak);
#                            a TAP skip when Keycloak cannot run here
#   BUILD=build tests/browser/run-browser.sh           binaries of another build dir
#   WEB_BIN=/path/to/carrete-web tests/browser/run-browser.sh   another carrete-web
#   CARRETE_SCREENSHOT_DIR=dir                         where the screenshots go
#                                   (default BUILD_DIR/meson-logs/screenshots)
#   CARRETE_BROWSER_STORAGE=s3   photos in a MinIO started for the run (default fs);
#                            CARRETE_MINIO_BIN or .cache/bin/minio
#   CARRETE_BROWSER_KEEP=1   keep the temp dir (logs, storage)
#   CARRETE_BROWSER_HOLD=1   start the stack, print its addresses and wait
#
# The stack (tests/harness/stack.sh) lives in a temp dir: PostgreSQL, fresh
# keys, carrete-users, carrete-folders, carrete-photos on fs storage and
# carrete-web with non-Secure cookies (plain http on loopback), each on a free
# loopback port.  playwright-core is installed once, pinned, into
# .cache/node/playwright (ignored by git); it drives /usr/bin/chromium and
# downloads no browser of its own.  Only TAP goes to stdout.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../scripts/lib.sh"
source "$HERE/../../scripts/postgres.sh"

PLAYWRIGHT_VERSION=1.64.1 # drives chromium 156 over CDP
PLAYWRIGHT_DIR=$CARRETE_ROOT/.cache/node/playwright
BUILD_DIR=${CARRETE_BUILD_DIR:-$CARRETE_ROOT/${BUILD:-build-asan}}
WEB_BIN=${WEB_BIN:-$BUILD_DIR/services/web/carrete-web}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
SCREENSHOT_DIR=${CARRETE_SCREENSHOT_DIR:-$BUILD_DIR/meson-logs/screenshots}
# Small, so that the over-the-limit upload stays quick.
WEB_MAX_UPLOAD_BYTES=$((2 * 1024 * 1024))
# upload.js sends files over this part by part (resumable); above the
# over-the-limit file, so that its 413 still comes from POST /upload.
WEB_RESUMABLE_BYTES=$((4 * 1024 * 1024))
UPDATE_SCREENSHOTS=0
OIDC=0
JOURNEY=journey.js
STORAGE=${CARRETE_BROWSER_STORAGE:-fs}
for arg in "$@"; do
  case $arg in
    --update-screenshots) UPDATE_SCREENSHOTS=1 ;;
    --oidc) OIDC=1; JOURNEY=oidc.js ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $arg (see the top of $0)" ;;
  esac
done
source "$HERE/../harness/stack.sh"
stack_script_begin browser "the stack and the browser ran"

# ---- playwright-core and chromium -----------------------------------------

command -v node >/dev/null && command -v npm >/dev/null ||
  die "node and npm are needed (Debian: apt-get install nodejs npm)"
[ -x "$CHROMIUM" ] || die "no $CHROMIUM (Debian: apt-get install chromium)"
installed=$(node -p "require('$PLAYWRIGHT_DIR/node_modules/playwright-core/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$PLAYWRIGHT_VERSION" ]; then
  say "installing playwright-core $PLAYWRIGHT_VERSION into $PLAYWRIGHT_DIR"
  mkdir -p "$PLAYWRIGHT_DIR"
  # Its own prefix: an npm install into .cache/node would prune newman, and
  # newman's would prune this.  Several runs may share it: one installs.
  flock "$CARRETE_ROOT/.cache/node/.lock" npm install --no-save --no-audit --no-fund --loglevel=error \
    --prefix "$PLAYWRIGHT_DIR" "playwright-core@$PLAYWRIGHT_VERSION" ||
    die "npm install playwright-core@$PLAYWRIGHT_VERSION failed"
fi

# ---- the stack ------------------------------------------------------------

[ -x "$WEB_BIN" ] || die "no $WEB_BIN (build carrete-web first, or set WEB_BIN)"
read -r PG_PORT USERS_PORT FOLDERS_PORT PHOTOS_PORT WEB_PORT MINIO_PORT < <(stack_free_ports 6)
WEB_URL=http://127.0.0.1:$WEB_PORT
stack_start_db "$PG_PORT"
WEB_OIDC_ENV=()
if [ "$OIDC" -eq 1 ]; then
  # oidc_ana signs in first (her account is made then), oidc_bo links his
  # provider account to a password account.
  if ! stack_start_keycloak oidc_ana:ana@oidc.example.org oidc_bo:bo@oidc.example.org; then
    echo "1..0 # SKIP Keycloak is not available: $STACK_OIDC_UNAVAILABLE" >&3
    STACK_RAN=1
    exit 0
  fi
  STACK_USERS_ENV=("CARRETE_OIDC_ISSUER=$STACK_OIDC_ISSUER" "CARRETE_OIDC_CLIENT_ID=$STACK_OIDC_CLIENT_ID"
                   "CARRETE_OIDC_CLIENT_SECRET_FILE=$STACK_OIDC_SECRET_FILE" "CARRETE_PUBLIC_URL=$WEB_URL")
  WEB_OIDC_ENV=("CARRETE_OIDC_ISSUER=$STACK_OIDC_ISSUER" "CARRETE_PUBLIC_URL=$WEB_URL")
  export CARRETE_OIDC_ISSUER_URL=$STACK_OIDC_ISSUER
  export CARRETE_OIDC_PASSWORD_ANA=${STACK_OIDC_PASSWORDS[oidc_ana]}
  export CARRETE_OIDC_PASSWORD_BO=${STACK_OIDC_PASSWORDS[oidc_bo]}
fi
STACK_S3_ENV=()
WEB_S3_ENV=()
case $STORAGE in
  fs) ;;
  s3)
    say "starting MinIO for the photos (CARRETE_BROWSER_STORAGE=s3)"
    stack_start_minio "$MINIO_PORT" "${CARRETE_MINIO_BIN:-$CARRETE_ROOT/.cache/bin/minio}"
    # The browser loads the presigned image URLs from MinIO itself.
    WEB_S3_ENV=(CARRETE_IMAGES_ORIGIN="http://127.0.0.1:$MINIO_PORT")
    ;;
  *) die "CARRETE_BROWSER_STORAGE is fs or s3, not $STORAGE" ;;
esac
stack_start_services "$USERS_PORT" "$FOLDERS_PORT" "$PHOTOS_PORT" "${STACK_S3_ENV[@]}"
mkdir -p "$STACK/web-spool"
stack_start_service web "$WEB_PORT" "$WEB_BIN" CARRETE_COOKIE_SECURE=false \
  CARRETE_MAX_UPLOAD_BYTES="$WEB_MAX_UPLOAD_BYTES" CARRETE_SPOOL_DIR="$STACK/web-spool" \
  CARRETE_WEB_RESUMABLE_BYTES="$WEB_RESUMABLE_BYTES" "${WEB_S3_ENV[@]}" "${WEB_OIDC_ENV[@]}"

if [ -n "${CARRETE_BROWSER_HOLD:-}" ]; then
  say "holding the stack: web $WEB_URL users $CARRETE_USERS_URL folders $CARRETE_FOLDERS_URL photos $CARRETE_PHOTOS_URL (Ctrl-C stops)"
  while sleep 1; do :; done
fi

# ---- the journey ----------------------------------------------------------

say "running the browser journey $JOURNEY against $WEB_URL (screenshots into $SCREENSHOT_DIR)"
mkdir -p "$SCREENSHOT_DIR"
journey_status=0
CARRETE_WEB_URL=$WEB_URL CARRETE_STACK=$STACK CARRETE_SCREENSHOT_DIR=$SCREENSHOT_DIR \
  CARRETE_WEB_MAX_UPLOAD_BYTES=$WEB_MAX_UPLOAD_BYTES CARRETE_WEB_RESUMABLE_BYTES=$WEB_RESUMABLE_BYTES \
  PLAYWRIGHT_CORE=$PLAYWRIGHT_DIR/node_modules/playwright-core CHROMIUM=$CHROMIUM \
  node "$HERE/$JOURNEY" > "$STACK/journey.tap" || journey_status=$?
STACK_RAN=1
cat "$STACK/journey.tap" >&2
# The journey's own plan line is dropped: the results are renumbered with
# the services' exit checks.
while IFS= read -r line; do
  case $line in
    "ok "*|"not ok "*) RESULTS+=("$(sed -E 's/^(ok|not ok) [0-9]+ /\1 /' <<<"$line")") ;;
  esac
done < "$STACK/journey.tap"
grep -q '^not ok' "$STACK/journey.tap" || [ "$journey_status" -eq 0 ] ||
  tap_result "not ok" "$JOURNEY exited with status $journey_status"

# Every upload went through the spool folders; none may be left there.
left=$(find "$STACK/web-spool" "$STACK/spool" -type f | wc -l)
if [ "$left" -eq 0 ]; then
  tap_result ok "no upload is left half-written in the spool folders of carrete-web and carrete-photos"
else
  tap_result "not ok" "no upload is left half-written in the spool folders ($left files: $(find "$STACK/web-spool" "$STACK/spool" -type f | head -5 | tr '\n' ' '))"
fi

if [ "$UPDATE_SCREENSHOTS" -eq 1 ]; then
  mkdir -p "$CARRETE_ROOT/docs/screenshots"
  cp "$SCREENSHOT_DIR"/*.png "$CARRETE_ROOT/docs/screenshots/"
  say "copied $(ls "$SCREENSHOT_DIR"/*.png | wc -l) screenshots to docs/screenshots/"
fi
