//! logistics' events, one arm each: `case.approved` (self-shipping, CT-2, or nothing to
//! collect; with the buyer's contact, a door pickup, PK-1..PK-3, the merchant's courier for a
//! care order, CARE-4, or a delivery slot, K-7, WF-3), `contact.given` (that contact, sent by
//! intake with the case's opening on the courier-jobs topic so that no other event carries it;
//! `contacts.rs` joins the two), `courier_job.ordered` (both at once, for a case opened before
//! `contact.given`), `case.rejected` and `case.cancelled` (a contact no job will need is
//! forgotten) and `case.converted` (RS-3: the buyer sends the shipped goods back).

use diesel_async::AsyncPgConnection;
use returns_bus::{EventHandler, HandleError, Incoming, Outgoing};
use returns_domain::CaseStatus;
use returns_domain::machine::{self, Reach};
use returns_events::Envelope;
use returns_events::payloads::{
    CaseApproved, CaseCancelled, CaseConverted, CaseRejected, ContactGiven, CourierJobOrdered,
    PickupAddress, RefundOrder,
};
use returns_runtime::AppContext;

returns_bus::inbound! {
    /// The events logistics reads (decisions and courier jobs).
    pub(crate) enum Inbound {
        CaseApproved,
        ContactGiven,
        CourierJobOrdered,
        CaseRejected,
        CaseCancelled,
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
            // The contact came with the case's opening, or waits for it.
            Inbound::CaseApproved(a) if a.door_pickup => {
                let now = self.ctx.clock.now();
                match crate::contacts::approved(conn, env.case_id, &a, now).await? {
                    Some(contact) => self.approved(conn, env, a, Some(contact)).await,
                    None => Ok(Vec::new()),
                }
            }
            Inbound::CaseApproved(a) => self.approved(conn, env, a, None).await,
            Inbound::ContactGiven(given) => {
                let now = self.ctx.clock.now();
                match crate::contacts::given(conn, env.case_id, &given, now).await? {
                    Some(a) => self.approved(conn, env, a, Some(given.contact)).await,
                    None => Ok(Vec::new()),
                }
            }
            Inbound::CourierJobOrdered(job) => {
                crate::contacts::forget(conn, env.case_id).await?;
                self.approved(conn, env, job.approved, Some(job.contact))
                    .await
            }
            Inbound::CaseRejected(r) => {
                let Some(kind) = crate::contacts::kind_waiting(conn, env.case_id).await? else {
                    return Ok(Vec::new());
                };
                // K-4: a merchant's rejection of an after-sales case is not final (AS-2).
                let reach = Reach::of_rejection(r.rule);
                if machine::closes(kind, CaseStatus::Rejected, reach) {
                    crate::contacts::forget(conn, env.case_id).await?;
                }
                Ok(Vec::new())
            }
            Inbound::CaseCancelled(_) => {
                crate::contacts::forget(conn, env.case_id).await?;
                Ok(Vec::new())
            }
            Inbound::CaseConverted(c) => {
                // RS-3: no advance for goods the merchant had already shipped.
                let refund = RefundOrder::of(&c.facts, false);
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
        if let Some(to) = &address {
            tracing::info!(
                case_id = %env.case_id,
                phone = %returns_web::pii::mask_phone(&to.contact_phone),
                address = %returns_web::pii::mask_address(&to.address),
                "courier job ordered"
            );
        }
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
