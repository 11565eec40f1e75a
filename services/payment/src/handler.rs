//! payment reacts to `pickup.collected`: with fast-return entitlement the refund is paid at
//! once from the platform's advance and the merchant's debt recorded (PAY-1, PAY-2); without
//! it the refund waits for the merchant's receipt (PAY-3).

use diesel_async::AsyncPgConnection;
use futures::future::BoxFuture;
use returns_bus::{EventHandler, HandleError, Incoming, Outgoing};
use returns_domain::CaseKind;
use returns_domain::RuleId;
use returns_domain::ledger::fast_refund;
use returns_events::payloads::{
    CaseApproved, PickupCollected, PickupLate, RecoveryOpened, RefundPaid,
};
use returns_events::{Envelope, Event, topics};
use returns_runtime::AppContext;
use tracing::Instrument;

use crate::ledger;

pub struct PaymentHandler {
    pub ctx: AppContext,
}

impl EventHandler for PaymentHandler {
    fn handle<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        event: Incoming<'a>,
    ) -> BoxFuture<'a, Result<Vec<Outgoing>, HandleError>> {
        Box::pin(async move {
            if let Some(late) = event.payload::<PickupLate>()? {
                let now = self.ctx.clock.now();
                return crate::compensation::record_late_courier(conn, event.envelope, &late, now)
                    .await;
            }
            if let Some(approved) = event.payload::<CaseApproved>()? {
                if approved.facts.kind != CaseKind::RefundOnly {
                    return Ok(Vec::new());
                }
                let now = self.ctx.clock.now();
                return crate::unshipped::pay(
                    conn,
                    event.envelope,
                    &approved,
                    &self.ctx.settings.policy,
                    now,
                )
                .await;
            }
            let Some(collected) = event.payload::<PickupCollected>()? else {
                return Ok(Vec::new());
            };
            let env = event.envelope;
            let order = &collected.refund;
            let span = tracing::info_span!("payment.pay_refund", case_id = %env.case_id, city = %env.city, shard = %env.shard, amount_fen = order.amount_fen.0);
            async {
                let now = self.ctx.clock.now();
                if !order.fast_return {
                    tracing::info!(
                        rule = RuleId::Pay3.as_str(),
                        "refund waits for the merchant's receipt"
                    );
                    ledger::record_refund(
                        conn,
                        env,
                        order,
                        "awaiting_merchant_receipt",
                        Some(&collected.tracking_number),
                        Some(collected.collected_at),
                        None,
                        None,
                    )
                    .await?;
                    crate::receipt::start_wait(
                        conn,
                        env,
                        collected.collected_at,
                        &self.ctx.settings.policy,
                        now,
                    )
                    .await?;
                    return Ok(Vec::new());
                }
                let [advance, recovery] =
                    fast_refund(&order.buyer_id, &order.merchant_id, order.amount_fen)
                        .map_err(HandleError::reject)?;
                let Some(paid_txn) = ledger::post_once(conn, env.case_id, &advance, now).await?
                else {
                    tracing::info!("refund already paid for this case; nothing to do (PAY-5)");
                    return Ok(Vec::new());
                };
                ledger::record_refund(
                    conn,
                    env,
                    order,
                    "paid",
                    Some(&collected.tracking_number),
                    Some(collected.collected_at),
                    Some(now),
                    Some(paid_txn),
                )
                .await?;
                let mut out = vec![event_out(
                    env,
                    now,
                    &RefundPaid {
                        rule: RuleId::Pay1,
                        amount_fen: order.amount_fen,
                        buyer_id: order.buyer_id.clone(),
                        ledger_transaction_id: paid_txn,
                        paid_at: now,
                    },
                )?];
                if let Some(rec_txn) = ledger::post_once(conn, env.case_id, &recovery, now).await? {
                    ledger::open_recovery(
                        conn,
                        env.case_id,
                        &order.merchant_id,
                        order.amount_fen.0,
                        now,
                        rec_txn,
                    )
                    .await?;
                    out.push(event_out(
                        env,
                        now,
                        &RecoveryOpened {
                            rule: RuleId::Pay2,
                            merchant_id: order.merchant_id.clone(),
                            amount_fen: order.amount_fen,
                            ledger_transaction_id: rec_txn,
                        },
                    )?);
                }
                tracing::info!(
                    rule = RuleId::Pay1.as_str(),
                    "refund paid from the platform's advance"
                );
                // PAY-4: compensation owed is paid with the refund.
                out.extend(crate::compensation::pay_owed(conn, env.case_id, now).await?);
                Ok(out)
            }
            .instrument(span)
            .await
        })
    }
}

fn event_out<E: Event>(
    src: &Envelope,
    now: chrono::DateTime<chrono::Utc>,
    payload: &E,
) -> Result<Outgoing, HandleError> {
    Ok(Outgoing::follow_up(
        topics::PAYMENTS,
        "payment",
        src,
        now,
        payload,
    )?)
}
