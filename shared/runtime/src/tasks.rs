//! One-shot tasks a deployment runs with the service's own image and settings: print what the
//! settings resolve to (`--check-settings`, read by `just k8s-check`) and create the topics
//! (`--provision-topics`, the development cluster's topic Job).

use returns_settings::{ServiceSection, Settings};

use crate::{RuntimeError, Service};

/// The resolved settings a deployment must agree with: partitions (KafkaTopic, KEDA's
/// ceiling), the consumer group and its topics (KEDA triggers), the port (probes, Service) and
/// the drain time (the pod's termination grace period). Secrets are not printed.
pub(crate) fn settings_summary<S: Service>(
    settings: &Settings,
    section: &ServiceSection,
) -> String {
    let summary = serde_json::json!({
        "service": S::NAME,
        "environment": settings.environment,
        "kafka_partitions": settings.kafka.partitions,
        "consumer_group": format!("returns-{}", S::NAME),
        "topics_consumed": S::topics(),
        "topics": returns_events::topics::ALL,
        "http_port": section.http.port,
        "drain_seconds": settings.shutdown.grace_seconds,
        "sends_webhooks": S::webhooks().is_some(),
        "otlp_endpoint": settings.telemetry.otlp_endpoint,
    });
    summary.to_string()
}

/// Sends the records this service dead-lettered back to their source topics (after the cause
/// was fixed; docs/operations.md) and prints what it did as JSON.
pub(crate) fn replay_dead_letters<S: Service>(settings: &Settings) -> Result<(), RuntimeError> {
    let done = returns_bus::replay::replay_dead_letters(&settings.kafka, S::NAME)?;
    let summary = serde_json::json!({
        "service": S::NAME,
        "replayed": done.replayed,
        "other_consumers": done.other_consumers,
        "unreadable": done.unreadable,
    });
    println!("{summary}");
    Ok(())
}

/// Creates every platform topic, and the inbound order feed a development cluster plays, with
/// `kafka.partitions` partitions (existing ones are left).
pub(crate) fn provision_topics(settings: &Settings) -> Result<(), RuntimeError> {
    let topics = returns_events::topics::for_development();
    actix_rt::System::new()
        .block_on(returns_bus::admin::ensure_topics(&settings.kafka, &topics))?;
    println!(
        "topics ready: {} ({} partitions each)",
        topics.join(", "),
        settings.kafka.partitions
    );
    Ok(())
}
