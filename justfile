# The platform's commands. On a fresh machine start with `bash scripts/run <recipe>`, which
# installs `just`, the broker and starts PostgreSQL first.

# Build output lives outside the clone so that it survives between runs on one machine.
export CARGO_TARGET_DIR := env_var_or_default("CARGO_TARGET_DIR", env_var("HOME") / ".cache/returns-target")
# Which checkout the `platform` tool and the tests work in: clones sharing that build output
# would otherwise reuse a binary that points at another clone's config and `.run/`.
export RETURNS_REPO := justfile_directory()
platform := CARGO_TARGET_DIR / "debug/platform"

default:
    @just --list

# Compile the services, the platform tool and the tests (one profile for all of them).
build:
    cargo build --workspace --bins --tests --quiet

# Start broker, databases and the four services in the background (storage: sqlite | memory).
up storage="sqlite": build
    {{platform}} up --storage {{storage}}

# Stop what `just up` started.
down:
    {{platform}} down

# The operator's figures (OP) from the running platform (`just up`).
report:
    {{platform}} report

# The platform's main job: bring everything up, drive realistic cases end to end, summarise.
demo cases="300": build
    {{platform}} demo --cases {{cases}}

# Formatting, lints, unit tests, the manifests, the end-to-end harness and the API fuzzer.
test: lint build
    cargo test --workspace --exclude returns-harness --quiet
    just k8s-check
    cargo test -p returns-harness --quiet -- --test-threads=1
    bash scripts/fuzz-api.sh 25

# Formatting and clippy with warnings as errors.
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --quiet -- -D warnings

# Throughput and latency at a fixed arrival rate, both broker storages; writes docs/benchmarks.md.
bench rate="200" seconds="20": build
    {{platform}} bench --rate {{rate}} --seconds {{seconds}} --record docs/benchmarks.md

# A development bearer token for the public API (roles: buyer, merchant, courier, cs, operator).
token role id minutes="60":
    @cargo run --quiet -p returns-harness --bin platform -- token {{role}} {{id}} --minutes {{minutes}}

# Regenerate the checked-in OpenAPI documents (docs/openapi/) from the services' code.
openapi: build
    #!/usr/bin/env bash
    set -euo pipefail
    for svc in intake audit logistics payment; do
        "{{CARGO_TARGET_DIR}}/debug/$svc" --print-openapi > "docs/openapi/$svc.json"
    done
    echo "docs/openapi/ regenerated"

# Schemathesis against every service's OpenAPI document, per role (no 5xx, answers as documented).
fuzz-api examples="25": build
    bash scripts/fuzz-api.sh {{examples}}

# Render the Kubernetes overlays and check them offline: strict schemas (CRDs from
# deploy/k8s/crd-schemas), the services' own settings loader on each pod, and the agreement of
# partitions, KEDA, probes and egress with the settings; then break them on purpose (self-test).
k8s-check: build
    "${RETURNS_VENV:-$HOME/.cache/returns-venv}/bin/python" deploy/k8s/check.py --bin-dir "{{CARGO_TARGET_DIR}}/debug" --self-test

# Regenerate the event contract's JSON Schemas (docs/events/) from the Rust types; refuses a
# change that breaks consumers of a published version until the event's version is bumped.
event-schemas:
    cargo run --quiet -p returns-events --bin event-schemas -- docs/events
