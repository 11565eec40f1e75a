"""Each service's pod reproduced on this machine (the image's config/, the mounted ConfigMaps,
the environment with its ConfigMap and Secret references) and loaded by the service binary
itself (`--check-settings`), which refuses a missing setting and an unknown key."""

from __future__ import annotations

import base64
import json
import os
import pathlib
import re
import subprocess
import tempfile

from .common import ROOT, Failures, by_kind

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



def settings_of(where: str, docs: list[dict], svc: str, pod: dict, main: dict,
                bin_dir: pathlib.Path, fail: Failures, secrets_used: set[str]
                ) -> tuple[dict, dict[str, str]] | None:
    """What the service's settings resolve to in this pod, and the pod's environment; `None`
    (with the failure) when they do not load."""
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
            return None
        summary = json.loads(out)
        # `production` has no broker, database or key in the checked-in files: loading as
        # production proves the manifests provide them.
        ok, out = load_settings(bin_dir, svc, env, mounts, "production")
        if not ok:
            fail.add(where, f"a setting comes from a development file, not the manifests: {out}")
    return summary, env
