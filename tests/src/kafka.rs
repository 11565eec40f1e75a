//! Reading and writing topics from outside the services, as another team's consumer would.

use std::collections::HashMap;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

/// One record as read back.
#[derive(Debug, Clone)]
pub struct Record {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
    pub headers: HashMap<String, String>,
}

impl Record {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.payload).unwrap_or(serde_json::Value::Null)
    }
}

fn config(bootstrap: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap)
        .set("fetch.wait.max.ms", "10")
        .set("log_level", "3");
    c
}

/// Every record now on `topic` (all partitions, from the beginning to the high watermark).
pub fn read_all(bootstrap: &str, topic: &str, partitions: i32) -> anyhow::Result<Vec<Record>> {
    let consumer: BaseConsumer = config(bootstrap)
        .set("group.id", "returns-harness-reader")
        .set("enable.auto.commit", "false")
        .create()?;
    let mut ends = HashMap::new();
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        let (low, high) = consumer.fetch_watermarks(topic, p, Duration::from_secs(5))?;
        if high > low {
            ends.insert(p, high);
            tpl.add_partition_offset(topic, p, Offset::Offset(low))?;
        }
    }
    let mut out = Vec::new();
    if ends.is_empty() {
        return Ok(out);
    }
    consumer.assign(&tpl)?;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !ends.is_empty() {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "reading {topic} timed out"
        );
        let Some(m) = consumer.poll(Duration::from_millis(100)) else {
            continue;
        };
        let m = m?;
        let headers = m
            .headers()
            .map(|h| {
                h.iter()
                    .map(|h| {
                        (
                            h.key.to_owned(),
                            String::from_utf8_lossy(h.value.unwrap_or_default()).into_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Record {
            topic: m.topic().to_owned(),
            partition: m.partition(),
            offset: m.offset(),
            key: m.key().map(<[u8]>::to_vec),
            payload: m.payload().unwrap_or_default().to_vec(),
            headers,
        });
        if ends
            .get(&m.partition())
            .is_some_and(|&end| m.offset() + 1 >= end)
        {
            ends.remove(&m.partition());
        }
    }
    Ok(out)
}

/// Produces raw records (to redeliver or to inject malformed ones).
pub async fn produce(bootstrap: &str, records: &[Record]) -> anyhow::Result<()> {
    let producer: FutureProducer = config(bootstrap)
        .set("enable.idempotence", "true")
        .create()?;
    for r in records {
        let mut headers = OwnedHeaders::new();
        for (k, v) in &r.headers {
            headers = headers.insert(Header {
                key: k,
                value: Some(v.as_str()),
            });
        }
        let mut rec = FutureRecord::to(&r.topic)
            .partition(r.partition)
            .payload(&r.payload)
            .headers(headers);
        if let Some(k) = &r.key {
            rec = rec.key(k);
        }
        producer
            .send(rec, Duration::from_secs(10))
            .await
            .map_err(|(e, _)| anyhow::anyhow!("produce to {} failed: {e}", r.topic))?;
    }
    Ok(())
}

/// Records a consumer group still has to process on `topics` (high watermark minus committed).
pub fn group_lag(
    bootstrap: &str,
    group: &str,
    topics: &[&str],
    partitions: i32,
) -> anyhow::Result<i64> {
    let consumer: BaseConsumer = config(bootstrap).set("group.id", group).create()?;
    let mut tpl = TopicPartitionList::new();
    for t in topics {
        for p in 0..partitions {
            tpl.add_partition(t, p);
        }
    }
    let committed = consumer.committed_offsets(tpl, Duration::from_secs(5))?;
    let mut lag = 0;
    for e in committed.elements() {
        let (low, high) =
            consumer.fetch_watermarks(e.topic(), e.partition(), Duration::from_secs(5))?;
        let done = match e.offset() {
            Offset::Offset(o) => o,
            _ => low,
        };
        lag += (high - done).max(0);
    }
    Ok(lag)
}
