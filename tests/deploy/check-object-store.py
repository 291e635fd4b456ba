#!/usr/bin/env python3
"""Checks the chart's rendering of one objectStore.kind (read on stdin):

* minio / garage: the store's StatefulSet and Service, and nothing of the
  other one; external: neither, and photos may reach ports 443/80/9000;
* garage: Carrete's key in Garage's format (GK + 24 hex, 64-hex secret),
  the RPC secret and admin token generated; a setup Job that is no Helm
  hook (helm install --wait would wait behind it), whose name is a hash of
  the revision and its settings (its pod template cannot change): given
  OTHER-JOB-NAME (rendered with other settings), the name must differ;
* the Ingress routes /<bucket> to a bundled store only;
* NetworkPolicies: the store's S3 port only from the ingress controller,
  photos and photos-worker; Garage's admin API only from the setup Job and
  its RPC only from Garage pods; the setup Job may reach only DNS and the
  admin API; photos and photos-worker reach the store's S3 port.

    helm template ... | check-object-store.py KIND FULLNAME [OTHER-JOB-NAME]
"""
import base64
import re
import sys

import yaml

S3_PORT = {"minio": 9000, "garage": 3900}


def main():
    kind, full = sys.argv[1], sys.argv[2]
    docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
    by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    problems = []

    def need(cond, what):
        if not cond:
            problems.append(what)

    for store in ("minio", "garage"):
        present = ("StatefulSet", f"{full}-{store}") in by
        need(present == (kind == store), f"{store} StatefulSet present: {present}")
        need((("Service", f"{full}-{store}") in by) == (kind == store), f"{store} Service")

    def secret(name):
        return {k: base64.b64decode(v).decode() for k, v in by[("Secret", name)]["data"].items()}

    jobs = [d for d in docs if d["kind"] == "Job" and "garage-setup" in d["metadata"]["name"]]
    if kind == "garage":
        s3 = secret(f"{full}-s3")
        need(re.fullmatch(r"GK[0-9a-f]{24}", s3["access-key"]), f"access key {s3['access-key']}")
        need(re.fullmatch(r"[0-9a-f]{64}", s3["secret-key"]), "secret key: 64 hex digits")
        garage = secret(f"{full}-garage")
        need(re.fullmatch(r"[0-9a-f]{64}", garage["rpc-secret"]), "rpc-secret: 64 hex digits")
        need(len(garage["admin-token"]) >= 32, "admin-token")
        names = [j["metadata"]["name"] for j in jobs]
        need(len(jobs) == 1 and re.fullmatch(re.escape(full) + r"-garage-setup-[0-9a-f]{8}", names[0])
             and len(names[0]) <= 63, f"one setup Job named {full}-garage-setup-<hash>: {names}")
        if len(sys.argv) > 3:  # the name rendered with another bucket: it must differ
            need(names and names[0] != sys.argv[3], f"the Job keeps its name {sys.argv[3]} for another bucket")
        for job in jobs:
            notes = job["metadata"].get("annotations") or {}
            need(not any(k.startswith("helm.sh/hook") for k in notes), "the setup Job is a hook")
    else:
        need(not jobs, "a garage setup Job without Garage")
        need(("Secret", f"{full}-garage") not in by, "a garage Secret without Garage")

    ingress = by.get(("Ingress", full))
    if ingress:
        routes = {p["path"]: p["backend"]["service"]["name"]
                  for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
        if kind in S3_PORT:
            need(routes.get("/carrete-photos") == f"{full}-{kind}",
                 f"Ingress /carrete-photos -> {routes.get('/carrete-photos')}")
        else:
            need("/carrete-photos" not in routes, "Ingress routes the bucket of an external S3")

    def policy(name):
        return by.get(("NetworkPolicy", f"{full}-{name}"))

    def peers(rule):
        out = set()
        for peer in rule.get("from", rule.get("to", [])):
            if "namespaceSelector" in peer and peer["namespaceSelector"].get("matchLabels", {}).get(
                    "kubernetes.io/metadata.name") == "ingress-nginx":
                out.add("ingress")
            elif "k8s-app" in (peer.get("podSelector") or {}).get("matchLabels", {}):
                out.add("dns")
            else:
                out.add(peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"])
        return out

    def rules(name, field):
        pol = policy(name)
        return {} if pol is None else {
            tuple(sorted(p["port"] for p in r["ports"])): peers(r) for r in pol["spec"][field]}

    if kind in S3_PORT:
        port = S3_PORT[kind]
        need(rules(f"{kind}-ingress", "ingress") == {(port,): {"ingress", "photos", "photos-worker"}},
             f"{kind}-ingress: {rules(f'{kind}-ingress', 'ingress')}")
        for client in ("photos", "photos-worker"):
            egress = rules(f"{client}-egress", "egress")
            need(egress.get((port,)) == {kind}, f"{client}-egress to {kind}: {egress}")
            need((80, 443, 9000) not in egress, f"{client}-egress opens the outside S3 ports")
    else:
        need(rules("photos-egress", "egress").get((80, 443, 9000)) == set(),
             f"photos-egress to an external S3: {rules('photos-egress', 'egress')}")
    if kind == "garage":
        need(rules("garage-admin-ingress", "ingress") == {(3903,): {"garage-setup"}, (3901,): {"garage"}},
             f"garage-admin-ingress: {rules('garage-admin-ingress', 'ingress')}")
        need(rules("garage-setup-egress", "egress") == {(53, 53): {"dns"}, (3903,): {"garage"}},
             f"garage-setup-egress: {rules('garage-setup-egress', 'egress')}")
    else:
        need(policy("garage-admin-ingress") is None and policy("garage-setup-egress") is None,
             "Garage policies without Garage")
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
