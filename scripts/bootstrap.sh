#!/usr/bin/env bash
# Installs and starts what the platform needs on a machine that has only the Rust toolchain,
# gcc, Python and PostgreSQL: `just`, the Tansu broker, a running PostgreSQL. Idempotent and
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

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  log "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  fi
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
  pg_isready -h 127.0.0.1 -p 5432 -q || { log "PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1; }
fi
