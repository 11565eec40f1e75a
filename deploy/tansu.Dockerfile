# The development cluster's broker: Tansu 0.6.0 built from the crate, as on a developer's
# machine (scripts/bootstrap.sh). Production uses Apache Kafka (Strimzi); see deploy/k8s.
#   docker build -f deploy/tansu.Dockerfile -t returns/tansu:0.6.0 deploy
FROM rust:1.95-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config libssl-dev perl \
 && rm -rf /var/lib/apt/lists/*
RUN cargo install tansu --version 0.6.0 --locked --features libsql,dynostore --root /out

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/bin/tansu /usr/local/bin/tansu
USER 10001:10001
EXPOSE 9092
ENTRYPOINT ["/usr/local/bin/tansu"]
