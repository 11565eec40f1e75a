//! audit reacts to `case.opened`: decide at once (AUTO-1) or wait for the merchant (RV-1).

use diesel_async::AsyncPgConnection;
use returns_bus::{EventHandler, HandleError, Incoming, Outgoing};
use returns_domain::approval::ApprovalOutcome;
use returns_events::Event;
use returns_events::payloads::{
    CancelRequested, CaseOpened, InterventionRequested, OrderShippedDuringRefund,
};
use returns_events::topics;
use returns_runtime::AppContext;
use tracing::Instrument;

use crate::decide::{self, CaseRef};
use crate::store::{self, DecisionRow};

pub(crate) struct OnEvent {
    pub ctx: AppContext,
}

impl EventHandler for OnEvent {
    async fn handle(
        &self,
        conn: &mut AsyncPgConnection,
        event: Incoming<'_>,
    ) -> Result<Vec<Outgoing>, HandleError> {
        // AS-4: audit's own copy of the orders.
        if event.topic == topics::ORDERS {
            return crate::order_copy::apply(conn, event.raw, &self.ctx).await;
        }
        // Merchants' webhooks: the payments of their cases (audit's own decisions are
        // fanned out as the relay publishes them).
        if event.topic == topics::PAYMENTS {
            crate::webhooks::fan_out(&self.ctx.clock)
                .event(conn, event.envelope, event.raw)
                .await?;
        }
        if event.envelope.event_type == CancelRequested::TYPE {
            let now = self.ctx.clock.now();
            return crate::cancel::on_request(conn, event.envelope, self.ctx.service, now).await;
        }
        if let Some(shipped) = event.payload::<OrderShippedDuringRefund>()? {
            return crate::shipment::on_order_shipped(conn, event.envelope, &shipped, &self.ctx)
                .await;
        }
        if let Some(req) = event.payload::<InterventionRequested>()? {
            return crate::cs_desk::enqueue(conn, event.envelope, &req).await;
        }
        let Some(opened) = event.payload::<CaseOpened>()? else {
            // Payment's events feed the merchants' standing (MP-3).
            return crate::standing::apply(conn, &event).await;
        };
        let env = event.envelope;
        let span = tracing::info_span!("audit.decide", case_id = %env.case_id, city = %env.city, shard = %env.shard, rule = tracing::field::Empty);
        async {
            let now = self.ctx.clock.now();
            let policy = &self.ctx.settings.policy;
            // MP-1: fast return is for the programme's members.
            let member = crate::programme::membership(conn, &opened.facts.merchant_id)
                .await?
                .is_some_and(|m| m.member);
            let facts = decide::facts_of(&opened, self.ctx.cities.is_covered(&env.city), member);
            let d = decide::decide(&facts, policy);
            tracing::Span::current().record("rule", d.rule.as_str());
            let case = CaseRef {
                case_id: env.case_id,
                city: &env.city,
                shard: &env.shard,
            };
            let out = decide::decision_event(conn, &case, &opened, &d, now, policy).await?;
            let (status, deadline) = match d.outcome {
                ApprovalOutcome::Approved { .. } => ("approved", None),
                ApprovalOutcome::AwaitMerchant => (
                    "awaiting_merchant",
                    Some(decide::review_deadline(&opened, policy)),
                ),
            };
            store::insert(
                conn,
                &DecisionRow {
                    case_id: env.case_id,
                    city: env.city.clone(),
                    shard: env.shard.clone(),
                    merchant_id: opened.facts.merchant_id.clone(),
                    status: status.to_owned(),
                    rule_id: d.rule.as_str().to_owned(),
                    reason: d.reason.clone(),
                    // The facts the rule read, and RV-4's classification of the request.
                    inputs: serde_json::json!({ "facts": facts, "class": d.class }),
                    opened: env.payload.clone(),
                    review_deadline: deadline,
                    decided_by: matches!(d.outcome, ApprovalOutcome::Approved { .. })
                        .then(|| "system".to_owned()),
                    decided_at: now,
                },
            )
            .await?;
            if let Some(due) = deadline {
                // RV-1: if the merchant stays silent until then, the system approves.
                let timer = returns_store::timers::NewTimer {
                    kind: crate::review_timer::KIND.to_owned(),
                    case_id: env.case_id,
                    city: env.city.clone(),
                    shard: env.shard.clone(),
                    due_at: due,
                    payload: serde_json::Value::Null,
                    traceparent: returns_telemetry::current_traceparent(),
                    created_at: now,
                };
                returns_store::timers::schedule(conn, &timer).await?;
            }
            tracing::info!(rule = d.rule.as_str(), status, "decided");
            Ok(vec![out])
        }
        .instrument(span)
        .await
    }
}
