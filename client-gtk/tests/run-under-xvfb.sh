#!/usr/bin/env bash
# Runs one UI test program (and its arguments) the way a desktop session
# would: on an Xvfb display (1280x800), inside a private D-Bus session whose
# gnome-keyring is unlocked with an empty password, so that libsecret works.
# HOME, XDG data, cache and state dirs are temporary: the test never touches
# the real keyring, thumbnail cache or records of unfinished uploads.  Renderer and accessibility are pinned
# (cairo, no AT bridge) so that the run does not depend on the GPU.
set -euo pipefail

if [ -z "${CARRETE_UI_INNER:-}" ]; then
  export CARRETE_UI_INNER=1
  exec xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- "$0" "$@"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/carrete-ui-XXXXXX")
trap 'rm -rf "$scratch"' EXIT

export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache"
export XDG_CONFIG_HOME="$scratch/config" XDG_RUNTIME_DIR="$scratch/run" XDG_STATE_HOME="$scratch/state"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR" "$XDG_STATE_HOME"
chmod 700 "$XDG_RUNTIME_DIR"

# --unlock reads the password from stdin and creates the login keyring.  Not
# an empty one: that makes gnome-keyring ask on the display instead.  The
# daemon ends with this D-Bus session.
printf 'throwaway' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1

export GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1
export GSETTINGS_BACKEND=memory
"$@"
