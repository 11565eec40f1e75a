//! logistics reacts to `case.approved`: self-shipping (CT-2) or nothing to collect; and to
//! `courier_job.ordered`, the approval of a case with the buyer's address (sent separately, on
//! the courier-jobs topic, so that no other event carries it): a door-pickup job (PK-1..PK-3),
//! the merchant's courier for a care order (CARE-4) or a delivery slot (K-7, WF-3).

use diesel_async::AsyncPgConnection;
use returns_bus::{EventHandler, HandleError, Incoming, Outgoing};
use returns_domain::RuleId;
use returns_events::payloads::{
    CaseApproved, CaseConverted, CourierJobOrdered, PickupDispatched, PickupNotOffered,
    PickupScheduled,
};
use returns_runtime::AppContext;
use tracing::Instrument;
use uuid::Uuid;

use crate::dispatch::{self, PickupDecision};
use crate::events::pickup_event;
use crate::store::{self, JobRow};

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
        if let Some(c) = event.payload::<CaseConverted>()? {
            // RS-3: the buyer sends the shipped goods back with their own tracking number.
            let env = event.envelope;
            let f = &c.facts;
            let refund = returns_events::payloads::RefundOrder {
                buyer_id: f.buyer_id.clone(),
                merchant_id: f.merchant_id.clone(),
                order_line_id: f.order_line_id.clone(),
                amount_fen: f.refund_amount_fen,
                fast_return: false,
                remedy: f.remedy,
            };
            let now = self.ctx.clock.now();
            crate::self_ship::await_buyer(conn, env.case_id, &env.city, &env.shard, &refund, now)
                .await?;
            return Ok(Vec::new());
        }
        let (approved, address) = if let Some(job) = event.payload::<CourierJobOrdered>()? {
            tracing::info!(
                case_id = %event.envelope.case_id,
                phone = %returns_web::pii::mask_phone(&job.contact.contact_phone),
                address = %returns_web::pii::mask_address(&job.contact.address),
                "courier job ordered"
            );
            (job.approved, Some(job.contact))
        } else if let Some(approved) = event.payload::<CaseApproved>()? {
            if approved.door_pickup {
                // Its courier job, with the address, follows from intake.
                return Ok(Vec::new());
            }
            (approved, None)
        } else {
            return Ok(Vec::new());
        };
        if let (Some(care), Some(address)) = (&approved.facts.care, &address) {
            // K-5: the merchant's own courier collects (CARE-4), not a partner's pickup.
            let now = self.ctx.clock.now();
            let f = &approved.facts;
            return crate::care_jobs::create(
                conn,
                event.envelope,
                care,
                &f.buyer_id,
                &f.merchant_id,
                address,
                &self.ctx,
                now,
            )
            .await;
        }
        if let (Some(d), Some(address)) = (&approved.facts.delivery, &address) {
            // K-7, WF-3: a delivery slot, not a pickup.
            let now = self.ctx.clock.now();
            return crate::delivery_jobs::book(
                conn,
                event.envelope,
                d,
                &approved.facts.merchant_id,
                address,
                &self.ctx,
                now,
            )
            .await;
        }
        if !approved.facts.remedy.goods_come_back() {
            // K-1, or a K-4 refund without return: nothing to collect.
            return Ok(Vec::new());
        }
        let env = event.envelope;
        let span = tracing::info_span!("logistics.plan_pickup", case_id = %env.case_id, city = %env.city, shard = %env.shard);
        async {
            let now = self.ctx.clock.now();
            let city = self.ctx.cities.city(&env.city);
            let decision =
                dispatch::decide(&approved, address, city, now, &self.ctx.settings.policy);
            let (c, ci, sh) = (env.case_id, env.city.as_str(), env.shard.as_str());
            match decision {
                PickupDecision::BuyerShips { rule, reason, refund } => {
                    tracing::info!(rule = rule.map(RuleId::as_str), "no door pickup");
                    crate::self_ship::await_buyer(conn, c, ci, sh, &refund, now).await?;
                    let rule = rule.unwrap_or(RuleId::Ct2);
                    Ok(vec![pickup_event(c, ci, sh, now, &PickupNotOffered { rule, reason }).map_err(HandleError::reject)?])
                }
                PickupDecision::Job { plan, courier_company, address, refund } => {
                    let job_id = Uuid::now_v7();
                    // PK-8: who pays the pickup fee.
                    let f = &approved.facts;
                    let plan_fee = returns_domain::pickup::fee(
                        f.size_class,
                        f.paid_online,
                        f.freight_insured,
                        &self.ctx.settings.policy,
                    );
                    let status = if plan.dispatch_now { "dispatched" } else { "scheduled" };
                    store::insert(
                        conn,
                        &JobRow {
                            job_id,
                            case_id: c,
                            city: env.city.clone(),
                            shard: env.shard.clone(),
                            status: status.to_owned(),
                            courier_company: courier_company.clone(),
                            size_class: serde_json::to_value(approved.facts.size_class)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default(),
                            address: address.address,
                            contact_phone: address.contact_phone,
                            dispatch_at: plan.dispatch_at,
                            dispatched_at: plan.dispatch_now.then_some(now),
                            arrive_by: plan.arrive_by,
                            accepted_at: None,
                            arrived_at: None,
                            late: false,
                            collected_at: None,
                            tracking_number: None,
                            refund: serde_json::to_value(&refund).map_err(HandleError::reject)?,
                            traceparent: returns_telemetry::current_traceparent(),
                            created_at: now,
                            first_weight_fee_fen: plan_fee.first_weight_fen.0,
                            extra_weight_fee_fen: plan_fee.extra_weight_fen.0,
                            insurance_pays_fen: plan_fee.insurance_pays_fen.0,
                            buyer_pays_fen: plan_fee.buyer_pays_fen.0,
                            rider_id: None,
                            rider_name: None,
                            called_at: None,
                        },
                    )
                    .await?;
                    if plan.dispatch_now {
                        let job = crate::events::JobRef { case_id: c, city: ci, shard: sh };
                        crate::accept::start_wait(conn, job, &courier_company, now, &self.ctx.settings.policy).await?;
                    }
                    let out = if plan.dispatch_now {
                        tracing::info!(%job_id, courier = %courier_company, "courier dispatched");
                        pickup_event(
                            c,
                            ci,
                            sh,
                            now,
                            &PickupDispatched {
                                job_id,
                                courier_company,
                                rule: RuleId::Pk1,
                                dispatched_at: now,
                                arrive_by: plan.arrive_by,
                            },
                        )
                    } else {
                        tracing::info!(%job_id, dispatch_at = %plan.dispatch_at, "pickup scheduled for the next window");
                        pickup_event(c, ci, sh, now, &PickupScheduled { job_id, rule: RuleId::Pk1, dispatch_at: plan.dispatch_at })
                    };
                    Ok(vec![out.map_err(HandleError::reject)?])
                }
            }
        }
        .instrument(span)
        .await
    }
}
