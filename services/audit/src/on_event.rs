//! audit's events, one arm each: a case opened is decided at once (AUTO-1) or waits for the
//! merchant (RV-1); a withdrawal, an order shipped during a refund (RS-3) and a call for
//! customer service (AS-2) are answered; payment's events feed the merchants' webhooks and
//! standing (MP-3); the order feed keeps audit's own copy of the orders (AS-4).

use diesel_async::AsyncPgConnection;
use returns_bus::{EventHandler, HandleError, Incoming, Outgoing};
use returns_events::payloads::{
    CancelRequested, CaseOpened, CompensationPaid, DisputeOpened, DisputeRuled,
    InterventionRequested, OrderShippedDuringRefund, RecoveryOpened, RecoverySettled, RefundPaid,
};
use returns_runtime::AppContext;

use crate::standing::{Change, Delta};

returns_bus::inbound! {
    /// The events audit reads: cases, payments and the order feed.
    pub(crate) enum Inbound {
        CaseOpened,
        CancelRequested,
        OrderShippedDuringRefund,
        InterventionRequested,
        RefundPaid,
        RecoveryOpened,
        RecoverySettled,
        DisputeOpened,
        DisputeRuled,
        CompensationPaid;
        orders => Order
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
        let (env, ctx) = (at.envelope, &self.ctx);
        match event {
            Inbound::Order(o) => crate::order_copy::apply(conn, &o, ctx).await,
            Inbound::CaseOpened(o) => crate::opened::decide_case(conn, env, &o, ctx).await,
            Inbound::CancelRequested(_) => {
                crate::cancel::on_request(conn, env, ctx.service, ctx.clock.now()).await
            }
            Inbound::OrderShippedDuringRefund(s) => {
                crate::shipment::on_order_shipped(conn, env, &s, ctx).await
            }
            Inbound::InterventionRequested(r) => crate::cs_desk::enqueue(conn, env, &r).await,
            Inbound::RefundPaid(p) => self.payment(conn, &at, Change::RefundPaid(p.paid_at)).await,
            Inbound::RecoveryOpened(p) => {
                self.payment(conn, &at, Change::By(Delta::recovery_opened(&p)))
                    .await
            }
            Inbound::RecoverySettled(p) => {
                self.payment(conn, &at, Change::By(Delta::recovery_settled(&p)))
                    .await
            }
            Inbound::DisputeOpened(p) => {
                self.payment(conn, &at, Change::By(Delta::dispute_opened(&p)))
                    .await
            }
            Inbound::DisputeRuled(p) => {
                self.payment(conn, &at, Change::By(Delta::dispute_ruled(&p)))
                    .await
            }
            Inbound::CompensationPaid(p) => {
                self.payment(conn, &at, Change::By(Delta::compensation_paid(&p)))
                    .await
            }
        }
    }
}

impl OnEvent {
    /// A payment of a merchant's case: its webhooks (audit's own decisions are fanned out as
    /// the relay publishes them), then its standing (MP-3).
    async fn payment(
        &self,
        conn: &mut AsyncPgConnection,
        at: &Incoming<'_>,
        change: Change,
    ) -> Result<Vec<Outgoing>, HandleError> {
        crate::webhooks::fan_out(&self.ctx.clock)
            .event(conn, at.envelope, at.raw)
            .await?;
        crate::standing::apply(conn, at, change).await
    }
}
