"""Every rendered object strictly against the Kubernetes schemas (kubernetes-validate) or, for
the CRDs used, the schemas kept in deploy/k8s/crd-schemas/."""

from __future__ import annotations

import json

import jsonschema
import kubernetes_validate

from .common import K8S, Failures, name_of

# The Kubernetes version the manifests target (kubernetes-validate ships its schemas).
K8S_VERSION = "1.32.0"
CRD_SCHEMAS = {
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"): "kafkatopic.kafka.strimzi.io-v1beta2.json",
    ("keda.sh/v1alpha1", "ScaledObject"): "scaledobject.keda.sh-v1alpha1.json",
}
# Kinds deliberately not validated, by (apiVersion, kind). None today.
SKIPPED: dict[tuple[str, str], str] = {}
# Where the image puts the checked-in settings (deploy/Dockerfile: COPY config /app/config).


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

