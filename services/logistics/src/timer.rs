//! The dispatch timer actor: sends couriers for jobs scheduled to the next pickup window
//! (PK-1) once their time comes on the service clock. Jobs live in the database, so a restart
//! loses none, and `FOR UPDATE SKIP LOCKED` lets replicas share the work without doubling it.

use returns_bus::Emitter;
use std::time::Duration;

use actix::prelude::*;
use returns_bus::Shutdown;
use returns_domain::{RuleId, SizeClass, pickup};
use returns_events::payloads::PickupDispatched;
use returns_runtime::AppContext;
use returns_store::AsyncConnection;
use tracing::Instrument;

use crate::store;

pub(crate) struct DispatchTimer {
    ctx: AppContext,
    shutdown: Shutdown,
}

impl DispatchTimer {
    pub(crate) fn new(ctx: AppContext, shutdown: Shutdown) -> Self {
        DispatchTimer { ctx, shutdown }
    }
}

impl Actor for DispatchTimer {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let app = self.ctx.clone();
        let mut shutdown = self.shutdown.clone();
        let run = async move {
            loop {
                match fire_due(&app).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(jobs = n, "scheduled pickups dispatched");
                        app.relay.wake();
                        continue;
                    }
                    Err(e) => tracing::warn!(error = %e, "dispatch timer round failed"),
                }
                tokio::select! {
                    _ = shutdown.recv() => break,
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
            }
        };
        ctx.spawn(run.into_actor(self).map(|_, _, ctx| ctx.stop()));
    }
}

async fn fire_due(app: &AppContext) -> Result<usize, returns_bus::BusError> {
    let mut conn = app.pool.get().await?;
    let now = app.clock.now();
    let app = app.clone();
    (*conn).transaction::<usize, returns_bus::BusError, _>(async move |conn| {
            let jobs = store::due(conn, now, 100).await?;
            let mut out = Vec::with_capacity(jobs.len());
            for job in &jobs {
                let span = tracing::info_span!("logistics.dispatch_scheduled", case_id = %job.case_id, city = %job.city, shard = %job.shard);
                returns_telemetry::continue_trace(&span, job.traceparent.as_deref());
                let size = if job.size_class == "large" { SizeClass::Large } else { SizeClass::Small };
                let city = app.cities.city(&job.city);
                let arrive_by = pickup::plan(now, city.utc_offset_minutes, size, &app.settings.policy).arrive_by;
                async {
                    store::mark_dispatched(conn, job.job_id, now, arrive_by).await?;
                    let at = job.about();
                    crate::accept::start_wait(conn, at, &job.courier_company, now, &app.settings.policy).await?;
                    let ev = Emitter::new(crate::SERVICE, now).emit(job.about(), &PickupDispatched {
                            job_id: job.job_id,
                            courier_company: job.courier_company.clone(),
                            rule: RuleId::Pk1,
                            dispatched_at: now,
                            arrive_by,
                        })?;
                    returns_bus::stage(conn, &app.cities, &[ev]).await?;
                    Ok::<(), returns_bus::BusError>(())
                }
                .instrument(span)
                .await?;
                out.push(job.job_id);
            }
            Ok(out.len())
        })
    .await
}
