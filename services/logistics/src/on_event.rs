//! logistics' events, one arm each: `case.approved` (self-shipping, CT-2, or nothing to
//! collect), `courier_job.ordered` (the approval with the buyer's address, sent separately on
//! the courier-jobs topic so that no other event carries it: a door pickup, PK-1..PK-3, the
//! merchant's courier for a care order, CARE-4, or a delivery slot, K-7, WF-3) and
//! `case.converted` (RS-3: the buyer sends the shipped goods back).

use diesel_async::AsyncPgConnection;
use returns_bus::{EventHandler, HandleError, Incoming, Outgoing};
use returns_events::Envelope;
use returns_events::payloads::{
    CaseApproved, CaseConverted, CourierJobOrdered, PickupAddress, RefundOrder,
};
use returns_runtime::AppContext;

returns_bus::inbound! {
    /// The events logistics reads (decisions and courier jobs).
    pub(crate) enum Inbound {
        CaseApproved,
        CourierJobOrdered,
        CaseConverted,
    }
}

pub(crate) struct OnEvent {
    pub ctx: AppContext,
}

impl EventHandler for OnEvent {
    type Event = Inbound;

    async fn handle(
        &self,
        conn: &mut AsyncPgConnection,
        at: Incoming<'_>,
        event: Inbound,
    ) -> Result<Vec<Outgoing>, HandleError> {
        let env = at.envelope;
        match event {
            // Its courier job, with the address, follows from intake.
            Inbound::CaseApproved(a) if a.door_pickup => Ok(Vec::new()),
            Inbound::CaseApproved(a) => self.approved(conn, env, a, None).await,
            Inbound::CourierJobOrdered(job) => {
                tracing::info!(
                    case_id = %env.case_id,
                    phone = %returns_web::pii::mask_phone(&job.contact.contact_phone),
                    address = %returns_web::pii::mask_address(&job.contact.address),
                    "courier job ordered"
                );
                self.approved(conn, env, job.approved, Some(job.contact))
                    .await
            }
            Inbound::CaseConverted(c) => {
                let f = &c.facts;
                let refund = RefundOrder {
                    buyer_id: f.buyer_id.clone(),
                    merchant_id: f.merchant_id.clone(),
                    order_line_id: f.order_line_id.clone(),
                    amount_fen: f.refund_amount_fen,
                    fast_return: false,
                    remedy: f.remedy,
                };
                let (now, case) = (self.ctx.clock.now(), env.case_id);
                crate::self_ship::await_buyer(conn, case, &env.city, &env.shard, &refund, now)
                    .await?;
                Ok(Vec::new())
            }
        }
    }
}

impl OnEvent {
    /// What an approved case needs from logistics, by what it asks for.
    async fn approved(
        &self,
        conn: &mut AsyncPgConnection,
        env: &Envelope,
        approved: CaseApproved,
        address: Option<PickupAddress>,
    ) -> Result<Vec<Outgoing>, HandleError> {
        let (ctx, now, f) = (&self.ctx, self.ctx.clock.now(), &approved.facts);
        match (&f.care, &f.delivery, &address) {
            // K-5: the merchant's own courier collects (CARE-4), not a partner's pickup.
            (Some(care), _, Some(to)) => {
                let (buyer, merchant) = (&f.buyer_id, &f.merchant_id);
                crate::care_jobs::create(conn, env, care, buyer, merchant, to, ctx, now).await
            }
            // K-7, WF-3: a delivery slot, not a pickup.
            (None, Some(d), Some(to)) => {
                crate::delivery_jobs::book(conn, env, d, &f.merchant_id, to, ctx, now).await
            }
            // K-1, or a K-4 refund without return: nothing to collect.
            _ if !f.remedy.goods_come_back() => Ok(Vec::new()),
            _ => crate::pickup_plan::plan(conn, env, &approved, address, ctx).await,
        }
    }
}
