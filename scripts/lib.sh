# Shared shell functions for the run and test commands.  Sourced, not run.
# shellcheck shell=bash

CARRETE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c # github.com/minio/minio, pinned
VERSITYGW_VERSION=v1.8.0 # github.com/versity/versitygw, pinned (the storage contract suite's second S3 server)
PG_BINDIR=/usr/lib/postgresql/15/bin

# Debian packages by purpose.  Keep in step with the README.
BUILD_PACKAGES=(meson ninja-build pkg-config gcc libglib2.0-dev libsoup-3.0-dev libjson-glib-dev
                libpq-dev libjwt-dev libsodium-dev libssl-dev libcurl4-openssl-dev libvips-dev
                libsecret-1-dev libgtk-4-dev libadwaita-1-dev) # the last three: carrete-desktop
RUNTIME_PACKAGES=(postgresql-15 postgresql-client-15 openssl curl libcurl4 ca-certificates procps libvips42
                  libsecret-1-0)
# clang and libclang-rt-14-dev: libFuzzer for tests/fuzz (clang only
# recommends the runtime, and recommends are not installed); gettext: the .po checks; dbus-daemon and
# gnome-keyring: a private Secret Service for the desktop client's keyring
# test (client-gtk/tests/keyring-session.sh); chromium: tests/browser.
TEST_PACKAGES=(python3 clang libclang-rt-14-dev gettext dbus-daemon gnome-keyring chromium)
# node and npm run newman (tests/postman); any node >= 16 will do, so a
# preinstalled one is kept and Debian's (18 in bookworm) only fills a gap.
command -v node >/dev/null 2>&1 || TEST_PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || TEST_PACKAGES+=(npm)
# carrete-desktop's app (client-gtk/src): gettext for its catalogues; its UI
# tests run under Xvfb (in the private D-Bus session and gnome-keyring above)
# and validate the .desktop file and the AppStream metainfo.
BUILD_PACKAGES+=(gettext)
TEST_PACKAGES+=(xvfb xauth dbus-x11 desktop-file-utils appstream)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs the packages that are missing; one apt-get update at most.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages: ${missing[*]} (run as root or install them)"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts a system cluster on install; ours are private, so stop it.
  if printf '%s\n' "${missing[@]}" | grep -q '^postgresql-15$'; then
    pg_ctlcluster 15 main stop 2>/dev/null || true
  fi
}

# Configures (once) and builds a Meson tree.  Extra arguments go to setup.
build_tree() {
  local dir=$1; shift
  local log
  log=$(mktemp)
  if [ ! -f "$CARRETE_ROOT/$dir/build.ninja" ]; then
    say "configuring $dir"
    meson setup "$CARRETE_ROOT/$dir" "$CARRETE_ROOT" "$@" >"$log" 2>&1 ||
      { cat "$log"; rm -rf "${CARRETE_ROOT:?}/$dir"; die "meson setup failed"; }
  fi
  say "building $dir"
  ninja -C "$CARRETE_ROOT/$dir" >"$log" 2>&1 || { cat "$log"; rm -f "$log"; die "build failed"; }
  rm -f "$log"
}

find_go() {
  local go
  for go in "$(command -v go 2>/dev/null)" /usr/local/go/bin/go /usr/lib/go/bin/go; do
    [ -n "$go" ] && [ -x "$go" ] && { echo "$go"; return 0; }
  done
  return 1
}

# Builds a pinned Go tool with `go install` into .cache/bin (once per
# version).  An optional fourth argument says how long the first build takes.
ensure_go_tool() {
  local name=$1 module=$2 version=$3 about=${4:-first run only} bin="$CARRETE_ROOT/.cache/bin" go
  if [ -x "$bin/$name" ] && [ "$(cat "$bin/$name.version" 2>/dev/null)" = "$version" ]; then
    return 0
  fi
  go=$(find_go) || { ensure_packages golang-go; go=$(find_go) || die "no Go toolchain"; }
  say "building $name $version with go install ($about)"
  mkdir -p "$bin"
  GOBIN="$bin" GOFLAGS=-trimpath "$go" install "$module@$version" >&2 ||
    die "go install of $module@$version failed (with $("$go" version): is it at least the go line of its go.mod?)"
  echo "$version" > "$bin/$name.version"
}

ensure_minio() {
  ensure_go_tool minio github.com/minio/minio "$MINIO_VERSION" "first run only, about 2-5 minutes"
}

# The storage contract suite's second S3 server (tests/harness).
ensure_versitygw() {
  ensure_go_tool versitygw github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION" \
    "first run only, about 3 minutes"
}

# Keys live in an ignored folder and are made on first use, never committed.
ensure_keys() {
  local dir=$1
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/jwt-private.pem" ]; then
    say "generating the JWT signing key and the ID key in $dir"
    openssl ecparam -genkey -name prime256v1 -noout -out "$dir/jwt-private.pem"
    openssl ec -in "$dir/jwt-private.pem" -pubout -out "$dir/jwt-public.pem" 2>/dev/null
    openssl rand -hex 32 > "$dir/id.key"
    chmod 600 "$dir"/*
  fi
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for_http() {
  local url=$1 tries=${2:-200}
  while [ "$tries" -gt 0 ]; do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.05
    tries=$((tries - 1))
  done
  return 1
}
