# Shared shell functions for the run and test commands.  Sourced, not run.
# shellcheck shell=bash

CARRETE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c # github.com/minio/minio, pinned
VERSITYGW_VERSION=v1.8.0 # github.com/versity/versitygw, pinned (the storage contract suite's second S3 server)
GARAGE_VERSION=2.5.0 # crates.io garage, pinned (the contract suite's third S3 server; the chart's maintained store)
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
# The chaos suite (tests/chaos) steps the services' clock with libfaketime.
TEST_PACKAGES+=(faketime)

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

# The Go toolchain when none new enough is installed: Go's own release, as
# the module proxy serves it (the module golang.org/toolchain, what `go`
# itself fetches to switch versions), checked against this SHA-256.
GO_TOOLCHAIN=1.26.8
GO_TOOLCHAIN_SHA256_amd64=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
GO_TOOLCHAIN_SHA256_arm64=02b36b6787b3ac767668f630e2998df45a3b1f9ffee08d1bf3ef6487cd658d99
GO_MIN_MINOR=25 # versitygw's go.mod asks for 1.25 (MinIO's for 1.24)

go_new_enough() {
  local minor
  minor=$("$1" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  [ -n "$minor" ] && [ "$minor" -ge "$GO_MIN_MINOR" ]
}

find_go() {
  local go
  for go in "$(command -v go 2>/dev/null)" /usr/local/go/bin/go /usr/lib/go/bin/go \
            "$CARRETE_ROOT/.cache/go/bin/go"; do
    [ -n "$go" ] && [ -x "$go" ] && go_new_enough "$go" && { echo "$go"; return 0; }
  done
  return 1
}

# Fetches the pinned toolchain into .cache/go (Debian 12's golang-go, 1.19,
# is too old for MinIO and versitygw).
fetch_go() {
  local arch proxy zip want got dir="$CARRETE_ROOT/.cache/go" module
  case "$(uname -m)" in
    x86_64) arch=amd64 ;;
    aarch64) arch=arm64 ;;
    *) die "no Go toolchain of 1.$GO_MIN_MINOR or newer, and none to fetch for $(uname -m)" ;;
  esac
  module="v0.0.1-go$GO_TOOLCHAIN.linux-$arch"
  proxy=${GOPROXY:-https://proxy.golang.org}
  proxy=${proxy%%,*}
  zip=$(mktemp --suffix=.zip)
  say "fetching Go $GO_TOOLCHAIN (linux-$arch) from the module proxy (first run only)"
  curl -fsS --retry 3 -o "$zip" "$proxy/golang.org/toolchain/@v/$module.zip" ||
    { rm -f "$zip"; die "cannot fetch Go $GO_TOOLCHAIN from $proxy"; }
  want=GO_TOOLCHAIN_SHA256_$arch
  got=$(sha256sum "$zip" | cut -d' ' -f1)
  [ "$got" = "${!want}" ] || { rm -f "$zip"; die "Go $GO_TOOLCHAIN: SHA-256 $got, expected ${!want}"; }
  rm -rf "$dir" "$dir.tmp"
  mkdir -p "$dir.tmp"
  (cd "$dir.tmp" && unzip -q "$zip") || { rm -f "$zip"; die "cannot unpack Go $GO_TOOLCHAIN"; }
  rm -f "$zip"
  mv "$dir.tmp/golang.org/toolchain@$module" "$dir"
  rm -rf "$dir.tmp"
  # Module zips keep no file modes.
  chmod +x "$dir"/bin/* "$dir"/pkg/tool/*/*
}

# Pinned tools are built once into .cache/bin, each binary with a
# <name>.version stamp beside it: a rerun of the same version does nothing.
pinned_tool_current() {
  local bin="$CARRETE_ROOT/.cache/bin"
  [ -x "$bin/$1" ] && [ "$(cat "$bin/$1.version" 2>/dev/null)" = "$2" ]
}

pinned_tool_stamp() {
  echo "$2" > "$CARRETE_ROOT/.cache/bin/$1.version"
}

# Prints a Go toolchain new enough, fetching the pinned one when there is none.
ensure_go() {
  local go
  go=$(find_go) || { ensure_packages curl unzip ca-certificates; fetch_go; go=$(find_go) ||
    die "no Go toolchain of 1.$GO_MIN_MINOR or newer"; }
  echo "$go"
}

# Builds a pinned Go tool with `go install` into .cache/bin (once per
# version).  An optional fourth argument says how long the first build takes.
ensure_go_tool() {
  local name=$1 module=$2 version=$3 about=${4:-first run only} bin="$CARRETE_ROOT/.cache/bin" go
  pinned_tool_current "$name" "$version" && return 0
  go=$(ensure_go)
  say "building $name $version with go install ($about)"
  mkdir -p "$bin"
  GOBIN="$bin" GOFLAGS=-trimpath "$go" install "$module@$version" >&2 ||
    die "go install of $module@$version failed (with $("$go" version): is it at least the go line of its go.mod?)"
  pinned_tool_stamp "$name" "$version"
}

# Rust tools come from crates.io with the machine's own toolchain (rustup's
# stable; nothing is fetched for it: Debian 12's rustc 1.63 is too old).
RUST_MIN_MINOR=89 # garage 2.5.0's locked dependencies ask for 1.89 (crc-fast)

cargo_new_enough() {
  local minor
  minor=$("$1" --version 2>/dev/null | sed -n 's/^cargo 1\.\([0-9]*\).*/\1/p')
  [ -n "$minor" ] && [ "$minor" -ge "$RUST_MIN_MINOR" ]
}

find_cargo() {
  local cargo
  for cargo in "$(command -v cargo 2>/dev/null)" "${CARGO_HOME:-$HOME/.cargo}/bin/cargo"; do
    [ -n "$cargo" ] && [ -x "$cargo" ] && cargo_new_enough "$cargo" && { echo "$cargo"; return 0; }
  done
  return 1
}

# Builds a pinned crate's binary with `cargo install --locked` into
# .cache/bin (once per version).  Its build directory stays in
# .cache/cargo-target, so a rebuild (another version) is incremental.
ensure_cargo_tool() {
  local name=$1 crate=$2 version=$3 about=${4:-first run only} bin="$CARRETE_ROOT/.cache/bin"
  local cargo root
  pinned_tool_current "$name" "$version" && return 0
  cargo=$(find_cargo) ||
    die "building $name $version needs cargo and rustc 1.$RUST_MIN_MINOR or newer (rustup's stable toolchain) in PATH or ~/.cargo/bin"
  say "building $name $version with cargo install ($about)"
  mkdir -p "$bin"
  root=$(mktemp -d "$CARRETE_ROOT/.cache/cargo-root.XXXXXX")
  # The build directory lives outside the clone, like Go's build cache: a
  # fresh clone on the same machine then relinks instead of recompiling.
  CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/carrete/cargo-target}" \
    "$cargo" install "$crate" --version "$version" --locked --root "$root" >&2 ||
    { rm -rf "$root"; die "cargo install of $crate $version failed (with $("$cargo" --version))"; }
  mv "$root/bin/$name" "$bin/$name"
  rm -rf "$root"
  pinned_tool_stamp "$name" "$version"
}

ensure_minio() {
  ensure_go_tool minio github.com/minio/minio "$MINIO_VERSION" "first run only, about 2-5 minutes"
}

# The storage contract suite's second S3 server (tests/harness).
ensure_versitygw() {
  ensure_go_tool versitygw github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION" \
    "first run only, about 3 minutes"
}

# The contract suite's third S3 server and the chart's maintained object
# store (its image copies .cache/bin/garage).
ensure_garage() {
  ensure_cargo_tool garage garage "$GARAGE_VERSION" "first run only, about 25 minutes on 2 cores"
}

# The OIDC tests' identity provider: Keycloak's Quarkus distribution from
# Maven Central, checked against this SHA-256, unpacked into .cache/keycloak
# and built once for `start --optimized` (dev-file storage, a local cache
# instead of a cluster's): a start then skips Quarkus's build step.  CARRETE_KEYCLOAK_TARBALL names a
# local copy of the same file (checked the same way).  Keycloak needs Java
# 21 or newer (Debian 12 has 17): a JDK under /usr/lib/jvm is looked for.
KEYCLOAK_VERSION=26.5.6
KEYCLOAK_SHA256=fa3dd5df90b9ac006712c2f0991be4e8a6cb30ac538e0439ce2f45fc40f4c692
KEYCLOAK_BUILD_OPTIONS=(--db=dev-file --cache=local)
KEYCLOAK_LAYOUT=2 # 2: with carrete-empty-db/ (a database with its schema made)

# Prints a JAVA_HOME of Java 21 or newer.
find_keycloak_java() {
  local jdk
  for jdk in "${JAVA_HOME:-}" /usr/lib/jvm/*-2[1-9]*-* /usr/lib/jvm/*-[3-9][0-9]*-*; do
    [ -n "$jdk" ] && [ -x "$jdk/bin/java" ] || continue
    "$jdk/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])' && { echo "$jdk"; return 0; }
  done
  return 1
}

ensure_keycloak() {
  local dir="$CARRETE_ROOT/.cache/keycloak" java tarball got url stamp
  url="https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
  stamp="$KEYCLOAK_VERSION ${KEYCLOAK_BUILD_OPTIONS[*]} layout $KEYCLOAK_LAYOUT"
  [ -x "$dir/bin/kc.sh" ] && [ "$(cat "$dir/carrete.version" 2>/dev/null)" = "$stamp" ] && return 0
  java=$(find_keycloak_java) ||
    die "Keycloak $KEYCLOAK_VERSION needs Java 21 or newer: no such JDK in JAVA_HOME or /usr/lib/jvm (Debian 12 ships 17; install e.g. Temurin 21+)"
  tarball=$(mktemp --suffix=.tar.gz)
  if [ -n "${CARRETE_KEYCLOAK_TARBALL:-}" ]; then
    cp "$CARRETE_KEYCLOAK_TARBALL" "$tarball"
  else
    say "fetching Keycloak $KEYCLOAK_VERSION from Maven Central (first run only, 164 MB)"
    curl -fsS --retry 3 -o "$tarball" "$url" || { rm -f "$tarball"; die "cannot fetch $url"; }
  fi
  got=$(sha256sum "$tarball" | cut -d' ' -f1)
  [ "$got" = "$KEYCLOAK_SHA256" ] ||
    { rm -f "$tarball"; die "Keycloak $KEYCLOAK_VERSION: SHA-256 $got, expected $KEYCLOAK_SHA256"; }
  rm -rf "$dir" "$dir.tmp"
  mkdir -p "$dir.tmp"
  tar -xzf "$tarball" -C "$dir.tmp" --strip-components=1 || { rm -f "$tarball"; die "cannot unpack Keycloak"; }
  rm -f "$tarball"
  say "building Keycloak $KEYCLOAK_VERSION for optimized starts (first run only, about a minute)"
  JAVA_HOME="$java" "$dir.tmp/bin/kc.sh" build "${KEYCLOAK_BUILD_OPTIONS[@]}" >&2 ||
    { rm -rf "$dir.tmp"; die "kc.sh build failed"; }
  keycloak_empty_database "$dir.tmp" "$java" ||
    { rm -rf "$dir.tmp"; die "Keycloak $KEYCLOAK_VERSION did not start (log above)"; }
  echo "$stamp" > "$dir.tmp/carrete.version"
  mv "$dir.tmp" "$dir"
}

# Starts the built Keycloak once so that it creates its schema and master
# realm (half of a start), stops it, and keeps that H2 database as
# carrete-empty-db/: the test harness copies it into each run's data/h2.
keycloak_empty_database() {
  local home=$1 java=$2 port=18080 tries=600 pid status=1
  while ! port_is_free "$port" || ! port_is_free $((port + 1)); do port=$((port + 2)); done
  say "creating Keycloak's empty database once (first run only, about a minute)"
  JAVA_HOME="$java" "$home/bin/kc.sh" start --optimized --http-enabled=true --http-host=127.0.0.1 \
    --http-port="$port" --http-management-port=$((port + 1)) --hostname-strict=false \
    > "$home/empty-db.log" 2>&1 &
  pid=$!
  while [ "$tries" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/realms/master/.well-known/openid-configuration" \
      2>/dev/null; then
      status=0
      break
    fi
    sleep 0.5
    tries=$((tries - 1))
  done
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  [ "$status" -eq 0 ] || { tail -n 20 "$home/empty-db.log" >&2; return 1; }
  rm -f "$home/empty-db.log"
  mv "$home/data/h2" "$home/carrete-empty-db"
  rm -f "$home/carrete-empty-db/"*.trace.db # H2's own log of the stop
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
