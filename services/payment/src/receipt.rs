//! PAY-3: without fast-return entitlement the refund waits for the merchant to confirm
//! receipt of the parcel (`POST /merchant/cases/{id}/receipt`) or for its confirmation
//! deadline to pass; then the merchant's funds pay it.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing};
use returns_domain::ledger::{merchant_refund, receipt_deadline};
use returns_domain::lifecycle::RefundState;
use returns_domain::{Fen, Policy, RuleId};
use returns_events::Envelope;
use returns_events::payloads::RefundPaid;
use returns_store::StoreError;
use returns_store::timers;
use uuid::Uuid;

use crate::ledger;

pub(crate) const KIND: &str = "pay3_merchant_receipt";

/// Starts the merchant's confirmation window for the refund of `case`.
pub(crate) async fn start_wait(
    conn: &mut AsyncPgConnection,
    case: &Envelope,
    collected_at: DateTime<Utc>,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let timer = returns_bus::deadline(KIND, case, receipt_deadline(collected_at, policy), now);
    timers::schedule(conn, &timer).await
}

/// What paying a waiting refund found.
pub(crate) enum Paid {
    /// The refund event, and any compensation paid with it (PAY-4).
    Now(Vec<Outgoing>),
    NotWaiting(RefundState),
    NoRefund,
    /// The refund belongs to another merchant (answered like a missing one).
    OtherMerchant,
}

/// Pays the refund of `case_id` from the merchant's funds if it is still waiting; `merchant`
/// is checked when the merchant asks (the deadline does not).
pub(crate) async fn pay_from_merchant(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    merchant: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Paid, HandleError> {
    let Some(r) = ledger::refund_for_update(conn, case_id).await? else {
        return Ok(Paid::NoRefund);
    };
    if merchant.is_some_and(|m| m != r.merchant_id) {
        return Ok(Paid::OtherMerchant);
    }
    if !r.status.may_become(RefundState::Paid) {
        return Ok(Paid::NotWaiting(r.status));
    }
    let movement = merchant_refund(&r.buyer_id, &r.merchant_id, Fen(r.amount_fen), RuleId::Pay3)
        .map_err(HandleError::reject)?;
    let Some(txn) = ledger::post_once(conn, case_id, &movement, now).await? else {
        return Ok(Paid::NotWaiting(RefundState::Paid));
    };
    ledger::mark_refund_paid(conn, case_id, now, txn).await?;
    timers::cancel(conn, KIND, case_id).await?;
    tracing::info!(
        rule = RuleId::Pay3.as_str(),
        reason,
        "refund paid from the merchant's funds"
    );
    let out = returns_bus::Emitter::new(crate::SERVICE, now).emit(
        returns_bus::About {
            case_id,
            city: &r.city,
            shard: &r.shard,
        },
        &RefundPaid {
            rule: RuleId::Pay3,
            amount_fen: Fen(r.amount_fen),
            buyer_id: r.buyer_id,
            ledger_transaction_id: txn,
            paid_at: now,
        },
    )?;
    let mut all = vec![out];
    all.extend(crate::compensation::pay_owed(conn, case_id, now).await?);
    Ok(Paid::Now(all))
}
