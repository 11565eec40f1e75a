//! payment reacts to the parcel leaving the buyer (`pickup.collected`, `parcel.shipped`): with fast-return entitlement the refund is paid at
//! once from the platform's advance and the merchant's debt recorded (PAY-1, PAY-2); without
//! it the refund waits for the merchant's receipt (PAY-3).

use diesel_async::AsyncPgConnection;
use returns_bus::{EventHandler, HandleError, Incoming, Outgoing};
use returns_domain::RuleId;
use returns_domain::ledger::{fast_refund, insured_pickup_fee};
use returns_events::payloads::{
    CareProgress, CaseApproved, CaseConverted, CaseRejected, GoodsSentBack, ParcelShipped,
    PickupCollected, PickupLate, RecoveryOpened, RefundOrder, RefundPaid, ReturnCheckFailed,
    ReturnCheckOverruled,
};
use returns_events::{Envelope, Event, topics};
use returns_runtime::AppContext;
use tracing::Instrument;

use crate::ledger;

/// The buyer's parcel on its way to the merchant, with what the case asks for.
struct Parcel {
    order: RefundOrder,
    tracking_number: String,
    at: chrono::DateTime<chrono::Utc>,
}

pub(crate) struct OnEvent {
    pub ctx: AppContext,
}

impl EventHandler for OnEvent {
    #[expect(
        clippy::too_many_lines,
        reason = "issue 12 item 6: longer than a screen, to be split"
    )]
    async fn handle(
        &self,
        conn: &mut AsyncPgConnection,
        event: Incoming<'_>,
    ) -> Result<Vec<Outgoing>, HandleError> {
        if let Some(late) = event.payload::<PickupLate>()? {
            let now = self.ctx.clock.now();
            return crate::compensation::record_late_courier(conn, event.envelope, &late, now)
                .await;
        }
        if event.payload::<CaseConverted>()?.is_some() {
            // RS-3: the merchant shipped in time; the refund before shipment is not paid.
            returns_store::timers::cancel(
                conn,
                crate::on_approval::CUTOFF_KIND,
                event.envelope.case_id,
            )
            .await?;
            return Ok(Vec::new());
        }
        if let Some(check) = event.payload::<ReturnCheckFailed>()? {
            let now = self.ctx.clock.now();
            return crate::return_check::failed(conn, event.envelope, &check, now).await;
        }
        if event.payload::<ReturnCheckOverruled>()?.is_some() {
            let now = self.ctx.clock.now();
            return crate::return_check::overruled(conn, event.envelope, now).await;
        }
        if let Some(r) = event.payload::<CaseRejected>()? {
            if r.rule == RuleId::As2 {
                crate::return_check::upheld(conn, event.envelope).await?;
            }
            return Ok(Vec::new());
        }
        if let Some(p) = event.payload::<CareProgress>()? {
            let now = self.ctx.clock.now();
            return crate::care::on_progress(conn, event.envelope, &p, now).await;
        }
        if let Some(s) = event.payload::<GoodsSentBack>()? {
            let now = self.ctx.clock.now();
            return crate::care::on_sent_back(conn, event.envelope, &s, now).await;
        }
        if let Some(approved) = event.payload::<CaseApproved>()? {
            let now = self.ctx.clock.now();
            return crate::on_approval::settle(
                conn,
                event.envelope,
                &approved,
                &self.ctx.settings.policy,
                now,
            )
            .await;
        }
        // The parcel left the buyer: collected by a courier (PK-4) or shipped by the buyer
        // (CT-2). Either way its tracking number is known now.
        let sent = if let Some(c) = event.payload::<PickupCollected>()? {
            // PK-8: the insurance's part of the pickup fee, whatever the case asks for.
            if let Some(fee) = c.fee.filter(|f| f.insurance_pays_fen.is_positive()) {
                let m = insured_pickup_fee(&c.courier_company, fee.insurance_pays_fen)
                    .map_err(HandleError::reject)?;
                let now = self.ctx.clock.now();
                ledger::post_once(conn, event.envelope.case_id, &m, now).await?;
            }
            Parcel {
                order: c.refund,
                tracking_number: c.tracking_number,
                at: c.collected_at,
            }
        } else if let Some(s) = event.payload::<ParcelShipped>()? {
            Parcel {
                order: s.refund,
                tracking_number: s.tracking_number,
                at: s.shipped_at,
            }
        } else {
            return Ok(Vec::new());
        };
        if !sent.order.remedy.pays_refund() {
            // K-3, a K-4 repair: the merchant answers by sending goods back, and no refund
            // will come to pay a late courier's compensation with (PK-5): it is paid now
            // that the parcel is collected.
            let now = self.ctx.clock.now();
            return crate::compensation::pay_owed(conn, event.envelope.case_id, now).await;
        }
        let env = event.envelope;
        let order = &sent.order;
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
                    Some(&sent.tracking_number),
                    Some(sent.at),
                    None,
                    None,
                )
                .await?;
                crate::receipt::start_wait(conn, env, sent.at, &self.ctx.settings.policy, now)
                    .await?;
                return Ok(Vec::new());
            }
            let [advance, recovery] =
                fast_refund(&order.buyer_id, &order.merchant_id, order.amount_fen)
                    .map_err(HandleError::reject)?;
            let Some(paid_txn) = ledger::post_once(conn, env.case_id, &advance, now).await? else {
                tracing::info!("refund already paid for this case; nothing to do (PAY-5)");
                return Ok(Vec::new());
            };
            ledger::record_refund(
                conn,
                env,
                order,
                "paid",
                Some(&sent.tracking_number),
                Some(sent.at),
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
                // PAY-2: the merchant owes the advance; it settles on its receipt of the
                // parcel or when its window passes, unless it disputes (PAY-7).
                crate::recovery::open(
                    conn,
                    env,
                    &order.merchant_id,
                    &order.buyer_id,
                    order.amount_fen,
                    sent.at,
                    rec_txn,
                    &self.ctx.settings.policy,
                    now,
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
