#!/usr/bin/env bash
# Gives USERNAME the admin role in the local installation started by run.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: scripts/make-admin.sh USERNAME"
LOCAL="$CARRETE_ROOT/.local"
pw=$(cat "$LOCAL/pg/secrets/carrete_users.pw" 2>/dev/null) || die "run scripts/run.sh first"
CARRETE_DATABASE_URL="postgresql://carrete_users:$pw@127.0.0.1:${CARRETE_PG_PORT:-5544}/carrete_users" \
  "$CARRETE_ROOT/build/services/users/carrete-users" set-role "$1" admin
