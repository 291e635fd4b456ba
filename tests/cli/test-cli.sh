#!/usr/bin/env bash
# carrete, the command line, on a real stack (PostgreSQL and the three
# services of tests/harness/stack.sh, fs storage), TAP on stdout.
#
#   tests/cli/test-cli.sh            (Meson: suite "cli")
#
# CARRETE_CLI_IMAGES (default 300) sizes the imported tree;
# CARRETE_CLI_SKIP_RESUME=1 leaves out the interruption part (quicker runs
# while working on the rest); CARRETE_CLI_KEEP keeps the temp dir.
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
IMAGES=${CARRETE_CLI_IMAGES:-300}
source "$HERE/cli-test-lib.sh"
stack_script_begin cli "the stack and the command line ran"
[ -x "$CARRETE" ] || die "no $CARRETE (build first)"

cli_start_stack
cli_register alice
SERVER=(--server "$CARRETE_USERS_URL" --photos-url "$CARRETE_PHOTOS_URL" --folders-url "$CARRETE_FOLDERS_URL")
STACK_RAN=1

say "usage and login"
expect "carrete --help lists the commands" 0 "import" "$CARRETE" --help
expect "carrete import --help shows its options" 0 "--jobs" "$CARRETE" import --help
expect "no command: usage, 2" 2 "Usage" "$CARRETE"
expect "an unknown command: 2, one line" 2 "unknown command" "$CARRETE" frobnicate
tap_check "  … in one line" one_line
expect "an unknown option: 2" 2 "Unknown option" "$CARRETE" folders --frob
expect "not logged in: 3" 3 "not logged in" "$CARRETE" folders
expect "login with a bad password: 3" 3 "" \
  "$CARRETE" login "${SERVER[@]}" --username alice --password-stdin <<<"wrong-$PASSWORD"
expect "login to an unreachable server: 4" 4 "cannot be reached" \
  "$CARRETE" login --server http://127.0.0.1:1 --username alice --password-stdin <<<"$PASSWORD"
expect "login with a password on stdin: 0, in the file" 0 "kept in $XDG_CONFIG_HOME/carrete/cli-session.ini" \
  "$CARRETE" login "${SERVER[@]}" --username alice --password-stdin <<<"$PASSWORD"
tap_check "the session file is 0600" test "$(stat -c %a "$XDG_CONFIG_HOME/carrete/cli-session.ini")" = 600
expect "folders --json: an empty array" 0 "" "$CARRETE" folders --json
tap_check "  … parsed" test "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$OUT")" = 0

say "bad inputs"
TREE=$STACK/tree
mkdir -p "$TREE"
touch "$STACK/a-file"
expect "import without DIR: 2" 2 "missing DIR" "$CARRETE" import
tap_check "  … in one line" one_line
expect "import of a missing DIR: 2" 2 "no such directory" "$CARRETE" import "$STACK/nothing-here"
tap_check "  … in one line" one_line
expect "import of a file: 2" 2 "is not a directory" "$CARRETE" import "$STACK/a-file"
tap_check "  … in one line" one_line
for jobs in 0 1000 text; do
  expect "import --jobs $jobs: 2" 2 "jobs" "$CARRETE" import --jobs "$jobs" "$TREE"
  tap_check "  … in one line" one_line
done
expect "import --tags without --folder: 2" 2 "needs --folder" "$CARRETE" import --tags a "$TREE"
expect "ls of an unknown folder: 2" 2 "no folder named" "$CARRETE" ls "No such folder"
tap_check "  … in one line" one_line
expect "export of an unknown folder: 2" 2 "no folder named" "$CARRETE" export "No such folder" "$STACK/out"
tap_check "  … in one line" one_line
tap_check "  … and made no directory" test ! -e "$STACK/out"
expect "export into a file: 2" 2 "is not a directory" "$CARRETE" export Anything "$STACK/a-file"
expect "share of an unknown folder: 2" 2 "no folder named" "$CARRETE" share "No such folder"
tap_check "  … in one line" one_line

# photo_requests: the photos service's requests to its upload routes so far.
photo_requests() {
  curl -s "$CARRETE_PHOTOS_URL/metrics" |
    awk '/^carrete_http_requests_total/ && /method="(POST|PUT)"/ { n += $NF } END { print n + 0 }'
}
# server_photos FOLDER: "ready distinct-sha256 all" photos of FOLDER.
server_photos() {
  "$CARRETE" ls "$1" --json | python3 -c '
import json, sys
photos = json.load(sys.stdin)
ready = [p for p in photos if p["state"] == "ready"]
print(len(ready), len({p["sha256"] for p in ready}), len(photos))'
}

say "import of $IMAGES images and what is not to be sent"
python3 "$HERE/make-tree.py" images "$TREE" 0 "$IMAGES"
python3 "$HERE/make-tree.py" extras "$TREE" 0
EXPECTED=$((IMAGES + 2)) # the NFC and NFD files are images too; the copy is not sent again
# An unreadable file: root reads everything, so as root the imports of this
# tree run without the capabilities that let it (setpriv), when it can.
WANT_STATUS=0 DROP=()
NO_DAC=(setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search)
if [ "$(id -u)" -ne 0 ]; then
  WANT_STATUS=1
elif "${NO_DAC[@]}" true 2>/dev/null; then
  WANT_STATUS=1 DROP=("${NO_DAC[@]}")
fi
if [ "$WANT_STATUS" = 1 ]; then
  echo "secret" >"$TREE/misc/unreadable.png" && chmod 000 "$TREE/misc/unreadable.png"
else
  tap_result ok "an unreadable file # SKIP running as root without setpriv"
fi
start=$(date +%s%N)
expect "import of the tree (--folder made, --tags, --jobs 4)" "$WANT_STATUS" "uploaded" \
  "${DROP[@]}" "$CARRETE" import "$TREE" --folder Trip --tags sea,2024 --jobs 4
first_ns=$(($(date +%s%N) - start))
echo "$OUT" | tail -n 5
tap_check "  … says $EXPECTED uploaded" grep -q "^$EXPECTED uploaded, 1 already there, 3 not images" <<<"$OUT"
if [ "$WANT_STATUS" = 1 ]; then
  tap_check "  … and lists the unreadable file" grep -q "failed.*unreadable.png.*Permission denied" <<<"$OUT"
fi
tap_check "the server has exactly $EXPECTED ready photos, all distinct" \
  test "$(server_photos Trip)" = "$EXPECTED $EXPECTED $EXPECTED"
expect "folders --json shows Trip with its tags" 0 "" "$CARRETE" folders --json
tap_check "  … parsed" python3 -c '
import json, sys
folders = json.loads(sys.argv[1])
assert [f["name"] for f in folders] == ["Trip"], folders
assert sorted(folders[0]["tags"]) == ["2024", "sea"], folders' "$OUT"
expect "ls Trip (a table)" 0 "img-00000.png" "$CARRETE" ls Trip

before=$(photo_requests)
start=$(date +%s%N)
expect "a second import" "$WANT_STATUS" "^0 uploaded, $((EXPECTED + 1)) already there" \
  "${DROP[@]}" "$CARRETE" import "$TREE" --folder Trip --jobs 4
second_ns=$(($(date +%s%N) - start))
tap_check "  … sent no upload request ($(photo_requests) - $before)" test "$(photo_requests)" = "$before"
tap_check "  … took under 10% of the first ($((second_ns / 1000000)) ms vs $((first_ns / 1000000)) ms)" \
  test $((second_ns * 10)) -lt "$first_ns"
tap_check "  … and the server still has $EXPECTED" test "$(server_photos Trip)" = "$EXPECTED $EXPECTED $EXPECTED"
expect "import --json" "$WANT_STATUS" "" "${DROP[@]}" "$CARRETE" import "$TREE" --folder Trip --json
tap_check "  … parsed: nothing sent, $((EXPECTED + 1)) already there" python3 -c '
import json, sys
summary = json.loads(sys.argv[1])
assert summary["uploaded"] == 0 and summary["already_there"] == int(sys.argv[2]), summary
assert summary["not_images"] == 3 and summary["interrupted"] is False, summary
assert len(summary["failed"]) == int(sys.argv[3]), summary' "$OUT" "$((EXPECTED + 1))" "$WANT_STATUS"

[ -n "${CARRETE_CLI_SKIP_RESUME:-}" ] || {
say "Ctrl-C and kill -9 half-way, then a resume"
HALF=$STACK/half
RECORDS=$XDG_STATE_HOME/carrete/uploads
python3 "$HERE/make-tree.py" images "$HALF" 100000 200
python3 "$HERE/make-tree.py" big "$HALF" 2 12
HALF_EXPECTED=202
# Files over 1 MiB go the resumable way (the library's threshold, lowered).
export CARRETE_DESKTOP_RESUMABLE_BYTES=1048576
# start_import LOG: an import of $HALF in the background; PID is its pid.
start_import() {
  "$CARRETE" import "$HALF" --folder Half --jobs 3 >"$1" 2>&1 &
  PID=$!
}
records() { find "$RECORDS" -name '*.json' 2>/dev/null | wc -l; }
# wait_for CONDITION...: until it holds or the import ended (60 s at most).
wait_for() {
  local tries=1200
  until "$@" || ! kill -0 "$PID" 2>/dev/null || [ "$tries" -eq 0 ]; do
    sleep 0.05
    tries=$((tries - 1))
  done
}
resumable_running() { [ "$(records)" -gt 0 ]; }
uploaded_at_least() { [ "$(grep -c '^uploaded ' "$1" || true)" -ge "$2" ]; }

start_import "$STACK/run1.log"
wait_for resumable_running
left_records_before=$(records)
kill -INT "$PID" 2>/dev/null || true
status=0
wait "$PID" || status=$?
tap_check "Ctrl-C: exit 1 ($status), saying so" test "$status" = 1 -a "$(grep -c 'interrupted' "$STACK/run1.log")" -ge 1
tap_check "  … its resumable uploads left for the next run ($left_records_before running, $(records) left)" \
  test "$(records)" -ge "$left_records_before"
echo "run 1: $(grep -c '^uploaded ' "$STACK/run1.log" || true) uploaded, $(records) resumable left"

start_import "$STACK/run2.log"
wait_for uploaded_at_least "$STACK/run2.log" 20
kill -KILL "$PID" 2>/dev/null || true
wait "$PID" || true
echo "run 2 (killed): $(grep -c '^uploaded ' "$STACK/run2.log" || true) uploaded, $(records) resumable left"

expect "the resume finishes: 0" 0 "0 failed" "$CARRETE" import "$HALF" --folder Half --jobs 3
echo "$OUT" | tail -n 3
tap_check "  … finishing what the earlier runs left" grep -q "^resumed \|^uploaded .*big" <<<"$OUT"
tap_check "  … no resumable upload left" test "$(records)" = 0
read -r ready distinct total <<<"$(server_photos Half)"
tap_check "  … the server has exactly $HALF_EXPECTED ready photos, no duplicate ($ready ready, $distinct distinct, $total in all)" \
  test "$ready $distinct" = "$HALF_EXPECTED $HALF_EXPECTED"
expect "and one more run sends nothing" 0 "^0 uploaded, $HALF_EXPECTED already there" \
  "$CARRETE" import "$HALF" --folder Half --jobs 3
unset CARRETE_DESKTOP_RESUMABLE_BYTES
}

say "a terminal gets a progress line"
if command -v script >/dev/null; then
  python3 "$HERE/make-tree.py" images "$STACK/tty" 500000 5
  expect "import on a terminal (script(1))" 0 "MB/s" \
    script -qec "$(printf '%q ' "$CARRETE" import "$STACK/tty" --folder Tty)" /dev/null
  tap_check "  … redrawn in place, no line per file" test "$(grep -c '^uploaded ' <<<"$OUT")" = 0
else
  tap_result ok "the progress line # SKIP no script(1)"
fi

say "export"
EXPORT=$STACK/export
expect "export Trip: 0" 0 "^$EXPECTED written, 0 already there, 0 failed" "$CARRETE" export Trip "$EXPORT"
tap_check "  … $EXPECTED files" test "$(find "$EXPORT" -type f | wc -l)" = "$EXPECTED"
# The bytes: every image of the tree once (the copy is the same bytes).
find "$TREE" -path '*/misc/*' -prune -o -name 'img-*.png' -print0 | xargs -0 sha256sum | cut -c1-64 >"$STACK/want.sha"
sha256sum "$TREE"/misc/caf*.png | cut -c1-64 >>"$STACK/want.sha"
find "$EXPORT" -type f -print0 | xargs -0 sha256sum | cut -c1-64 >"$STACK/got.sha"
tap_check "  … byte-identical to the originals (sha256sum)" diff <(sort "$STACK/want.sha") <(sort "$STACK/got.sha")
tap_check "  … under their names" test "$(find "$TREE" -path '*/misc/*' -prune -o -name 'img-*.png' -printf '%f\n' | sort | md5sum)" = \
  "$(find "$EXPORT" -name 'img-*.png' -printf '%f\n' | sort | md5sum)"
tap_check "  … the NFC and NFD names both kept (a clash gets \" (2)\")" \
  test "$(find "$EXPORT" -name 'caf*' | wc -l)" = 2
"$CARRETE" ls Trip --json >"$STACK/trip.json"
tap_check "  … each file's mtime is the photo's date" python3 -c '
import datetime, json, os, sys
photos, root = json.load(open(sys.argv[1])), sys.argv[2]
for p in photos:
    if not p["name"].startswith("img-"):
        continue
    when = p["taken_at"] or p["uploaded_at"]
    want = datetime.datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
    got = os.stat(os.path.join(root, p["name"])).st_mtime
    assert abs(got - want) < 1, (p["name"], got, want)' "$STACK/trip.json" "$EXPORT"
expect "export again into the same directory keeps what is there" 0 \
  "^0 written, $EXPECTED already there, 0 failed" "$CARRETE" export Trip "$EXPORT"
expect "export --json" 0 "" "$CARRETE" export Trip "$EXPORT" --json
tap_check "  … parsed" python3 -c 'import json, sys; assert json.loads(sys.argv[1])["kept"] == int(sys.argv[2])' "$OUT" "$EXPECTED"

say "the keyring, where there is one"
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  # A private D-Bus session and gnome-keyring with a HOME of their own.
  keyring_run() {
    env -u DBUS_SESSION_BUS_ADDRESS "$CARRETE_ROOT/client-gtk/tests/keyring-session.sh" bash -c '
      set -e
      "$1" login "${@:3}" --username alice --password-stdin <<<"$2"
      grep -c refresh-token "$XDG_CONFIG_HOME/carrete/cli-session.ini" || true
      "$1" folders --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)), \"folders\")"
      "$1" logout
      "$1" folders || echo "then exit $?"' sh "$CARRETE" "$PASSWORD" "${SERVER[@]}"
  }
  expect "login keeps the session in the keyring" 0 "kept in the keyring" keyring_run
  echo "$OUT" >&2
  keyring_worked() { grep -qx "[0-9]* folders" <<<"$OUT" && grep -q "then exit 3" <<<"$OUT"; }
  tap_check "  … not in the file" grep -qx 0 <<<"$OUT"
  tap_check "  … and it works (folders), then logout forgets it (3)" keyring_worked
else
  tap_result ok "the keyring # SKIP no dbus-run-session or gnome-keyring-daemon"
fi

say "a session the server refuses"
SESSION=$XDG_CONFIG_HOME/carrete/cli-session.ini
cp -p "$SESSION" "$STACK/session.saved"
sed -i 's/^refresh-token=.*/refresh-token=rt_not-a-token-the-server-knows/' "$SESSION"
expect "a refused session: 3, saying log in again" 3 "run carrete login" "$CARRETE" folders
tap_check "  … in one line" one_line
expect "logout of a refused session: 0, forgotten, no sign-in error" 0 "Logged out" "$CARRETE" logout
tap_check "  … in one line" one_line
tap_check "  … the file is gone" test ! -e "$SESSION"
mv "$STACK/session.saved" "$SESSION"

say "a service that cannot be reached"
kill -TERM "$(cat "$STACK/run/folders.pid")"
for _ in $(seq 300); do [ -s "$STACK/run/folders.status" ] && break; sleep 0.1; done
expect "folders while carrete-folders is down: 4" 4 "cannot be reached" "$CARRETE" folders
tap_check "  … in one line" one_line
"$STACK/run/folders.start"
wait_for_http "$CARRETE_FOLDERS_URL/readyz" 1200 || die "carrete-folders did not come back"
expect "  … and back: 0" 0 "Trip" "$CARRETE" folders

say "logout"
expect "logout: 0" 0 "Logged out" "$CARRETE" logout
tap_check "  … the session file is gone" test ! -e "$XDG_CONFIG_HOME/carrete/cli-session.ini"
expect "  … and folders says not logged in: 3" 3 "not logged in" "$CARRETE" folders
