#!/usr/bin/env bash
# Installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer in build-asan/, builds the pinned MinIO and
# versitygw (and Garage), and runs every test suite against real PostgreSQL and MinIO
# servers (and versitygw and Garage, for the storage contract suite) that the tests
# start themselves.  Ends with "N passed, N failed".
#
#   scripts/test.sh                 all suites (those of meson suite `garage` in a second
#                                   pass, once Garage is built, and the chaos suite alone
#                                   in a third: it times recoveries), the fuzz targets
#                                   (tests/fuzz), then the Kubernetes suite (tests/k8s)
#   scripts/test.sh --suite unit    one suite (meson test arguments pass through;
#                                   the fuzz and Kubernetes runs happen only with no arguments)
#   scripts/test.sh --k8s           only the Kubernetes suite (builds what it needs)
#   CARRETE_FUZZ_SECONDS=60 scripts/test.sh   fuzz each target longer (default 10 s)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/deploy-lib.sh"

K8S_SUITE="$CARRETE_ROOT/tests/k8s/test-k8s.sh"
K8S_CLUSTER="$CARRETE_ROOT/tests/k8s/cluster.sh"
if [ "${1:-}" = --k8s ]; then
  ensure_packages "${DEPLOY_PACKAGES[@]}"
  ensure_helm
  exec "$K8S_SUITE"
fi

ensure_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}" \
  "${DEPLOY_PACKAGES[@]}"
# The Kubernetes binaries take 15-25 minutes to build the first time: start
# now, at the lowest priority, so that it overlaps the C build and the meson
# suites.  Go is made sure of first (ensure_minio would fetch it too).
mkdir -p "$CARRETE_ROOT/build-asan/meson-logs"
k8s_build_log="$CARRETE_ROOT/build-asan/meson-logs/k8s-build.log"
k8s_build_pid=
if [ $# -eq 0 ] && "$K8S_CLUSTER" check >/dev/null 2>&1; then
  ensure_go >/dev/null
  "$K8S_CLUSTER" deps
  nice -n 19 "$K8S_CLUSTER" build > "$k8s_build_log" 2>&1 &
  k8s_build_pid=$!
fi
# Garage takes about 25 minutes to build the first time: with no arguments
# it builds in the background too (above the Kubernetes build's priority:
# it is needed sooner), and the suites that use it (meson suite `garage`)
# run in a second pass once it is there.  Garage needs a Rust toolchain the
# machine may lack: without one its log says what is missing and the
# contract suite skips its Garage cases.
garage_build_log="$CARRETE_ROOT/build-asan/meson-logs/garage-build.log"
garage_build_pid=
if [ $# -eq 0 ]; then
  nice -n 10 bash -c 'source "$1/scripts/lib.sh" && ensure_garage' garage-build "$CARRETE_ROOT" \
    > "$garage_build_log" 2>&1 &
  garage_build_pid=$!
fi
trap 'for pid in $k8s_build_pid $garage_build_pid; do kill "$pid" 2>/dev/null; done' EXIT
build_tree build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ensure_minio
ensure_versitygw
# The OpenID Connect tests' provider (Keycloak needs Java 21+; without it
# test-users-oidc skips, and this says why).
( ensure_keycloak ) || say "test-users-oidc will skip: Keycloak cannot be set up here"
if [ $# -ne 0 ]; then
  ( ensure_garage ) || say "the storage contract suite's Garage cases will be skipped"
fi
# The deploy suite's tools: pinned helm and kubeconform (go install), offline
# Kubernetes schemas and podman-compose (PyPI).
ensure_helm
ensure_kubeconform
ensure_k8s_schemas >/dev/null
ensure_podman_compose

# Full stacks (fast_unwind_on_malloc=0): GLib lacks frame pointers, and the
# leak suppressions match frames deep inside it.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export CARRETE_MINIO_BIN="$CARRETE_ROOT/.cache/bin/minio"
export CARRETE_VERSITYGW_BIN="$CARRETE_ROOT/.cache/bin/versitygw"
use_garage_if_built() {
  if pinned_tool_current garage "$GARAGE_VERSION"; then
    export CARRETE_GARAGE_BIN="$CARRETE_ROOT/.cache/bin/garage"
  fi
}

say "running the tests"
status=0
logs="$CARRETE_ROOT/build-asan/meson-logs"
rm -f "$logs/testlog-garage.json" "$logs/testlog-chaos.json"
if [ $# -ne 0 ]; then
  use_garage_if_built
  meson test -C "$CARRETE_ROOT/build-asan" --print-errorlogs --num-processes 2 "$@" || status=$?
else
  meson test -C "$CARRETE_ROOT/build-asan" --print-errorlogs --num-processes 2 \
    --no-suite garage --no-suite chaos || status=$?
  if [ -n "$garage_build_pid" ]; then
    say "waiting for the Garage build (log: build-asan/meson-logs/garage-build.log)"
    wait "$garage_build_pid" ||
      { tail -n 5 "$garage_build_log"; say "the storage contract suite's Garage cases will be skipped"; }
    garage_build_pid=
  fi
  use_garage_if_built
  say "running the suites that use Garage (meson suite garage)"
  meson test -C "$CARRETE_ROOT/build-asan" --print-errorlogs --num-processes 2 \
    --suite garage --logbase testlog-garage || status=$?
  # The chaos suite checks that every service is ready within 5 s of each
  # fault: it runs alone, not beside the other suites' stacks (the
  # Kubernetes build may still run then, at the lowest priority).
  say "running the chaos suite alone (meson suite chaos)"
  meson test -C "$CARRETE_ROOT/build-asan" --print-errorlogs --num-processes 1 \
    --suite chaos --logbase testlog-chaos || status=$?
fi

fuzz_log="$CARRETE_ROOT/build-asan/meson-logs/fuzz.tap"
k8s_log="$CARRETE_ROOT/build-asan/meson-logs/k8s.tap"
: > "$fuzz_log"
: > "$k8s_log"
if [ $# -eq 0 ]; then
  say "fuzzing the input parsers (${CARRETE_FUZZ_SECONDS:-10} s each)"
  FUZZ_SECONDS=${CARRETE_FUZZ_SECONDS:-10} "$CARRETE_ROOT/tests/fuzz/run-fuzz.sh" \
    > "$fuzz_log" || status=1
  cat "$fuzz_log"

  if [ -n "$k8s_build_pid" ]; then
    say "waiting for the Kubernetes build (log: build-asan/meson-logs/k8s-build.log)"
    wait "$k8s_build_pid" || { tail -n 20 "$k8s_build_log"; say "the Kubernetes build failed"; }
    k8s_build_pid=
  fi
  say "running the Kubernetes suite (tests/k8s)"
  k8s_status=0
  "$K8S_SUITE" > "$k8s_log" || k8s_status=$?
  if [ "$k8s_status" -ne 0 ]; then
    status=1
    grep -qE '^(not )?ok [0-9]' "$k8s_log" ||
      echo "not ok 1 - the Kubernetes suite died (exit status $k8s_status) before reporting" >> "$k8s_log"
  fi
  cat "$k8s_log"
fi

# Count TAP results of every test program; a program that died before
# reporting counts as one failure.  A skipped suite ("1..0 # SKIP") counts nothing.
python3 - "$fuzz_log" "$k8s_log" "$logs/testlog.json" "$logs/testlog-garage.json" \
  "$logs/testlog-chaos.json" <<'PY'
import json, os, re, sys
passed = failed = 0
for tap in sys.argv[1:3]:
    text = open(tap).read()
    passed += len(re.findall(r"^ok \d+", text, re.M))
    failed += len(re.findall(r"^not ok \d+", text, re.M))
meson_lines = [line for log in sys.argv[3:] if os.path.exists(log) for line in open(log)]
for line in meson_lines:
    entry = json.loads(line)
    out = entry.get("stdout") or ""
    ok = len(re.findall(r"^ok \d+", out, re.M))
    bad = len(re.findall(r"^not ok \d+", out, re.M))
    if entry["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and bad == 0:
        bad = 1
    passed += ok
    failed += bad
print(f"{passed} passed, {failed} failed")
PY
exit $status
