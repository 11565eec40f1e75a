"""What the settings resolve to must match the manifests: the pod (port, probes, grace period,
migrations, resources), its scaling (PodDisruptionBudget, KEDA), its egress, and the topics."""

from __future__ import annotations

from .common import Failures, by_kind, container_named

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


def check_topics(overlay: str, docs: list[dict], summaries: list[dict], fail: Failures) -> None:
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

