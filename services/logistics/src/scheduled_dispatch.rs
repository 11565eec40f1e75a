//! PK-1: a pickup scheduled for the next window, or for the buyer's slot, is dispatched when its
//! time comes. The wait is a durable timer like every other deadline of logistics, so a restart
//! loses none and two replicas fire it once; choosing another slot moves it.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{About, Emitter, HandleError, Outgoing};
use returns_domain::lifecycle::PickupJobState;
use returns_domain::{RuleId, SizeClass, pickup};
use returns_events::payloads::PickupDispatched;
use returns_runtime::AppContext;
use returns_store::StoreError;
use returns_store::timers::{self, Timer};

use crate::store;

pub(crate) const KIND: &str = "pk1_dispatch";

/// Dispatches the case's job at `dispatch_at`, replacing any earlier time (a new slot).
pub(crate) async fn schedule(
    conn: &mut AsyncPgConnection,
    job: About<'_>,
    dispatch_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let timer = returns_bus::deadline(KIND, job, dispatch_at, now);
    timers::reschedule(conn, &timer).await
}

/// The dispatch time came: the job goes to its courier company with PK-2's wait, unless it
/// left the schedule meanwhile (cancelled with its case).
pub(crate) async fn fire(
    ctx: &AppContext,
    conn: &mut AsyncPgConnection,
    timer: &Timer,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let job = store::job_of_timer(conn, timer.case_id).await?;
    if job.status != PickupJobState::Scheduled {
        return Ok(Vec::new());
    }
    let policy = &ctx.settings.policy;
    let size: SizeClass = returns_domain::from_wire(&job.size_class).ok_or_else(|| {
        HandleError::reject(format!(
            "job {} has size class {}",
            job.job_id, job.size_class
        ))
    })?;
    let city = ctx.cities.city(&job.city);
    let arrive_by = pickup::plan(now, city.utc_offset_minutes, size, policy).arrive_by;
    store::mark_dispatched(conn, job.job_id, now, arrive_by).await?;
    crate::accept::start_wait(conn, job.about(), &job.courier_company, now, policy).await?;
    tracing::info!(job_id = %job.job_id, courier = %job.courier_company, "scheduled pickup dispatched");
    let dispatched = PickupDispatched {
        job_id: job.job_id,
        courier_company: job.courier_company.clone(),
        rule: RuleId::Pk1,
        dispatched_at: now,
        arrive_by,
    };
    Ok(vec![
        Emitter::new(crate::SERVICE, now).emit(job.about(), &dispatched)?,
    ])
}
