#!/usr/bin/env bash
# Builds the container images with podman, without any registry:
#
#   localhost/debian:bookworm-slim     debootstrap from Debian's archive (once, cached)
#   localhost/carrete-<svc>:TAG        Dockerfile.<svc>, for each service whose sources exist
#   localhost/carrete-postgresql:TAG   Debian's postgresql-15 (deploy/postgres)
#   localhost/carrete-minio:TAG        the pinned MinIO from .cache/bin/minio (deploy/minio)
#   localhost/carrete-garage:TAG       the pinned Garage from .cache/bin/garage (deploy/garage;
#                                      only when asked for: its first build is long)
#
#   scripts/build-images.sh                 everything (TAG: $CARRETE_IMAGE_TAG or "dev")
#   scripts/build-images.sh users postgres  only those
#
# Prints one line per image with its size.  Run as root on Debian 12.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/deploy-lib.sh"

ensure_packages "${DEPLOY_PACKAGES[@]}"
setup_podman
ensure_base_image

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(carrete_services)
  targets+=(postgresql minio)
fi

# One line that says where and why a build failed: the step podman was at
# and the first error line of apt, of our scripts or of podman itself.
build_failure_cause() {
  local step why
  step=$(grep -oE '\[[0-9]+/[0-9]+\] STEP [0-9]+/[0-9]+: .{0,60}' "$1" | tail -n 1)
  why=$(grep -m1 -E '^(error: |E: )' "$1" || grep -m1 '^Error: ' "$1" || tail -n 1 "$1")
  printf '%s: %s' "${step:-before the first step}" "$why" | tr -s '\n' ' '
}

build() {
  local name=$1 file=$2 context=$3 log
  log=$(mktemp)
  say "building localhost/carrete-$name:$IMAGE_TAG"
  # Docker format keeps HEALTHCHECK (the OCI format has no such field).
  # The host's network for RUN steps: apt-get must reach the archive, and a
  # bridge network's NAT does not always reach it (sandboxes, gVisor).
  if ! podman build --format docker --layers --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" \
       -f "$file" -t "localhost/carrete-$name:$IMAGE_TAG" "$context" >"$log" 2>&1; then
    tail -n 40 "$log"
    local cause; cause=$(build_failure_cause "$log"); rm -f "$log"
    die "image carrete-$name failed to build: $cause"
  fi
  rm -f "$log"
  printf 'image localhost/carrete-%s:%s %s MB\n' "$name" "$IMAGE_TAG" \
    "$(image_size_mb "localhost/carrete-$name:$IMAGE_TAG")"
}

for target in "${targets[@]}"; do
  case $target in
    users|photos|folders|web)
      [ -f "$CARRETE_ROOT/services/$target/meson.build" ] || die "services/$target does not exist yet"
      build "$target" "$CARRETE_ROOT/Dockerfile.$target" "$CARRETE_ROOT" ;;
    postgresql|postgres)
      build postgresql "$CARRETE_ROOT/deploy/postgres/Dockerfile" "$CARRETE_ROOT/deploy/postgres" ;;
    minio)
      ensure_minio
      # The context is a temporary folder: the binary is not in the repo.
      ctx=$(mktemp -d)
      cp "$CARRETE_ROOT/deploy/minio/Dockerfile" "$ctx/"
      # Stripped: the symbol table is a third of the binary.
      strip -o "$ctx/minio" "$CARRETE_ROOT/.cache/bin/minio"
      build minio "$ctx/Dockerfile" "$ctx"
      rm -rf "$ctx" ;;
    garage)
      ensure_garage
      ctx=$(mktemp -d)
      cp "$CARRETE_ROOT"/deploy/garage/* "$ctx/"
      strip -o "$ctx/garage" "$CARRETE_ROOT/.cache/bin/garage"
      build garage "$ctx/Dockerfile" "$ctx"
      rm -rf "$ctx" ;;
    *) die "unknown image: $target (users, photos, folders, web, postgresql, minio, garage)" ;;
  esac
done
