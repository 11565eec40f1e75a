"""The image: the Dockerfile's shape and the libraries the binaries need."""

from __future__ import annotations

import pathlib
import re
import subprocess

from .common import ROOT, SERVICES, Failures

IMAGE_CONFIG_DIR = "/app/config"


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
