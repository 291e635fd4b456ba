#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and
# runs each for a bounded time on a copy of its seed corpus.  Prints TAP.
#
#   tests/fuzz/run-fuzz.sh                  every target, 20 s each
#   FUZZ_SECONDS=300 tests/fuzz/run-fuzz.sh
#   tests/fuzz/run-fuzz.sh fuzz-ids         some targets only
#
# FUZZ_BUILD_DIR (default build-fuzz/ in the source tree) receives the
# binaries, the working corpora (corpus/NAME), crash files (artifacts/NAME)
# and the fuzzers' logs (logs/NAME.log).  A crash file reproduces with
#   $FUZZ_BUILD_DIR/fuzz-NAME CRASH-FILE
set -euo pipefail

FUZZ_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$FUZZ_DIR/../.." && pwd)"
COMMON="$ROOT/services/common"
BUILD="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH="${FUZZ_SECONDS:-20}"

# Each target with the services/common sources it needs (paths relative to
# services/common, whose libraries are its subfolders, so that a service's
# own file is ../NAME/FILE.c).  fuzz-jwt also matches routes, and
# carrete-server.c pulls in most of the code: it takes every source, so that
# the list cannot go stale.
# Every error goes through carrete-error.c, which knows the quota error too.
ERRORS="base/carrete-error.c base/carrete-quota-error.c"
declare -A SOURCES=(
  [fuzz-json-body]="http/carrete-json-body.c json/carrete-json-strict.c json/carrete-json-writer.c
    json/carrete-time.c
    http/carrete-problem.c $ERRORS"
  [fuzz-ids]="ids/carrete-ids.c base/carrete-keys.c $ERRORS"
  [fuzz-cursor]="ids/carrete-cursor.c base/carrete-base64url.c base/carrete-keys.c $ERRORS"
  [fuzz-jwt]="*/*.c"
  [fuzz-dotenv]="base/carrete-config.c db/carrete-db.c db/carrete-db-error.c base/carrete-source.c
    $ERRORS"
  [fuzz-multipart]="../photos/multipart.c $ERRORS"
)
ALL_TARGETS=(fuzz-json-body fuzz-ids fuzz-cursor fuzz-jwt fuzz-dotenv fuzz-multipart)

if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  TARGETS=("${ALL_TARGETS[@]}")
fi
for t in "${TARGETS[@]}"; do
  if [ -z "${SOURCES[$t]+set}" ]; then
    echo "unknown target $t (known: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

# ---- clang ------------------------------------------------------------------

# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
ensure_packages clang libclang-rt-14-dev

# One link of an empty target first: without the libFuzzer or sanitizer
# runtime every target would fail the same way, so that is said once.
probe_dir=$(mktemp -d)
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
  'int LLVMFuzzerTestOneInput (const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }' \
  > "$probe_dir/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe_dir/probe.c" -o "$probe_dir/probe" \
  > "$probe_dir/log" 2>&1; then
  echo "1..1"
  echo "not ok 1 - clang links a libFuzzer target: $(grep -m1 -E 'error|cannot find' "$probe_dir/log")" \
    "(libFuzzer and the sanitizer runtimes are in libclang-rt-14-dev); no fuzz target was built"
  rm -rf "$probe_dir"
  exit 1
fi
rm -rf "$probe_dir"

# ---- build ------------------------------------------------------------------

mkdir -p "$BUILD"
# shellcheck disable=SC2207 # pkg-config output is meant to be word-split
PKG_FLAGS=($(pkg-config --cflags --libs glib-2.0 gio-2.0 gio-unix-2.0 libsoup-3.0 json-glib-1.0 \
  libpq libjwt libsodium libcrypto libcurl))
CFLAGS=(-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
  -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74
  "-DCARRETE_VERSION=\"0.1.0\"" -I"$ROOT/services/photos" -I"$FUZZ_DIR")
for dir in "$COMMON"/*/; do CFLAGS+=(-I"${dir%/}"); done

declare -A BUILD_FAILED=()
for t in "${TARGETS[@]}"; do
  srcs=("$FUZZ_DIR/$t.c")
  # Split the list without globbing here (a pattern such as */*.c would
  # match in the current directory), then glob each one under services/common.
  set -f
  # shellcheck disable=SC2206 # split on purpose
  patterns=(${SOURCES[$t]})
  set +f
  for s in "${patterns[@]}"; do srcs+=("$COMMON"/$s); done
  if ! clang "${CFLAGS[@]}" "${srcs[@]}" "${PKG_FLAGS[@]}" -o "$BUILD/$t" \
    > "$BUILD/$t.build.log" 2>&1; then
    BUILD_FAILED[$t]=1
  fi
done

# ---- run --------------------------------------------------------------------

export ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:strict_string_checks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export G_DEBUG=gc-friendly
export G_SLICE=always-malloc

echo "1..${#TARGETS[@]}"
failed=0
k=0
for t in "${TARGETS[@]}"; do
  k=$((k + 1))
  if [ -n "${BUILD_FAILED[$t]+set}" ]; then
    echo "not ok $k - $t # build failed"
    sed 's/^/# /' "$BUILD/$t.build.log"
    failed=1
    continue
  fi

  name="${t#fuzz-}"
  corpus="$BUILD/corpus/$name"
  artifacts="$BUILD/artifacts/$name"
  log="$BUILD/logs/$name.log"
  rm -rf "$corpus" "$artifacts"
  mkdir -p "$corpus" "$artifacts" "$BUILD/logs"
  cp "$FUZZ_DIR/corpus/$name"/* "$corpus/"

  status=0
  "$BUILD/$t" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=5 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" > "$log" 2>&1 || status=$?

  runs="$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n 1)"
  if [ "$status" -eq 0 ] && [ -n "$runs" ]; then
    echo "ok $k - $t ($runs runs)"
  else
    crash="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
    echo "not ok $k - $t # exit status $status; crash file: ${crash:-none}"
    sed 's/^/# /' "$log"
    failed=1
  fi
done
exit "$failed"
