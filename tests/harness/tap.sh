# TAP helpers of the shell suites (tests/deploy, tests/k8s).  Sourced, not
# run.  The caller sets LOG, the file each check's output goes to.
# shellcheck shell=bash

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
note() { echo "# $*"; }
show_log() { sed 's/^/#   /' "$LOG" | grep -v 'unable to get systemd connection' | tail -n 30; }
# check DESCRIPTION COMMAND...: one test that passes when the command does.
check() {
  local desc=$1
  shift
  if "$@" >"$LOG" 2>&1; then ok "$desc"; else not_ok "$desc"; show_log; return 1; fi
}
# check_fails DESCRIPTION PATTERN COMMAND...: the command must fail, saying PATTERN.
check_fails() {
  local desc=$1 pattern=$2
  shift 2
  if "$@" >"$LOG" 2>&1; then
    not_ok "$desc (it succeeded)"
  elif grep -q -- "$pattern" "$LOG"; then
    ok "$desc"
  else
    not_ok "$desc (no \"$pattern\" in the message)"; show_log
  fi
}
