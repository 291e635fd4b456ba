#!/usr/bin/env python3
"""Checks that docker-compose.yml runs the same system as the chart: for
every Carrete service, the same image, port and set of CARRETE_* variables
(the chart's ConfigMap plus the Deployment's own env); PostgreSQL, MinIO and
a db-setup step per database service are there too, and each service
migrates before serving, as the chart's init containers do.

    check-compose.py docker-compose.yml RENDERED.yaml --render "HELM TEMPLATE COMMAND"
"""
import argparse
import shlex
import subprocess
import sys

import yaml


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("compose")
    parser.add_argument("rendered")
    parser.add_argument("--render", required=True)
    args = parser.parse_args()
    rendered = subprocess.run(shlex.split(args.render), capture_output=True, text=True, check=True).stdout
    docs = [d for d in yaml.safe_load_all(rendered) if d]
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    with open(args.compose) as f:
        compose = yaml.safe_load(f)["services"]
    problems = []
    for dep in (d for d in docs if d["kind"] == "Deployment"):
        name = dep["metadata"]["labels"]["app.kubernetes.io/component"]
        container = dep["spec"]["template"]["spec"]["containers"][0]
        # CARRETE_WORKERS comes from the pod's CPU limit (resourceFieldRef),
        # which Compose cannot express: there the service counts its CPUs.
        want = (set(config) | {e["name"] for e in container.get("env", [])}) - {"CARRETE_WORKERS"}
        if name not in compose:
            problems.append(f"{name}: missing from the compose file")
            continue
        svc = compose[name]
        have = {k for k in svc.get("environment", {}) if k.startswith("CARRETE_")}
        if want != have:
            problems.append(f"{name}: env differs: chart only {sorted(want - have)}, "
                            f"compose only {sorted(have - want)}")
        image = container["image"].rsplit(":", 1)[0]
        if svc.get("image", "").rsplit(":", 1)[0] != image:
            problems.append(f"{name}: image {svc.get('image')} is not {image}")
        port = container["ports"][0]["containerPort"]
        if not any(str(p).endswith(f":{port}") for p in svc.get("ports", [])):
            problems.append(f"{name}: port {port} not published")
        if name != "web" and f"migrate-{name}" not in compose:
            problems.append(f"{name}: no migrate-{name} step")
        # The chart's pod runs db-setup then migrate before serving; compose
        # runs the same steps (migrate-<svc>, then `migrate &&` in the service).
        program = "photos" if name == "photos-worker" else name
        inits = [c["name"] for c in dep["spec"]["template"]["spec"].get("initContainers", [])]
        if name != "web" and inits != ["db-setup", "migrate"]:
            problems.append(f"{name}: the chart's init containers are {inits}, not db-setup, migrate")
        if name != "web" and f"carrete-{program} migrate" not in " ".join(svc.get("command", [])):
            problems.append(f"{name}: compose does not run carrete-{program} migrate before serving")
    for extra in ("postgresql", "minio"):
        if extra not in compose:
            problems.append(f"{extra}: missing from the compose file")
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
