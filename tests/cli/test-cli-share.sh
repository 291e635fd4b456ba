#!/usr/bin/env bash
# carrete share on a real stack (PostgreSQL and the three services of
# tests/harness/stack.sh), TAP on stdout.
#
#   tests/cli/test-cli-share.sh        (Meson: suite "cli", test cli-share)
#
# Links: created with a label, an expiry, a password (file and stdin) and
# without downloads; the URL printed once and answering; --json; --list
# (the password and downloads columns, uses after a visit); --revoke (then
# the link answers 404).  Members: --with (viewer by default, contributor,
# changed back), --members, --remove, and the member's "shared" folders.
# Bad inputs: an unknown folder, a bad role, clashing options (→ 2, one
# line each), an expiry in the past (the server's 422 shown, → 1), an
# unknown username, yourself (→ 1).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/cli-test-lib.sh"
stack_script_begin cli_share "the stack and carrete share ran"
[ -x "$CARRETE" ] || die "no $CARRETE (build first)"

# py EXPR: EXPR over the last output parsed as JSON (`o`), true or fails.
py() { python3 -c "import json,sys; o=json.loads(sys.argv[1]); sys.exit(0 if ($1) else 1)" "$OUT"; }

cli_start_stack
cli_register alice
cli_register bruno
api POST "$CARRETE_USERS_URL/v1/auth/login" "{\"username\":\"alice\",\"password\":\"$PASSWORD\"}"
TOKEN=$(json '["access_token"]')
api POST "$CARRETE_FOLDERS_URL/v1/folders" '{"name":"Trip","visibility":"private","tags":[]}'
[ "$CODE" = 201 ] || die "folder: $CODE $BODY"
FOLDER_ID=$(json '["id"]')
unset TOKEN
SERVER=(--server "$CARRETE_USERS_URL" --photos-url "$CARRETE_PHOTOS_URL" --folders-url "$CARRETE_FOLDERS_URL")
"$CARRETE" login "${SERVER[@]}" --username alice --password-stdin <<<"$PASSWORD" >/dev/null
STACK_RAN=1

say "usage"
expect "share --help shows its options" 0 "--password-file" "$CARRETE" share --help
expect "share without FOLDER: 2" 2 "missing FOLDER" "$CARRETE" share
tap_check "  … in one line" one_line
expect "share of an unknown folder: 2, says so" 2 "no folder named “Nowhere”" "$CARRETE" share Nowhere
tap_check "  … in one line" one_line
expect "a bad role: 2" 2 "viewer or contributor" "$CARRETE" share Trip --with bruno --role owner
tap_check "  … in one line" one_line
expect "--list with --with: 2" 2 "one of" "$CARRETE" share --list Trip --with bruno
expect "--expires-in and --expires: 2" 2 "not both" "$CARRETE" share Trip --expires-in 3 --expires 2030-01-01
expect "--expires that is no date: 2" 2 "is not a date" "$CARRETE" share Trip --expires soon
expect "--revoke with a FOLDER: 2" 2 "takes no FOLDER" "$CARRETE" share Trip --revoke sh_x
expect "--role without --with: 2" 2 "goes with --with" "$CARRETE" share Trip --role viewer
expect "a missing password file: 2" 2 "cannot read the password file" \
  "$CARRETE" share Trip --password-file "$STACK/none"

say "links"
expect "an expiry in the past: the server's 422, 1" 1 "expires_at: must be in the future" \
  "$CARRETE" share Trip --expires 2020-01-01
tap_check "  … in one line" one_line
expect "--expires-in 0: the server's 422, 1" 1 "expires_at: must be in the future" \
  "$CARRETE" share Trip --expires-in 0
echo "open sesame" >"$STACK/pw"
expect "share Trip (label, 7 days, password file, no downloads): the URL" 0 "/s/" \
  "$CARRETE" share Trip --label Family --expires-in 7 --password-file "$STACK/pw" --no-download
URL=$(grep -o 'http[^ ]*/s/[A-Za-z0-9_-]*' <<<"$OUT" | head -n 1)
tap_check "  … an absolute URL on the server's address" test -n "$URL"
expect "share Trip --json (password on stdin)" 0 "" "$CARRETE" share Trip --json --password-stdin <<<"secret 2"
tap_check "  … has id, token, url, has_password" py 'o["id"].startswith("sh_") and len(o["token"]) == 43 and o["url"].endswith("/s/" + o["token"]) and o["has_password"] and o["allow_download"]'
SECOND=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$OUT")
TOKEN_2=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$OUT")
# A visit through the second link: its use count goes up.
curl -s -o /dev/null -H "X-Carrete-Share: $TOKEN_2" -H "X-Carrete-Share-Password: secret 2" \
  "$CARRETE_FOLDERS_URL/v1/shares/current"
# carrete-folders writes uses in batches, within about a second: wait for it.
for _ in $(seq 50); do
  OUT=$("$CARRETE" share --list Trip --json 2>/dev/null) || true
  py 'sorted(s["use_count"] for s in o) == [0, 1]' 2>/dev/null && break
  sleep 0.1
done
expect "share --list Trip: both, with label and password" 0 "Family" "$CARRETE" share --list Trip
tap_check "  … three lines (a header and two links)" test "$(wc -l <<<"$OUT")" -eq 3
tap_check "  … the first has a password and no downloads" grep -q "yes  *no .*Family" <<<"$OUT"
expect "share --list Trip --json" 0 "" "$CARRETE" share --list Trip --json
tap_check "  … two links, no token, one used once" py 'len(o) == 2 and all("token" not in s for s in o) and sorted(s["use_count"] for s in o) == [0, 1] and any(s["last_used_at"] for s in o)'
expect "share --revoke the second: 0" 0 "revoked" "$CARRETE" share --revoke "$SECOND"
curl -s -o /dev/null -w '%{http_code}' -H "X-Carrete-Share: $TOKEN_2" -H "X-Carrete-Share-Password: secret 2" \
  "$CARRETE_FOLDERS_URL/v1/shares/current" >"$STACK/code"
tap_check "  … the link answers 404 now" test "$(cat "$STACK/code")" = 404
expect "  … and is not listed" 0 "" "$CARRETE" share --list Trip --json
tap_check "  … one left" py 'len(o) == 1'
expect "revoking it again: 1" 1 "revoking the link" "$CARRETE" share --revoke "$SECOND"
tap_check "  … in one line" one_line

say "members"
expect "share Trip --with bruno: a viewer" 0 "bruno is now a viewer" "$CARRETE" share Trip --with bruno
expect "share Trip --with BRUNO --role contributor" 0 "contributor" \
  "$CARRETE" share Trip --with BRUNO --role contributor
expect "share --members Trip" 0 "contributor  .*bruno" "$CARRETE" share --members Trip
expect "share --members Trip --json" 0 "" "$CARRETE" share --members Trip --json
tap_check "  … bruno, contributor" py 'len(o) == 1 and o[0]["username"] == "bruno" and o[0]["role"] == "contributor"'
api POST "$CARRETE_USERS_URL/v1/auth/login" "{\"username\":\"bruno\",\"password\":\"$PASSWORD\"}"
TOKEN=$(json '["access_token"]') api GET "$CARRETE_FOLDERS_URL/v1/folders?scope=shared"
tap_check "  … bruno sees Trip shared with him" test "$(json '["items"][0]["id"]')" = "$FOLDER_ID"
expect "an unknown username: 1, says so" 1 "no account with that username" \
  "$CARRETE" share Trip --with nobody-here
tap_check "  … in one line" one_line
expect "yourself: 1 (the server's reason)" 1 "You own this folder" "$CARRETE" share Trip --with alice
tap_check "  … in one line" one_line
expect "share Trip --remove bruno" 0 "no longer shared with bruno" "$CARRETE" share Trip --remove bruno
expect "  … no members left" 0 "" "$CARRETE" share --members Trip --json
tap_check "  … empty" py 'o == []'
