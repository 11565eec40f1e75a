//! What an approval already settles in payment.
//! - A refund without return (K-1 before delivery, RS-1/RS-2; a K-4 refund) is paid at once
//!   from the merchant's funds: nothing will come back for the merchant to receive.
//! - Compensation the request's reason carries (RS-1 for an unshipped order, AS-3 for
//!   after-sales) is owed from the merchant's deposit and paid with the refund (PAY-4).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing};
use returns_domain::ledger::merchant_refund;
use returns_domain::lifecycle::RefundState;
use returns_domain::refund_only::unshipped;
use returns_domain::{CaseKind, Fen, Policy, Remedy, RuleId, after_sales};
use returns_events::Envelope;
use returns_events::payloads::{CaseApproved, RefundOrder, RefundPaid};
use tracing::Instrument;

use crate::compensation::{self, Owed};
use crate::ledger;

pub(crate) async fn settle(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    approved: &CaseApproved,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let f = &approved.facts;
    let span = tracing::info_span!("payment.on_approval", case_id = %env.case_id, city = %env.city, shard = %env.shard, rule = approved.rule.as_str());
    async {
        // RS-3: with a shipping cut-off, a refund before shipment (and RS-1's compensation)
        // waits for it; a shipment reported meanwhile cancels the wait.
        if f.kind == CaseKind::RefundOnly
            && matches!(approved.rule, RuleId::Rs1 | RuleId::Rs2)
            && let Some(due) = returns_domain::refund_only::payable_at(f.requested_at, policy)
        {
            returns_store::timers::schedule(
                conn,
                &returns_store::timers::NewTimer { payload: serde_json::to_value(approved).map_err(HandleError::reject)?, ..returns_bus::deadline(CUTOFF_KIND, env, due, now) },
            )
            .await?;
            tracing::info!(due = %due, rule = RuleId::Rs3.as_str(), "refund before shipment waits for the shipping cut-off");
            return Ok(Vec::new());
        }
        pay_now(conn, env, approved, policy, now).await
    }
    .instrument(span)
    .await
}

/// The `timers.kind` of RS-3's shipping cut-off.
pub(crate) const CUTOFF_KIND: &str = "rs3_shipping_cutoff";

/// RS-3's cut-off passed without a shipment: the refund before shipment is paid now.
pub(crate) async fn cutoff_passed(
    conn: &mut AsyncPgConnection,
    timer: &returns_store::timers::Timer,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let approved: CaseApproved =
        serde_json::from_value(timer.payload.clone()).map_err(HandleError::reject)?;
    let env = Envelope::new(
        uuid::Uuid::now_v7(),
        timer.case_id,
        &timer.city,
        &timer.shard,
        now,
        "payment",
        &approved,
    )
    .map_err(HandleError::reject)?;
    pay_now(conn, &env, &approved, policy, now).await
}

/// The refund without return and the compensation owed, settled now.
async fn pay_now(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    approved: &CaseApproved,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let f = &approved.facts;
    let mut out = Vec::new();
    if f.remedy == Remedy::Refund {
        out.extend(pay_refund(conn, env, approved, now).await?);
    }
    if let Some((rule, amount)) = compensation_owed(approved, policy) {
        let owed = Owed {
            buyer_id: &f.buyer_id,
            charged_to: &f.merchant_id,
            owed_under: rule,
            amount,
        };
        out.extend(compensation::record_owed(conn, env, owed, now).await?);
    }
    Ok(out)
}

/// RS-1 (an unshipped order refunded for the merchant's fault) or AS-3 (an after-sales reason
/// that carries compensation).
fn compensation_owed(approved: &CaseApproved, policy: &Policy) -> Option<(RuleId, Fen)> {
    let f = &approved.facts;
    match f.kind {
        CaseKind::RefundOnly if approved.rule == RuleId::Rs1 => {
            unshipped(f.reason, f.paid_amount_fen, policy)
                .compensation
                .map(|c| (RuleId::Rs1, c))
        }
        CaseKind::AfterSales if f.remedy.pays_refund() => {
            after_sales::compensation(f.reason, f.paid_amount_fen, policy).map(|c| (RuleId::As3, c))
        }
        _ => None,
    }
}

async fn pay_refund(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    approved: &CaseApproved,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let f = &approved.facts;
    let movement = merchant_refund(
        &f.buyer_id,
        &f.merchant_id,
        f.refund_amount_fen,
        approved.rule,
    )
    .map_err(HandleError::reject)?;
    let Some(txn) = ledger::post_once(conn, env.case_id, &movement, now).await? else {
        return Ok(Vec::new());
    };
    let order = RefundOrder {
        buyer_id: f.buyer_id.clone(),
        merchant_id: f.merchant_id.clone(),
        order_line_id: f.order_line_id.clone(),
        amount_fen: f.refund_amount_fen,
        fast_return: false,
        remedy: f.remedy,
    };
    ledger::record_refund(
        conn,
        env,
        &order,
        RefundState::Paid,
        None,
        None,
        Some(now),
        Some(txn),
    )
    .await?;
    tracing::info!("refund without return paid from the merchant's funds");
    Ok(vec![returns_bus::Emitter::new(crate::SERVICE, now).emit(
        env,
        &RefundPaid {
            rule: approved.rule,
            amount_fen: f.refund_amount_fen,
            buyer_id: f.buyer_id.clone(),
            ledger_transaction_id: txn,
            paid_at: now,
        },
    )?])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An approval under `rule` of a `kind` case asking for `remedy`, for `reason`, of 10,000 fen.
    fn approved(rule: &str, kind: &str, remedy: &str, reason: &str) -> CaseApproved {
        let body = serde_json::json!({
            "rule": rule, "reason": "approved", "approved_by": "system", "fast_return": false,
            "approved_at": "2026-11-02T08:00:00Z", "door_pickup": false,
            "facts": {
                "buyer_id": "b-1", "merchant_id": "m-1", "order_line_id": "l-1",
                "kind": kind, "remedy": remedy, "reason": reason, "category": "apparel",
                "size_class": "small", "paid_amount_fen": 10_000, "refund_amount_fen": 10_000,
                "received_at": null, "requested_at": "2026-11-02T08:00:00Z", "buyer_rating": 3,
            },
        });
        serde_json::from_value(body).unwrap_or_else(|e| panic!("a case.approved: {e}"))
    }

    #[test]
    fn rs_1_an_unshipped_order_the_merchant_failed_pays_30_percent() {
        let a = approved("RS-1", "refund_only", "refund", "out_of_stock");
        let owed = compensation_owed(&a, &Policy::default());
        assert_eq!(owed, Some((RuleId::Rs1, Fen(3_000))));
    }

    #[test]
    fn rs_2_a_refund_before_shipment_without_the_merchants_fault_owes_nothing() {
        let a = approved("RS-2", "refund_only", "refund", "did_not_like");
        assert_eq!(compensation_owed(&a, &Policy::default()), None);
    }

    #[test]
    fn as_3_an_after_sales_refund_for_a_compensated_reason_pays_compensation() {
        let a = approved("AS-1", "after_sales", "refund", "not_shipped_in_time");
        let owed = compensation_owed(&a, &Policy::default());
        assert_eq!(owed, Some((RuleId::As3, Fen(3_000))));
    }

    #[test]
    fn as_3_an_after_sales_exchange_or_another_reason_owes_nothing() {
        let policy = Policy::default();
        let exchange = approved("AS-1", "after_sales", "exchange", "not_shipped_in_time");
        let other = approved("AS-1", "after_sales", "refund", "did_not_like");
        let a_return = approved("AUTO-1", "return_refund", "return_refund", "out_of_stock");
        for a in [exchange, other, a_return] {
            assert_eq!(compensation_owed(&a, &policy), None, "{:?}", a.facts.kind);
        }
    }
}
