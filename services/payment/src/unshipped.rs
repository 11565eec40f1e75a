//! K-1, RS-1, RS-2: a refund approved before the goods were delivered is paid at once from the
//! merchant's funds; an out-of-stock or late-shipping merchant also pays the buyer
//! compensation from its deposit, with the refund (PAY-4).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{HandleError, Outgoing};
use returns_domain::ledger::merchant_refund;
use returns_domain::refund_only::unshipped;
use returns_domain::{Policy, RuleId};
use returns_events::payloads::{CaseApproved, RefundOrder, RefundPaid};
use returns_events::{Envelope, topics};
use tracing::Instrument;

use crate::compensation::{self, Owed};
use crate::ledger;

pub async fn pay(
    conn: &mut AsyncPgConnection,
    env: &Envelope,
    approved: &CaseApproved,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let f = &approved.facts;
    let span = tracing::info_span!("payment.pay_unshipped_refund", case_id = %env.case_id, city = %env.city, shard = %env.shard, rule = approved.rule.as_str());
    async {
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
        };
        ledger::record_refund(conn, env, &order, "paid", None, None, Some(now), Some(txn)).await?;
        let mut out = vec![Outgoing::follow_up(
            topics::PAYMENTS,
            "payment",
            env,
            now,
            &RefundPaid {
                rule: approved.rule,
                amount_fen: f.refund_amount_fen,
                buyer_id: f.buyer_id.clone(),
                ledger_transaction_id: txn,
                paid_at: now,
            },
        )?];
        if approved.rule == RuleId::Rs1
            && let Some(amount) = unshipped(f.reason, f.paid_amount_fen, policy).compensation
        {
            let owed = Owed {
                buyer_id: &f.buyer_id,
                charged_to: &f.merchant_id,
                owed_under: RuleId::Rs1,
                amount,
            };
            out.extend(compensation::record_owed(conn, env, owed, now).await?);
        }
        tracing::info!("unshipped order refunded from the merchant's funds");
        Ok(out)
    }
    .instrument(span)
    .await
}
