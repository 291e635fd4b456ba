#!/usr/bin/env python3
"""Turns the chart's rendered manifests into files `podman kube play` runs.

podman runs Pods, Deployments, ConfigMaps and Secrets, but not Services,
StatefulSets, Jobs, Ingress or NetworkPolicies.  So, with as few changes as
possible:

* every Deployment and StatefulSet becomes one Pod named after the Service in
  front of it (carrete-users, carrete-postgresql...), so that the other pods
  reach it by that name through the network's DNS, as they would the Service;
  volume claim templates become emptyDirs;
* every emptyDir is renamed after its pod: podman 4.3 turns an emptyDir into
  a named volume called after it, so that every pod's "data" or "tmp" would
  be one volume, shared, and owned by whichever pod came first (MinIO could
  not write the /data PostgreSQL had taken);
* every Job becomes a Pod that runs its template once (restartPolicy Never);
* the helm test Pod is kept as it is;
* init containers are marked "always" (io.podman.annotations.init.container.type):
  podman 4.3 removes "once" init containers (its default) after they run,
  and that removal races their exit ("cannot remove container ... as it is
  running"); "always" keeps them and runs them at every pod start, as the
  kubelet does for a new pod;
* containers named in --publish get a hostPort on 127.0.0.1 for their first
  port, so that the suite talks to them over the loopback only;
* Secrets are resolved here: a secretKeyRef becomes its value, and a
  Secret volume a read-only hostPath folder holding the Secret's files (mode
  0444, as fsGroup would allow in Kubernetes).  podman 4.3's own handling
  crashes on secret volumes without `optional` and cannot read back, as
  JSON, the Secrets it makes from YAML.

Writes configmaps.yaml (for --configmap), secrets/NAME/KEY files, and one
YAML file per pod into OUTDIR, and prints the pods' file names.

    kube-to-podman.py RENDERED.yaml OUTDIR [--publish NAME=HOSTPORT ...]
"""
import argparse
import base64
import copy
import os
import sys

import yaml

SKIPPED = {"Service", "Ingress", "NetworkPolicy", "PodDisruptionBudget",
           "HorizontalPodAutoscaler", "ServiceAccount", "PersistentVolumeClaim"}


SECRETS = {}     # name -> {key: bytes}
OUTDIR = "."


def secret_dir(name):
    return os.path.abspath(os.path.join(OUTDIR, "secrets", name))


def resolve_secrets(spec):
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            name = volume.pop("secret")["secretName"]
            volume["hostPath"] = {"path": secret_dir(name), "type": "Directory"}
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        for env in container.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                del env["valueFrom"]
                env["value"] = SECRETS[ref["name"]][ref["key"]].decode()


def pod(name, template, labels=None, restart=None):
    spec = copy.deepcopy(template["spec"])
    if restart:
        spec["restartPolicy"] = restart
    spec.pop("serviceAccountName", None)
    resolve_secrets(spec)
    meta = {"name": name, "labels": labels or template.get("metadata", {}).get("labels", {})}
    if spec.get("initContainers"):
        meta["annotations"] = {"io.podman.annotations.init.container.type": "always"}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def add_claim_volumes(p, claims):
    for claim in claims:
        p["spec"].setdefault("volumes", []).append(
            {"name": claim["metadata"]["name"], "emptyDir": {}})


def own_empty_dirs(p):
    """Prefixes the pod's name to its emptyDir volumes (and their mounts)."""
    name, spec = p["metadata"]["name"], p["spec"]
    renamed = {}
    for volume in spec.get("volumes", []):
        if "emptyDir" in volume:
            renamed[volume["name"]] = volume["name"] = f"{name}-{volume['name']}"
    for container in spec.get("initContainers", []) + spec.get("containers", []):
        for mount in container.get("volumeMounts", []):
            mount["name"] = renamed.get(mount["name"], mount["name"])


def publish(p, ports):
    """Publishes the container's first port (its API: Garage's S3 port, not
    its RPC and admin ports)."""
    for container in p["spec"]["containers"]:
        key = container["name"]
        if key in ports and container.get("ports"):
            port = container["ports"][0]
            port["hostPort"] = int(ports[key])
            port["hostIP"] = "127.0.0.1"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("rendered")
    parser.add_argument("outdir")
    parser.add_argument("--publish", action="append", default=[])
    args = parser.parse_args()
    ports = dict(item.split("=", 1) for item in args.publish)

    global OUTDIR
    OUTDIR = args.outdir
    with open(args.rendered) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    for doc in docs:
        if doc["kind"] == "Secret":
            SECRETS[doc["metadata"]["name"]] = {
                k: base64.b64decode(v) for k, v in doc.get("data", {}).items()}
    configmaps, pods = [], {}
    for doc in docs:
        kind, name = doc["kind"], doc["metadata"]["name"]
        if kind == "ConfigMap":
            configmaps.append(doc)
        elif kind == "Secret":
            pass
        elif kind in ("Deployment", "StatefulSet"):
            p = pod(name, doc["spec"]["template"])
            add_claim_volumes(p, doc["spec"].get("volumeClaimTemplates", []))
            pods[name] = p
        elif kind == "Job":
            pods[name] = pod(name, doc["spec"]["template"], restart="Never")
        elif kind == "Pod":
            pods[name] = pod(name, doc, restart="Never")
        elif kind not in SKIPPED:
            sys.exit(f"kube-to-podman: no rule for {kind} {name}")

    os.makedirs(args.outdir, exist_ok=True)
    with open(os.path.join(args.outdir, "configmaps.yaml"), "w") as f:
        yaml.safe_dump_all(configmaps, f, sort_keys=False)
    for name, files in SECRETS.items():
        os.makedirs(secret_dir(name), exist_ok=True)
        for key, value in files.items():
            path = os.path.join(secret_dir(name), key)
            with open(path, "wb") as f:
                f.write(value)
            os.chmod(path, 0o444)
    for name, p in pods.items():
        own_empty_dirs(p)
        publish(p, ports)
        with open(os.path.join(args.outdir, f"{name}.yaml"), "w") as f:
            yaml.safe_dump(p, f, sort_keys=False)
        print(f"{name}.yaml")


if __name__ == "__main__":
    main()
