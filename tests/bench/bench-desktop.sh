#!/usr/bin/env bash
# carrete-desktop's targets (tests/bench/bench-desktop.c): first thumbnails
# of a 10,000-photo gallery, RSS while scrolling to its end, main-loop
# stalls and exact progress while 200 dropped photos upload.  Uses an
# optimized build without sanitizers in build-bench/ (ASan's shadow memory
# would swamp the RSS figure) and runs under Xvfb like the UI tests.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
build=$CARRETE_ROOT/build-bench
ensure_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
build_tree build-bench -Dbuildtype=release
ensure_minio
ninja -C "$build" client-gtk/tests/bench-desktop services/users/carrete-users \
  services/photos/carrete-photos services/folders/carrete-folders >/dev/null
export CARRETE_SOURCE_DIR=$CARRETE_ROOT CARRETE_BUILD_DIR=$build
export CARRETE_MINIO_BIN=$CARRETE_ROOT/.cache/bin/minio
"$CARRETE_ROOT/client-gtk/tests/run-under-xvfb.sh" "$build/client-gtk/tests/bench-desktop"
