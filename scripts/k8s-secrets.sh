#!/usr/bin/env bash
# Writes the Secrets' contents for `kubectl apply -k k8s/` into k8s/secrets/
# (ignored by git), once: the JWT signing key pair, the ID key, one
# PostgreSQL password per service (and the admin's) with their URLs, and
# MinIO's credentials, and compose.env for docker-compose.yml.  Nothing is overwritten; back the folder up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
dir=${1:-$CARRETE_ROOT/k8s/secrets}
host=${CARRETE_K8S_DB_HOST:-carrete-postgresql}
ensure_keys "$dir"
rand() { openssl rand -hex 24; }
if [ ! -f "$dir/db.env" ]; then
  {
    echo "admin-password=$(rand)"
    for svc in users photos folders; do
      pw=$(rand)
      echo "$svc-password=$pw"
      echo "$svc-url=postgresql://carrete_$svc:$pw@$host:5432/carrete_$svc?sslmode=disable"
    done
  } > "$dir/db.env"
fi
if [ ! -f "$dir/s3.env" ]; then
  printf 'access-key=carrete-%s\nsecret-key=%s\n' "$(openssl rand -hex 6)" "$(rand)" > "$dir/s3.env"
fi
# The same values as variables, for docker-compose.yml (--env-file).
if [ ! -f "$dir/compose.env" ]; then
  value() { grep "^$1=" "$dir/$2" | cut -d= -f2-; }
  {
    echo "CARRETE_DB_ADMIN_PASSWORD=$(value admin-password db.env)"
    for svc in users photos folders; do
      echo "CARRETE_${svc^^}_DB_PASSWORD=$(value "$svc-password" db.env)"
    done
    echo "CARRETE_S3_ACCESS_KEY=$(value access-key s3.env)"
    echo "CARRETE_S3_SECRET_KEY=$(value secret-key s3.env)"
  } > "$dir/compose.env"
fi
chmod 600 "$dir"/*
say "k8s/secrets is ready: kubectl apply -k k8s/"
