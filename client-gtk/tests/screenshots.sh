#!/usr/bin/env bash
# Regenerates the README's screenshots of carrete-desktop
# (docs/screenshots/desktop-{sign-in,gallery,viewer,upload}.png): builds the
# screenshot program, starts a real stack, drives the app under Xvfb.
#
#   client-gtk/tests/screenshots.sh [BUILD-DIR]     (default: build-asan)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-asan}
source "$root/scripts/lib.sh"
ensure_minio >/dev/null
ninja -C "$build" client-gtk/tests/desktop-screenshots services/users/carrete-users \
  services/photos/carrete-photos services/folders/carrete-folders \
  >/dev/null
mkdir -p "$root/docs/screenshots"
export CARRETE_SOURCE_DIR=$root CARRETE_BUILD_DIR=$build
export CARRETE_MINIO_BIN=$root/.cache/bin/minio
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp ASAN_OPTIONS=fast_unwind_on_malloc=0
"$root/client-gtk/tests/run-under-xvfb.sh" "$build/client-gtk/tests/desktop-screenshots" \
  "$root/docs/screenshots"
