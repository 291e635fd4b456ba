#!/usr/bin/env bash
# The Kubernetes suite (TAP): a real single-node cluster (tests/k8s/cluster.sh)
# runs the real Carrete images (scripts/build-images.sh), installed with the
# chart and with k8s/:
#
#   helm install --wait (bundled PostgreSQL and MinIO), an end-to-end flow
#   through the Services' ClusterIPs (register, log in, folder, upload, the
#   presigned GET, web pages), helm test, helm upgrade (Secrets byte-identical,
#   the photo still there), rolling restarts under a light load (nothing but
#   200s and 503 + Retry-After), deleted pods that come back with nothing lost,
#   kubectl apply -k k8s/ into a second namespace with the same flow, and
#   helm uninstall leaving only the documented Secrets.  Then `down`, and
#   nothing of the cluster is left on the machine.
#
# A machine that cannot run it (not root, no cgroups, no bridge or iptables,
# no Go) gets one "1..0 # SKIP why" line.  The first run builds Kubernetes
# (15-25 min on 2 cores); scripts/test.sh starts that build early.
set -uo pipefail
ROOT=${CARRETE_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
source "$ROOT/scripts/lib.sh"
source "$ROOT/scripts/deploy-lib.sh"
source "$ROOT/tests/harness/tap.sh"
source "$ROOT/tests/harness/http.sh"

CLUSTER="$ROOT/tests/k8s/cluster.sh"
HELM="$ROOT/.cache/bin/helm"
CHART="$ROOT/charts/carrete"
export CARRETE_IMAGE_TAG=${CARRETE_K8S_IMAGE_TAG:-k8s-test}
WORK=$(mktemp -d)
LOG="$WORK/log"
START=$SECONDS
IMAGES=(users photos folders web postgresql minio)
# Garage (the recommended bundled store) when its pinned build is there
# (scripts/test.sh makes it with cargo; without Rust its install is skipped).
if pinned_tool_current garage "$GARAGE_VERSION"; then IMAGES+=(garage); fi

if ! why=$("$CLUSTER" check 2>&1); then
  echo "1..0 # SKIP the Kubernetes suite cannot run here: $why"
  rm -rf "$WORK"
  exit 0
fi
setup_podman
if ! "$CLUSTER" deps >"$LOG" 2>&1 || ! podman info >/dev/null 2>&1; then
  echo "1..0 # SKIP the Kubernetes suite cannot run here: podman or the cluster's packages are missing"
  rm -rf "$WORK"
  exit 0
fi

LOAD_PID=
finish() {
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null
  "$CLUSTER" down >/dev/null 2>&1
  rm -rf "$WORK"
}
trap finish EXIT
# Every step below needs the one before: stop at the first that fails.
step() { check "$@" || { note "stopped: the steps below need this one"; echo "1..$n"; exit 1; }; }
# check_timed DESCRIPTION COMMAND...: a check whose time goes on a comment line.
check_timed() {
  local desc=$1 t0=$SECONDS
  shift
  check "$desc" "$@" || return 1
  note "  took $((SECONDS - t0)) s"
}

ensure_helm
step "the Kubernetes binaries are built (.cache/k8s/bin)" "$CLUSTER" build
"$CLUSTER" down >/dev/null 2>&1 # what a killed earlier run left
t0=$SECONDS
step "the cluster comes up (etcd, control plane, containerd, kubelet, kube-proxy, CoreDNS)" "$CLUSTER" up
note "  took $((SECONDS - t0)) s"
eval "$("$CLUSTER" env)"

images() {
  local tags=() i
  "$ROOT/scripts/build-images.sh" "${IMAGES[@]}" || return 1
  for i in "${IMAGES[@]}"; do tags+=("localhost/carrete-$i:$CARRETE_IMAGE_TAG"); done
  rm -f "$WORK/images.tar"
  podman save -q -m --format docker-archive -o "$WORK/images.tar" "${tags[@]}" &&
    "$CLUSTER" image-import "$WORK/images.tar" && rm -f "$WORK/images.tar"
}
step "the real images are built and imported into containerd (tag $CARRETE_IMAGE_TAG)" images

# ---- the flow, through the Services' ClusterIPs (kube-proxy) ------------------
svc_url() { # NS SVC PORT
  echo "http://$(kubectl -n "$1" get svc "$2" -o jsonpath='{.spec.clusterIP}'):$3"
}
python3 -c 'import base64,sys; sys.stdout.buffer.write(base64.b64decode(
"iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="))' > "$WORK/pic.png"
PIC_SHA=$(sha256sum < "$WORK/pic.png" | cut -d' ' -f1)
PASSWORD="correct horse battery"

# Sets the service URLs of namespace $1 (release/fullname "carrete"); $2 is
# the bundled object store (minio, the default, or garage).
services_of() {
  local store=${2:-minio}
  USERS=$(svc_url "$1" carrete-users 8081)
  PHOTOS=$(svc_url "$1" carrete-photos 8082)
  FOLDERS=$(svc_url "$1" carrete-folders 8083)
  WEB=$(svc_url "$1" carrete-web 8080)
  # Presigned URLs are signed for the in-cluster name (storage.s3.publicEndpoint);
  # the host reaches it at the Service's ClusterIP.
  S3_HOST=carrete-$store.$1.svc.cluster.local
  S3_PORT=$([ "$store" = garage ] && echo 3900 || echo 9000)
  S3_IP=$(kubectl -n "$1" get svc "carrete-$store" -o jsonpath='{.spec.clusterIP}')
}
login() {
  TOKEN=
  api POST "$USERS/v1/auth/login" "{\"username\":\"$USER_NAME\",\"password\":\"$PASSWORD\"}"
  TOKEN=$(json '["access_token"]' 2>/dev/null)
  [ "$CODE" = 200 ] && [ -n "$TOKEN" ]
}
# The photo's presigned GET URL, fetched from the host: its sha256.
photo_sha() {
  local url
  api GET "$PHOTOS/v1/photos/$PHOTO"
  [ "$CODE" = 200 ] || { echo "GET /v1/photos/$PHOTO: $CODE $BODY"; return 1; }
  url=$(json '["url"]')
  echo "presigned URL: ${url%%\?*}"
  curl -sf --max-time 20 --resolve "$S3_HOST:$S3_PORT:$S3_IP" "$url" | sha256sum | cut -d' ' -f1
}
# Says what it got when the bytes are not the uploaded ones.
photo_intact() {
  local out
  out=$(photo_sha)
  [ "$(tail -n 1 <<<"$out")" = "$PIC_SHA" ] || { echo "$out"; echo "expected sha256 $PIC_SHA"; return 1; }
}
# The web pages: / and the photo's page, signed in through the login form.
web_pages() {
  local jar=$WORK/cookies csrf code
  rm -f "$jar"
  code=$(curl -s -o "$WORK/page" -w '%{http_code}' --max-time 20 -c "$jar" "$WEB/login")
  [ "$code" = 200 ] || { echo "GET /login: $code"; return 1; }
  csrf=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' "$WORK/page" | head -n 1)
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -b "$jar" -c "$jar" "$WEB/login" \
         --data-urlencode "username=$USER_NAME" --data-urlencode "password=$PASSWORD" \
         --data-urlencode "csrf_token=$csrf")
  case $code in 200|302|303) ;; *) echo "POST /login: $code"; return 1 ;; esac
  code=$(curl -s -o "$WORK/page" -w '%{http_code}' --max-time 20 -b "$jar" "$WEB/")
  [ "$code" = 200 ] || { echo "GET /: $code"; return 1; }
  code=$(curl -s -o "$WORK/page" -w '%{http_code}' --max-time 20 -b "$jar" "$WEB/photos/$PHOTO")
  [ "$code" = 200 ] || { echo "GET /photos/$PHOTO: $code"; return 1; }
  grep -q "pic.png" "$WORK/page" || { echo "the photo page does not name pic.png"; return 1; }
}

# `helm --wait` sees the pods Ready; the Services answer once the endpoint
# controller and kube-proxy have caught up, a moment later (a new namespace
# right after an install: connection refused for a second or two).
services_answer() {
  local end=$((SECONDS + 60)) url code
  for url in "$USERS" "$PHOTOS" "$FOLDERS" "$WEB"; do
    while :; do
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url/readyz")
      [ "$code" = 200 ] && break
      [ $SECONDS -lt $end ] || { echo "$url/readyz: $code"; return 1; }
      sleep 1
    done
  done
}

# register, log in, folder, upload, presigned GET, web pages in namespace NS.
flow() {
  local ns=$1 what=$2
  services_of "$ns" "${3:-minio}"
  check "$what: every Service answers /readyz (endpoints and kube-proxy caught up)" services_answer
  USER_NAME="ana$RANDOM"
  TOKEN=
  api POST "$USERS/v1/auth/register" \
    "{\"username\":\"$USER_NAME\",\"email\":\"$USER_NAME@example.org\",\"password\":\"$PASSWORD\"}"
  [ "$CODE" = 201 ] || echo "# register: $CODE ${BODY//$'\n'/ }"
  check "$what: register answers 201" test "$CODE" = 201
  check "$what: login answers 200 with a token" login
  api POST "$FOLDERS/v1/folders" '{"name":"Holidays","visibility":"private"}'
  check "$what: create a folder: 201" test "$CODE" = 201
  FOLDER=$(json '["id"]' 2>/dev/null)
  local out
  out=$(curl -s --max-time 30 -w '\n%{http_code}' -X POST "$PHOTOS/v1/photos?name=pic.png&folder_id=$FOLDER" \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: image/png' --data-binary @"$WORK/pic.png")
  CODE=${out##*$'\n'} BODY=${out%$'\n'*}
  check "$what: upload a photo into it: 201" test "$CODE" = 201
  PHOTO=$(json '["id"]' 2>/dev/null)
  check "$what: the presigned GET (S3 Service from the host) returns the bytes" photo_intact
  check "$what: web pages / and /photos/ID answer 200 after the login form" web_pages
}

# Still there: the user logs in, the folder and the photo (same bytes).
still_there() {
  login || { echo "login: $CODE"; return 1; }
  api GET "$FOLDERS/v1/folders/$FOLDER"
  [ "$CODE" = 200 ] || { echo "GET folder: $CODE"; return 1; }
  photo_intact
}

wait_ready() { # NS: every Deployment and StatefulSet rolled out
  local ns=$1 r
  for r in $(kubectl -n "$ns" get deploy,statefulset -o name); do
    kubectl -n "$ns" rollout status "$r" --timeout=240s || return 1
  done
}

# ---- helm install --wait --------------------------------------------------------
NS=chart
HELM_ARGS=(--namespace "$NS" --set publicUrl=http://carrete.test --set image.tag="$CARRETE_IMAGE_TAG"
  --set postgresql.persistence.enabled=false --set minio.persistence.enabled=false
  --set storage.s3.publicEndpoint=http://carrete-minio.$NS.svc.cluster.local:9000
  --set services.web.cookieSecure=false)
chart_install() { # not `install`: that would shadow coreutils install(1)
  "$HELM" install carrete "$CHART" --create-namespace "${HELM_ARGS[@]}" --wait --timeout 6m
}
if ! check_timed "helm install --wait with the bundled PostgreSQL and MinIO converges" chart_install; then
  kubectl -n "$NS" get pods -o wide > "$LOG" 2>&1
  kubectl -n "$NS" describe pods >> "$LOG" 2>&1
  show_log
  echo "1..$n"
  exit 1
fi
flow "$NS" "chart"
# (No --logs: a passing test pod is deleted at once, hook-delete-policy.)
check "helm test passes" "$HELM" test carrete -n "$NS" --timeout 3m

# ---- the backup CronJob, run once, then disabled again ----------------------------
# This cluster has no volume provisioner: the backups go to a hostPath
# PersistentVolume (the node is this machine), its claim given to the chart
# as backup.persistence.existingClaim.  Owned by the pod's uid, 10001
# (fsGroup does not apply to hostPath).
BACKUPS=$WORK/backups
backup_volume() {
  install -d -m 700 -o 10001 -g 10001 "$BACKUPS" && kubectl apply -f - <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: { name: carrete-test-backups }
spec:
  capacity: { storage: 1Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  claimRef: { namespace: $NS, name: carrete-test-backups }
  hostPath: { path: $BACKUPS, type: Directory }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: carrete-test-backups, namespace: $NS }
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  volumeName: carrete-test-backups
  resources: { requests: { storage: 1Gi } }
YAML
}
backup_once() {
  "$HELM" upgrade carrete "$CHART" -n "$NS" --reuse-values --set backup.enabled=true \
    --set backup.persistence.existingClaim=carrete-test-backups --wait --timeout 3m &&
    kubectl -n "$NS" create job --from=cronjob/carrete-backup backup-now &&
    kubectl -n "$NS" wait --for=condition=complete job/backup-now --timeout=180s || {
      kubectl -n "$NS" describe job/backup-now
      kubectl -n "$NS" logs job/backup-now
      return 1
    }
}
# The manifest the job wrote, read on the node: three databases, and the
# flow's user and photo in them.
backup_on_volume() {
  local manifest
  kubectl -n "$NS" logs job/backup-now | tail -n 4
  manifest=$(ls "$BACKUPS"/carrete-*/manifest.json 2>/dev/null | head -n 1)
  [ -n "$manifest" ] || { echo "no manifest.json in $BACKUPS"; ls -la "$BACKUPS"; return 1; }
  python3 - "$manifest" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
rows = {name: db["rows"] for name, db in m["databases"].items()}
print(sys.argv[1], rows, len(m["objects"]["items"]), "objects")
assert m["format"] == 1 and sorted(rows) == ["folders", "photos", "users"], m
assert rows["users"] >= 1 and rows["folders"] >= 1 and rows["photos"] >= 1, rows
assert any(item["key"].endswith("/original") for item in m["objects"]["items"]), m["objects"]
PY
}
# Off again, and its Job, claim and volume gone: the rest of the suite (and
# what helm uninstall leaves) is as without it.
backup_off() {
  kubectl -n "$NS" delete job backup-now --wait --timeout=60s &&
    "$HELM" upgrade carrete "$CHART" -n "$NS" --reuse-values --set backup.enabled=false \
      --set backup.persistence.existingClaim= --wait --timeout 3m &&
    kubectl -n "$NS" delete pvc carrete-test-backups --wait --timeout=60s &&
    kubectl delete pv carrete-test-backups --wait --timeout=60s
}
check "backup: a hostPath PersistentVolume and claim for it (no provisioner here)" backup_volume
check_timed "backup: helm upgrade --reuse-values --set backup.enabled=true; a Job made from the CronJob completes" \
  backup_once
check "backup: its manifest.json is on the volume (3 databases, the flow's user, folder and photo)" \
  backup_on_volume
check "backup: disabled again (helm upgrade); its Job, claim and volume deleted" backup_off

# ---- helm upgrade that changes a value -------------------------------------------
secrets() { kubectl -n "$NS" get secret carrete-keys carrete-db carrete-s3 -o json |
  python3 -c 'import json,sys; [print(i["metadata"]["name"], json.dumps(i["data"], sort_keys=True)) for i in json.load(sys.stdin)["items"]]'; }
secrets > "$WORK/secrets.before"
check_timed "helm upgrade --reuse-values --set database.poolSize=3 --wait" \
  "$HELM" upgrade carrete "$CHART" -n "$NS" --reuse-values --set database.poolSize=3 --wait --timeout 6m
check "the upgrade changed the value (CARRETE_DB_POOL_SIZE=3 in the ConfigMap)" \
  test "$(kubectl -n "$NS" get configmap carrete-config -o jsonpath='{.data.CARRETE_DB_POOL_SIZE}')" = 3
secrets_kept() { [ "$(wc -l < "$WORK/secrets.before")" = 3 ] && secrets | diff "$WORK/secrets.before" -; }
check "keys, database passwords and S3 credentials are byte-identical after the upgrade" secrets_kept
check "after the upgrade: the user logs in, the folder and the photo (same sha256) are there" still_there

# ---- rolling restarts under a light load ----------------------------------------
# A few API reads per second through the Services (bounded: 90 s, 800
# requests).  Allowed: 200, and 503 with Retry-After.
load() {
  local out=$1 end=$((SECONDS + 90)) count=0 target url code ra
  while [ ! -f "$WORK/load.stop" ] && [ $SECONDS -lt $end ] && [ $count -lt 800 ]; do
    for target in "users $USERS/v1/users/me" "folders $FOLDERS/v1/folders/$FOLDER" \
                  "photos $PHOTOS/v1/photos/$PHOTO" "web $WEB/login"; do
      url=${target#* }
      code=$(curl -s -o /dev/null -D "$WORK/load.headers" -w '%{http_code}' --max-time 10 \
             -H "Authorization: Bearer $TOKEN" "$url")
      ra=
      grep -qi '^retry-after: *[1-9]' "$WORK/load.headers" 2>/dev/null && ra=" retry-after"
      echo "${target%% *} $code$ra" >> "$out"
      count=$((count + 1))
    done
    sleep 0.2
  done
}
restart_all() {
  local d
  for d in $(kubectl -n "$NS" get deploy -o name); do kubectl -n "$NS" rollout restart "$d" || return 1; done
  for d in $(kubectl -n "$NS" get deploy -o name); do kubectl -n "$NS" rollout status "$d" --timeout=240s || return 1; done
}
: > "$WORK/load.out"
rm -f "$WORK/load.stop"
load "$WORK/load.out" &
LOAD_PID=$!
sleep 2
check_timed "kubectl rollout restart of every Deployment completes under load" restart_all
sleep 2
touch "$WORK/load.stop"
wait "$LOAD_PID"
LOAD_PID=
load_clean() {
  awk '{print $2, $3}' "$WORK/load.out" | sort | uniq -c | tr -s ' \n' ' ;' > "$WORK/load.summary"
  echo "answers: $(cat "$WORK/load.summary")"
  awk '$2 != 200 && !($2 == 503 && $3 == "retry-after")' "$WORK/load.out" | sort | uniq -c
  [ "$(wc -l < "$WORK/load.out")" -gt 20 ] &&
    ! awk '$2 != 200 && !($2 == 503 && $3 == "retry-after") {bad = 1} END {exit !bad}' "$WORK/load.out"
}
check "no failed request during the restarts (only 200, or 503 with Retry-After)" load_clean
note "answers during the restarts (count, status): $(cat "$WORK/load.summary")"

# ---- kubectl delete pod of each service ----------------------------------------
delete_pods() {
  local c
  for c in users photos folders web photos-worker; do
    kubectl -n "$NS" delete pod -l "app.kubernetes.io/component=$c" --wait=false || return 1
  done
  sleep 2
  wait_ready "$NS" || return 1
  # Every pod is new: as after the install, the Services answer once the
  # endpoints and kube-proxy have caught up.
  services_answer
}
check_timed "every pod of every service deleted: all come back Ready" delete_pods
check "after the deletions: the user logs in, the folder and the photo are there" still_there

# ---- kubectl apply -k k8s/ into a second namespace -------------------------------
KNS=carrete-k
kustomize_apply() {
  local k=$WORK/kustomize
  mkdir -p "$k"
  cp -r "$ROOT/k8s" "$k/base"
  rm -rf "$k/base/secrets"
  "$ROOT/scripts/k8s-secrets.sh" "$k/base/secrets" >/dev/null || return 1
  # What an operator changes (k8s/README.md): the namespace, the images'
  # tag, and the addresses (here: plain http, the S3 Service's own name).
  cat > "$k/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: $KNS
resources: [base]
images:
$(for i in "${IMAGES[@]}"; do echo "  - {name: localhost/carrete-$i, newTag: $CARRETE_IMAGE_TAG}"; done)
patches:
  - target: {kind: ConfigMap, name: carrete-config}
    patch: |
      - {op: replace, path: /data/CARRETE_PUBLIC_URL, value: "http://carrete.test"}
      - {op: replace, path: /data/CARRETE_S3_PUBLIC_ENDPOINT, value: "http://carrete-minio.$KNS.svc.cluster.local:9000"}
      - {op: replace, path: /data/CARRETE_IMAGES_ORIGIN, value: "http://carrete.test http://carrete-minio.$KNS.svc.cluster.local:9000"}
      - {op: replace, path: /data/CARRETE_COOKIE_SECURE, value: "false"}
  - target: {kind: StatefulSet}
    patch: |
      - {op: remove, path: /spec/volumeClaimTemplates}
      - {op: add, path: /spec/template/spec/volumes/-, value: {name: data, emptyDir: {}}}
EOF
  # The namespace first: a server-side apply of the rest needs it.
  kubectl kustomize "$k" > "$WORK/kustomized.yaml" || return 1
  python3 -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "Namespace":
        print(yaml.safe_dump(d))' "$WORK/kustomized.yaml" | kubectl apply -f - || return 1
  kubectl apply -k "$k" >/dev/null && wait_ready "$KNS"
}
if check_timed "kubectl apply -k k8s/ (secrets from scripts/k8s-secrets.sh) into namespace $KNS: all Ready" \
     kustomize_apply; then
  flow "$KNS" "k8s/"
else
  kubectl -n "$KNS" get pods > "$LOG" 2>&1; show_log
fi
# The node has 2 CPUs to hand out: what comes next needs this one's requests.
check "kubectl delete namespace $KNS" kubectl delete namespace "$KNS" --timeout=180s

# ---- helm uninstall --------------------------------------------------------------
check "helm uninstall" "$HELM" uninstall carrete -n "$NS" --wait --timeout 3m
# Left on purpose (charts/carrete/README.md): the three generated Secrets,
# kept for the data of kept PVCs; kube-root-ca.crt is the namespace's own.
leftovers() {
  local want got end=$((SECONDS + 120))
  want=$'configmap/kube-root-ca.crt\nsecret/carrete-db\nsecret/carrete-keys\nsecret/carrete-s3'
  while :; do
    got=$(kubectl -n "$NS" get all,secret,configmap,pvc,job,networkpolicy,pdb,ingress -o name | sort)
    [ "$got" = "$want" ] && { echo "$got"; return 0; }
    [ $SECONDS -lt $end ] || { echo "left: $got"; return 1; }
    sleep 2
  done
}
check "helm uninstall leaves only the kept Secrets (keys, db, s3)" leftovers
# A new install under the same name adopts them, and `lookup` keeps them.
reinstall() {
  "$HELM" install carrete "$CHART" "${HELM_ARGS[@]}" --wait --timeout 6m >/dev/null &&
    secrets | diff "$WORK/secrets.before" -
}
check_timed "helm install again under the same name: the kept Secrets are adopted, byte-identical" reinstall

# ---- the other bundled store: Garage ----------------------------------------------
GNS=garage
# One replica of each service: the first installation still holds most of
# the node's 2 CPUs of requests.
SMALL=(--set services.users.replicas=1 --set services.photos.replicas=1
  --set services.folders.replicas=1 --set services.web.replicas=1
  --set services.photos.worker.enabled=false)
garage_install() {
  "$HELM" install carrete "$CHART" --namespace "$GNS" --create-namespace "${SMALL[@]}" \
    --set publicUrl=http://carrete.test --set image.tag="$CARRETE_IMAGE_TAG" \
    --set postgresql.persistence.enabled=false --set garage.persistence.enabled=false \
    --set objectStore.kind=garage --set services.web.cookieSecure=false \
    --set storage.s3.publicEndpoint=http://carrete-garage.$GNS.svc.cluster.local:3900 \
    --wait --timeout 6m
}
rotate_jwt() {
  openssl ecparam -genkey -name prime256v1 -noout -out "$WORK/jwt2.pem" &&
    openssl ec -in "$WORK/jwt2.pem" -pubout -out "$WORK/jwt2.pub" 2>/dev/null &&
    kubectl -n "$GNS" get secret carrete-keys -o jsonpath='{.data.id\.key}' | base64 -d > "$WORK/id.key" &&
    kubectl -n "$GNS" create secret generic carrete-keys-rotated --from-file=jwt-private.pem="$WORK/jwt2.pem" \
      --from-file=jwt-public.pem="$WORK/jwt2.pub" --from-file=id.key="$WORK/id.key" &&
    "$HELM" upgrade carrete "$CHART" -n "$GNS" --reuse-values --set keys.existingSecret=carrete-keys-rotated \
      --wait --timeout 5m &&
    old_pods_gone
}
# --wait sees the new pods ready; the old ones may still serve through their
# preStop wait, with the old key. The rotation is done once they are gone.
old_pods_gone() {
  local end=$((SECONDS + 120)) leaving
  while :; do
    leaving=$(kubectl -n "$GNS" get pods \
      -o jsonpath='{range .items[?(@.metadata.deletionTimestamp)]}{.metadata.name}{"\n"}{end}')
    [ -z "$leaving" ] && return 0
    [ $SECONDS -lt $end ] || { echo "still leaving: $leaving"; return 1; }
    sleep 2
  done
}
old_token_refused() {
  [ -n "$OLD_TOKEN" ] || { echo "no token from before the rotation"; return 1; }
  TOKEN=$OLD_TOKEN
  api GET "$USERS/v1/users/me"
  echo "GET /v1/users/me with the old token: $CODE"
  [ "$CODE" = 401 ]
}
if [[ " ${IMAGES[*]} " == *" garage "* ]]; then
  if check_timed "helm install --wait with the bundled PostgreSQL and Garage (its setup Job) converges" \
       garage_install; then
    flow "$GNS" "garage" garage
    # Bad input on purpose: an upgrade to another JWT key (keys.existingSecret,
    # the same id.key). Documented (chart README): everyone signs in again;
    # ids, links and data stay, as they hang on id.key alone.
    OLD_TOKEN=$TOKEN
    check "garage: helm upgrade to a new JWT key on purpose (keys.existingSecret, same id.key)" rotate_jwt
    check "garage: a token signed with the old key is refused (401)" old_token_refused
    check "garage: the user signs in again; the folder and the photo are there (same ids)" still_there
    check "garage: helm uninstall" "$HELM" uninstall carrete -n "$GNS" --wait --timeout 3m
  else
    kubectl -n "$GNS" get pods -o wide > "$LOG" 2>&1; kubectl -n "$GNS" describe pods >> "$LOG" 2>&1
    show_log
  fi
else
  skip "helm install with the bundled Garage" "no Garage $GARAGE_VERSION build (it needs Rust 1.89+)"
fi

# ---- bad input: an external S3 that refuses the secret ------------------------------
# The photos pods never become ready, and say why where an operator looks:
# the migrate step's log, and `kubectl describe pod` (its termination
# message). The store is the first installation's MinIO, with a wrong secret.
BAD=badsecret
bad_secret_install() {
  local key
  key=$(kubectl -n "$NS" get secret carrete-s3 -o jsonpath='{.data.access-key}' | base64 -d)
  "$HELM" install carrete "$CHART" --namespace "$BAD" --create-namespace "${SMALL[@]}" \
    --set publicUrl=http://carrete.test --set image.tag="$CARRETE_IMAGE_TAG" \
    --set postgresql.persistence.enabled=false --set services.web.enabled=false \
    --set objectStore.kind=external \
    --set storage.s3.endpoint="http://carrete-minio.$NS.svc.cluster.local:9000" \
    --set storage.s3.accessKey="$key" --set storage.s3.secretKey=not-the-secret \
    --set migrations.waitSeconds=10 --timeout 3m
}
refused_where_seen() {
  local end=$((SECONDS + 180)) pod
  while [ $SECONDS -lt $end ]; do
    pod=$(kubectl -n "$BAD" get pods -l app.kubernetes.io/component=photos -o name | head -n 1)
    # The log of the step under way, or of the one before when the kubelet
    # has just started it again (then its new log may not say it yet).
    # Read into variables: with pipefail, `… | grep -q` fails when grep
    # stops reading early, or when the first of two commands fails.
    local said logs
    said=$([ -n "$pod" ] && kubectl -n "$BAD" describe "$pod" 2>/dev/null)
    logs=$([ -n "$pod" ] && { kubectl -n "$BAD" logs "$pod" -c migrate 2>/dev/null
                              kubectl -n "$BAD" logs "$pod" -c migrate --previous 2>/dev/null; })
    if [[ $said == *"refused our credentials"* && $logs == *"refused our credentials"* ]]; then
      [ -z "$(kubectl -n "$BAD" get deploy carrete-photos -o jsonpath='{.status.readyReplicas}')" ] ||
        { echo "photos is ready"; return 1; }
      grep -m1 "refused our credentials" <<<"$said"
      return 0
    fi
    sleep 3
  done
  kubectl -n "$BAD" describe pods -l app.kubernetes.io/component=photos | tail -n 40
  echo "the reason is not in both the migrate step's log and kubectl describe"
  return 1
}
if check "external S3 with a wrong secret: helm install (without --wait) is accepted" bad_secret_install; then
  check_timed "external S3 with a wrong secret: photos not ready, the reason in its log and in kubectl describe" \
    refused_where_seen
fi

# ---- down ------------------------------------------------------------------------
down_clean() {
  "$CLUSTER" down || return 1
  local left
  left=$("$CLUSTER" leftovers)
  [ -z "$left" ] || { echo "$left"; return 1; }
}
check_timed "cluster down: no process, interface, iptables rule, port or directory left" down_clean
note "k8s suite took $((SECONDS - START)) s"
echo "1..$n"
[ "$failed" -eq 0 ]
