//! The buyer's withdrawal (`case.cancel_requested`): audit, which owns the decision, accepts it
//! while the case still waits for one (`case.cancelled`), and refuses it once decided
//! (`case.cancel_refused`). A merchant deciding afterwards finds the case no longer waiting.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::{HandleError, Outgoing};
use returns_domain::lifecycle::DecisionState;
use returns_events::Envelope;
use returns_events::payloads::{CancelRefused, CaseCancelled};

use crate::schema::decisions;
use crate::store;

pub(crate) async fn on_request(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    service: &'static str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let Some(row) = store::find_for_update(conn, env.case_id).await? else {
        return Err(HandleError::reject(format!(
            "case {} is unknown to audit",
            env.case_id
        )));
    };
    if row.status != DecisionState::AwaitingMerchant {
        let refused = CancelRefused {
            reason: format!(
                "The request could not be withdrawn: it was already {}.",
                row.status.as_str().replace('_', " ")
            ),
        };
        return Ok(vec![
            returns_bus::Emitter::new(service, now).emit(env, &refused)?,
        ]);
    }
    let reason = "You withdrew the request before it was decided.".to_owned();
    diesel::update(decisions::table.find(env.case_id))
        .set((
            decisions::status.eq(DecisionState::Cancelled),
            decisions::reason.eq(&reason),
            decisions::decided_by.eq("buyer"),
            decisions::decided_at.eq(now),
        ))
        .execute(conn)
        .await?;
    let cancelled = CaseCancelled {
        reason,
        cancelled_at: now,
    };
    Ok(vec![
        returns_bus::Emitter::new(service, now).emit(env, &cancelled)?,
    ])
}
