//! Batched, inbox-guarded consumption with one worker actor per assigned partition.
//!
//! The [`ConsumerActor`] polls the broker, cuts a batch (up to `kafka.batch_max` records or
//! `kafka.batch_wait_ms` after the first), splits it by partition and hands each slice to that
//! partition's [`PartitionWorker`]. A worker applies its slice in one database transaction,
//! in offset order, recording every event id in the inbox; only when every slice is applied are
//! the offsets committed. A slice that fails on the database is retried until it succeeds or
//! the service shuts down, so a partition never skips work; a record that cannot be processed
//! goes to the dead-letter topic instead of stopping the partition.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix::prelude::*;
use diesel_async::AsyncPgConnection;
use futures::future::BoxFuture;
use rdkafka::consumer::{
    BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance, StreamConsumer,
};
use rdkafka::message::{Headers, Message, OwnedMessage};
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use returns_events::Envelope;
use returns_settings::{CityMap, KafkaSettings};
use returns_store::{AsyncConnection, Pool, StoreError, inbox};
use tokio::sync::watch;
use tracing::Instrument;

use crate::outbox::{DeadLetter, stage, stage_dead_letter};
use crate::savepoint::{Handled, within_savepoint};
use crate::{BusError, Inbound, Outgoing, RelayHandle, Shutdown};

/// Where a decoded event came from: its envelope and the record as it was.
pub struct Incoming<'a> {
    pub envelope: &'a Envelope,
    /// The record as it was on the topic (what a webhook forwards, byte for byte).
    pub raw: &'a [u8],
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum HandleError {
    /// The event can never be applied (invalid payload, impossible state): dead-letter it.
    #[error("{0}")]
    Reject(String),
    /// The database failed: retry the whole slice.
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Bus(#[from] BusError),
}

impl HandleError {
    /// The event can never be applied, for this reason.
    pub fn reject(reason: impl std::fmt::Display) -> Self {
        HandleError::Reject(reason.to_string())
    }
}

impl From<diesel::result::Error> for HandleError {
    fn from(e: diesel::result::Error) -> Self {
        HandleError::Store(StoreError::Query(e))
    }
}

/// A service's reaction to events, applied inside the consumer's transaction. It returns the
/// events it emits; the consumer stages them in the same transaction. A service writes it as a
/// plain `async fn handle` with one `match` over its [`Inbound`] enum: the consumer has decoded
/// the record into it (a type the service does not read never reaches it).
pub trait EventHandler: Send + Sync + 'static {
    /// The events the service reads ([`crate::inbound!`]).
    type Event: Inbound;

    fn handle(
        &self,
        conn: &mut AsyncPgConnection,
        at: Incoming<'_>,
        event: Self::Event,
    ) -> impl Future<Output = Result<Vec<Outgoing>, HandleError>> + Send;
}

/// [`EventHandler`] behind a pointer: the one place a record is decoded into the service's
/// events and the handler's future boxed, so the workers hold any service's handler.
trait AnyHandler: Send + Sync + 'static {
    fn handle<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        event: Incoming<'a>,
    ) -> BoxFuture<'a, Result<Vec<Outgoing>, HandleError>>;
}

impl<H: EventHandler> AnyHandler for H {
    fn handle<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        event: Incoming<'a>,
    ) -> BoxFuture<'a, Result<Vec<Outgoing>, HandleError>> {
        match H::Event::read(event.topic, event.envelope, event.raw) {
            Ok(Some(typed)) => Box::pin(EventHandler::handle(self, conn, event, typed)),
            Ok(None) => Box::pin(std::future::ready(Ok(Vec::new()))),
            Err(e) => Box::pin(std::future::ready(Err(HandleError::reject(e)))),
        }
    }
}

/// What a consumer needs to know about its service.
pub struct ConsumerSpec {
    pub service: String,
    pub group_id: String,
    pub topics: Vec<&'static str>,
    pub kafka: KafkaSettings,
    pub cities: CityMap,
}

/// Readiness and completion of a running consumer.
#[derive(Clone)]
pub struct ConsumerHandle {
    assigned: Arc<AtomicUsize>,
    finished: watch::Receiver<bool>,
}

impl ConsumerHandle {
    /// Partitions currently assigned to this consumer (readiness needs at least one).
    pub fn assigned_partitions(&self) -> usize {
        self.assigned.load(Ordering::Relaxed)
    }

    /// Completes when the consumer has stopped and committed its last offsets.
    pub async fn finished(&mut self) {
        let _ = self.finished.wait_for(|v| *v).await;
    }
}

struct BusContext {
    assigned: Arc<AtomicUsize>,
}

impl ClientContext for BusContext {}

impl ConsumerContext for BusContext {
    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(tpl) => {
                tracing::info!(partitions = tpl.count(), "partitions assigned");
                self.assigned.store(tpl.count(), Ordering::Relaxed);
            }
            Rebalance::Revoke(_) => self.assigned.store(0, Ordering::Relaxed),
            Rebalance::Error(e) => tracing::warn!(error = %e, "rebalance failed"),
        }
    }
}

type BusConsumer = StreamConsumer<BusContext>;

/// Starts the consumer actor on the current arbiter.
pub fn spawn_consumer(
    spec: ConsumerSpec,
    pool: Pool,
    handler: impl EventHandler,
    relay: RelayHandle,
    shutdown: Shutdown,
) -> Result<ConsumerHandle, BusError> {
    let assigned = Arc::new(AtomicUsize::new(0));
    let consumer: BusConsumer =
        crate::client::consumer_config(&spec.kafka, &spec.group_id, &spec.service)
            .create_with_context(BusContext {
                assigned: assigned.clone(),
            })?;
    consumer.subscribe(&spec.topics)?;
    let (done_tx, done_rx) = watch::channel(false);
    let shared = Arc::new(WorkerShared {
        pool,
        handler: Box::new(handler),
        relay,
        cities: spec.cities.clone(),
        service: spec.service.clone(),
        shutdown: shutdown.clone(),
    });
    ConsumerActor {
        consumer: Arc::new(consumer),
        spec,
        shared,
        shutdown,
        done: Some(done_tx),
    }
    .start();
    Ok(ConsumerHandle {
        assigned,
        finished: done_rx,
    })
}

/// Owns the broker connection and the poll loop.
pub struct ConsumerActor {
    consumer: Arc<BusConsumer>,
    spec: ConsumerSpec,
    shared: Arc<WorkerShared>,
    shutdown: Shutdown,
    done: Option<watch::Sender<bool>>,
}

/// `first` and what else arrives within `wait`, up to `max` records.
async fn fill_batch(
    consumer: &BusConsumer,
    first: OwnedMessage,
    max: usize,
    wait: Duration,
) -> Vec<OwnedMessage> {
    let mut batch = vec![first];
    let until = tokio::time::Instant::now() + wait;
    while batch.len() < max {
        match tokio::time::timeout_at(until, consumer.recv()).await {
            Ok(Ok(m)) => batch.push(m.detach()),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "consumer poll failed");
                break;
            }
            Err(_) => break,
        }
    }
    batch
}

/// One slice per partition *number*: a case's events sit on the same partition number of
/// every topic (CT-3), so one worker sees all of a case's events and no two transactions of
/// this service contend for the same case.
fn slices_of(batch: Vec<OwnedMessage>) -> Vec<(i32, Vec<OwnedMessage>)> {
    let mut slices: Vec<(i32, Vec<OwnedMessage>)> = Vec::new();
    for m in batch {
        let key = m.partition();
        match slices.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(m),
            None => slices.push((key, vec![m])),
        }
    }
    slices
}

/// The offsets to commit: each applied slice's next offset per topic; a slice not applied
/// (shutting down) is left to be redelivered.
fn offsets_of<E>(outcomes: Vec<(i32, Result<Applied, E>)>) -> TopicPartitionList {
    let mut tpl = TopicPartitionList::new();
    for (partition, outcome) in outcomes {
        match outcome {
            Ok(Ok(next)) => {
                for (topic, offset) in next {
                    if let Err(e) =
                        tpl.add_partition_offset(&topic, partition, Offset::Offset(offset))
                    {
                        tracing::warn!(error = %e, "offset not recorded");
                    }
                }
            }
            Ok(Err(Stopped)) | Err(_) => {
                tracing::info!(
                    partition,
                    "slice not applied (shutting down); it will be redelivered"
                );
            }
        }
    }
    tpl
}

impl Actor for ConsumerActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let consumer = self.consumer.clone();
        let shared = self.shared.clone();
        let mut shutdown = self.shutdown.clone();
        let batch_max = self.spec.kafka.batch_max;
        let batch_wait = Duration::from_millis(self.spec.kafka.batch_wait_ms);
        let done = self.done.take();
        let run = async move {
            let mut workers: HashMap<i32, Addr<PartitionWorker>> = HashMap::new();
            loop {
                let first = tokio::select! {
                    _ = shutdown.recv() => break,
                    m = consumer.recv() => m,
                };
                let first = match first {
                    Ok(m) => m.detach(),
                    Err(e) => {
                        tracing::warn!(error = %e, "consumer poll failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let batch = fill_batch(&consumer, first, batch_max, batch_wait).await;
                let sends = slices_of(batch).into_iter().map(|(key, msgs)| {
                    let worker = workers
                        .entry(key)
                        .or_insert_with(|| {
                            PartitionWorker {
                                shared: shared.clone(),
                            }
                            .start()
                        })
                        .clone();
                    async move { (key, worker.send(ApplySlice(msgs)).await) }
                });
                let tpl = offsets_of(futures::future::join_all(sends).await);
                if tpl.count() > 0
                    && let Err(e) = consumer.commit(&tpl, CommitMode::Async)
                {
                    tracing::warn!(error = %e, "offset commit failed; records will be redelivered and skipped by the inbox");
                }
            }
            // Shutdown: everything applied so far was committed above; make it durable now.
            if let Err(e) = consumer.commit_consumer_state(CommitMode::Sync) {
                tracing::debug!(error = %e, "nothing further to commit at shutdown");
            }
            consumer.unsubscribe();
            tracing::info!("consumer stopped");
            if let Some(done) = done {
                let _ = done.send(true);
            }
        };
        ctx.spawn(run.into_actor(self).map(|_, _, ctx| ctx.stop()));
    }
}

struct WorkerShared {
    pool: Pool,
    handler: Box<dyn AnyHandler>,
    relay: RelayHandle,
    cities: CityMap,
    service: String,
    shutdown: Shutdown,
}

/// Applies the slices of one partition number (across the service's topics), one at a time.
pub struct PartitionWorker {
    shared: Arc<WorkerShared>,
}

impl Actor for PartitionWorker {
    type Context = Context<Self>;
}

/// One partition number's records, each topic's in offset order. Answers, per topic, the next
/// offset to commit.
#[derive(Message)]
#[rtype(result = "Result<Vec<(String, i64)>, Stopped>")]
struct ApplySlice(Vec<OwnedMessage>);

#[derive(Debug)]
pub struct Stopped;

/// A slice's answer: the next offset of each topic it read, or `Stopped`.
type Applied = Result<Vec<(String, i64)>, Stopped>;

impl Handler<ApplySlice> for PartitionWorker {
    type Result = ResponseFuture<Applied>;

    fn handle(&mut self, msg: ApplySlice, _ctx: &mut Self::Context) -> Self::Result {
        let shared = self.shared.clone();
        Box::pin(async move {
            let mut next: Vec<(String, i64)> = Vec::new();
            for m in &msg.0 {
                match next.iter_mut().find(|(t, _)| t == m.topic()) {
                    Some((_, o)) => *o = (*o).max(m.offset() + 1),
                    None => next.push((m.topic().to_owned(), m.offset() + 1)),
                }
            }
            let mut backoff = Duration::from_millis(50);
            loop {
                match apply_slice(&shared, &msg.0).await {
                    Ok(staged) => {
                        if staged {
                            shared.relay.wake();
                        }
                        return Ok(next);
                    }
                    Err(e) => {
                        if shared.shutdown.is_shutdown() {
                            return Err(Stopped);
                        }
                        tracing::warn!(error = %e, "slice failed; retrying");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(Duration::from_secs(5));
                    }
                }
            }
        })
    }
}

/// One transaction for the slice. Returns whether anything was staged in the outbox.
async fn apply_slice(
    shared: &Arc<WorkerShared>,
    msgs: &[OwnedMessage],
) -> Result<bool, HandleError> {
    let mut conn = shared.pool.get().await.map_err(StoreError::from)?;
    (*conn)
        .transaction::<bool, HandleError, _>(async move |conn| {
            let decoded: Vec<Result<Envelope, String>> = msgs
                .iter()
                .map(|m| match m.payload() {
                    Some(p) => returns_events::decode_record(m.topic(), p).map_err(|e| e.to_string()),
                    None => Err("record has no payload".to_owned()),
                })
                .collect();
            // The inbox for the whole slice in one statement; a redelivered id is not new.
            let ids: Vec<(uuid::Uuid, &str, i32, i64)> = msgs
                .iter()
                .zip(&decoded)
                .filter_map(|(m, d)| d.as_ref().ok().map(|e| (e.event_id, m.topic(), m.partition(), m.offset())))
                .collect();
            let mut fresh = inbox::first_deliveries(conn, &ids).await?;
            let mut staged = false;
            for (m, d) in msgs.iter().zip(decoded) {
                match d {
                    Err(reason) => {
                        tracing::warn!(topic = m.topic(), partition = m.partition(), offset = m.offset(), %reason, "dead-lettered");
                        stage_dead_letter(conn, dead_letter(shared, m, reason)).await?;
                        staged = true;
                    }
                    // `remove`: the same id twice in one slice is applied once.
                    Ok(env) if fresh.remove(&env.event_id) => staged |= apply_one(shared, conn, m, &env).await?,
                    Ok(env) => tracing::debug!(event_id = %env.event_id, "already applied; skipped"),
                }
            }
            Ok(staged)
        })
        .await
}

fn dead_letter<'a>(
    shared: &'a WorkerShared,
    m: &'a OwnedMessage,
    reason: String,
) -> DeadLetter<'a> {
    DeadLetter {
        topic: m.topic(),
        partition: m.partition(),
        offset: m.offset(),
        key: m.key(),
        payload: m.payload().unwrap_or_default(),
        reason,
        consumer: &shared.service,
    }
}

/// Applies one new event in its own span, which continues the producer's trace.
async fn apply_one(
    shared: &WorkerShared,
    conn: &mut AsyncPgConnection,
    m: &OwnedMessage,
    envelope: &Envelope,
) -> Result<bool, HandleError> {
    let traceparent = m.headers().and_then(|h| {
        h.iter()
            .find(|h| h.key == "traceparent")
            .and_then(|h| h.value)
            .and_then(|v| std::str::from_utf8(v).ok())
            .map(str::to_owned)
    });
    let span = tracing::info_span!(
        "consume",
        otel.name = %format!("{} consume {}", shared.service, envelope.event_type),
        otel.kind = "consumer",
        case_id = %envelope.case_id,
        city = %envelope.city,
        shard = %envelope.shard,
        event_type = %envelope.event_type,
        messaging.destination = m.topic(),
        messaging.partition = m.partition(),
        messaging.offset = m.offset(),
    );
    returns_telemetry::continue_trace(&span, traceparent.as_deref());
    async {
        let incoming = Incoming {
            envelope,
            raw: m.payload().unwrap_or_default(),
            topic: m.topic(),
            partition: m.partition(),
            offset: m.offset(),
        };
        let handler = &*shared.handler;
        // A refusal undoes the handler's own writes; only the dead letter commits.
        let handled = within_savepoint(conn, async |c| {
            AnyHandler::handle(handler, c, incoming).await
        })
        .await;
        match handled {
            Ok(Handled::Applied(out)) if out.is_empty() => Ok(false),
            Ok(Handled::Applied(out)) => {
                stage(conn, &shared.cities, &out).await?;
                Ok(true)
            }
            Ok(Handled::Rejected(reason)) => {
                tracing::warn!(event_id = %envelope.event_id, %reason, "dead-lettered");
                // Not applied: a replay from the dead-letter topic must be applied (replay.rs).
                inbox::forget(conn, envelope.event_id).await?;
                stage_dead_letter(conn, dead_letter(shared, m, reason)).await?;
                Ok(true)
            }
            Err(e) => Err(e),
        }
    }
    .instrument(span.clone())
    .await
}
