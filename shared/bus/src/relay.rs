//! The outbox relay actor: publishes committed outbox rows in order, then deletes them.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use diesel_async::AsyncPgConnection;
use futures::future::BoxFuture;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use returns_settings::{KafkaSettings, OutboxSettings};
use returns_store::outbox::OutboxRow;
use returns_store::{AsyncConnection, Pool, outbox};
use tokio::sync::{Notify, watch};

use crate::{BusError, Shutdown};

/// After a wake, how long the relay waits for more commits before a round.
const COALESCE: Duration = Duration::from_millis(1);

/// Work done with a service's own events as they leave the outbox, in the relay's transaction:
/// it commits with the rows' deletion or not at all, once per event whichever replica relays.
/// (Webhook fan-out: logging a delivery here costs no consumer of the service's own topic.)
pub trait OnPublish: Send + Sync + 'static {
    fn on_publish<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        rows: &'a [OutboxRow],
    ) -> BoxFuture<'a, Result<(), BusError>>;
}

/// Publishes the outbox. Woken by [`RelayHandle::wake`] after each commit that staged events,
/// and by a slow poll as a safety net (for rows left by a crash).
pub struct OutboxRelay {
    pool: Pool,
    producer: FutureProducer,
    settings: OutboxSettings,
    on_publish: Option<Arc<dyn OnPublish>>,
    wake: Arc<Notify>,
    shutdown: Shutdown,
    done: Option<watch::Sender<bool>>,
}

/// Cheap handle for handlers to wake the relay.
#[derive(Clone)]
pub struct RelayHandle {
    wake: Arc<Notify>,
    finished: watch::Receiver<bool>,
}

impl RelayHandle {
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Completes when the relay has drained the outbox and flushed the producer at shutdown.
    pub async fn finished(&mut self) {
        let _ = self.finished.wait_for(|v| *v).await;
    }
}

impl OutboxRelay {
    pub fn new(
        pool: Pool,
        kafka: &KafkaSettings,
        settings: OutboxSettings,
        service: &str,
        on_publish: Option<Arc<dyn OnPublish>>,
        shutdown: Shutdown,
    ) -> Result<(Self, RelayHandle), BusError> {
        let producer: FutureProducer =
            crate::client::producer_config(kafka, &format!("{service}-relay")).create()?;
        let wake = Arc::new(Notify::new());
        let (done, finished) = watch::channel(false);
        let handle = RelayHandle {
            wake: wake.clone(),
            finished,
        };
        Ok((
            OutboxRelay {
                pool,
                producer,
                settings,
                on_publish,
                wake,
                shutdown,
                done: Some(done),
            },
            handle,
        ))
    }
}

impl Actor for OutboxRelay {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let pool = self.pool.clone();
        let producer = self.producer.clone();
        let settings = self.settings.clone();
        let hook = self.on_publish.clone();
        let wake = self.wake.clone();
        let mut shutdown = self.shutdown.clone();
        let done = self.done.take();
        let run = async move {
            // Connect and learn the topics' leaders now, not on the first event (the first
            // cases after a start would otherwise wait for it).
            let warm = producer.clone();
            let _ = tokio::task::spawn_blocking(move || {
                if let Err(e) = warm.client().fetch_metadata(None, Duration::from_secs(10)) {
                    tracing::warn!(error = %e, "broker metadata not fetched at start-up");
                }
            })
            .await;
            let poll = Duration::from_millis(settings.poll_ms);
            loop {
                // Drain everything committed so far.
                loop {
                    match publish_batch(&pool, &producer, hook.as_deref(), settings.batch).await {
                        Ok(n) if n as i64 >= settings.batch => continue,
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!(error = %e, "outbox relay round failed; retrying");
                            tokio::time::sleep(Duration::from_millis(250)).await;
                            break;
                        }
                    }
                }
                if shutdown.is_shutdown() {
                    break;
                }
                tokio::select! {
                    _ = wake.notified() => {
                        // Let commits arriving together share one round.
                        tokio::time::sleep(COALESCE).await;
                    }
                    _ = tokio::time::sleep(poll) => {}
                    _ = shutdown.recv() => {}
                }
            }
            // Final drain after the consumers stopped, then flush the producer.
            if let Err(e) = publish_batch(&pool, &producer, hook.as_deref(), i64::MAX / 2).await {
                tracing::warn!(error = %e, "final outbox drain failed; rows stay for the next start");
            }
            if let Err(e) = producer.flush(Duration::from_secs(5)) {
                tracing::warn!(error = %e, "producer flush at shutdown failed");
            }
            tracing::info!("outbox relay stopped");
            if let Some(done) = done {
                let _ = done.send(true);
            }
        };
        ctx.spawn(run.into_actor(self).map(|_, _, ctx| ctx.stop()));
    }
}

/// One round, in one transaction: take (delete) the oldest rows, publish them, await every
/// acknowledgement, commit. A failed publish rolls the rows back for the next round.
/// Returns how many rows were published.
async fn publish_batch(
    pool: &Pool,
    producer: &FutureProducer,
    hook: Option<&dyn OnPublish>,
    limit: i64,
) -> Result<usize, BusError> {
    let mut conn = pool.get().await.map_err(returns_store::StoreError::from)?;
    let producer = producer.clone();
    (*conn)
        .transaction::<usize, BusError, _>(async move |conn| {
            let rows = outbox::take_oldest(conn, limit).await?;
            if rows.is_empty() {
                return Ok(0);
            }
            if let Some(hook) = hook {
                hook.on_publish(conn, &rows).await?;
            }
            let mut acks = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut headers = OwnedHeaders::new();
                if let Some(tp) = &row.traceparent {
                    headers = headers.insert(Header {
                        key: "traceparent",
                        value: Some(tp.as_str()),
                    });
                }
                if let Some(map) = row.headers.as_object() {
                    for (k, v) in map {
                        if let Some(v) = v.as_str() {
                            headers = headers.insert(Header {
                                key: k.as_str(),
                                value: Some(v),
                            });
                        }
                    }
                }
                let record = FutureRecord::to(&row.topic)
                    .partition(row.partition)
                    .key(&row.record_key)
                    .payload(&row.payload)
                    .headers(headers);
                // Enqueued in row order; the idempotent producer keeps that order per partition.
                let ack = producer
                    .send_result(record)
                    .map_err(|(e, _)| BusError::Kafka(e))?;
                acks.push(ack);
            }
            for ack in futures::future::join_all(acks).await {
                match ack {
                    Ok(Ok(_)) => {}
                    Ok(Err((e, _))) => return Err(BusError::Kafka(e)),
                    Err(_cancelled) => {
                        return Err(BusError::Kafka(rdkafka::error::KafkaError::Canceled));
                    }
                }
            }
            Ok(rows.len())
        })
        .await
}
