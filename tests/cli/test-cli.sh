#!/usr/bin/env bash
# carrete, the command line, on a real stack (PostgreSQL and the three
# services of tests/harness/stack.sh, fs storage), TAP on stdout.
#
#   tests/cli/test-cli.sh            (Meson: suite "cli")
#
# login (good, bad password → 3, unreachable → 4), folders and ls (--json
# parsed), the bad inputs (→ 2 with one line each), an import of a generated
# tree (a few hundred distinct PNGs, non-images, a copy, an unreadable file,
# a symlink loop, NFC and NFD names) counted on the server, a second run that
# sends nothing (the photos service's /metrics) in under 10% of the time,
# Ctrl-C and kill -9 half-way then a resume without duplicates, an export
# compared byte for byte, logout.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/../../scripts/lib.sh"
source "$HERE/../../scripts/postgres.sh"
BUILD_DIR=${CARRETE_BUILD_DIR:-$CARRETE_ROOT/${BUILD:-build-asan}}
CARRETE=$BUILD_DIR/cli/carrete
IMAGES=${CARRETE_CLI_IMAGES:-300}
source "$HERE/../harness/stack.sh"
source "$HERE/../harness/http.sh"
stack_script_begin cli "the stack and the command line ran"
[ -x "$CARRETE" ] || die "no $CARRETE (build first)"

# expect DESCRIPTION STATUS PATTERN COMMAND...: the command exits STATUS and
# says PATTERN (stdout or stderr; "" for anything).  OUT holds what it said.
expect() {
  local desc=$1 want=$2 pattern=$3 status=0
  shift 3
  OUT=$("$@" 2>&1) || status=$?
  if [ "$status" -ne "$want" ]; then
    tap_result "not ok" "$desc (exit $status, not $want): $(tail -n 3 <<<"$OUT")"
  elif [ -n "$pattern" ] && ! grep -q -- "$pattern" <<<"$OUT"; then
    tap_result "not ok" "$desc (no \"$pattern\" in: $(tail -n 3 <<<"$OUT"))"
  else
    tap_result ok "$desc"
  fi
}
# check DESCRIPTION COMMAND...: one TAP line, passing when COMMAND does.
check() {
  local desc=$1
  shift
  if "$@"; then tap_result ok "$desc"; else tap_result "not ok" "$desc"; fi
}
# one_line: what the last command said is one line.
one_line() { [ "$(wc -l <<<"$OUT")" -eq 1 ]; }

read -r -a PORTS <<<"$(stack_free_ports 4)"
stack_start_db "${PORTS[0]}"
stack_start_services "${PORTS[1]}" "${PORTS[2]}" "${PORTS[3]}"

# A home of its own; no D-Bus session, so the session goes to the file.
export HOME=$STACK/home XDG_CONFIG_HOME=$STACK/home/config XDG_CACHE_HOME=$STACK/home/cache \
  XDG_STATE_HOME=$STACK/home/state DBUS_SESSION_BUS_ADDRESS=unix:path=$STACK/no-bus
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$HOME"
PASSWORD=$(openssl rand -hex 12)
api POST "$CARRETE_USERS_URL/v1/auth/register" \
  "{\"username\":\"alice\",\"email\":\"alice@example.org\",\"password\":\"$PASSWORD\"}"
[ "$CODE" = 201 ] || die "register: $CODE $BODY"
SERVER=(--server "$CARRETE_USERS_URL" --photos-url "$CARRETE_PHOTOS_URL" --folders-url "$CARRETE_FOLDERS_URL")
STACK_RAN=1

say "usage and login"
expect "carrete --help lists the commands" 0 "import" "$CARRETE" --help
expect "carrete import --help shows its options" 0 "--jobs" "$CARRETE" import --help
expect "no command: usage, 2" 2 "Usage" "$CARRETE"
expect "an unknown command: 2, one line" 2 "unknown command" "$CARRETE" frobnicate
check "  … in one line" one_line
expect "an unknown option: 2" 2 "Unknown option" "$CARRETE" folders --frob
expect "not logged in: 3" 3 "not logged in" "$CARRETE" folders
expect "login with a bad password: 3" 3 "" \
  "$CARRETE" login "${SERVER[@]}" --username alice --password-stdin <<<"wrong-$PASSWORD"
expect "login to an unreachable server: 4" 4 "cannot be reached" \
  "$CARRETE" login --server http://127.0.0.1:1 --username alice --password-stdin <<<"$PASSWORD"
expect "login with a password on stdin: 0, in the file" 0 "kept in $XDG_CONFIG_HOME/carrete/cli-session.ini" \
  "$CARRETE" login "${SERVER[@]}" --username alice --password-stdin <<<"$PASSWORD"
check "the session file is 0600" test "$(stat -c %a "$XDG_CONFIG_HOME/carrete/cli-session.ini")" = 600
expect "folders --json: an empty array" 0 "" "$CARRETE" folders --json
check "  … parsed" test "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$OUT")" = 0
