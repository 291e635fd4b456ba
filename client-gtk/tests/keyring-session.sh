#!/bin/sh
# Runs a test program inside a private D-Bus session with its own unlocked
# gnome-keyring and its own HOME and XDG directories, so
# that no user's keyring is ever touched.  Without dbus-run-session or
# gnome-keyring-daemon the program runs as is and skips what needs a Secret
# Service.
set -eu
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  exec "$@"
fi
home=$(mktemp -d "${TMPDIR:-/tmp}/carrete-keyring-XXXXXX")
trap 'rm -rf "$home"' EXIT INT TERM
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
  XDG_CACHE_HOME="$home/cache" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
status=0
dbus-run-session -- sh -c '
  # An empty password makes gnome-keyring prompt (no display here) instead of
  # creating the login keyring; this throwaway one guards a keyring that
  # lives in a temporary HOME and dies with it.
  printf "throwaway" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  exec "$@"' sh "$@" || status=$?
exit "$status"
