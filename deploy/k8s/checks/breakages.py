"""Breaking the rendered manifests on purpose: each breakage must be caught (`--self-test`)."""

from __future__ import annotations

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

