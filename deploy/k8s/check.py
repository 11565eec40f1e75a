"""`just k8s-check`: renders every overlay and checks it offline.

1. Schemas. Each rendered object is validated strictly (unknown fields refused) against the
   Kubernetes API schemas that kubernetes-validate ships; Strimzi's KafkaTopic and KEDA's
   ScaledObject against the schemas in deploy/k8s/crd-schemas/. Any other kind fails: nothing
   is skipped (SKIPPED below lists kinds deliberately left unchecked; it is empty).
   The Dockerfile is multi-stage, non-root, and the service binaries need no shared library
   its run stage (debian:bookworm-slim) lacks.
2. Settings. Each service's pod is reproduced on this machine (the image's config/, the
   mounted ConfigMap, the environment with its ConfigMap and Secret references) and the
   service binary itself loads it (`--check-settings`): a setting it reads and nobody provides,
   or a key it does not read (settings refuse unknown keys), fails. It is loaded twice, as the
   overlay's environment and as `production`, whose checked-in file provides no broker,
   database or key, so those must come from the manifests.
3. Agreement. What the settings resolve to must match the manifests: topics and partition
   counts (Strimzi topics, KEDA's ceiling), consumer groups and topics (KEDA triggers), the port
   (probes, Service), the drain time (termination grace), and each pod's egress (broker, its
   own database, collector; webhooks for audit and logistics).

`--self-test` breaks rendered manifests on purpose and checks that each breakage is caught.

Usage: python deploy/k8s/check.py --bin-dir TARGET/debug [--self-test]
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

import jsonschema
import kubernetes_validate
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ["dev", "prod"]
SERVICES = ["intake", "audit", "logistics", "payment"]
# The Kubernetes version the manifests target (kubernetes-validate ships its schemas).
K8S_VERSION = "1.32.0"
CRD_SCHEMAS = {
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"): "kafkatopic.kafka.strimzi.io-v1beta2.json",
    ("keda.sh/v1alpha1", "ScaledObject"): "scaledobject.keda.sh-v1alpha1.json",
}
# Kinds deliberately not validated, by (apiVersion, kind). None today.
SKIPPED: dict[tuple[str, str], str] = {}
# Where the image puts the checked-in settings (deploy/Dockerfile: COPY config /app/config).
IMAGE_CONFIG_DIR = "/app/config"


class Failures:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def render(overlay: str) -> list[dict]:
    out = subprocess.run(
        ["kubectl", "kustomize", str(K8S / "overlays" / overlay)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def name_of(doc: dict) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


# --- 1. schemas ---------------------------------------------------------------------------


def check_schemas(overlay: str, docs: list[dict], fail: Failures) -> None:
    for doc in docs:
        key = (doc.get("apiVersion"), doc.get("kind"))
        where = f"{overlay} {name_of(doc)}"
        if key in SKIPPED:
            print(f"  skipped {where}: {SKIPPED[key]}")
            continue
        if key in CRD_SCHEMAS:
            schema = json.loads((K8S / "crd-schemas" / CRD_SCHEMAS[key]).read_text())
            for err in jsonschema.Draft7Validator(schema).iter_errors(doc):
                path = ".".join(str(p) for p in err.absolute_path)
                fail.add(where, f"{path}: {err.message}")
            continue
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            fail.add(where, "no schema for this kind (add one to crd-schemas/ or list it in SKIPPED)")
        except kubernetes_validate.ValidationError as e:
            path = ".".join(str(p) for p in e.path)
            fail.add(where, f"{path}: {e.message}")


# --- 2. settings --------------------------------------------------------------------------


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d.get("kind") == kind}


def secret_value(docs: list[dict], ref: dict, used: set[str]) -> str | None:
    """A Secret's value: the overlay's own (dev), or a stand-in for one the cluster's operators
    create (prod), which is listed."""
    secrets = by_kind(docs, "Secret")
    name, key = ref["name"], ref["key"]
    if name in secrets:
        data = secrets[name].get("data", {})
        if key in data:
            return base64.b64decode(data[key]).decode()
        return None
    if ref.get("optional"):
        return None
    used.add(f"{name}/{key}")
    if key == "url":
        return "postgres://returns@database.invalid:5432/returns"
    return "operator-provided-secret-value-0123456789abcdef"


def pod_environment(docs: list[dict], container: dict, secrets_used: set[str], fail: Failures,
                    where: str) -> dict[str, str]:
    config_maps = by_kind(docs, "ConfigMap")
    env: dict[str, str] = {}
    for src in container.get("envFrom", []):
        ref = src.get("configMapRef")
        if not ref or ref["name"] not in config_maps:
            fail.add(where, f"envFrom {src} names no ConfigMap of this overlay")
            continue
        env.update(config_maps[ref["name"]].get("data", {}))
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = var["value"]
            continue
        source = var.get("valueFrom", {})
        if "secretKeyRef" in source:
            value = secret_value(docs, source["secretKeyRef"], secrets_used)
        elif "configMapKeyRef" in source:
            ref = source["configMapKeyRef"]
            value = config_maps.get(ref["name"], {}).get("data", {}).get(ref["key"])
        else:
            fail.add(where, f"env {var['name']}: unsupported source {source}")
            continue
        if value is not None:
            env[var["name"]] = value
    return env


def mount_config_maps(docs: list[dict], pod: dict, container: dict, into: pathlib.Path
                      ) -> dict[str, pathlib.Path]:
    """Writes the container's ConfigMap volumes under `into`; answers mount path → folder."""
    config_maps = by_kind(docs, "ConfigMap")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts: dict[str, pathlib.Path] = {}
    for m in container.get("volumeMounts", []):
        vol = volumes.get(m["name"], {})
        if "configMap" not in vol:
            continue
        folder = into / m["name"]
        folder.mkdir(parents=True, exist_ok=True)
        for k, v in config_maps.get(vol["configMap"]["name"], {}).get("data", {}).items():
            (folder / k).write_text(v)
        mounts[m["mountPath"]] = folder
    return mounts


def load_settings(bin_dir: pathlib.Path, svc: str, env: dict[str, str],
                  mounts: dict[str, pathlib.Path], force_env: str | None) -> tuple[bool, str]:
    run_env = {"PATH": os.environ.get("PATH", ""), "RETURNS_CONFIG_DIR": str(ROOT / "config")}
    for k, v in env.items():
        for mount, folder in mounts.items():
            if v.startswith(mount + "/"):
                v = str(folder) + v[len(mount):]
        run_env[k] = v
    if force_env:
        run_env["RETURNS_ENV"] = force_env
    proc = subprocess.run([str(bin_dir / svc), "--check-settings"], env=run_env,
                          capture_output=True, text=True, timeout=60)
    return proc.returncode == 0, (proc.stdout if proc.returncode == 0 else proc.stderr).strip()


def container_named(deploy: dict, name: str) -> dict | None:
    spec = deploy["spec"]["template"]["spec"]
    for c in spec.get("containers", []) + spec.get("initContainers", []):
        if c["name"] == name:
            return c
    return None


def check_service(overlay: str, docs: list[dict], svc: str, bin_dir: pathlib.Path,
                  fail: Failures, secrets_used: set[str]) -> None:
    where = f"{overlay} {svc}"
    deploy = by_kind(docs, "Deployment").get(svc)
    if deploy is None:
        fail.add(where, "no Deployment")
        return
    pod = deploy["spec"]["template"]["spec"]
    main = container_named(deploy, svc)
    if main is None:
        fail.add(where, f"no container named {svc}")
        return
    env = pod_environment(docs, main, secrets_used, fail, where)
    # Each pod gets only its own service's section; another's would be a key nothing reads.
    for k in env:
        m = re.match(r"RETURNS__SERVICES__([A-Z]+)__", k)
        if m and m.group(1).lower() != svc:
            fail.add(where, f"sets {k}, which {svc} does not read")
    with tempfile.TemporaryDirectory() as tmp:
        mounts = mount_config_maps(docs, pod, main, pathlib.Path(tmp))
        ok, out = load_settings(bin_dir, svc, env, mounts, None)
        if not ok:
            fail.add(where, f"settings do not load as the pod would: {out}")
            return
        summary = json.loads(out)
        ok, out = load_settings(bin_dir, svc, env, mounts, "production")
        if not ok:
            fail.add(where, f"a setting comes from a development file, not the manifests: {out}")
    check_pod(where, deploy, main, summary, env, fail)
    check_scaling(where, docs, svc, summary, env, fail)
    check_egress(overlay, where, docs, svc, summary, fail)
    summary["overlay"] = overlay
    SUMMARIES.append(summary)


SUMMARIES: list[dict] = []


def check_pod(where: str, deploy: dict, main: dict, summary: dict, env: dict, fail: Failures
              ) -> None:
    pod = deploy["spec"]["template"]["spec"]
    ports = {p.get("name"): p["containerPort"] for p in main.get("ports", [])}
    if ports.get("http") != summary["http_port"]:
        fail.add(where, f"container port http {ports.get('http')} but the service listens on "
                        f"{summary['http_port']}")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    if grace <= summary["drain_seconds"]:
        fail.add(where, f"terminationGracePeriodSeconds {grace} must exceed the drain time "
                        f"({summary['drain_seconds']} s)")
    probes = {k: main.get(k, {}).get("httpGet", {}).get("path")
              for k in ("livenessProbe", "readinessProbe")}
    if probes != {"livenessProbe": "/health/live", "readinessProbe": "/health/ready"}:
        fail.add(where, f"probes {probes}: liveness must be /health/live, readiness /health/ready")
    if not main.get("resources", {}).get("requests") or not main["resources"].get("limits"):
        fail.add(where, "container needs resource requests and limits")
    if not pod.get("securityContext", {}).get("runAsNonRoot"):
        fail.add(where, "pod must run as non-root")
    migrate = container_named(deploy, "migrate")
    if migrate is None or migrate.get("args") != ["--migrate"] or migrate not in pod.get(
            "initContainers", []):
        fail.add(where, "migrations must run in an init container (`--migrate`)")
    elif (migrate.get("env"), migrate.get("envFrom"), migrate.get("volumeMounts")) != (
            main.get("env"), main.get("envFrom"), main.get("volumeMounts")):
        fail.add(where, "the migrate init container must see the service's own settings")
    if not env.get("RETURNS__KAFKA__BROKERS"):
        fail.add(where, "RETURNS__KAFKA__BROKERS is not set")


def check_scaling(where: str, docs: list[dict], svc: str, summary: dict, env: dict,
                  fail: Failures) -> None:
    pdbs = [p for p in by_kind(docs, "PodDisruptionBudget").values()
            if p["spec"]["selector"].get("matchLabels", {}).get("app.kubernetes.io/name") == svc]
    if not pdbs:
        fail.add(where, "no PodDisruptionBudget")
    so = by_kind(docs, "ScaledObject").get(svc)
    if so is None:
        fail.add(where, "no ScaledObject")
        return
    spec = so["spec"]
    if spec["scaleTargetRef"]["name"] != svc:
        fail.add(where, f"ScaledObject scales {spec['scaleTargetRef']['name']}")
    top = spec.get("maxReplicaCount", 100)
    if top > summary["kafka_partitions"]:
        fail.add(where, f"maxReplicaCount {top} exceeds the {summary['kafka_partitions']} "
                        "partitions of each topic it reads")
    if spec.get("minReplicaCount", 0) > top:
        fail.add(where, "minReplicaCount above maxReplicaCount")
    topics = set()
    for t in spec["triggers"]:
        md = t["metadata"]
        if t["type"] != "kafka":
            fail.add(where, f"trigger of type {t['type']}")
            continue
        if md.get("consumerGroup") != summary["consumer_group"]:
            fail.add(where, f"trigger group {md.get('consumerGroup')}, the service's is "
                            f"{summary['consumer_group']}")
        if md.get("allowIdleConsumers", "false") != "false":
            fail.add(where, "allowIdleConsumers would scale past the partitions")
        servers = md.get("bootstrapServersFromEnv")
        if not (md.get("bootstrapServers") or (servers and servers in env)):
            fail.add(where, f"trigger's brokers: {servers} is not in the pod's environment")
        topics.add(md.get("topic"))
    if topics != set(summary["topics_consumed"]):
        fail.add(where, f"KEDA watches {sorted(topics)}, the service reads "
                        f"{sorted(summary['topics_consumed'])}")


def egress_rules(docs: list[dict], svc: str) -> list[dict]:
    rules = []
    for np in by_kind(docs, "NetworkPolicy").values():
        sel = np["spec"]["podSelector"].get("matchLabels", {})
        if sel.get("app.kubernetes.io/name") == svc and "Egress" in np["spec"]["policyTypes"]:
            rules.extend(np["spec"].get("egress", []))
    return rules


def check_egress(overlay: str, where: str, docs: list[dict], svc: str, summary: dict,
                 fail: Failures) -> None:
    rules = egress_rules(docs, svc)
    if not rules:
        fail.add(where, "no egress NetworkPolicy (everything would be allowed)")
        return
    ports: dict[int, list[dict]] = {}
    for r in rules:
        if not r.get("to"):
            fail.add(where, f"egress rule without destinations allows everything: {r}")
        for p in r.get("ports", []):
            ports.setdefault(p["port"], []).extend(r.get("to", []))
    for port, what in [(9092, "the broker"), (5432, "its database"), (4318, "the collector"),
                       (53, "DNS")]:
        if port not in ports:
            fail.add(where, f"cannot reach {what} (port {port})")
    if (443 in ports) != summary["sends_webhooks"]:
        fail.add(where, "https egress must be open exactly for the services that send webhooks")
    unexpected = set(ports) - {9092, 5432, 4318, 53, 443}
    if unexpected:
        fail.add(where, f"egress to ports {sorted(unexpected)} it does not need")
    # Its own database and no other: in dev the per-service PostgreSQL pods by name.
    for dest in ports.get(5432, []):
        name = dest.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name")
        if name is not None and name != f"{svc}-db":
            fail.add(where, f"may reach database {name}")
        if name is None and "ipBlock" not in dest:
            fail.add(where, f"database egress must name its database: {dest}")


def check_topics(overlay: str, docs: list[dict], fail: Failures) -> None:
    summaries = [s for s in SUMMARIES if s["overlay"] == overlay]
    if not summaries:
        return
    partitions = {s["kafka_partitions"] for s in summaries}
    if len(partitions) != 1:
        fail.add(overlay, f"services disagree on kafka.partitions: {partitions}")
        return
    want = partitions.pop()
    topics = set(summaries[0]["topics"])
    kafka_topics = by_kind(docs, "KafkaTopic")
    jobs = [j for j in by_kind(docs, "Job").values()
            if any(c.get("args") == ["--provision-topics"]
                   for c in j["spec"]["template"]["spec"]["containers"])]
    if kafka_topics:
        names = {t["spec"].get("topicName", n) for n, t in kafka_topics.items()}
        if names != topics:
            fail.add(overlay, f"KafkaTopics {sorted(names)} but the platform's topics are "
                              f"{sorted(topics)}")
        for n, t in kafka_topics.items():
            if t["spec"].get("partitions") != want:
                fail.add(overlay, f"KafkaTopic {n} has {t['spec'].get('partitions')} partitions; "
                                  f"the city-shard map needs {want}")
    elif not jobs:
        fail.add(overlay, "topics are neither KafkaTopics nor made by a --provision-topics Job")


def check_dockerfile(fail: Failures) -> None:
    text = (ROOT / "deploy" / "Dockerfile").read_text()
    if len(re.findall(r"^FROM ", text, re.M)) < 2:
        fail.add("Dockerfile", "must be multi-stage")
    if not re.search(r"^ARG SERVICE$", text, re.M):
        fail.add("Dockerfile", "the service must be a build argument (ARG SERVICE)")
    users = re.findall(r"^USER (\S+)", text, re.M)
    if not users or users[-1].split(":")[0] in ("0", "root"):
        fail.add("Dockerfile", "the final stage must run as a non-root (numeric) user")
    if f"COPY config {IMAGE_CONFIG_DIR}" not in text:
        fail.add("Dockerfile", f"must copy config/ to {IMAGE_CONFIG_DIR} (the check loads it)")


# The shared libraries debian:bookworm-slim (the run stage) has without installing anything.
RUN_STAGE_LIBS = {"linux-vdso.so.1", "libc.so.6", "libm.so.6", "libgcc_s.so.1", "libz.so.1",
                  "libpthread.so.0", "libdl.so.2", "librt.so.1", "ld-linux-x86-64.so.2"}


def check_binaries(bin_dir: pathlib.Path, fail: Failures) -> None:
    """The service binaries (as the Dockerfile's build stage makes them) need no library the
    run stage lacks."""
    for svc in SERVICES:
        out = subprocess.run(["ldd", str(bin_dir / svc)], capture_output=True, text=True).stdout
        libs = {pathlib.Path(line.split()[0]).name for line in out.splitlines() if line.strip()}
        missing = libs - RUN_STAGE_LIBS
        if not libs or missing:
            fail.add(f"image {svc}", f"needs libraries the run stage lacks: {sorted(missing)}")


def check_all(rendered: dict[str, list[dict]], bin_dir: pathlib.Path, verbose: bool = True
              ) -> Failures:
    fail = Failures()
    SUMMARIES.clear()
    check_dockerfile(fail)
    check_binaries(bin_dir, fail)
    for overlay, docs in rendered.items():
        check_schemas(overlay, docs, fail)
        secrets_used: set[str] = set()
        for svc in SERVICES:
            check_service(overlay, docs, svc, bin_dir, fail, secrets_used)
        check_topics(overlay, docs, fail)
        if secrets_used and verbose:
            print(f"  {overlay}: Secrets the cluster's operators provide: "
                  f"{', '.join(sorted(secrets_used))}")
    return fail


# --- self-test: each breakage must be caught ------------------------------------------------


def breakages(rendered: dict[str, list[dict]]):
    def first(docs, kind, name=None):
        return next(d for d in docs if d["kind"] == kind
                    and (name is None or d["metadata"]["name"].startswith(name)))

    def drop_brokers(r):
        env = first(r["prod"], "ConfigMap", "returns-environment")["data"]
        env.pop("RETURNS__KAFKA__BROKERS")

    def unknown_key(r):
        first(r["dev"], "ConfigMap", "returns-environment")["data"]["RETURNS__KAFKA__BROKER"] = "x"

    def other_services_database(r):
        c = first(r["dev"], "Deployment", "intake")["spec"]["template"]["spec"]["containers"][0]
        c["env"].append({"name": "RETURNS__SERVICES__AUDIT__DATABASE__URL", "value": "postgres://x"})

    def no_signing_key(r):
        c = first(r["prod"], "Deployment", "audit")["spec"]["template"]["spec"]["containers"][0]
        c["env"] = [e for e in c["env"] if e["name"] != "RETURNS__API__SIGNING_KEY"]

    def too_many_replicas(r):
        first(r["prod"], "ScaledObject", "payment")["spec"]["maxReplicaCount"] = 9

    def wrong_partitions(r):
        first(r["prod"], "KafkaTopic")["spec"]["partitions"] = 4

    def short_grace(r):
        first(r["dev"], "Deployment", "logistics")["spec"]["template"]["spec"][
            "terminationGracePeriodSeconds"] = 10

    def unknown_field(r):
        first(r["dev"], "Deployment", "audit")["spec"]["template"]["spec"]["containers"][0][
            "livenessProbe"]["httpGett"] = {}

    def crd_typo(r):
        first(r["prod"], "KafkaTopic")["spec"]["partition"] = 8

    def other_database(r):
        np = first(r["dev"], "NetworkPolicy", "intake-egress")
        np["spec"]["egress"][1]["to"][0]["podSelector"]["matchLabels"][
            "app.kubernetes.io/name"] = "payment-db"

    def missing_topic_trigger(r):
        first(r["dev"], "ScaledObject", "intake")["spec"]["triggers"].pop()

    return [drop_brokers, unknown_key, other_services_database, no_signing_key,
            too_many_replicas, wrong_partitions, short_grace, unknown_field, crd_typo,
            other_database, missing_topic_trigger]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", required=True, type=pathlib.Path)
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    rendered = {o: render(o) for o in OVERLAYS}
    for o, docs in rendered.items():
        print(f"rendered {o}: {len(docs)} objects")
    fail = check_all(rendered, args.bin_dir)
    for f in fail.items:
        print(f"FAIL {f}")
    if fail.items:
        return 1
    print("k8s-check: every overlay is valid and agrees with the services' settings")
    if args.self_test:
        missed = []
        for breakage in breakages(rendered):
            broken = copy.deepcopy(rendered)
            breakage(broken)
            caught = check_all(broken, args.bin_dir, verbose=False).items
            first_line = caught[0].splitlines()[0] if caught else ""
            print(f"  self-test {breakage.__name__}: "
                  f"{'caught: ' + first_line if caught else 'MISSED'}")
            if not caught:
                missed.append(breakage.__name__)
        if missed:
            print(f"FAIL self-test: not caught: {', '.join(missed)}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
