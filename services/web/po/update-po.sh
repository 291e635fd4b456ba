#!/usr/bin/env bash
# Extracts carrete-web's UI strings (marked T(ctx, "…"), N_("…") and
# web_ctx_t_replace(ctx, "…", …)) into carrete-web.pot and merges them into
# each translation.  --check (or --tap, for the test suite) only reports:
# it fails when a string of the sources has no translation in a shipped .po.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
mode=${1:-update}
pot=$(mktemp)
trap 'rm -f "$pot" "$pot".*' EXIT
cd "$root"
xgettext --from-code=UTF-8 --language=C --keyword=T:2 --keyword=N_ --keyword=web_ctx_t_replace:2 \
  --package-name=carrete-web --omit-header -f services/web/po/POTFILES -o "$pot"
status=0
n=0
[ "$mode" = --tap ] && echo "1..$(ls "$here"/*.po | wc -l)"
for po in "$here"/*.po; do
  n=$((n + 1))
  if [ "$mode" = update ]; then
    msgmerge --quiet --update --backup=none --no-fuzzy-matching "$po" "$pot"
    continue
  fi
  msgmerge --quiet --no-fuzzy-matching "$po" "$pot" -o "$pot.merged"
  stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$pot.merged" 2>&1 | tr '\n' ' ')
  case "$stats" in
    *untranslated*|*fuzzy*|*error*) status=1; verdict="not ok" ;;
    *) verdict=ok ;;
  esac
  if [ "$mode" = --tap ]; then
    echo "$verdict $n /carrete/web/po/$(basename "$po" .po)-complete # $stats"
  else
    echo "$(basename "$po"): $stats"
  fi
done
[ "$mode" = update ] && cp "$pot" "$here/carrete-web.pot"
[ "$mode" = --tap ] && exit 0
exit $status
