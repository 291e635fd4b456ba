#!/usr/bin/env bash
# Installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer in build-asan/, builds the pinned MinIO and
# versitygw (and Garage), and runs every test suite against real PostgreSQL and MinIO
# servers (and versitygw and Garage, for the storage contract suite) that the tests
# start themselves.  Ends with "N passed, N failed".
#
#   scripts/test.sh                 all suites, then the fuzz targets (tests/fuzz)
#   scripts/test.sh --suite unit    one suite (meson test arguments pass through;
#                                   the fuzz run happens only with no arguments)
#   CARRETE_FUZZ_SECONDS=60 scripts/test.sh   fuzz each target longer (default 10 s)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/deploy-lib.sh"

ensure_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}" \
  "${DEPLOY_PACKAGES[@]}"
build_tree build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ensure_minio
ensure_versitygw
# Garage needs a Rust toolchain the machine may lack: without one its line
# says what is missing and the contract suite skips its Garage cases.
( ensure_garage ) || say "the storage contract suite's Garage cases will be skipped"
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
if pinned_tool_current garage "$GARAGE_VERSION"; then
  export CARRETE_GARAGE_BIN="$CARRETE_ROOT/.cache/bin/garage"
fi

say "running the tests"
status=0
meson test -C "$CARRETE_ROOT/build-asan" --print-errorlogs --num-processes 2 "$@" || status=$?

fuzz_log="$CARRETE_ROOT/build-asan/meson-logs/fuzz.tap"
: > "$fuzz_log"
if [ $# -eq 0 ]; then
  say "fuzzing the input parsers (${CARRETE_FUZZ_SECONDS:-10} s each)"
  FUZZ_SECONDS=${CARRETE_FUZZ_SECONDS:-10} "$CARRETE_ROOT/tests/fuzz/run-fuzz.sh" \
    > "$fuzz_log" || status=1
  cat "$fuzz_log"
fi

# Count TAP results of every test program; a program that died before
# reporting counts as one failure.
python3 - "$CARRETE_ROOT/build-asan/meson-logs/testlog.json" "$fuzz_log" <<'PY'
import json, re, sys
passed = failed = 0
fuzz = open(sys.argv[2]).read()
passed += len(re.findall(r"^ok \d+", fuzz, re.M))
failed += len(re.findall(r"^not ok \d+", fuzz, re.M))
for line in open(sys.argv[1]):
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
