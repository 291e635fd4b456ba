#!/usr/bin/env bash
# Writes the Secrets' contents for `kubectl apply -k k8s/` into k8s/secrets/
# (ignored by git), once: the JWT signing key pair, the ID key, one
# PostgreSQL password per service (and the admin's) with their URLs, the
# object store's S3 key (in Garage's format, GK + 24 hex digits and a 64-hex
# secret, which MinIO takes too) and Garage's RPC secret and admin token, and
# compose.env for docker-compose.yml, whose object store is
# CARRETE_OBJECT_STORE (minio, the default, or garage).  Nothing is
# overwritten (a compose.env made before Garage gets its lines added); back
# the folder up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
dir=${1:-$CARRETE_ROOT/k8s/secrets}
host=${CARRETE_K8S_DB_HOST:-carrete-postgresql}
store=${CARRETE_OBJECT_STORE:-minio}
case $store in
  minio) endpoint=http://minio:9000 ;;
  garage) endpoint=http://garage:3900 ;;
  *) die "CARRETE_OBJECT_STORE must be minio or garage, got '$store'" ;;
esac
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
  printf 'access-key=GK%s\nsecret-key=%s\n' "$(openssl rand -hex 12)" "$(openssl rand -hex 32)" > "$dir/s3.env"
fi
if [ ! -f "$dir/garage.env" ]; then
  printf 'rpc-secret=%s\nadmin-token=%s\n' "$(openssl rand -hex 32)" "$(openssl rand -hex 32)" > "$dir/garage.env"
fi
value() { grep "^$1=" "$dir/$2" | cut -d= -f2-; }
# The same values as variables, for docker-compose.yml (--env-file).
if [ ! -f "$dir/compose.env" ]; then
  {
    echo "COMPOSE_PROFILES=$store"
    echo "CARRETE_S3_ENDPOINT=$endpoint"
    echo "CARRETE_DB_ADMIN_PASSWORD=$(value admin-password db.env)"
    for svc in users photos folders; do
      echo "CARRETE_${svc^^}_DB_PASSWORD=$(value "$svc-password" db.env)"
    done
    echo "CARRETE_S3_ACCESS_KEY=$(value access-key s3.env)"
    echo "CARRETE_S3_SECRET_KEY=$(value secret-key s3.env)"
  } > "$dir/compose.env"
fi
if ! grep -q '^CARRETE_GARAGE_RPC_SECRET=' "$dir/compose.env"; then
  {
    echo "CARRETE_GARAGE_RPC_SECRET=$(value rpc-secret garage.env)"
    echo "CARRETE_GARAGE_ADMIN_TOKEN=$(value admin-token garage.env)"
  } >> "$dir/compose.env"
fi
chmod 600 "$dir"/*
say "k8s/secrets is ready: kubectl apply -k k8s/"
