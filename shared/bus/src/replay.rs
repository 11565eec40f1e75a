//! Replaying a service's dead letters (docs/operations.md): after the cause is fixed, the
//! records a consumer set aside go back to the topic and partition they came from, unchanged,
//! so that the consumer reads them again. Consumers that already applied them skip them (their
//! inbox knows the event id); the consumer that set one aside forgot it then (see
//! `consumer::apply_one`), so it applies it now, or sets it aside again if the cause is still
//! there. Records that are not event envelopes are never replayed: nothing could read them.
//!
//! The replay reads the dead-letter topic in a consumer group of its own per service
//! (`returns-<service>-dead-letter-replay`) up to where it ended when the replay started, and
//! commits after the producer flushed: a second replay sends only what was set aside since.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::message::{BorrowedMessage, Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};
use returns_events::topics::DEAD_LETTER;
use returns_settings::KafkaSettings;

use crate::BusError;
use crate::client::{base_config, producer_config};

/// What a replay did.
#[derive(Debug, Default)]
pub struct Replayed {
    /// Records sent back to their source topic.
    pub replayed: usize,
    /// Records another service set aside (its own replay sends them).
    pub other_consumers: usize,
    /// Records that are not event envelopes, left where they are.
    pub unreadable: usize,
}

const WAIT: Duration = Duration::from_secs(10);

/// Sends the records `consumer` dead-lettered back to their source topics (blocking; a
/// one-shot task, not for an actix arbiter).
pub fn replay_dead_letters(kafka: &KafkaSettings, consumer: &str) -> Result<Replayed, BusError> {
    let group = format!("returns-{consumer}-dead-letter-replay");
    let reader: BaseConsumer = base_config(kafka, &group)
        .set("group.id", &group)
        .set("enable.auto.commit", "false")
        .set("fetch.wait.max.ms", kafka.fetch_wait_max_ms.to_string())
        .create()?;
    let writer: BaseProducer = producer_config(kafka, &group).create()?;

    let (assign, mut ends) = unread(&reader, kafka)?;
    let mut done = Replayed::default();
    if ends.is_empty() {
        return Ok(done);
    }
    reader.assign(&assign)?;
    let mut next = TopicPartitionList::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ends.is_empty() {
        if Instant::now() > deadline {
            return Err(BusError::Topic {
                topic: DEAD_LETTER.to_owned(),
                reason: "reading the dead letters timed out".to_owned(),
            });
        }
        let Some(m) = reader.poll(Duration::from_millis(100)) else {
            continue;
        };
        let m = m?;
        replay_one(&m, consumer, &writer, &mut done)?;
        next.add_partition_offset(DEAD_LETTER, m.partition(), Offset::Offset(m.offset() + 1))?;
        if ends
            .get(&m.partition())
            .is_some_and(|&end| m.offset() + 1 >= end)
        {
            ends.remove(&m.partition());
        }
    }
    // Only what the broker acknowledged counts as replayed; then the position moves on.
    writer.flush(Duration::from_secs(30))?;
    reader.commit(&next, CommitMode::Sync)?;
    Ok(done)
}

/// What is left to read of the dead letters: from the group's position (or the beginning) to
/// the end as it is now, and that end per partition.
fn unread(
    reader: &BaseConsumer,
    kafka: &KafkaSettings,
) -> Result<(TopicPartitionList, HashMap<i32, i64>), BusError> {
    let mut all = TopicPartitionList::new();
    for p in 0..kafka.partitions {
        all.add_partition(DEAD_LETTER, p);
    }
    let committed = reader.committed_offsets(all, WAIT)?;
    let mut assign = TopicPartitionList::new();
    let mut ends = HashMap::new();
    for p in 0..kafka.partitions {
        let (low, high) = reader.fetch_watermarks(DEAD_LETTER, p, WAIT)?;
        let start = match committed.find_partition(DEAD_LETTER, p).map(|e| e.offset()) {
            Some(Offset::Offset(n)) => n.max(low),
            _ => low,
        };
        if start < high {
            assign.add_partition_offset(DEAD_LETTER, p, Offset::Offset(start))?;
            ends.insert(p, high);
        }
    }
    Ok((assign, ends))
}

/// Sends one dead letter of `consumer` back to where it came from; counts the others.
fn replay_one(
    m: &BorrowedMessage<'_>,
    consumer: &str,
    writer: &BaseProducer,
    done: &mut Replayed,
) -> Result<(), BusError> {
    let headers: HashMap<&str, &str> = m
        .headers()
        .map(|h| {
            h.iter()
                .filter_map(|h| Some((h.key, std::str::from_utf8(h.value?).ok()?)))
                .collect()
        })
        .unwrap_or_default();
    let payload = m.payload().unwrap_or_default();
    let source = headers.get("source_topic").copied();
    let partition = headers
        .get("source_partition")
        .and_then(|p| p.parse::<i32>().ok());
    let envelope = source.and_then(|t| returns_events::decode_record(t, payload).ok());
    match (
        headers.get("consumer").copied(),
        source,
        partition,
        &envelope,
    ) {
        (Some(c), Some(topic), Some(partition), Some(env)) if c == consumer => {
            let mut out = OwnedHeaders::new().insert(Header {
                key: "event_type",
                value: Some(env.event_type.as_str()),
            });
            if let Some(tp) = headers.get("traceparent") {
                out = out.insert(Header {
                    key: "traceparent",
                    value: Some(*tp),
                });
            }
            let mut record = BaseRecord::to(topic)
                .partition(partition)
                .payload(payload)
                .headers(out);
            if let Some(key) = m.key() {
                record = record.key(key);
            }
            writer.send(record).map_err(|(e, _)| BusError::Kafka(e))?;
            writer.poll(Duration::ZERO);
            done.replayed += 1;
        }
        (Some(c), ..) if c == consumer => done.unreadable += 1,
        _ => done.other_consumers += 1,
    }
    Ok(())
}
