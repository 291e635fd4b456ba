#!/bin/sh
# apt-source-served.sh PACKAGE...: unpacks, into the current folder, the
# newest version of each Debian source package whose files the archive
# actually serves.
#
# Why not plain `apt-get source`: it takes the newest version the index
# names, and the index can name a version whose files are not (or not yet,
# or no longer) downloadable: bookworm-security listed libheif
# 1.15.1-1+deb12u2 while its .dsc and .debian.tar.xz answered 404.  A point
# release moves the versions again without notice.  So each version the
# index lists is tried, newest first, until one arrives whole; the choice is
# printed, and so is every version passed over and why.  When none comes
# through, one line names the package and the versions tried, and the script
# exits 1.
#
# Needs deb-src entries, `apt-get update` done, and dpkg-dev installed.
set -eu

fetch_one() {
  pkg=$1
  versions=$(apt-cache showsrc --only-source "$pkg" 2>/dev/null | sed -n 's/^Version: //p' |
             sort -u | newest_first)
  if [ -z "$versions" ]; then
    echo "error: apt-get source $pkg: the package index lists no source version (no deb-src entries?)" >&2
    return 1
  fi
  tried=""
  for v in $versions; do
    log=$(mktemp)
    # apt checks every file against the signed index before unpacking.
    if apt-get source --only-source "$pkg=$v" >"$log" 2>&1; then
      rm -f "$log" "${pkg}"_*.dsc "${pkg}"_*.tar.* "${pkg}"_*.diff.*
      [ -z "$tried" ] || echo "note: $pkg $v is the newest version served (passed over:$tried)" >&2
      echo "using $pkg $v" >&2
      return 0
    fi
    why=$(grep -m1 -oE '[0-9]{3} +[A-Z][A-Za-z ]*[a-z]|Unable to [^[]*|Hash Sum mismatch' "$log" || echo "download failed")
    rm -rf "$log" "${pkg}"_* "${pkg}"-[0-9]*/
    tried="$tried $v ($why)"
  done
  echo "error: apt-get source $pkg: no version could be downloaded; tried:$tried" >&2
  return 1
}

# Sorts Debian versions, one a line, newest first (an insertion sort: only
# dpkg knows Debian's ordering, and there are a handful of versions).
newest_first() {
  sorted=""
  while read -r v; do
    [ -n "$v" ] || continue
    out="" placed=""
    for s in $sorted; do
      if [ -z "$placed" ] && dpkg --compare-versions "$v" gt "$s"; then
        out="$out $v"; placed=1
      fi
      out="$out $s"
    done
    [ -n "$placed" ] || out="$out $v"
    sorted=$out
  done
  printf '%s\n' $sorted
}

for pkg in "$@"; do
  fetch_one "$pkg"
done
