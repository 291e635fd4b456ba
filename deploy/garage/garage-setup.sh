#!/bin/bash
# carrete-garage-setup: makes a fresh single-node Garage usable by Carrete,
# through its admin API (v2), and does nothing that is already done:
#
#   1. layout: gives the node a role (zone GARAGE_ZONE, capacity
#      GARAGE_CAPACITY bytes, 0: its data partition's size) and applies it;
#   2. key: imports CARRETE_S3_ACCESS_KEY / CARRETE_S3_SECRET_KEY (Garage's
#      format: GK + 24 hex digits, a 64-hex secret);
#   3. bucket: CARRETE_S3_BUCKET as a global alias, the key allowed to read,
#      write and own it.
#
#   GARAGE_ADMIN_URL     e.g. http://carrete-garage:3903
#   GARAGE_ADMIN_TOKEN   the admin API's bearer token
#   GARAGE_SETUP_WAIT    seconds to wait for the admin API (default 60)
#
# The chart runs it as a Job (retried with a bound), docker-compose.yml as
# the one-shot garage-setup.  Exit status 0: Garage answers S3 for the key
# and bucket.  Any failure: one line on stderr saying which step and why.
set -euo pipefail

api=${GARAGE_ADMIN_URL:-http://127.0.0.1:3903}
zone=${GARAGE_ZONE:-dc1}
capacity=${GARAGE_CAPACITY:-0}
wait_seconds=${GARAGE_SETUP_WAIT:-60}

say() { echo "garage-setup: $*"; }
die() { echo "garage-setup: $*" >&2; exit 1; }

for var in GARAGE_ADMIN_TOKEN CARRETE_S3_ACCESS_KEY CARRETE_S3_SECRET_KEY CARRETE_S3_BUCKET; do
  [ -n "${!var:-}" ] || die "$var is not set"
done
access=$CARRETE_S3_ACCESS_KEY
bucket=$CARRETE_S3_BUCKET

# call METHOD ENDPOINT [JSON]: the answer's body in $BODY, its status in $CODE.
call() {
  local out
  local args=(-sS --max-time 10 -X "$1" -H "Authorization: Bearer $GARAGE_ADMIN_TOKEN"
              -w '\n%{http_code}' "$api/v2/$2")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  out=$(curl "${args[@]}" 2>&1) || true
  CODE=${out##*$'\n'}
  BODY=${out%$'\n'*}
}
# must METHOD ENDPOINT [JSON] -- WHAT: call, and stop unless it answers 200.
must() {
  local what=${*: -1}
  call "${@:1:$#-2}"
  [ "$CODE" = 200 ] || die "$what: $2 answered $CODE: $(jq -r '.message? // .' <<<"$BODY" 2>/dev/null || echo "$BODY")"
}

# ---- the admin API answers -------------------------------------------------
deadline=$(( $(date +%s) + wait_seconds ))
while :; do
  call GET GetClusterStatus
  [ "$CODE" = 200 ] && break
  [ "$CODE" = 401 ] || [ "$CODE" = 403 ] && die "the admin token is refused by $api ($CODE)"
  [ "$(date +%s)" -ge "$deadline" ] && die "Garage's admin API at $api did not answer in ${wait_seconds} s (last: $CODE $BODY)"
  sleep 1
done
status=$BODY

# ---- 1. layout ---------------------------------------------------------------
must GET GetClusterLayout -- "reading the layout"
layout=$BODY
if [ "$(jq '.roles | length' <<<"$layout")" -gt 0 ]; then
  say "layout: version $(jq .version <<<"$layout") already gives $(jq '.roles | length' <<<"$layout") node(s) a role"
else
  node=$(jq -r '[.nodes[] | select(.isUp)][0].id // empty' <<<"$status")
  [ -n "$node" ] || die "no node is up in GetClusterStatus: $status"
  if [ "$capacity" = 0 ]; then
    capacity=$(jq -r "[.nodes[] | select(.id == \"$node\")][0].dataPartition.total // 0" <<<"$status")
    [ "$capacity" -gt 0 ] || die "the node reports no data partition size: set GARAGE_CAPACITY"
  fi
  must POST UpdateClusterLayout \
    "$(jq -nc --arg id "$node" --arg zone "$zone" --argjson cap "$capacity" \
         '{roles: [{id: $id, zone: $zone, capacity: $cap, tags: []}]}')" -- "staging the node's role"
  version=$(( $(jq .version <<<"$layout") + 1 ))
  must POST ApplyClusterLayout "{\"version\": $version}" -- "applying layout version $version"
  say "layout: version $version gives node ${node:0:16}… zone $zone, $capacity bytes"
fi

# A new layout takes a moment to reach the tables: /health answers 200 once
# reads and writes work.
deadline=$(( $(date +%s) + wait_seconds ))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$api/health")" = 200 ]; do
  [ "$(date +%s)" -ge "$deadline" ] && die "Garage is not healthy ${wait_seconds} s after its layout: $(curl -s --max-time 5 "$api/health")"
  sleep 1
done

# ---- 2. key ------------------------------------------------------------------
call GET "GetKeyInfo?id=$access&showSecretKey=true"
if [ "$CODE" = 200 ]; then
  [ "$(jq -r .secretAccessKey <<<"$BODY")" = "$CARRETE_S3_SECRET_KEY" ] ||
    die "key $access exists in Garage with another secret (was the S3 Secret replaced?): delete it with the admin API or give the old secret back"
  say "key: $access is there"
elif [ "$CODE" = 404 ]; then
  must POST ImportKey "$(jq -nc --arg id "$access" --arg secret "$CARRETE_S3_SECRET_KEY" \
    '{accessKeyId: $id, secretAccessKey: $secret, name: "carrete"}')" -- "importing key $access"
  say "key: $access imported"
else
  die "looking up key $access: GetKeyInfo answered $CODE: $BODY"
fi

# ---- 3. bucket -----------------------------------------------------------------
call GET "GetBucketInfo?globalAlias=$bucket"
if [ "$CODE" = 404 ]; then
  must POST CreateBucket "$(jq -nc --arg b "$bucket" '{globalAlias: $b}')" -- "creating bucket $bucket"
  say "bucket: $bucket created"
elif [ "$CODE" = 200 ]; then
  say "bucket: $bucket is there"
else
  die "looking up bucket $bucket: GetBucketInfo answered $CODE: $BODY"
fi
bucket_id=$(jq -r .id <<<"$BODY")
must POST AllowBucketKey "$(jq -nc --arg b "$bucket_id" --arg k "$access" \
  '{bucketId: $b, accessKeyId: $k, permissions: {read: true, write: true, owner: true}}')" \
  -- "allowing key $access on bucket $bucket"
say "done: key $access may read, write and own bucket $bucket"
