#!/usr/bin/env python3
"""Evaluates the chart's rendered NetworkPolicies the way Kubernetes does, and
checks that exactly the intended conversations are allowed.

No policy-enforcing CNI can be had on the test machines (tests/k8s/README
and the main README, "Kubernetes suite"), so the rules are checked here: for
every source pod (each component, the helm test pod, the ingress controller,
a stranger pod in the namespace, and a pod that carries the release's labels
with another component) and every destination component on its port, a
connection is allowed when the source's egress policies and the
destination's ingress policies both allow it (a pod no policy of a type
selects is open in that direction).  The result must equal the matrix
below; DNS (UDP/TCP 53 to kube-dns) must be allowed for the pods that call
someone.

    check-netpol.py RENDERED.yaml RELEASE
"""
import sys

import yaml

NAMESPACE = "carrete"
INGRESS_NS = {"kubernetes.io/metadata.name": "ingress-nginx"}
PORTS = {"users": 8081, "photos": 8082, "folders": 8083, "web": 8080,
         "postgresql": 5432, "minio": 9000}
# Who may talk to whom (the chart's networkpolicies.yaml comment).
ALLOWED = {
    "users": {"ingress", "web", "photos", "folders", "test"},
    "photos": {"ingress", "web", "users", "folders", "test"},
    "folders": {"ingress", "web", "users", "photos", "test"},
    "web": {"ingress", "test"},
    "postgresql": {"users", "photos", "folders", "photos-worker"},
    "minio": {"ingress", "photos", "photos-worker"},
}
NEEDS_DNS = {"users", "photos", "folders", "web", "photos-worker", "test"}


def labels_match(selector, labels):
    if selector.get("matchExpressions"):
        sys.exit("check-netpol: matchExpressions are not modelled; extend this script")
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def peer_matches(peer, policy_ns, pod):
    if "ipBlock" in peer:
        return False  # pods are never addressed by ipBlock here
    if "namespaceSelector" in peer:
        if not labels_match(peer["namespaceSelector"], pod["ns_labels"]):
            return False
    elif pod["ns"] != policy_ns:
        return False
    return labels_match(peer.get("podSelector") or {}, pod["labels"])


def port_matches(ports, port, protocol):
    if not ports:
        return True
    return any(p.get("protocol", "TCP") == protocol and p.get("port") in (None, port) for p in ports)


def allowed(policies, direction, subject, other, port, protocol):
    """Does `subject`'s side allow the connection (direction Ingress or Egress)?"""
    selecting = [p for p in policies
                 if p["ns"] == subject["ns"] and direction in p["types"]
                 and labels_match(p["spec"]["podSelector"], subject["labels"])]
    if not selecting:
        return True
    key, peers = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for p in selecting:
        for rule in p["spec"].get(key) or []:
            if not port_matches(rule.get("ports"), port, protocol):
                continue
            targets = rule.get(peers)
            if targets is None or any(peer_matches(t, p["ns"], other) for t in targets):
                return True
    return False


def connects(policies, src, dst, port, protocol="TCP"):
    return (allowed(policies, "Egress", src, dst, port, protocol)
            and allowed(policies, "Ingress", dst, src, port, protocol))


def main():
    rendered, release = sys.argv[1], sys.argv[2]
    docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
    policies, pods = [], {}
    ns_labels = {"kubernetes.io/metadata.name": NAMESPACE}
    for d in docs:
        if d["kind"] == "NetworkPolicy":
            spec = d["spec"]
            types = spec.get("policyTypes") or (["Ingress"] + (["Egress"] if "egress" in spec else []))
            policies.append({"ns": NAMESPACE, "types": types, "spec": spec})
        elif d["kind"] in ("Deployment", "StatefulSet"):
            labels = d["spec"]["template"]["metadata"]["labels"]
            pods[labels["app.kubernetes.io/component"]] = labels
        elif d["kind"] == "Pod":
            pods[d["metadata"]["labels"]["app.kubernetes.io/component"]] = d["metadata"]["labels"]
    if not policies:
        sys.exit("check-netpol: no NetworkPolicy rendered")
    sources = {name: {"ns": NAMESPACE, "ns_labels": ns_labels, "labels": labels}
               for name, labels in pods.items()}
    sources["ingress"] = {"ns": "ingress-nginx", "ns_labels": INGRESS_NS,
                          "labels": {"app.kubernetes.io/name": "ingress-nginx"}}
    sources["stranger"] = {"ns": NAMESPACE, "ns_labels": ns_labels, "labels": {"app": "debug"}}
    sources["impostor"] = {"ns": NAMESPACE, "ns_labels": ns_labels,
                           "labels": {"app.kubernetes.io/instance": release,
                                      "app.kubernetes.io/part-of": "carrete",
                                      "app.kubernetes.io/name": "carrete",
                                      "app.kubernetes.io/component": "shell"}}
    dns = {"ns": "kube-system", "ns_labels": {"kubernetes.io/metadata.name": "kube-system"},
           "labels": {"k8s-app": "kube-dns"}}
    problems, lines = [], 0
    for dst_name, port in PORTS.items():
        if dst_name not in pods:
            continue
        dst = sources[dst_name]
        for src_name, src in sources.items():
            if src_name == dst_name:
                continue
            want = src_name in ALLOWED[dst_name]
            got = connects(policies, src, dst, port)
            lines += 1
            if got != want:
                problems.append(f"{src_name} -> {dst_name}:{port}: {'allowed' if got else 'denied'}, "
                                f"should be {'allowed' if want else 'denied'}")
        # Right peer, wrong port: denied.
        if ALLOWED[dst_name] - {"ingress"}:
            src_name = sorted(ALLOWED[dst_name] - {"ingress"})[0]
            if src_name in sources and connects(policies, sources[src_name], dst, 22):
                problems.append(f"{src_name} -> {dst_name}:22 is allowed (only {port} should be)")
    for name in sorted(NEEDS_DNS & set(sources)):
        if not all(connects(policies, sources[name], dns, 53, proto) for proto in ("UDP", "TCP")):
            problems.append(f"{name}: no DNS")
    for p in problems:
        print(p)
    print(f"{lines} source/destination pairs checked, {len(problems)} wrong")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
