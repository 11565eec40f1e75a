//! payment's events, one arm each: the decision (pay a refund without return at once, or wait
//! for RS-3's cut-off), the parcel leaving the buyer (`pickup.collected`, `parcel.shipped`: pay
//! from the platform's advance, PAY-1, PAY-2, or wait for the merchant's receipt, PAY-3), the
//! return check (RV-3, AS-2), a late courier (PK-5) and the care order's money (K-5).

use diesel_async::AsyncPgConnection;
use returns_bus::{EventHandler, HandleError, Incoming, Outgoing};
use returns_domain::RuleId;
use returns_events::payloads::{
    CareProgress, CaseApproved, CaseConverted, CaseRejected, GoodsSentBack, ParcelShipped,
    PickupCollected, PickupLate, RefundOrder, ReturnCheckFailed, ReturnCheckOverruled,
};
use returns_runtime::AppContext;

use crate::parcel;
use crate::parcel_facts::Parcel;

returns_bus::inbound! {
    /// The events payment reads (decisions and pickups).
    pub(crate) enum Inbound {
        CaseApproved,
        CaseConverted,
        CaseRejected,
        ReturnCheckFailed,
        ReturnCheckOverruled,
        PickupLate,
        PickupCollected,
        ParcelShipped,
        CareProgress,
        GoodsSentBack,
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
        let (env, now, policy) = (at.envelope, self.ctx.clock.now(), &self.ctx.settings.policy);
        match event {
            Inbound::CaseApproved(a) => {
                let mut out = crate::on_approval::settle(conn, env, &a, policy, now).await?;
                if a.facts.remedy.goods_come_back() {
                    let order = RefundOrder::of(&a.facts, a.fast_return);
                    out.extend(parcel::order_known(conn, env, &order, false, policy, now).await?);
                }
                Ok(out)
            }
            Inbound::CaseConverted(c) => {
                // RS-3: the merchant shipped in time; the refund before shipment is not paid,
                // the goods come back as in a return, without an advance.
                let kind = crate::on_approval::CUTOFF_KIND;
                returns_store::timers::cancel(conn, kind, env.case_id).await?;
                let order = RefundOrder::of(&c.facts, false);
                parcel::order_known(conn, env, &order, true, policy, now).await
            }
            Inbound::CaseRejected(r) => {
                if r.rule == RuleId::As2 {
                    crate::return_check::upheld(conn, env).await?;
                }
                Ok(Vec::new())
            }
            Inbound::ReturnCheckFailed(c) => crate::return_check::failed(conn, env, &c, now).await,
            Inbound::ReturnCheckOverruled(_) => {
                crate::return_check::overruled(conn, env, now).await
            }
            Inbound::PickupLate(l) => {
                crate::compensation::record_late_courier(conn, env, &l, now).await
            }
            Inbound::PickupCollected(c) => {
                parcel::insured_fee(conn, env, &c, now).await?;
                parcel::left_buyer(conn, env, Parcel::collected(c), policy, now).await
            }
            Inbound::ParcelShipped(s) => {
                parcel::left_buyer(conn, env, Parcel::shipped(s), policy, now).await
            }
            Inbound::CareProgress(p) => crate::care::on_progress(conn, env, &p, now).await,
            Inbound::GoodsSentBack(s) => crate::care::on_sent_back(conn, env, &s, now).await,
        }
    }
}
