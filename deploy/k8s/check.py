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

The checks live in deploy/k8s/checks/, one concern a module.

Usage: python deploy/k8s/check.py --bin-dir TARGET/debug [--self-test]
"""

from __future__ import annotations

import argparse
import copy
import pathlib
import sys

from checks.agreement import check_egress, check_pod, check_scaling, check_topics
from checks.breakages import breakages
from checks.common import OVERLAYS, SERVICES, Failures, by_kind, container_named, render
from checks.image import check_binaries, check_dockerfile
from checks.pod_settings import settings_of
from checks.schemas import check_schemas


def check_service(overlay: str, docs: list[dict], svc: str, bin_dir: pathlib.Path,
                  fail: Failures, secrets_used: set[str]) -> dict | None:
    """Loads the service's settings as its pod would and checks the manifests agree; answers
    what the settings resolved to."""
    where = f"{overlay} {svc}"
    deploy = by_kind(docs, "Deployment").get(svc)
    if deploy is None:
        fail.add(where, "no Deployment")
        return None
    main = container_named(deploy, svc)
    if main is None:
        fail.add(where, f"no container named {svc}")
        return None
    pod = deploy["spec"]["template"]["spec"]
    loaded = settings_of(where, docs, svc, pod, main, bin_dir, fail, secrets_used)
    if loaded is None:
        return None
    summary, env = loaded
    check_pod(where, deploy, main, summary, env, fail)
    check_scaling(where, docs, svc, summary, env, fail)
    check_egress(overlay, where, docs, svc, summary, fail)
    return summary


def check_all(rendered: dict[str, list[dict]], bin_dir: pathlib.Path, verbose: bool = True
              ) -> Failures:
    fail = Failures()
    check_dockerfile(fail)
    check_binaries(bin_dir, fail)
    for overlay, docs in rendered.items():
        check_schemas(overlay, docs, fail)
        secrets_used: set[str] = set()
        summaries = [s for s in (check_service(overlay, docs, svc, bin_dir, fail, secrets_used)
                                 for svc in SERVICES) if s]
        check_topics(overlay, docs, summaries, fail)
        if secrets_used and verbose:
            print(f"  {overlay}: Secrets the cluster's operators provide: "
                  f"{', '.join(sorted(secrets_used))}")
    return fail


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
