//! librdkafka client configuration from settings.

use rdkafka::ClientConfig;
use returns_settings::KafkaSettings;

/// Common to producers, consumers and the admin client; extra properties from settings win.
pub fn base_config(kafka: &KafkaSettings, client_id: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &kafka.brokers)
        .set("client.id", client_id)
        .set("allow.auto.create.topics", "false")
        // Small records, latency matters: no Nagle delays on the broker connections.
        .set("socket.nagle.disable", "true")
        .set("log_level", "4");
    for (k, v) in &kafka.client {
        c.set(k, v);
    }
    c
}

/// The relay's producer: idempotent, so retries never duplicate or reorder a partition.
pub fn producer_config(kafka: &KafkaSettings, client_id: &str) -> ClientConfig {
    let mut c = base_config(kafka, client_id);
    c.set("enable.idempotence", "true")
        .set("acks", "all")
        .set("linger.ms", "1")
        .set("message.timeout.ms", "30000");
    for (k, v) in &kafka.client {
        c.set(k, v);
    }
    c
}

/// A consumer that commits only what it has applied.
pub fn consumer_config(kafka: &KafkaSettings, group_id: &str, client_id: &str) -> ClientConfig {
    let mut c = base_config(kafka, client_id);
    c.set("group.id", group_id)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("fetch.wait.max.ms", kafka.fetch_wait_max_ms.to_string())
        // An empty new partition answers the first fetch with an error; do not sit out the
        // default half second before asking again.
        .set("fetch.error.backoff.ms", "20")
        .set("session.timeout.ms", "10000")
        .set("heartbeat.interval.ms", "1000");
    for (k, v) in &kafka.client {
        c.set(k, v);
    }
    c
}
