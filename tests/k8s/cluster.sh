#!/usr/bin/env bash
# A real single-node Kubernetes for the k8s suite (tests/k8s/test-k8s.sh),
# built offline: etcd, containerd, runc and the CNI plugins from Debian;
# kube-apiserver, kube-controller-manager, kube-scheduler, kubelet,
# kube-proxy and kubectl from the Go module proxy; CoreDNS with go install;
# helm is the deploy suite's (scripts/deploy-lib.sh).  Root only.
#
#   tests/k8s/cluster.sh check        can this machine run it?  (prints why not, exit 1)
#   tests/k8s/cluster.sh deps         the Debian packages
#   tests/k8s/cluster.sh build        the binaries into .cache/k8s/bin (once per version:
#                                     15-25 min of Go compiling on 2 cores, cold)
#   tests/k8s/cluster.sh up           start the cluster (about 20 s)
#   tests/k8s/cluster.sh image-import F.tar   a docker-archive into containerd (k8s.io)
#   tests/k8s/cluster.sh down         stop everything, undo every network change, remove $RUN
#   eval "$(tests/k8s/cluster.sh env)"  KUBECONFIG and PATH for kubectl
#
# Everything listens on loopback or on a private, port-less bridge (the node
# address 10.200.0.1, since these VMs have no dummy module).  Pods get no
# default route and a FORWARD rule drops whatever they send out of the host's
# default interface; CoreDNS answers cluster.local only (no forwarding).
# Facts behind the settings (cgroup v1, oom_score_adj, the build recipe):
# ../shared/probes/k8s-real.md.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
source "$CARRETE_ROOT/scripts/deploy-lib.sh"

K8S_VERSION=1.37.2     # k8s.io/kubernetes, and its staging modules at v0.37.2
COREDNS_VERSION=1.15.0 # github.com/coredns/coredns
K8S_PACKAGES=(etcd-server etcd-client containerd runc containernetworking-plugins iptables
              iproute2 openssl gcc libc6-dev curl)
K8S_CACHE=$CARRETE_ROOT/.cache/k8s
BIN=$K8S_CACHE/bin
# One cluster per machine (fixed ports, addresses and interface names), so
# a fixed place; short, for the unix sockets under it.
RUN=${CARRETE_K8S_RUN:-/var/tmp/carrete-k8s}
PKI=$RUN/pki
LOG=$RUN/logs
NODE_NAME=carrete-node
NODE_IP=10.200.0.1
NODE_LINK=crt-node0 # the port-less bridge that holds NODE_IP
CNI_BRIDGE=crt-cni0
POD_CIDR=10.244.0.0/24
SVC_CIDR=10.96.0.0/16
DNS_IP=10.96.0.10
# Everything the cluster listens on: refuse to start when one is taken.
PORTS=(2379 2380 6443 10248 10249 10250 10256 10257 10259)

stamp() { echo "k8s v$K8S_VERSION (with helm $HELM_VERSION's dependencies), coredns v$COREDNS_VERSION"; }

# ---- check: one line saying why this machine cannot run the suite --------------
cmd_check() {
  local p
  [ "$(id -u)" -eq 0 ] || { echo "not root (the kubelet, containerd and the bridge need it)"; return 1; }
  [ "$(uname -s)" = Linux ] || { echo "not Linux"; return 1; }
  [ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ] ||
    { echo "no cgroup memory controller under /sys/fs/cgroup"; return 1; }
  command -v iptables >/dev/null 2>&1 && iptables -w -L FORWARD -n >/dev/null 2>&1 ||
    { echo "iptables does not work here"; return 1; }
  if ! ip link show "$NODE_LINK" >/dev/null 2>&1; then
    ip link add crt-probe0 type bridge 2>/dev/null || { echo "cannot create a bridge interface"; return 1; }
    ip link delete crt-probe0
  fi
  [ -d /proc/sys/net/bridge ] || modprobe br_netfilter 2>/dev/null || true
  find_go >/dev/null || command -v curl >/dev/null 2>&1 ||
    { echo "no Go toolchain of 1.$GO_MIN_MINOR or newer, and no curl to fetch one"; return 1; }
  for p in "${PORTS[@]}"; do
    [ -f "$RUN/kube-apiserver.pid" ] || port_is_free "$p" ||
      { echo "port $p is taken (another cluster on this machine?)"; return 1; }
  done
  return 0
}

cmd_deps() {
  ensure_packages "${K8S_PACKAGES[@]}" "${DEPLOY_PACKAGES[@]}"
}

# ---- build -------------------------------------------------------------------
# A scratch module requires k8s.io/kubernetes and pins every staging module
# it replaces (./staging/...) to v0.X.Y.  helm is resolved in the same
# module, though the suite runs the deploy suite's helm: the versions it
# lifts are those of the shared Go build cache (see the probe), and keeping
# them is what lets a warm cache only link.
cmd_build() {
  if [ "$(cat "$BIN/.version" 2>/dev/null)" = "$(stamp)" ]; then return 0; fi
  local go mod=$K8S_CACHE/gomod s=0.${K8S_VERSION#1.} kmod mods ld c t0=$SECONDS
  go=$(ensure_go)
  export PATH="$(dirname "$go"):$PATH" GOFLAGS=-mod=mod
  say "building Kubernetes v$K8S_VERSION and CoreDNS v$COREDNS_VERSION into .cache/k8s/bin (15-25 min cold)"
  rm -rf "$mod" && mkdir -p "$mod" "$BIN"
  kmod=$(cd "$mod" && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" |
         python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
  mods=$(awk '/=> \.\/staging/ {print $1}' "$kmod")
  {
    printf 'module carretek8s\n\ngo %s\n\n' "$(awk '/^go /{print $2; exit}' "$kmod")"
    grep '^godebug' "$kmod" || true
    printf '\nrequire k8s.io/kubernetes v%s\n\nrequire (\n' "$K8S_VERSION"
    for c in $mods; do printf '\t%s v%s\n' "$c" "$s"; done
    printf ')\n\nreplace (\n'
    for c in $mods; do printf '\t%s => %s v%s\n' "$c" "$c" "$s"; done
    printf ')\n'
  } > "$mod/go.mod"
  # tidy -e drops what nothing imports (the proxy does not serve
  # k8s.io/sample-* at v0.X.Y); kube-proxy must be named or go.sum lacks netlink.
  (cd "$mod" && go mod tidy -e >&2 &&
   go get k8s.io/kubernetes/cmd/{kube-apiserver,kubectl,kube-controller-manager,kube-scheduler,kubelet,kube-proxy} \
     "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2) || die "go get of the Kubernetes modules failed"
  ld="-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION"
  ld+=" -X k8s.io/component-base/version.gitMajor=${K8S_VERSION%%.*}"
  ld+=" -X k8s.io/component-base/version.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION")"
  ld+=" -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION"
  for c in kube-apiserver kubectl kube-controller-manager kube-scheduler kubelet kube-proxy; do
    say "building $c ($((SECONDS - t0)) s so far)"
    (cd "$mod" && nice -n 19 go build -trimpath -ldflags "$ld" -o "$BIN/" "k8s.io/kubernetes/cmd/$c") >&2 ||
      die "go build of $c failed"
  done
  say "building coredns v$COREDNS_VERSION"
  (cd "$mod" && GOFLAGS= GOBIN=$BIN nice -n 19 go install -trimpath -ldflags "-s -w" \
     "github.com/coredns/coredns@v$COREDNS_VERSION") >&2 || die "go install of coredns failed"
  stamp > "$BIN/.version"
  say "Kubernetes binaries built in $((SECONDS - t0)) s"
}

# ---- up ----------------------------------------------------------------------
cert() { # NAME CN O [SANS]
  local n=$1 cn=$2 o=$3 san=${4:-}
  [ -f "$PKI/$n.crt" ] && return 0
  openssl genrsa -out "$PKI/$n.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$n.key" -subj "/CN=$cn${o:+/O=$o}" -out "$PKI/$n.csr"
  { echo "basicConstraints=CA:FALSE"; echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$san"
    else echo "extendedKeyUsage=clientAuth"; fi; } > "$PKI/$n.ext"
  openssl x509 -req -in "$PKI/$n.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 30 -extfile "$PKI/$n.ext" -out "$PKI/$n.crt" 2>/dev/null
  rm -f "$PKI/$n.csr" "$PKI/$n.ext"
}

kubeconfig() { # NAME
  cat > "$RUN/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: carrete
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $1
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$1.crt")
    client-key-data: $(base64 -w0 "$PKI/$1.key")
contexts:
- name: carrete
  context: {cluster: carrete, user: $1}
current-context: carrete
EOF
}

start() { # NAME COMMAND...: in the background, its pid in $RUN/NAME.pid
  local n=$1; shift
  setsid "$@" > "$LOG/$n.log" 2>&1 < /dev/null &
  echo $! > "$RUN/$n.pid"
}

wait_for() { # SECONDS WHAT COMMAND...
  local end=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || { tail -n 20 "$LOG"/*.log >&2; die "$what not ready after $1 s (logs: $LOG)"; }
    sleep 0.5
  done
}

kctl() { "$BIN/kubectl" --kubeconfig "$RUN/admin.kubeconfig" "$@"; }

make_pki() {
  mkdir -p "$PKI"
  if [ ! -f "$PKI/ca.crt" ]; then
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$PKI/ca.key" -days 30 -subj /CN=carrete-k8s-ca -out "$PKI/ca.crt"
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  cert apiserver kube-apiserver "" "IP:127.0.0.1,IP:10.96.0.1,IP:$NODE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert admin kubernetes-admin system:masters
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  cert controller-manager system:kube-controller-manager ""
  cert scheduler system:kube-scheduler ""
  cert kubelet "system:node:$NODE_NAME" system:nodes
  cert kube-proxy system:kube-proxy ""
  local n
  for n in admin controller-manager scheduler kubelet kube-proxy; do kubeconfig "$n"; done
}

# What `down` must put back: ip_forward, the netns and iptables as they were.
record_network() {
  [ -f "$RUN/ip_forward.orig" ] || sysctl -n net.ipv4.ip_forward > "$RUN/ip_forward.orig"
  ls /run/netns 2>/dev/null > "$RUN/netns.before" || : > "$RUN/netns.before"
  local ext
  ext=$(ip route show default | awk '{print $5; exit}')
  if [ -n "$ext" ] && ! iptables -w -C FORWARD -s 10.244.0.0/16 -o "$ext" -j DROP 2>/dev/null; then
    iptables -w -I FORWARD 1 -s 10.244.0.0/16 -o "$ext" -j DROP
    echo "$ext" > "$RUN/guard-iface"
  fi
  if ! ip link show "$NODE_LINK" >/dev/null 2>&1; then
    ip link add "$NODE_LINK" type bridge
    ip addr add "$NODE_IP/32" dev "$NODE_LINK"
    ip link set "$NODE_LINK" up
  fi
}

cmd_up() {
  [ "$(cat "$BIN/.version" 2>/dev/null)" = "$(stamp)" ] || die "the binaries are missing: run '$0 build' first"
  [ ! -f "$RUN/kube-apiserver.pid" ] || die "a cluster is already up (run '$0 down' first)"
  local why t0=$SECONDS
  why=$(cmd_check) || die "$why"
  mkdir -p "$LOG" "$RUN/etcd"
  make_pki
  record_network
  start etcd etcd --name carrete-k8s --data-dir "$RUN/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster carrete-k8s=http://127.0.0.1:2380 --unsafe-no-fsync
  wait_for 30 etcd curl -fs http://127.0.0.1:2379/health
  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
    --bind-address=127.0.0.1 --advertise-address=$NODE_IP --secure-port=6443 \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=$SVC_CIDR --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NodeRestriction \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP
  wait_for 120 kube-apiserver kctl get --raw /readyz
  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$RUN/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$RUN/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$RUN/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range=$SVC_CIDR
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$RUN/scheduler.kubeconfig" \
    --authentication-kubeconfig="$RUN/scheduler.kubeconfig" \
    --authorization-kubeconfig="$RUN/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --leader-elect=false
  node_up
  dns_up
  say "cluster up in $((SECONDS - t0)) s"
}

containerd_up() {
  mkdir -p "$RUN/containerd" "$RUN/cni"
  # No default route in the pods: only the pod subnet and the service range.
  cat > "$RUN/cni/10-carrete.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "carrete-k8s", "plugins": [
  {"type": "bridge", "bridge": "$CNI_BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "$SVC_CIDR"}]}},
  {"type": "loopback"}]}
EOF
  cat > "$RUN/containerd/config.toml" <<EOF
version = 2
root = "$RUN/containerd/root"
state = "$RUN/containerd/state"
[grpc]
  address = "$RUN/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:carrete-k8s"
  # Without CAP_SYS_RESOURCE runc cannot lower oom_score_adj (the kubelet asks
  # -998 for sandboxes), and every sandbox would fail.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$(command -v runc)"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RUN/cni"
EOF
  start containerd containerd --config "$RUN/containerd/config.toml"
  wait_for 30 containerd ctr -a "$RUN/containerd/containerd.sock" version
}

# The sandbox ("pause") image: a static C program, imported with a private
# podman store so the machine's shared one is left alone.
pause_image() {
  local d=$RUN/pause pm
  mkdir -p "$d/root"
  cat > "$d/pause.c" <<'EOF'
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
static void quit (int s) { (void) s; exit (0); }
static void reap (int s) { (void) s; while (waitpid (-1, NULL, WNOHANG) > 0) ; }
int main (void) {
  signal (SIGINT, quit); signal (SIGTERM, quit); signal (SIGCHLD, reap);
  for (;;) pause ();
}
EOF
  gcc -Os -static -o "$d/root/pause" "$d/pause.c"
  printf '[containers]\ndefault_ulimits = ["nofile=20000:20000"]\n[engine]\nruntime = "runc"\n' > "$d/containers.conf"
  pm=(podman --root "$d/storage" --runroot "$d/runroot")
  tar -C "$d/root" -c . | CONTAINERS_CONF=$d/containers.conf "${pm[@]}" import -q \
    --change 'ENTRYPOINT ["/pause"]' - localhost/pause:carrete-k8s >/dev/null
  CONTAINERS_CONF=$d/containers.conf "${pm[@]}" save -q --format docker-archive -o "$d/pause.tar" \
    localhost/pause:carrete-k8s
  CONTAINERS_CONF=$d/containers.conf "${pm[@]}" rmi -a -f >/dev/null 2>&1 || true
  cmd_image_import "$d/pause.tar" >/dev/null
  rm -rf "$d"
}

node_up() {
  containerd_up
  pause_image
  mkdir -p "$RUN/kubelet"
  cat > "$RUN/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false   # these VMs have cgroup v1, which 1.35+ refuses by default
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$RUN/containerd/containerd.sock
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
address: $NODE_IP
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
clusterDomain: cluster.local
clusterDNS: [$DNS_IP]
resolvConf: $RUN/kubelet/resolv.conf
failSwapOn: false
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
  echo "nameserver $DNS_IP" > "$RUN/kubelet/resolv.conf"
  start kubelet "$BIN/kubelet" --config="$RUN/kubelet/config.yaml" \
    --kubeconfig="$RUN/kubelet.kubeconfig" --hostname-override="$NODE_NAME" \
    --node-ip=$NODE_IP --root-dir="$RUN/kubelet/root" --cert-dir="$RUN/kubelet/pki"
  wait_for 120 "node $NODE_NAME" kctl wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s
  start kube-proxy "$BIN/kube-proxy" --kubeconfig="$RUN/kube-proxy.kubeconfig" \
    --hostname-override="$NODE_NAME" --proxy-mode=iptables --cluster-cidr=10.244.0.0/16 \
    --conntrack-max-per-core=0 --nodeport-addresses=$NODE_IP/32 \
    --metrics-bind-address=127.0.0.1:10249 --healthz-bind-address=127.0.0.1:10256
}

# Cluster DNS: CoreDNS as a host process on the node address, behind a
# selector-less kube-dns Service and a hand-made EndpointSlice.  No forward
# plugin: names outside cluster.local fail, nothing leaves the machine.
dns_up() {
  cat > "$RUN/Corefile" <<EOF
.:53 {
    bind $NODE_IP
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $RUN/admin.kubeconfig carrete
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
EOF
  start coredns "$BIN/coredns" -conf "$RUN/Corefile"
  kctl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $DNS_IP
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-host
  namespace: kube-system
  labels: {kubernetes.io/service-name: kube-dns, endpointslice.kubernetes.io/managed-by: carrete-k8s}
addressType: IPv4
endpoints:
- addresses: [$NODE_IP]
  conditions: {ready: true}
ports:
- {name: dns, port: 53, protocol: UDP}
- {name: dns-tcp, port: 53, protocol: TCP}
EOF
}

cmd_image_import() { # a docker-archive or OCI tar
  ctr -a "$RUN/containerd/containerd.sock" -n k8s.io images import "$1"
}

cmd_env() {
  echo "export KUBECONFIG=$RUN/admin.kubeconfig"
  echo "export PATH=$BIN:\$PATH"
}

# ---- down: safe to run at any point, and twice -------------------------------
stop_pid() { # NAME: TERM, up to 20 s, then KILL
  local f=$RUN/$1.pid p i
  [ -f "$f" ] || return 0
  p=$(cat "$f")
  kill "$p" 2>/dev/null || true
  for i in $(seq 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$p" 2>/dev/null || true
  rm -f "$f"
}

# The processes whose command line names PATH (a bracket in the pattern keeps
# grep from finding itself).
pids_naming() {
  local base=${1##*/}
  grep -l -- "${1%/*}/[${base:0:1}]${base:1}" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3
}

cmd_down() {
  [ -d "$RUN" ] || return 0
  local n p m a ipt t
  set +e
  # The kubelet first (it would restart the pods), then the containers.
  stop_pid kubelet
  if [ -S "$RUN/containerd/containerd.sock" ]; then
    a=(-a "$RUN/containerd/containerd.sock" -n k8s.io)
    for n in $(ctr "${a[@]}" tasks ls -q 2>/dev/null); do ctr "${a[@]}" tasks kill -s KILL "$n" >/dev/null 2>&1; done
    sleep 1
    for n in $(ctr "${a[@]}" tasks ls -q 2>/dev/null); do ctr "${a[@]}" tasks delete -f "$n" >/dev/null 2>&1; done
  fi
  for n in kube-proxy coredns kube-scheduler kube-controller-manager kube-apiserver containerd etcd; do
    stop_pid "$n"
  done
  # containerd's shims outlive it; theirs are the only command lines that
  # name this cluster's directory.
  for p in $(pids_naming "$RUN/containerd"); do kill -9 "$p" 2>/dev/null; done
  grep " $RUN" /proc/mounts | awk '{print $2}' | sort -r | while read -r m; do umount -l "$m"; done
  for n in $(ls /run/netns 2>/dev/null); do
    grep -qx "$n" "$RUN/netns.before" 2>/dev/null || { [ "${n#cni-}" != "$n" ] && ip netns delete "$n"; }
  done
  [ -x "$BIN/kube-proxy" ] && "$BIN/kube-proxy" --cleanup >/dev/null 2>&1
  for ipt in iptables ip6tables; do # the kubelet's own chains (kube-proxy --cleanup leaves them)
    $ipt -w -D INPUT -j KUBE-FIREWALL 2>/dev/null
    $ipt -w -D OUTPUT -j KUBE-FIREWALL 2>/dev/null
    $ipt -w -F KUBE-FIREWALL 2>/dev/null && $ipt -w -X KUBE-FIREWALL 2>/dev/null
    $ipt -w -t mangle -X KUBE-IPTABLES-HINT 2>/dev/null
    for t in filter nat mangle; do $ipt -w -t "$t" -X KUBE-KUBELET-CANARY 2>/dev/null; done
  done
  if [ -f "$RUN/guard-iface" ]; then
    iptables -w -D FORWARD -s 10.244.0.0/16 -o "$(cat "$RUN/guard-iface")" -j DROP 2>/dev/null
  fi
  ip link delete "$CNI_BRIDGE" 2>/dev/null
  ip link delete "$NODE_LINK" 2>/dev/null
  if [ -f "$RUN/ip_forward.orig" ]; then sysctl -qw net.ipv4.ip_forward="$(cat "$RUN/ip_forward.orig")"; fi
  rm -rf /var/lib/cni/networks/carrete-k8s /var/lib/cni/results/carrete-k8s-* "$RUN"
  set -e
  say "cluster down"
}

# What is left of a cluster on this machine: nothing, after `down`.
cmd_leftovers() {
  local p
  ip link show "$NODE_LINK" >/dev/null 2>&1 && echo "interface $NODE_LINK"
  ip link show "$CNI_BRIDGE" >/dev/null 2>&1 && echo "interface $CNI_BRIDGE"
  iptables-save 2>/dev/null | grep -E '^(:|-A )?(KUBE-|CNI-)|10\.244\.0\.0/16' | sed 's/^/iptables: /'
  for p in "${PORTS[@]}"; do port_is_free "$p" || echo "port $p still listening"; done
  [ -d "$RUN" ] && echo "directory $RUN"
  pids_naming "$RUN" | sed 's/^/process /'
  return 0
}

case ${1:-} in
  check) cmd_check ;;
  deps) cmd_deps ;;
  build) cmd_build ;;
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  leftovers) cmd_leftovers ;;
  image-import) shift; cmd_image_import "$@" ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
