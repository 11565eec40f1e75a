//! PK-3 and PK-5: once a courier company has accepted, its rider must be at the door by the
//! job's `arrive_by` (2 h small, 4 h large, from dispatch). A durable timer watches it; if the
//! rider is late the buyer is owed `policy.late_pickup_compensation_fen`, paid by the platform
//! with the refund and charged to the courier company (payment does both, PAY-4).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{About, Emitter};
use returns_bus::{HandleError, Outgoing};
use returns_domain::lifecycle::PickupJobState;
use returns_domain::{Fen, RuleId};
use returns_events::payloads::PickupLate;
use returns_runtime::AppContext;
use returns_store::StoreError;
use returns_store::timers::{self, Timer};
use uuid::Uuid;

use crate::store;

pub(crate) const KIND: &str = "pk3_arrival";

pub(crate) async fn start_wait(
    conn: &mut AsyncPgConnection,
    job: &About<'_>,
    arrive_by: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let timer = returns_bus::deadline(KIND, job, arrive_by, now);
    timers::schedule(conn, &timer).await
}

pub(crate) async fn end_wait(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> Result<(), StoreError> {
    timers::cancel(conn, KIND, case_id).await
}

/// The arrival deadline passed.
pub(crate) async fn fire(
    ctx: &AppContext,
    conn: &mut AsyncPgConnection,
    timer: &Timer,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let job = store::job_of_timer(conn, timer.case_id).await?;
    if job.arrived_at.is_some() || job.status != PickupJobState::Accepted || job.late {
        return Ok(Vec::new());
    }
    let refund = job.order().map_err(HandleError::reject)?;
    store::mark_late(conn, job.job_id).await?;
    let amount = Fen(ctx.settings.policy.late_pickup_compensation_fen);
    tracing::warn!(rule = RuleId::Pk5.as_str(), courier = %job.courier_company, "courier late; compensation owed");
    Ok(vec![Emitter::new(crate::SERVICE, now).emit(
        job.about(),
        &PickupLate {
            job_id: job.job_id,
            rule: RuleId::Pk5,
            courier_company: job.courier_company.clone(),
            buyer_id: refund.buyer_id,
            arrive_by: job.arrive_by,
            compensation_fen: amount,
        },
    )?])
}
