#!/usr/bin/env bash
# Installs and starts what the platform needs on a machine that has only the Rust toolchain,
# gcc, Python and PostgreSQL: `just`, the Tansu broker, kubectl (for `just k8s-check`), the
# Python tools of scripts/requirements.txt in a virtualenv, a running PostgreSQL. Idempotent and
# quiet when everything is already there. Binaries land in ~/.cargo/bin and are reused.
set -euo pipefail

TANSU_VERSION=0.6.0
JUST_VERSION=1.59.0
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

if ! command -v just >/dev/null 2>&1; then
  log "installing just $JUST_VERSION (once, ~1 minute)"
  cargo install just --version "$JUST_VERSION" --locked --quiet
fi

if ! tansu --version 2>/dev/null | grep -q "$TANSU_VERSION"; then
  log "installing the Tansu $TANSU_VERSION broker (once, 5-10 minutes)"
  cargo install tansu --version "$TANSU_VERSION" --locked --features libsql,dynostore --quiet
fi

# kubectl renders the manifests (`kubectl kustomize`); Debian's package when none is installed.
if ! command -v kubectl >/dev/null 2>&1; then
  log "installing kubectl (Debian's kubernetes-client)"
  apt-get update -qq && apt-get install -y -qq kubernetes-client >/dev/null
fi

# One virtualenv for the Python tools, rebuilt when scripts/requirements.txt changes.
VENV="${RETURNS_VENV:-$HOME/.cache/returns-venv}"
REQUIREMENTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/requirements.txt"
STAMP="$VENV/.requirements.sha256"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$(sha256sum < "$REQUIREMENTS")" ]; then
  log "installing the Python tools into $VENV (once, ~30 s)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  sha256sum < "$REQUIREMENTS" > "$STAMP"
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  log "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  fi
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
  pg_isready -h 127.0.0.1 -p 5432 -q || { log "PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1; }
fi
