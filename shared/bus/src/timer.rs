//! The timer actor: fires a service's durable deadlines (`timers` table) when the service
//! clock reaches them, each in one transaction with its consequence, so each fires exactly
//! once whatever restarts in between.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures::future::BoxFuture;
use returns_clock::Clock;
use returns_settings::CityMap;
use returns_store::timers::{self, Timer};
use returns_store::{AsyncConnection, Pool, StoreError};
use tracing::Instrument;

use crate::savepoint::{Handled, within_savepoint};
use crate::{HandleError, Outgoing, RelayHandle, Shutdown, stage};

/// A wait about `case`, due at `due_at`, started `now` in the current trace (its firing
/// continues it); the payload is empty unless the caller sets one.
pub fn deadline<'a>(
    kind: impl Into<String>,
    case: impl Into<crate::About<'a>>,
    due_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> returns_store::timers::NewTimer {
    let case = case.into();
    returns_store::timers::NewTimer {
        kind: kind.into(),
        case_id: case.case_id,
        city: case.city.to_owned(),
        shard: case.shard.to_owned(),
        due_at,
        payload: serde_json::Value::Null,
        traceparent: returns_telemetry::current_traceparent(),
        created_at: now,
    }
}

/// What a service does when one of its deadlines passes. It checks the case's state itself
/// (the awaited thing may have happened) and returns the events to emit.
/// A service writes it as a plain `async fn fire`.
pub trait TimerHandler: Send + Sync + 'static {
    fn fire(
        &self,
        conn: &mut AsyncPgConnection,
        timer: &Timer,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<Outgoing>, HandleError>> + Send;
}

/// [`TimerHandler`] behind a pointer: the one place its future is boxed.
trait AnyTimers: Send + Sync + 'static {
    fn fire<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        timer: &'a Timer,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Vec<Outgoing>, HandleError>>;
}

/// A service's [`TimerHandler`], ready for the actor.
#[derive(Clone)]
pub struct Timers(Arc<dyn AnyTimers>);

impl Timers {
    pub fn new(handler: impl TimerHandler) -> Self {
        Timers(Arc::new(handler))
    }
}

impl<H: TimerHandler> AnyTimers for H {
    fn fire<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        timer: &'a Timer,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<Vec<Outgoing>, HandleError>> {
        Box::pin(TimerHandler::fire(self, conn, timer, now))
    }
}

pub struct TimerActor {
    pub service: String,
    pub pool: Pool,
    pub handler: Timers,
    pub cities: CityMap,
    pub clock: Clock,
    pub relay: RelayHandle,
    pub shutdown: Shutdown,
}

/// How often the actor looks for due timers (service-clock time is read each round, so a
/// moved clock is seen within this).
const TICK: Duration = Duration::from_millis(200);
const ROUND: i64 = 100;

impl Actor for TimerActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let this = Arc::new(Round {
            service: self.service.clone(),
            pool: self.pool.clone(),
            handler: self.handler.clone(),
            cities: self.cities.clone(),
            clock: self.clock.clone(),
        });
        let relay = self.relay.clone();
        let mut shutdown = self.shutdown.clone();
        let run = async move {
            loop {
                match this.fire_due().await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(timers = n, "deadlines fired");
                        relay.wake();
                        if n as i64 >= ROUND {
                            continue;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "timer round failed; retrying"),
                }
                tokio::select! {
                    _ = shutdown.recv() => break,
                    _ = tokio::time::sleep(TICK) => {}
                }
            }
            tracing::info!("timer actor stopped");
        };
        ctx.spawn(run.into_actor(self).map(|_, _, ctx| ctx.stop()));
    }
}

struct Round {
    service: String,
    pool: Pool,
    handler: Timers,
    cities: CityMap,
    clock: Clock,
}

impl Round {
    async fn fire_due(&self) -> Result<usize, HandleError> {
        let mut conn = self.pool.get().await.map_err(StoreError::from)?;
        let now = self.clock.now();
        (*conn)
            .transaction::<usize, HandleError, _>(async move |conn| {
                let due = timers::due(conn, now, ROUND).await?;
                for timer in &due {
                    let span = tracing::info_span!(
                        "timer",
                        otel.name = %format!("{} timer {}", self.service, timer.kind),
                        case_id = %timer.case_id,
                        city = %timer.city,
                        shard = %timer.shard,
                        kind = %timer.kind,
                        due_at = %timer.due_at,
                    );
                    returns_telemetry::continue_trace(&span, timer.traceparent.as_deref());
                    async {
                        // A refusal undoes what the handler wrote before it refused.
                        let fired =
                            within_savepoint(conn, async |c| self.handler.0.fire(c, timer, now).await)
                                .await;
                        match fired {
                            Ok(Handled::Applied(out)) => stage(conn, &self.cities, &out).await?,
                            Ok(Handled::Rejected(reason)) => {
                                tracing::warn!(%reason, "deadline could not be applied; it is not retried");
                            }
                            Err(e) => return Err(e),
                        }
                        timers::mark_fired(conn, timer.id, now).await?;
                        Ok::<(), HandleError>(())
                    }
                    .instrument(span)
                    .await?;
                }
                Ok(due.len())
            })
            .await
    }
}
