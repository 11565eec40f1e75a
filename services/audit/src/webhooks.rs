//! Merchants' webhooks (issue 4): the events of a merchant's cases, from the decisions audit
//! publishes (fanned out by the relay) and the payments it reads (fanned out as it consumes them).

use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use futures::future::BoxFuture;
use returns_events::Envelope;

use crate::store;

/// What a merchant may subscribe to.
pub(crate) const EVENTS: &[&str] = &[
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

/// The subscription an event is for: its case's merchant.
pub(crate) fn owner_of<'a>(
    conn: &'a mut AsyncPgConnection,
    env: &'a Envelope,
) -> BoxFuture<'a, QueryResult<Option<String>>> {
    Box::pin(async move {
        let decision = store::find(conn, env.case_id).await?;
        Ok(decision.map(|d| format!("merchant:{}", d.merchant_id)))
    })
}

/// The fan-out of merchants' webhooks, for the events audit consumes.
pub(crate) fn fan_out(clock: &returns_clock::Clock) -> returns_webhooks::FanOut {
    returns_webhooks::FanOut {
        events: EVENTS,
        owner_of,
        clock: clock.clone(),
    }
}
