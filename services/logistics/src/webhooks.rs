//! Courier companies' webhooks (issue 4): the events of the pickup jobs offered to a company,
//! fanned out by the relay as logistics publishes them. The job's contact is not in them: the
//! company reads it from `GET /courier/jobs`, authenticated.

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use futures::future::BoxFuture;
use returns_events::Envelope;

use crate::store;

/// What a courier company may subscribe to.
pub(crate) const EVENTS: &[&str] = &[
    "pickup.dispatched",
    "pickup.accepted",
    "pickup.escalated",
    "pickup.switched_to_buyer",
    "pickup.cancelled",
    "pickup.late",
    "pickup.collected",
    "pickup.delivered",
];

/// The subscription an event is for: the courier company named in it (a job offered to the
/// next partner, PK-9) or the job's.
pub(crate) fn owner_of<'a>(
    conn: &'a mut AsyncPgConnection,
    env: &'a Envelope,
) -> BoxFuture<'a, QueryResult<Option<String>>> {
    Box::pin(async move {
        if let Some(named) = env.payload["courier_company"].as_str() {
            return Ok(Some(format!("courier:{named}")));
        }
        let job = store::by_case(conn, env.case_id).await?;
        Ok(job.map(|j| format!("courier:{}", j.courier_company)))
    })
}
