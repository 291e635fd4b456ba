#!/usr/bin/env bash
# The deploy suite (TAP).  Checks the Helm chart (lint, strict schema, bad
# values, kubeconform against offline Kubernetes schemas), that k8s/ and the
# Dockerfiles are in step, builds the images, then runs the rendered chart
# under `podman kube play` and drives the system through it.
#
# scripts/test.sh installs what it needs (packages, helm, kubeconform, the
# schemas) before meson runs it.  Services are detected from
# services/<name>/meson.build: photos, folders and web steps switch on by
# themselves when their sources land.
#
# The pods run with the bundled MinIO, or with Garage when
# CARRETE_DEPLOY_STORE=garage.  Either way, when .cache/bin/garage is built
# (ensure_garage), the Garage image is built and checked on its own: its
# setup (twice), then a put and a get signed with the key it imported.
set -uo pipefail
ROOT=${CARRETE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
source "$ROOT/scripts/lib.sh"
source "$ROOT/scripts/deploy-lib.sh"

HELM="$ROOT/.cache/bin/helm"
KUBECONFORM="$ROOT/.cache/bin/kubeconform"
CHART="$ROOT/charts/carrete"
WORK=$(mktemp -d)
LOG="$WORK/log"
RUN_ID=$$
RELEASE="carrete-t$RUN_ID"
NETWORK="carrete-deploy-$RUN_ID"
mapfile -t SERVICES < <(carrete_services)
STORE=${CARRETE_DEPLOY_STORE:-minio}
case $STORE in minio|garage) ;; *) echo "CARRETE_DEPLOY_STORE must be minio or garage" >&2; exit 2 ;; esac
START=$(date +%s)

source "$ROOT/tests/harness/tap.sh"
source "$ROOT/tests/harness/http.sh"
# No pipe here: with pipefail, `printf | grep -q` fails at random when grep
# exits before printf has written everything (SIGPIPE).
has_service() {
  local s
  for s in "${SERVICES[@]}"; do [ "$s" = "$1" ] && return 0; done
  return 1
}

# ---- the chart ------------------------------------------------------------
PUBLIC=(--set publicUrl=https://photos.example.org)
ALL_ON=(--set services.photos.enabled=true --set services.folders.enabled=true
        --set services.web.enabled=true)
SCHEMAS=$(ensure_k8s_schemas 2>/dev/null)

template() { "$HELM" template "$RELEASE" "$CHART" "$@"; }
conform() {
  "$KUBECONFORM" -strict -summary \
    -schema-location "$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$@"
}
template_conforms() { template "$@" > "$WORK/rendered.yaml" && conform "$WORK/rendered.yaml"; }

check "helm lint with the default values" "$HELM" lint --strict "$CHART" "${PUBLIC[@]}"
check "helm lint with every service on" "$HELM" lint --strict "$CHART" "${PUBLIC[@]}" "${ALL_ON[@]}"
check "kubeconform (strict, Kubernetes $K8S_SCHEMAS_VERSION): default values" \
  template_conforms "${PUBLIC[@]}"
check "kubeconform: every service on, HPA, TLS" template_conforms "${PUBLIC[@]}" "${ALL_ON[@]}" \
  --set services.users.autoscaling.enabled=true --set services.photos.worker.autoscaling.enabled=true \
  --set ingress.tls.enabled=true \
  --set ingress.className=nginx
EXTERNAL_S3=(--set objectStore.kind=external --set storage.s3.endpoint=https://s3.example.org
             --set storage.s3.accessKey=a --set storage.s3.secretKey=b)
check "kubeconform: external PostgreSQL and S3" template_conforms "${PUBLIC[@]}" "${ALL_ON[@]}" \
  --set postgresql.enabled=false --set database.host=db.example.org \
  --set database.adminPassword=x "${EXTERNAL_S3[@]}"
check "kubeconform: the bundled Garage (objectStore.kind garage)" template_conforms "${PUBLIC[@]}" \
  "${ALL_ON[@]}" --set objectStore.kind=garage
backup_conforms() {
  template_conforms "${PUBLIC[@]}" --set backup.enabled=true &&
    template_conforms "${PUBLIC[@]}" --set backup.enabled=true --set storage.type=fs \
      --set backup.persistence.existingClaim=backups
}
check "kubeconform: the backup CronJob (backup.enabled): its own PVC with s3, a claim given with fs" \
  backup_conforms
check "kubeconform: fs storage, existing Secrets, no NetworkPolicies" template_conforms \
  "${PUBLIC[@]}" "${ALL_ON[@]}" --set storage.type=fs --set keys.existingSecret=k \
  --set database.existingSecret=d --set networkPolicy.enabled=false
check_fails "kubeconform rejects an unknown field (the check can fail)" "additional properties" \
  bash -c "sed 's/^  replicas: 2\$/  replicas: 2\n  bogus: 1/' '$WORK/rendered.yaml' | $KUBECONFORM -strict -schema-location '$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json' -"
check_fails "helm template without publicUrl fails naming it" "publicUrl is required" template
check_fails "external PostgreSQL without database.host fails naming it" "database.host is required" \
  template "${PUBLIC[@]}" --set postgresql.enabled=false
check_fails "values.schema.json rejects a string where a number goes" "replicas" \
  template "${PUBLIC[@]}" --set-string services.users.replicas=two
check_fails "values.schema.json rejects an unknown top-level key" "bogusKey" \
  template "${PUBLIC[@]}" --set bogusKey=1
check_fails "values.schema.json rejects an unknown objectStore.kind" \
  "value must be one of 'minio', 'garage', 'external'" template "${PUBLIC[@]}" --set objectStore.kind=ceph
check_fails "an unknown objectStore.kind fails even without the schema" \
  "objectStore.kind must be minio, garage or external" \
  template "${PUBLIC[@]}" --set objectStore.kind=ceph --skip-schema-validation
check_fails "minio.enabled (replaced by objectStore.kind) fails saying what to set" \
  "set objectStore.kind to minio, garage or external" template "${PUBLIC[@]}" --set minio.enabled=false
check_fails "external S3 without storage.s3.endpoint fails naming it" "storage.s3.endpoint is required" \
  template "${PUBLIC[@]}" --set objectStore.kind=external --set storage.s3.accessKey=a \
  --set storage.s3.secretKey=b
check_fails "external S3 without credentials fails naming them" "storage.s3.accessKey is required" \
  template "${PUBLIC[@]}" --set objectStore.kind=external --set storage.s3.endpoint=https://s3.example.org
check_fails "values.schema.json rejects an S3 endpoint without http(s)://" "/storage/s3/endpoint" \
  template "${PUBLIC[@]}" "${EXTERNAL_S3[@]}" --set storage.s3.endpoint=s3.example.org
check_fails "values.schema.json rejects a region that cannot be one (it goes into Garage's config)" \
  "/storage/s3/region" template "${PUBLIC[@]}" --set objectStore.kind=garage --set 'storage.s3.region=a"b'
other_job=$(template "${PUBLIC[@]}" --set objectStore.kind=garage --set storage.s3.bucket=other-bucket |
  grep -o "name: $RELEASE-garage-setup-[0-9a-f]\{8\}$" | head -n1 | cut -d' ' -f2)
for kind in minio garage external; do
  args=("${PUBLIC[@]}" "${ALL_ON[@]}" --set objectStore.kind=$kind)
  [ $kind = external ] && args+=("${EXTERNAL_S3[@]}")
  check "objectStore.kind $kind: its store, Secrets, setup Job, Ingress route and NetworkPolicies" \
    bash -c "'$HELM' template $RELEASE '$CHART' ${args[*]} |
      python3 '$ROOT/tests/deploy/check-object-store.py' $kind $RELEASE $other_job"
done

# No policy-enforcing CNI can be had on the test machines (see the README,
# "Kubernetes suite"): the rendered NetworkPolicies are evaluated here, pod
# pair by pod pair, against the conversations the system has.
netpol_rules() { template "${PUBLIC[@]}" "$@" > "$WORK/netpol.yaml" &&
  python3 "$ROOT/tests/deploy/check-netpol.py" "$WORK/netpol.yaml" "$RELEASE"; }
check "NetworkPolicies allow exactly the intended pairs (no other pod reaches PostgreSQL or MinIO)" \
  netpol_rules
check "NetworkPolicies: the same with photos-worker off" netpol_rules --set services.photos.worker.enabled=false

# The chart derives the JWT public key from genPrivateKey's output itself.
generated_keys_match() {
  template "${PUBLIC[@]}" -s templates/secrets.yaml | python3 -c '
import base64, subprocess, sys, yaml
for doc in yaml.safe_load_all(sys.stdin):
    if doc and doc["metadata"]["name"].endswith("-keys"):
        data = {k: base64.b64decode(v) for k, v in doc["data"].items()}
        want = subprocess.run(["openssl", "ec", "-pubout"], input=data["jwt-private.pem"],
                              capture_output=True, check=True).stdout
        assert data["jwt-public.pem"] == want, (data["jwt-public.pem"], want)
        assert len(data["id.key"].strip()) == 64 and int(data["id.key"], 16) >= 0
        sys.exit(0)
sys.exit("no keys Secret")'
}
check "generated JWT public key equals openssl's, ID key is 64 hex" generated_keys_match

check "the chart README's values table is what scripts/gen-chart-values.py makes from values.yaml" \
  python3 "$ROOT/scripts/gen-chart-values.py" --check
check "k8s/ is what scripts/gen-k8s.sh makes from the chart" \
  bash -c "'$ROOT/scripts/gen-k8s.sh' '$WORK/k8s' && diff -ru -x README.md -x secrets '$ROOT/k8s' '$WORK/k8s'"
check "kubeconform: k8s/ manifests" bash -c "ls '$ROOT'/k8s/*.yaml | grep -v kustomization.yaml |
  xargs '$KUBECONFORM' -strict -summary -schema-location '$SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json'"

# The four Dockerfiles share their build stage (one cached layer) and shape.
# Dockerfile.photos also has its own libvips stage ("AS vips", up to the
# runtime stage), copies its output, and installs the libraries libvips needs;
# and postgresql-client and scripts/backup.sh (the chart's backup CronJob).
dockerfile_shape() { # FILE SVC PORT
  sed "/^FROM .* AS vips\$/,/^# ---- runtime/d; s/$2/SVC/g; s/$3/PORT/g" "$1" | grep -v '^#' |
    grep -v 'description=' | grep -vE '^COPY (--from=(vips|pgclient) |scripts/)' | grep -v 'pg_dump' |
    grep -vE '^      (libcurl4 ca-certificates|libwebp7) '
}
dockerfiles_in_step() {
  local svc port ref
  ref=$(dockerfile_shape "$ROOT/Dockerfile.users" users 8081)
  for svc in photos folders web; do
    case $svc in photos) port=8082 ;; folders) port=8083 ;; web) port=8080 ;; esac
    diff <(echo "$ref") <(dockerfile_shape "$ROOT/Dockerfile.$svc" "$svc" "$port") || return 1
  done
}
check "Dockerfile.{users,photos,folders,web} differ only in name, port and libraries" \
  dockerfiles_in_step

# One machine: photos runs its jobs itself, as the chart does without its
# photos-worker.
check "docker-compose.yml matches the chart (images, env, ports)" \
  python3 "$ROOT/tests/deploy/check-compose.py" "$ROOT/docker-compose.yml" "$WORK/rendered-all.yaml" \
  --render "$HELM template carrete $CHART --set publicUrl=http://localhost:8080 --set services.photos.enabled=true --set services.folders.enabled=true --set services.web.enabled=true --set services.photos.worker.enabled=false" \
  --render-garage "$HELM template carrete $CHART --set publicUrl=http://localhost:8080 --set objectStore.kind=garage"
# Each store's compose.env (scripts/k8s-secrets.sh) selects its profile:
# the store's services, and photos pointed at it.
compose_config() { # STORE
  CARRETE_OBJECT_STORE=$1 "$ROOT/scripts/k8s-secrets.sh" "$WORK/compose-$1" >/dev/null &&
    (cd "$ROOT" && .cache/venv/bin/podman-compose --env-file "$WORK/compose-$1/compose.env" \
       -f docker-compose.yml config) > "$WORK/compose-$1.yaml" &&
    python3 - "$1" "$WORK/compose-$1.yaml" <<'PY'
import sys, yaml
store, path = sys.argv[1], sys.argv[2]
services = yaml.safe_load(open(path))["services"]
endpoint = services["photos"]["environment"]["CARRETE_S3_ENDPOINT"]
want = {"minio": {"minio"}, "garage": {"garage", "garage-setup"}}[store]
stores = {s for s in ("minio", "garage", "garage-setup") if s in services}
print(f"stores {sorted(stores)}, photos -> {endpoint}")
sys.exit(0 if stores == want and store in endpoint else 1)
PY
}
if [ -x "$ROOT/.cache/venv/bin/podman-compose" ]; then
  for store in minio garage; do
    check "podman-compose accepts docker-compose.yml with the $store profile (scripts/k8s-secrets.sh's compose.env)" \
      compose_config "$store"
  done
else
  skip "podman-compose accepts docker-compose.yml" "podman-compose is not installed"
fi

# ---- the system under podman ------------------------------------------------
setup_podman
if ! podman info >/dev/null 2>&1; then
  skip "images and podman kube play" "podman cannot run on this machine"
  echo "1..$n"
  exit 0
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
declare -A PORT
for c in users photos folders web "$STORE" garage-solo; do PORT[$c]=$(free_port); done

stores=("$STORE")
if [ "$STORE" = minio ]; then
  if [ -x "$ROOT/.cache/bin/garage" ]; then stores+=(garage)
  else skip "image carrete-garage builds" "no .cache/bin/garage (ensure_garage in scripts/lib.sh builds it)"; fi
fi
unbuilt=()
for target in "${SERVICES[@]}" postgresql "${stores[@]}"; do
  if "$ROOT/scripts/build-images.sh" "$target" >"$LOG" 2>&1; then
    size=$(image_size_mb "localhost/carrete-$target:$IMAGE_TAG")
    ok "image carrete-$target builds ($size MB)"
    case $target in
      postgresql|minio|garage) ;;
      *) if awk -v s="$size" 'BEGIN { exit !(s < 120) }'; then
           ok "image carrete-$target is under 120 MB ($size MB)"
         else
           not_ok "image carrete-$target is under 120 MB ($size MB)"
         fi ;;
    esac
  else
    # The cause in the test's own line; the log's tail below it as comments.
    not_ok "image carrete-$target builds: $(grep -m1 '^error: image' "$LOG" | sed 's/^error: //')"
    show_log
    unbuilt+=("$target")
  fi
done
# Every step below runs the images: one cause, one failure, not fourteen.
if [ ${#unbuilt[@]} -gt 0 ]; then
  note "not run: the pods, the migrations, the end-to-end steps and helm test, because" \
       "image(s) ${unbuilt[*]} did not build (the cause is on the failing line above)"
  echo "1..$n"
  exit 1
fi
# The photos image carries no library for a format carrete-photos refuses
# (the image build itself checks libvips' list of loaders).
no_blocked_codecs() {
  podman run --rm --network none --entrypoint bash "localhost/carrete-photos:$IMAGE_TAG" -c \
    'ls /usr/lib/*-linux-gnu/ | grep -E "^lib(Magick|poppler|openslide|rsvg|jxl|OpenEXR|Iex|x265|aom|dav1d|tiff|openjp2|cfitsio|matio|hdf5|gsf|pdfium|fftw3|cairo|pango)" && exit 1
     ls /usr/lib/*-linux-gnu/libvips.so.42 /usr/lib/*-linux-gnu/libheif.so.1' 2>&1 |
    grep -v 'systemd'
  return "${PIPESTATUS[0]}"
}
if has_service photos; then
  check "image carrete-photos has no PDF, SVG, TIFF, ImageMagick, AV1 or x265 libraries" \
    no_blocked_codecs
fi

# Render for podman: this run's release name, local images, no volumes to
# claim, presigned URLs signed for the store's port published on loopback.
set_args=(--set publicUrl=http://127.0.0.1:${PORT[web]} --set image.tag=$IMAGE_TAG
          --set postgresql.persistence.enabled=false --set objectStore.kind=$STORE
          --set "$STORE.persistence.enabled=false"
          --set storage.s3.publicEndpoint=http://127.0.0.1:${PORT[$STORE]}
          --set services.web.cookieSecure=false)
for svc in "${SERVICES[@]}"; do set_args+=(--set "services.$svc.enabled=true"); done
template "${set_args[@]}" > "$WORK/podman.yaml" 2>"$LOG" || { not_ok "render for podman"; show_log; }
publish=()
for c in users photos folders web "$STORE"; do publish+=(--publish "$c=${PORT[$c]}"); done
python3 "$ROOT/tests/deploy/kube-to-podman.py" "$WORK/podman.yaml" "$WORK/pods" "${publish[@]}" \
  >"$LOG" 2>&1 || { not_ok "convert for podman"; show_log; }

played=()
play() {
  played+=("$WORK/pods/$RELEASE-$1.yaml")
  podman kube play --quiet --network "$NETWORK" --configmap "$WORK/pods/configmaps.yaml" \
    "$WORK/pods/$RELEASE-$1.yaml"
}
teardown() {
  local f
  for f in "${played[@]}"; do podman kube down "$f" >/dev/null 2>&1; done
  podman rm -f -v "$RELEASE-garage-solo" >/dev/null 2>&1
  podman network rm -f "$NETWORK" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap teardown EXIT
podman network create "$NETWORK" >/dev/null
# Every pod below needs a container on this network: when that cannot work
# (a missing iptables, a broken netavark), say so once and stop.
if ! check "podman runs a container on a bridge network (netavark, iptables)" \
     podman run --rm --network "$NETWORK" --entrypoint true "localhost/carrete-users:$IMAGE_TAG"; then
  note "not run: the pods, the migrations, the end-to-end steps and helm test (see the line above)"
  echo "1..$n"
  exit 1
fi

# ---- the Garage image on its own -------------------------------------------
# A fresh node answers nothing until carrete-garage-setup has laid it out
# and imported the key; then S3 works with that key, a second setup
# changes nothing, and a wrong secret is refused.
if [[ " ${stores[*]} " == *" garage "* ]]; then
  solo="$RELEASE-garage-solo"
  g_token=$(openssl rand -hex 32) g_key=GK$(openssl rand -hex 12) g_secret=$(openssl rand -hex 32)
  g_url="http://127.0.0.1:${PORT[garage-solo]}/carrete-photos"
  garage_setup() {
    podman run --rm --network "$NETWORK" --read-only --entrypoint carrete-garage-setup \
      -e GARAGE_ADMIN_URL="http://$solo:3903" -e GARAGE_ADMIN_TOKEN="$g_token" \
      -e CARRETE_S3_ACCESS_KEY="$g_key" -e CARRETE_S3_SECRET_KEY="$g_secret" \
      -e CARRETE_S3_BUCKET=carrete-photos "localhost/carrete-garage:$IMAGE_TAG"
  }
  s3_curl() { # KEY:SECRET CURL-ARGS...
    local user=$1; shift
    curl -s --max-time 10 --aws-sigv4 aws:amz:us-east-1:s3 --user "$user" \
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
  }
  check "Garage container starts (non-root, read-only root, config in /tmp, data in a volume)" \
    podman run -d --name "$solo" --network "$NETWORK" --read-only --tmpfs /tmp --volume /data \
      -e GARAGE_RPC_SECRET="$(openssl rand -hex 32)" -e GARAGE_ADMIN_TOKEN="$g_token" \
      -p "127.0.0.1:${PORT[garage-solo]}:3900" "localhost/carrete-garage:$IMAGE_TAG"
  check "Garage refuses the key before its setup (403 AccessDenied, no such key)" \
    bash -c "sleep 2; $(declare -f s3_curl); out=\$(s3_curl '$g_key:$g_secret' -w ' %{http_code}' '$g_url/');
      echo \"\$out\"; [[ \$out == *AccessDenied*' 403' ]]"
  check "carrete-garage-setup lays Garage out, imports the key, makes the bucket" garage_setup
  check "carrete-garage-setup again changes nothing" \
    bash -c "$(declare -f garage_setup); $(declare -p solo g_token g_key g_secret NETWORK IMAGE_TAG);
      garage_setup | tee /dev/stderr | grep -q 'layout: version 1 already' && garage_setup | grep -q 'key: GK.* is there'"
  echo "hello from Garage $RUN_ID" > "$WORK/garage.txt"
  check "PUT an object signed with the imported key (curl --aws-sigv4)" \
    s3_curl "$g_key:$g_secret" -f -T "$WORK/garage.txt" "$g_url/hello.txt"
  check "GET it back: the same bytes" \
    bash -c "$(declare -f s3_curl); s3_curl '$g_key:$g_secret' -f '$g_url/hello.txt' | cmp - '$WORK/garage.txt'"
  check "a wrong secret is refused (403)" \
    bash -c "$(declare -f s3_curl); [ \$(s3_curl '$g_key:x$g_secret' -o /dev/null -w '%{http_code}' '$g_url/hello.txt') = 403 ]"
  check "Garage's healthcheck passes once laid out" podman healthcheck run "$solo"
  note "carrete-garage image: $(image_size_mb "localhost/carrete-garage:$IMAGE_TAG") MB"
  podman rm -f -v "$solo" >/dev/null 2>&1
fi

status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1"; }
wait_status() { # URL STATUS SECONDS
  local deadline=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -le "$deadline" ]; do
    [ "$(status_of "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}
USERS="http://127.0.0.1:${PORT[users]}"

job_succeeds() { # JOB CONTAINER: the Job's pod runs, and CONTAINER exits 0
  play "$1" || return 1
  [ "$(podman wait "$RELEASE-$1-$2")" = 0 ] || { podman logs "$RELEASE-$1-$2"; return 1; }
}
check "PostgreSQL pod starts" play postgresql
if has_service photos; then
  check "$STORE pod starts" play "$STORE"
  # The chart's setup Job (no hook; its name a hash of revision and settings) lays Garage out.
  if [ "$STORE" = garage ]; then
    setup_job=$(grep -o "name: $RELEASE-garage-setup-[0-9a-f]\{8\}$" "$WORK/podman.yaml" | head -n1 |
      cut -d' ' -f2)
    check "Garage setup Job (layout, key, bucket) succeeds" job_succeeds "${setup_job#"$RELEASE-"}" setup
  fi
fi
# Each service pod makes its database ready itself, as in Kubernetes: init
# containers run carrete-db-setup (its role and database), then
# `carrete-<svc> migrate` (photos also makes the bucket), then it serves.
migrated() { # SVC: its own role reads its schema version, and it is not 0
  local version
  version=$(podman exec -e PGPASSWORD="$(cat "$WORK/pods/secrets/$RELEASE-db/$1-password")"     "$RELEASE-postgresql-postgresql" psql -X -h 127.0.0.1 -U "carrete_$1" -d "carrete_$1" -tAc     'SELECT max(version) FROM schema_migrations') || return 1
  echo "schema version: $version"
  [ "${version:-0}" -gt 0 ]
}
for svc in users photos folders web; do
  has_service "$svc" || continue
  check "$svc pod starts (init containers first)" play "$svc"
  if ! check "$svc /readyz answers 200" wait_status "http://127.0.0.1:${PORT[$svc]}/readyz" 200 30; then
    podman logs "$RELEASE-$svc-$svc" >"$LOG" 2>&1; show_log
  fi
  if [ "$svc" != web ]; then
    check "$svc's init containers (db-setup + migrate) made its role and database and migrated it" \
      migrated "$svc"
  fi
done
# The chart's photos-worker (carrete-photos work) makes the thumbnails; it
# has no Service and no published port: the decode checks below show it works.
if has_service photos; then check "photos-worker pod starts" play photos-worker; fi

# How long users takes from `podman start` to a 200 on /readyz. Issue 7's
# target is 1 s; it is a figure for the closing note, not a pass mark: a
# start-up time measured beside the Kubernetes build says more about the
# machine than the service (guide: speed is measured, not timed in tests).
# The check asserts the restart itself: ready within the 10 s wait.
ready_time() {
  podman stop -t 10 "$RELEASE-users-users" >/dev/null 2>&1 || return 1
  local t0 t1
  t0=$(date +%s%N)
  podman start "$RELEASE-users-users" >/dev/null 2>&1 || return 1
  wait_status "$USERS/readyz" 200 10 || return 1
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}
# The best of up to three starts, reported as a figure.
best_ready_time() {
  local best= ms
  for _ in 1 2 3; do
    ms=$(ready_time) || return 1
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    [ "$best" -lt 1000 ] && break
  done
  echo "$best"
}
if ms=$(best_ready_time); then
  ok "users restarts and answers /readyz 200 (figure: ready ${ms} ms after podman start, best of up to 3; target 1,000 ms)"
else
  not_ok "users restarts and answers /readyz 200 within 10 s of podman start"
fi

# ---- end to end through the pods ------------------------------------------
TOKEN=
user="ana$RUN_ID"
api POST "$USERS/v1/auth/register" "{\"username\":\"$user\",\"email\":\"$user@example.org\",\"password\":\"correct horse battery\"}"
check "register answers 201" test "$CODE" = 201
api POST "$USERS/v1/auth/login" "{\"username\":\"$user\",\"password\":\"correct horse battery\"}"
check "login answers 200 with a token" test "$CODE" = 200
TOKEN=$(json '["access_token"]' 2>/dev/null)
api GET "$USERS/v1/users/me"
check "GET /v1/users/me answers 200 with the user" bash -c "[ '$CODE' = 200 ] && grep -q '\"$user\"' <<<'$BODY'"

if has_service folders && has_service photos; then
  FOLDERS="http://127.0.0.1:${PORT[folders]}"
  PHOTOS="http://127.0.0.1:${PORT[photos]}"
  api POST "$FOLDERS/v1/folders" '{"name":"Holidays","visibility":"private","tags":["sea"]}'
  check "create a folder: 201" test "$CODE" = 201
  folder=$(json '["id"]' 2>/dev/null)
  python3 -c 'import base64,sys; sys.stdout.buffer.write(base64.b64decode(
"iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="))' > "$WORK/pic.png"
  out=$(curl -s -w '\n%{http_code}' -X POST "$PHOTOS/v1/photos?name=pic.png&folder_id=$folder" \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: image/png' --data-binary @"$WORK/pic.png")
  CODE=${out##*$'\n'} BODY=${out%$'\n'*}
  check "upload a photo into it: 201" test "$CODE" = 201
  photo=$(json '["id"]' 2>/dev/null)
  api GET "$PHOTOS/v1/photos?folder_id=$folder"
  check "list the folder's photos: the photo is there" bash -c "[ '$CODE' = 200 ] && grep -q '$photo' <<<'$BODY'"
  api GET "$PHOTOS/v1/photos/$photo"
  url=$(json '["url"]' 2>/dev/null)
  check "the presigned GET URL returns the bytes" bash -c "curl -sf '$url' | cmp - '$WORK/pic.png'"
  # The image's own libvips decodes every accepted format (16x16 pictures
  # made here with the host's vips, which can also encode HEIC).
  if vips resize "$WORK/pic.png" "$WORK/pic16.v" 8 >"$LOG" 2>&1; then
    for ext in jpg png webp gif heic; do
      case $ext in jpg) type=image/jpeg ;; *) type=image/$ext ;; esac
      vips copy "$WORK/pic16.v" "$WORK/pic16.$ext" >"$LOG" 2>&1 || { not_ok "vips makes a .$ext"; show_log; continue; }
      out=$(curl -s -w '\n%{http_code}' -X POST "$PHOTOS/v1/photos?name=pic16.$ext&folder_id=$folder" \
            -H "Authorization: Bearer $TOKEN" -H "Content-Type: $type" --data-binary @"$WORK/pic16.$ext")
      CODE=${out##*$'\n'} BODY=${out%$'\n'*}
      # 201 at once; the size once photos-worker has made the thumbnails.
      id=$(json '["id"]' 2>/dev/null)
      for _ in $(seq 300); do
        BODY=$(curl -s --max-time 5 -H "Authorization: Bearer $TOKEN" "$PHOTOS/v1/photos/$id")
        [ "$(json '["thumbnails"]' 2>/dev/null)" = pending ] || break
        sleep 0.1
      done
      dims=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print("%sx%s %s" % (d["width"], d["height"], d["thumbnails"]))' <<<"$BODY" 2>/dev/null)
      check "the photos image decodes $type (201, 16x16, ready)" \
        bash -c "echo 'got: $CODE ${dims:-no size}'; [ '$CODE $dims' = '201 16x16 ready' ]"
    done
  else
    not_ok "the host's vips makes test pictures"; show_log
  fi
else
  note "folders/photos steps wait for services/folders and services/photos"
fi
if has_service web; then
  WEB="http://127.0.0.1:${PORT[web]}"
  check "web: /login answers 200" wait_status "$WEB/login" 200 5
fi

# helm test: the chart's test pod asks every service's /readyz.
helm_test() {
  play test >/dev/null || return 1
  local c
  for c in $(podman ps -a --filter "pod=$RELEASE-test" --format '{{.Names}}' | grep -v infra); do
    [ "$(podman wait "$c")" = 0 ] || { podman logs "$c"; return 1; }
  done
}
check "the helm test pod passes" helm_test

# SIGTERM while logins (argon2id, slow on purpose) are in flight: every one
# of them still gets its answer, and the service exits 0.
sigterm_drains() {
  local i codes since code=
  since=$(date +%s)
  for i in 1 2 3 4 5 6; do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -X POST "$USERS/v1/auth/login" \
      -d "{\"username\":\"$user\",\"password\":\"correct horse battery\"}" >> "$WORK/codes" &
  done
  sleep 0.2
  podman kill --signal TERM "$RELEASE-users-users" >/dev/null
  wait
  codes=$(sort "$WORK/codes" | uniq -c | tr '\n' ' ')
  echo "answers: $codes"
  [ "$(grep -c '^200$' "$WORK/codes")" = 6 ] || return 1
  # The pod's restartPolicy (Always, as in the Deployment) starts it again:
  # the exit status is in the "died" event.
  for i in $(seq 100); do
    code=$(podman events --stream=false --since "$since" --filter "container=$RELEASE-users-users" \
           --filter event=died --format '{{.ContainerExitCode}}' 2>/dev/null | head -n1)
    [ -n "$code" ] && break
    sleep 0.3
  done
  echo "exit status: $code"
  [ "$code" = 0 ]
}
check "SIGTERM during 6 logins: all answered 200, exit status 0" sigterm_drains

# A service whose database goes away answers /readyz 503, then recovers.
# Last: only users is checked afterwards (an upload to photos right after
# such a restart was seen to hang on podman 4.3, on a pooled connection to
# the stopped pod's old address).
if podman pod stop -t 10 "$RELEASE-postgresql" >"$LOG" 2>&1; then
  check "/readyz answers 503 while the database is missing" wait_status "$USERS/readyz" 503 20
  podman pod start "$RELEASE-postgresql" >"$LOG" 2>&1 || show_log
  check "users /readyz recovers to 200 once the database is there" wait_status "$USERS/readyz" 200 30
else
  not_ok "stop the PostgreSQL pod"; show_log
fi

teardown_ok() {
  local f
  for f in "${played[@]}"; do podman kube down "$f" || return 1; done
  played=()
}
check "podman kube down removes every pod" teardown_ok
note "deploy suite took $(( $(date +%s) - START )) s"
echo "1..$n"
[ "$failed" -eq 0 ]
