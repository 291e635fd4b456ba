#!/usr/bin/env bash
# Extracts carrete-web's UI strings (marked T(ctx, "…"), N_("…") and
# web_ctx_t_replace(ctx, "…", …)) into carrete-web.pot and merges them
# into each translation.  --check only reports: it fails when a string of
# the sources has no translation in a shipped .po (the test suite runs it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
pot=$(mktemp)
trap 'rm -f "$pot" "$pot".*' EXIT
cd "$root"
xgettext --from-code=UTF-8 --language=C --keyword=T:2 --keyword=N_ --keyword=web_ctx_t_replace:2 \
  --package-name=carrete-web --omit-header -f services/web/po/POTFILES -o "$pot"
status=0
for po in "$here"/*.po; do
  if [ "${1:-}" = --check ]; then
    msgmerge --quiet --no-fuzzy-matching "$po" "$pot" -o "$pot.merged"
    stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$pot.merged" 2>&1)
    echo "$(basename "$po"): $stats"
    case "$stats" in *untranslated*|*fuzzy*) status=1 ;; esac
  else
    msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$pot"
  fi
done
[ "${1:-}" = --check ] || cp "$pot" "$here/carrete-web.pot"
exit $status
