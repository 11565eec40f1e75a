//! RV-1 (and CARE-3 for care orders): a request the merchant has not decided by its review
//! deadline is approved by the system when the deadline passes.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing};
use returns_domain::RuleId;
use returns_domain::lifecycle::DecisionState;
use returns_events::payloads::CaseOpened;
use returns_store::timers::Timer;

use returns_bus::About;

use crate::decide;
use crate::store;

/// The `timers.kind` of the merchant's review deadline.
pub(crate) const KIND: &str = "rv1_merchant_review";

/// RV-1 / CARE-3: the merchant's review deadline passed.
pub(crate) async fn passed(
    conn: &mut AsyncPgConnection,
    timer: &Timer,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let Some(row) = store::find_for_update(conn, timer.case_id).await? else {
        return Err(HandleError::reject(format!(
            "no decision for case {}",
            timer.case_id
        )));
    };
    if row.status != DecisionState::AwaitingMerchant {
        // The merchant decided in time.
        return Ok(Vec::new());
    }
    let opened: CaseOpened =
        serde_json::from_value(row.opened.clone()).map_err(HandleError::reject)?;
    // RV-1 for requests, CARE-3 for care orders: silence past the deadline approves.
    let rule = if opened.facts.care.is_some() {
        RuleId::Care3
    } else {
        RuleId::Rv1
    };
    // Rounded: the stored deadline carries microseconds, the event nanoseconds.
    let hours = ((timer.due_at - opened.facts.requested_at).num_seconds() + 1800) / 3600;
    let reason = format!(
        "The merchant did not decide within {hours} hours; the request is approved automatically."
    );
    let case = About {
        case_id: row.case_id,
        city: &row.city,
        shard: &row.shard,
    };
    let out =
        decide::approved_event(conn, &case, &opened, rule, &reason, "system", false, now).await?;
    store::record_later_decision(
        conn,
        row.case_id,
        DecisionState::Approved,
        rule.as_str(),
        &reason,
        "system",
        now,
    )
    .await?;
    tracing::info!(
        rule = rule.as_str(),
        "approved after the merchant's deadline"
    );
    Ok(vec![out])
}
