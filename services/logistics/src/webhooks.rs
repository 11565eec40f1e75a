//! Courier companies' webhooks (issue 4): the events of the pickup jobs offered to a company,
//! logged for its subscription if it wants them. The job's contact is not in them: the company
//! reads it from `GET /courier/jobs`, authenticated.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Incoming};

use crate::store;

/// What a courier company may subscribe to.
pub const EVENTS: &[&str] = &[
    "pickup.dispatched",
    "pickup.accepted",
    "pickup.escalated",
    "pickup.late",
    "pickup.collected",
    "pickup.delivered",
];

/// Logs `event` for the courier company it concerns: the one named in it (a job offered to the
/// next partner, PK-9) or the job's.
pub async fn fan_out(
    conn: &mut AsyncPgConnection,
    event: &Incoming<'_>,
    now: DateTime<Utc>,
) -> Result<(), HandleError> {
    let env = event.envelope;
    if !EVENTS.contains(&env.event_type.as_str()) {
        return Ok(());
    }
    let named = env.payload["courier_company"].as_str().map(str::to_owned);
    let company = match named {
        Some(c) => c,
        None => match store::by_case(conn, env.case_id)
            .await
            .map_err(returns_store::StoreError::from)?
        {
            Some(job) => job.courier_company,
            None => return Ok(()),
        },
    };
    let body = serde_json::to_vec(env).map_err(HandleError::reject)?;
    returns_webhooks::enqueue(
        conn,
        &format!("courier:{company}"),
        env.event_id,
        &env.event_type,
        &body,
        now,
    )
    .await
    .map_err(returns_store::StoreError::from)?;
    Ok(())
}
