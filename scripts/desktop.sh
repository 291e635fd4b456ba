#!/usr/bin/env bash
# Builds carrete-desktop (in build/, like scripts/run.sh) and starts it.
#
#   scripts/desktop.sh              run it from the build tree
#   scripts/desktop.sh --install    install it (meson install: binary,
#                                   .desktop file, metainfo, icon, Spanish
#                                   catalogue) under /usr/local, so that it
#                                   appears among the applications
#
# With `scripts/run.sh` running in another terminal, sign in with the server
# address http://127.0.0.1:8080 (carrete-web passes /v1/* through to the
# services), or with the Advanced addresses http://127.0.0.1:8081, :8082, :8083.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_packages "${BUILD_PACKAGES[@]}"
build_tree build
if [ "${1:-}" = "--install" ]; then
  meson install -C "$CARRETE_ROOT/build" --no-rebuild
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t /usr/local/share/icons/hicolor || true
  command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/local/share/applications || true
  say "installed: start \"Carrete\" from the applications menu, or run carrete-desktop"
  exit 0
fi
exec "$CARRETE_ROOT/build/client-gtk/src/carrete-desktop" "$@"
