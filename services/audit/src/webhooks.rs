//! Merchants' webhooks (issue 4): the events of a merchant's cases, from the decisions audit
//! publishes and the payments it reads, logged for the merchant's subscription if it wants them.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Incoming};

use crate::store;

/// What a merchant may subscribe to.
pub const EVENTS: &[&str] = &[
    "case.awaiting_merchant",
    "case.approved",
    "case.rejected",
    "case.cancelled",
    "case.converted",
    "return_check.failed",
    "return_check.overruled",
    "refund.paid",
    "recovery.opened",
    "recovery.settled",
    "dispute.opened",
    "dispute.ruled",
    "compensation.paid",
];

/// Logs `event` for the case's merchant, if it is one merchants receive.
pub async fn fan_out(
    conn: &mut AsyncPgConnection,
    event: &Incoming<'_>,
    now: DateTime<Utc>,
) -> Result<(), HandleError> {
    let env = event.envelope;
    if !EVENTS.contains(&env.event_type.as_str()) {
        return Ok(());
    }
    let Some(decision) = store::find(conn, env.case_id)
        .await
        .map_err(returns_store::StoreError::from)?
    else {
        return Ok(());
    };
    let body = serde_json::to_vec(env).map_err(HandleError::reject)?;
    returns_webhooks::enqueue(
        conn,
        &format!("merchant:{}", decision.merchant_id),
        env.event_id,
        &env.event_type,
        &body,
        now,
    )
    .await
    .map_err(returns_store::StoreError::from)?;
    Ok(())
}
