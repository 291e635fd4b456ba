#!/usr/bin/env python3
"""Checks that docker-compose.yml runs the same system as the chart: for
every Carrete service, the same image, port and set of CARRETE_* variables
(the chart's ConfigMap plus the Deployment's own env); PostgreSQL and a
db-setup step per database service are there too, and each service migrates
before serving, as the chart's init containers do.  Both object stores are
compose profiles, as objectStore.kind is in the chart: `minio`, and `garage`
with its garage-setup one-shot, each with the same environment names as
the chart's StatefulSet and setup Job (--render-garage: the chart rendered
with objectStore.kind garage), and photos waits for whichever is on.

    check-compose.py docker-compose.yml RENDERED.yaml --render "HELM TEMPLATE COMMAND"
                     [--render-garage "HELM TEMPLATE COMMAND"]
"""
import argparse
import shlex
import subprocess
import sys

import yaml


def env_names(container):
    return {e["name"] for e in container.get("env", [])}


def check_stores(compose, render_garage):
    problems = []
    for store, members in (("minio", ["minio"]), ("garage", ["garage", "garage-setup"])):
        for name in members:
            if name not in compose:
                problems.append(f"{name}: missing from the compose file")
            elif compose[name].get("profiles") != [store]:
                problems.append(f"{name}: profiles {compose[name].get('profiles')}, not [{store}]")
    deps = compose.get("photos", {}).get("depends_on", {})
    for name, condition in (("minio", "service_started"),
                            ("garage-setup", "service_completed_successfully")):
        dep = deps.get(name) if isinstance(deps, dict) else None
        if not dep or dep.get("condition") != condition or dep.get("required") is not False:
            problems.append(f"photos: should wait for {name} ({condition}, required: false): {dep}")
    if render_garage and "garage" in compose and "garage-setup" in compose:
        rendered = subprocess.run(shlex.split(render_garage), capture_output=True, text=True,
                                  check=True).stdout
        docs = [d for d in yaml.safe_load_all(rendered) if d]
        sts = next(d for d in docs if d["kind"] == "StatefulSet"
                   and d["metadata"]["labels"]["app.kubernetes.io/component"] == "garage")
        job = next(d for d in docs if d["kind"] == "Job"
                   and d["metadata"]["labels"]["app.kubernetes.io/component"] == "garage-setup")
        for name, doc in (("garage", sts), ("garage-setup", job)):
            want = env_names(doc["spec"]["template"]["spec"]["containers"][0])
            have = set(compose[name].get("environment", {}))
            if want != have:
                problems.append(f"{name}: env differs: chart only {sorted(want - have)}, "
                                f"compose only {sorted(have - want)}")
        command = job["spec"]["template"]["spec"]["containers"][0]["command"]
        if compose["garage-setup"].get("entrypoint") != command:
            problems.append(f"garage-setup: entrypoint is not {command}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("compose")
    parser.add_argument("rendered")
    parser.add_argument("--render", required=True)
    parser.add_argument("--render-garage")
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
    if "postgresql" not in compose:
        problems.append("postgresql: missing from the compose file")
    problems += check_stores(compose, args.render_garage)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
