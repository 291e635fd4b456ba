#!/usr/bin/env bash
# Fails when a UI string in the sources has no Spanish translation: extracts
# the strings afresh (as the update-po target would), merges them into a
# copy of es.po and counts what is untranslated or fuzzy.
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xgettext --from-code=UTF-8 --add-comments=TRANSLATORS --keyword=_ --keyword=N_ \
  --keyword=C_:1c,2 --keyword=ngettext:1,2 --files-from="$src/client-gtk/po/POTFILES" \
  --directory="$src" -o "$tmp/carrete-desktop.pot" --package-name=carrete-desktop
msgmerge --quiet --no-fuzzy-matching -o "$tmp/es.po" "$src/client-gtk/po/es.po" "$tmp/carrete-desktop.pot"
stats=$(msgfmt -c --statistics -o /dev/null "$tmp/es.po" 2>&1)
echo "$stats"
if grep -qE 'untranslated|fuzzy' <<<"$stats"; then
  msgattrib --untranslated --only-fuzzy "$tmp/es.po" 2>/dev/null || true
  msgattrib --untranslated "$tmp/es.po" | grep '^msgid' || true
  echo "es.po is incomplete" >&2
  exit 1
fi
