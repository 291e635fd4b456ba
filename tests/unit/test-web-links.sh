#!/usr/bin/env bash
# carrete-web has no database and no storage: neither libpq nor libcurl may
# be among the shared libraries it loads (ldd: its own and theirs), and none
# of services/common's database or storage code may be linked in.  The API
# client library it shares with carrete-desktop (client-gtk/lib/core) brings
# neither libsecret nor GTK.  Prints TAP.
#
#   tests/unit/test-web-links.sh BUILD/services/web/carrete-web
set -euo pipefail
binary=${1:?usage: test-web-links.sh PATH-TO-carrete-web}
name=$(basename "$binary")

echo "1..5"
if ! libs=$(ldd "$binary" 2>&1); then
  for n in 1 2 3 4 5; do echo "not ok $n - ldd $binary failed"; done
  sed 's/^/# /' <<<"$libs"
  exit 1
fi

status=0
check() { # N DESCRIPTION MATCHES
  if [ -n "$3" ]; then
    echo "not ok $1 - $2"
    sed 's/^/# /' <<<"$3"
    status=1
  else
    echo "ok $1 - $2"
  fi
}
check 1 "$name does not load libpq" "$(grep -E 'libpq\.' <<<"$libs" || true)"
check 2 "$name does not load libcurl" "$(grep -E 'libcurl' <<<"$libs" || true)"
check 3 "$name does not load libsecret" "$(grep -E 'libsecret' <<<"$libs" || true)"
check 4 "$name does not load GTK" "$(grep -E 'libgtk|libadwaita' <<<"$libs" || true)"
# A stripped binary has no symbols to look at; the build's is not stripped.
check 5 "$name has no database or storage code" \
  "$(nm "$binary" 2>/dev/null | grep -E ' T (carrete_(db|migrate|storage|sigv4)_|PQ)' || true)"
exit $status
