# Shell functions for the images, the chart and the deploy suite.  Sourced
# after lib.sh, not run.
# shellcheck shell=bash

# Podman without a registry, and what the deploy suite runs (libvips-tools:
# the suite makes its HEIC, WebP, GIF and JPEG test pictures with vips).
# iptables: netavark sets up every bridge network with it, and no package
# depends on it (without it each pod fails with "netavark: No such file or
# directory").
DEPLOY_PACKAGES=(podman buildah debootstrap runc fuse-overlayfs slirp4netns uidmap netavark
                 aardvark-dns iptables catatonit python3-yaml python3-pip python3-venv openssl
                 curl libvips-tools)
HELM_VERSION=v3.21.4             # helm.sh/helm/v3, built with go install (v3.22.0 is served but not approved)
KUBECONFORM_VERSION=v0.7.0       # github.com/yannh/kubeconform, built with go install
K8S_SCHEMAS_PACKAGE=kubernetes-validate==1.37.0 # PyPI; its wheel ships the Kubernetes JSON schemas
K8S_SCHEMAS_VERSION=1.30.0       # the Kubernetes version the manifests are checked against
PODMAN_COMPOSE_PACKAGE=podman-compose==1.6.0    # PyPI
BASE_IMAGE=localhost/debian:bookworm-slim
IMAGE_TAG=${CARRETE_IMAGE_TAG:-dev}

ensure_helm() {
  ensure_go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
}

ensure_kubeconform() {
  ensure_go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
}

# podman-compose from PyPI in a virtualenv under .cache (once per version).
ensure_podman_compose() {
  local venv="$CARRETE_ROOT/.cache/venv"
  # A venv names its own path in its scripts: a moved or copied checkout
  # leaves one that no longer runs, so it is made again.
  if [ "$(cat "$venv/podman-compose.version" 2>/dev/null)" = "$PODMAN_COMPOSE_PACKAGE" ] &&
     "$venv/bin/podman-compose" --version >/dev/null 2>&1; then
    return 0
  fi
  say "installing $PODMAN_COMPOSE_PACKAGE into .cache/venv"
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 && "$venv/bin/pip" install --quiet "$PODMAN_COMPOSE_PACKAGE" >&2 ||
    die "pip install $PODMAN_COMPOSE_PACKAGE failed"
  echo "$PODMAN_COMPOSE_PACKAGE" > "$venv/podman-compose.version"
}

# Offline Kubernetes JSON schemas (strict flavour) taken from the
# kubernetes-validate wheel on PyPI, laid out for kubeconform's
# -schema-location.  Their $id (a kubernetes.io address) is dropped and their
# $refs to "/api/_definitions.json" made relative, so that everything resolves
# beside each file with no network.  Prints the directory.
ensure_k8s_schemas() {
  local dir="$CARRETE_ROOT/.cache/k8s-schemas" tag="$K8S_SCHEMAS_PACKAGE v$K8S_SCHEMAS_VERSION"
  local sub="v$K8S_SCHEMAS_VERSION-local-strict" tmp
  if [ "$(cat "$dir/version" 2>/dev/null)" != "$tag" ]; then
    tmp=$(mktemp -d)
    say "fetching the Kubernetes JSON schemas ($K8S_SCHEMAS_PACKAGE from PyPI)"
    python3 -m pip download --quiet --no-deps -d "$tmp" "$K8S_SCHEMAS_PACKAGE" >&2 ||
      die "pip download $K8S_SCHEMAS_PACKAGE failed"
    rm -rf "$dir" && mkdir -p "$dir"
    python3 - "$tmp"/*.whl "$dir" "$sub" <<'PY' || die "could not unpack the schemas"
import json, os, sys, zipfile
wheel, out, sub = sys.argv[1:]
prefix = f"kubernetes_validate/kubernetes-json-schema/{sub}/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".json")]
    if not names:
        sys.exit(f"no schemas under {prefix} in {wheel}")
    os.makedirs(os.path.join(out, sub), exist_ok=True)
    for n in names:
        # Without their web $id, refs resolve next to the file, offline.
        schema = json.loads(z.read(n).decode().replace('"/api/_definitions.json#', '"_definitions.json#'))
        schema.pop("$id", None)
        with open(os.path.join(out, sub, os.path.basename(n)), "w") as f:
            json.dump(schema, f)
PY
    rm -rf "$tmp"
    echo "$tag" > "$dir/version"
  fi
  echo "$dir/$sub"
}

# Podman settings for this machine (runc: crun fails on its cgroup layout;
# netavark + aardvark-dns: pods find each other by name), kept in an ignored
# folder and pointed at by CONTAINERS_CONF.
setup_podman() {
  local conf="$CARRETE_ROOT/.local/podman/containers.conf"
  mkdir -p "$(dirname "$conf")"
  cat > "$conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
[network]
network_backend = "netavark"
EOF
  export CONTAINERS_CONF="$conf"
}

# The Debian mirror this machine's apt uses, for debootstrap.
debian_mirror() {
  local uri
  uri=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
        grep -v security | grep -oE 'https?://[^ ]*/debian/?' | head -n1)
  echo "${uri:-http://deb.debian.org/debian}"
}

write_slim_config() {
  local root=$1
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d" "$root/etc/apt/apt.conf.d"
  cat > "$root/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/lib/*/gconv/*.so
EOF
  cat > "$root/etc/apt/apt.conf.d/slim" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
}

# Builds the Debian base image from the archive with debootstrap, once (the
# image store is the cache; CARRETE_REBUILD_BASE=1 forces it, and so does a
# change of BASE_RECIPE).  Slimmed like Debian's official -slim images: no
# docs, man pages or translations, and apt installs no recommends; and
# without glibc's iconv modules for legacy character sets (8 MB): the
# services speak UTF-8 only, and UTF-8/16/32, ASCII and ISO-8859-1 are built
# into glibc.
BASE_RECIPE=2
ensure_base_image() {
  if podman image exists "$BASE_IMAGE" && [ "${CARRETE_REBUILD_BASE:-0}" != 1 ] &&
     [ "$(podman image inspect --format '{{index .Config.Labels "org.carrete.base-recipe"}}' \
          "$BASE_IMAGE" 2>/dev/null)" = "$BASE_RECIPE" ]; then
    return 0
  fi
  local root mirror
  root=$(mktemp -d)
  mirror=$(debian_mirror)
  mirror=${mirror%/}
  say "building $BASE_IMAGE with debootstrap from $mirror (first run only, about a minute)"
  write_slim_config "$root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -n 20 "$root.log"; rm -rf "$root" "$root.log"; die "debootstrap failed"; }
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' \
    "$mirror" "$mirror" "$mirror" > "$root/etc/apt/sources.list"
  # debootstrap unpacked its own packages before the excludes applied.
  find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete 2>/dev/null || true
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  find "$root"/usr/lib/*/gconv -name '*.so' -delete
  rm -rf "$root"/usr/share/{man,info,groff,lintian,linda}/* "$root"/var/cache/apt/archives/*.deb \
         "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/tmp/*
  tar -C "$root" -c . | podman import --quiet --change 'CMD ["bash"]' \
      --change "LABEL org.carrete.base-recipe=$BASE_RECIPE" - "$BASE_IMAGE" >/dev/null ||
    die "podman import failed"
  rm -rf "$root" "$root.log"
}

# Services whose sources exist in this tree: photos, folders and web switch
# on by themselves as their branches land.
carrete_services() {
  local svc
  for svc in users photos folders web; do
    [ -f "$CARRETE_ROOT/services/$svc/meson.build" ] && echo "$svc"
  done
  return 0
}

image_size_mb() {
  podman image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.1f", $1 / 1000000 }'
}
