//! Topic provisioning: explicit, never auto-created (Tansu and production alike).

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::types::RDKafkaErrorCode;
use returns_settings::KafkaSettings;

use crate::BusError;
use crate::client::base_config;

/// Creates each topic with `kafka.partitions` partitions; existing topics are left alone.
pub async fn ensure_topics(kafka: &KafkaSettings, topics: &[&str]) -> Result<(), BusError> {
    let admin: AdminClient<DefaultClientContext> = base_config(kafka, "returns-admin").create()?;
    let new: Vec<NewTopic<'_>> = topics
        .iter()
        .map(|t| NewTopic::new(t, kafka.partitions, TopicReplication::Fixed(1)))
        .collect();
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    for result in admin.create_topics(&new, &opts).await? {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => {
                return Err(BusError::Topic {
                    topic,
                    reason: code.to_string(),
                });
            }
        }
    }
    Ok(())
}
