//! Staging events in the outbox, inside the caller's transaction.

use diesel_async::AsyncPgConnection;
use returns_events::Envelope;
use returns_settings::CityMap;
use returns_store::outbox::{NewOutboxRow, insert};
use uuid::Uuid;

use crate::BusError;

/// An event bound for a topic, with the trace context of the span that decided it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub topic: &'static str,
    pub envelope: Envelope,
    pub traceparent: Option<String>,
}

impl Outgoing {
    /// Captures the current span as the event's cause ([`crate::Emitter::emit`] makes them).
    pub(crate) fn new(topic: &'static str, envelope: Envelope) -> Self {
        Outgoing {
            topic,
            envelope,
            traceparent: returns_telemetry::current_traceparent(),
        }
    }
}

/// Writes `events` to the outbox in the caller's transaction. The partition comes from the
/// case's city shard (CT-3); the current span's trace context rides along.
pub async fn stage(
    conn: &mut AsyncPgConnection,
    cities: &CityMap,
    events: &[Outgoing],
) -> Result<(), BusError> {
    let current = returns_telemetry::current_traceparent();
    let rows = events
        .iter()
        .map(|o| {
            Ok(NewOutboxRow {
                event_id: o.envelope.event_id,
                topic: o.topic.to_owned(),
                partition: cities.partition_for(&o.envelope.city, o.envelope.case_id),
                record_key: o.envelope.case_id.to_string(),
                payload: serde_json::to_vec(&o.envelope)?,
                traceparent: o.traceparent.clone().or_else(|| current.clone()),
                headers: serde_json::json!({ "event_type": o.envelope.event_type }),
            })
        })
        .collect::<Result<Vec<_>, BusError>>()?;
    insert(conn, &rows).await?;
    Ok(())
}

/// Where a record that could not be processed came from, and why.
pub struct DeadLetter<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<&'a [u8]>,
    pub payload: &'a [u8],
    pub reason: String,
    pub consumer: &'a str,
}

/// Sets a record aside on the dead-letter topic, same partition, with its reason (in the
/// consumer's transaction, so the offset is never committed without it).
pub async fn stage_dead_letter(
    conn: &mut AsyncPgConnection,
    dl: DeadLetter<'_>,
) -> Result<(), BusError> {
    let row = NewOutboxRow {
        event_id: Uuid::now_v7(),
        topic: returns_events::topics::DEAD_LETTER.to_owned(),
        partition: dl.partition,
        record_key: dl
            .key
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .unwrap_or_default(),
        payload: dl.payload.to_vec(),
        traceparent: returns_telemetry::current_traceparent(),
        headers: serde_json::json!({
            "dead_letter_reason": dl.reason,
            "source_topic": dl.topic,
            "source_partition": dl.partition.to_string(),
            "source_offset": dl.offset.to_string(),
            "consumer": dl.consumer,
        }),
    };
    insert(conn, &[row]).await?;
    Ok(())
}
