//! PK-2 and PK-9 (and the routing of logistics' timers): a dispatched job must be accepted by its courier company within
//! `policy.courier_accept_minutes`; if not, the next partner of the city gets it, and when no
//! partner is left customer service takes over. Each wait is a durable timer.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{About, Emitter};
use returns_bus::{HandleError, Outgoing};
use returns_domain::lifecycle::PickupJobState;
use returns_domain::pickup::{self, Unaccepted};
use returns_domain::{Policy, RuleId, SizeClass};
use returns_events::payloads::{PickupDispatched, PickupEscalated};
use returns_runtime::AppContext;
use returns_store::StoreError;
use returns_store::timers::{self, Timer};
use uuid::Uuid;

use crate::store;

pub(crate) const KIND_PREFIX: &str = "pk2_accept:";

/// One timer per company the job was offered to.
fn kind(company: &str) -> String {
    format!("{KIND_PREFIX}{company}")
}

/// Starts PK-2's wait for `company`, in the caller's transaction.
pub(crate) async fn start_wait(
    conn: &mut AsyncPgConnection,
    job: About<'_>,
    company: &str,
    dispatched_at: DateTime<Utc>,
    policy: &Policy,
) -> Result<(), StoreError> {
    let timer = returns_bus::deadline(
        kind(company),
        job,
        pickup::accept_deadline(dispatched_at, policy),
        dispatched_at,
    );
    timers::schedule(conn, &timer).await
}

/// The company accepted: its wait ends.
pub(crate) async fn end_wait(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    company: &str,
) -> Result<(), StoreError> {
    timers::cancel(conn, &kind(company), case_id).await
}

/// PK-9: the job goes to `company`, dispatched now, with PK-2's wait for it; the answer is the
/// `pickup.dispatched` that tells the company and the buyer. The next partner after a wait
/// ran out, and customer service's offer to a named partner, both come here.
pub(crate) async fn offer_to(
    conn: &mut AsyncPgConnection,
    app: &AppContext,
    job: &store::JobRow,
    company: &str,
    now: DateTime<Utc>,
) -> Result<Outgoing, returns_bus::BusError> {
    let city = app.cities.city(&job.city);
    let policy = &app.settings.policy;
    let size = if job.size_class == "large" {
        SizeClass::Large
    } else {
        SizeClass::Small
    };
    let arrive_by = pickup::plan(now, city.utc_offset_minutes, size, policy).arrive_by;
    store::reassign(conn, job.job_id, company, now, arrive_by).await?;
    let at = job.about();
    start_wait(conn, at, company, now, policy).await?;
    let e = PickupDispatched {
        job_id: job.job_id,
        courier_company: company.to_owned(),
        rule: RuleId::Pk9,
        dispatched_at: now,
        arrive_by,
    };
    Emitter::new(crate::SERVICE, now).emit(job.about(), &e)
}

/// logistics' deadlines: PK-2 (accept) here, PK-3 (arrival) in `arrival.rs`, CARE-4 (pickup
/// time confirmed) in `care_jobs.rs`.
/// PK-2's wait for one company ran out: the next partner is offered the job, or customer
/// service is asked (PK-9).
pub(crate) async fn unaccepted(
    ctx: &AppContext,
    conn: &mut AsyncPgConnection,
    timer: &Timer,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let Some(company) = timer.kind.strip_prefix(KIND_PREFIX) else {
        return Err(HandleError::reject(format!(
            "unknown timer kind {}",
            timer.kind
        )));
    };
    let job = store::job_of_timer(conn, timer.case_id).await?;
    if job.status != PickupJobState::Dispatched || job.courier_company != company {
        // Accepted in time, or already offered elsewhere.
        return Ok(Vec::new());
    }
    let city = ctx.cities.city(&job.city);
    let policy = &ctx.settings.policy;
    let (case, ci, sh) = (job.case_id, job.city.as_str(), job.shard.as_str());
    let minutes = policy.courier_accept_minutes;
    match pickup::after_unaccepted(&city.couriers, company) {
        Unaccepted::NextPartner(next) => {
            tracing::info!(from = company, to = %next, rule = RuleId::Pk9.as_str(), "job offered to the next partner");
            Ok(vec![offer_to(conn, ctx, &job, &next, now).await?])
        }
        Unaccepted::EscalateToCs => {
            store::mark_escalated(conn, job.job_id).await?;
            tracing::warn!(
                rule = RuleId::Pk9.as_str(),
                "no partner accepted; escalated to customer service"
            );
            Ok(vec![Emitter::new(crate::SERVICE, now).emit(About { case_id: case, city: ci, shard: sh }, &PickupEscalated {
                    job_id: job.job_id,
                    rule: RuleId::Pk9,
                    reason: format!(
                        "No partner courier accepted within {minutes} minutes; customer service will arrange your pickup."
                    ),
                    escalated_at: now,
                })?])
        }
    }
}
