//! intake follows every case: each decision, pickup and payment event moves the case's status
//! forward and adds a timeline line; a paid refund (or a rejection) closes the case.

use diesel_async::AsyncPgConnection;
use returns_bus::{EventHandler, HandleError, Incoming, Outgoing};
use returns_domain::machine::{self, Move};
use returns_domain::{CaseKind, CaseStatus, RuleId};
use returns_events::Event;
use returns_events::payloads::{
    CaseApproved, CaseCancelled, CaseClosed, CaseConverted, PickupCancelled,
};
use returns_events::topics;
use returns_runtime::AppContext;

use crate::store::{self, NewTimelineRow};
use crate::timeline::entry_for;

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
        if event.topic == topics::ORDERS {
            return crate::order_feed::apply(conn, event.raw, &self.ctx).await;
        }
        let env = event.envelope;
        let Some(entry) = entry_for(env).map_err(HandleError::reject)? else {
            return Ok(Vec::new());
        };
        let now = self.ctx.clock.now();
        let Some((kind, status)) = store::kind_and_status_for_update(conn, env.case_id).await?
        else {
            return Err(HandleError::reject(format!(
                "case {} is unknown to intake",
                env.case_id
            )));
        };
        let mut kind = CaseKind::parse(&kind).ok_or_else(|| {
            HandleError::reject(format!("case {} has unknown kind {kind}", env.case_id))
        })?;
        if env.event_type == CaseConverted::TYPE && kind == CaseKind::RefundOnly {
            // RS-3: the refund before shipment becomes a return and refund (K-2).
            store::convert_to_return(conn, env.case_id, now).await?;
            kind = CaseKind::ReturnRefund;
        }
        let from = CaseStatus::parse(&status).ok_or_else(|| {
            HandleError::reject(format!("case {} has unknown status {status}", env.case_id))
        })?;
        // The kind's machine decides: forward, stale (read late), or refused naming both
        // states.
        let rule = entry.rule.as_deref().and_then(RuleId::parse);
        let moved = match entry.status {
            Some(target) if machine::final_ruling(target, rule) && from != CaseStatus::Closed => {
                Some(target)
            }
            Some(target) => {
                match machine::step(kind, from, target).map_err(HandleError::reject)? {
                    Move::To(t) => Some(t),
                    Move::Stale => None,
                }
            }
            None => None,
        };
        // A paid refund, goods sent back or a final rejection close the case in the same step.
        let closes = moved.is_some_and(|t| machine::closes(kind, t, rule));
        if let Some(t) = moved {
            let t = if closes { CaseStatus::Closed } else { t };
            let rank = machine::rank(kind, t).unwrap_or_default();
            store::set_status(conn, env.case_id, t, rank, now).await?;
        }
        store::add_timeline(
            conn,
            &NewTimelineRow {
                case_id: env.case_id,
                event_id: env.event_id,
                event_type: env.event_type.clone(),
                status: entry.status.map(|s| s.as_str().to_owned()),
                rule_id: entry.rule.clone(),
                reason: entry.reason.clone(),
                at: env.occurred_at,
            },
        )
        .await?;
        if kind == CaseKind::Care
            && let Some((rule, line)) = crate::care::on_event(conn, env.case_id, env).await?
        {
            store::add_timeline(
                conn,
                &NewTimelineRow {
                    case_id: env.case_id,
                    event_id: uuid::Uuid::now_v7(),
                    event_type: "care.card".to_owned(),
                    status: None,
                    rule_id: Some(rule.as_str().to_owned()),
                    reason: line,
                    at: env.occurred_at,
                },
            )
            .await?;
        }
        let mut out = Vec::new();
        if let Some(approved) = event.payload::<CaseApproved>()? {
            if let Some(to) = &approved.return_address {
                crate::return_to::show(conn, env, to).await?;
            }
            if let Some(job) =
                crate::contacts::order_courier_job(conn, self.ctx.service, env, approved, now)
                    .await?
            {
                out.push(job);
            }
        }
        // ORD-3: a final rejection or a withdrawal gives the case's units back to the order.
        let finally_rejected = closes && entry.status == Some(CaseStatus::Rejected);
        // PK-9: a pickup customer service cancelled withdraws the case with it.
        let withdrawn = (env.event_type == CaseCancelled::TYPE
            || env.event_type == PickupCancelled::TYPE)
            && moved.is_some();
        if finally_rejected || withdrawn {
            crate::order_store::release(conn, env.case_id, now).await?;
        }
        if closes || moved == Some(CaseStatus::Closed) {
            // No courier will come for a closed case: its contact is not kept.
            crate::contacts::forget(conn, env.case_id).await?;
        }
        if closes {
            let outcome = entry
                .status
                .map(CaseStatus::as_str)
                .unwrap_or_default()
                .to_owned();
            let closed = Outgoing::follow_up(
                topics::CASES,
                self.ctx.service,
                env,
                now,
                &CaseClosed {
                    closed_at: now,
                    outcome: outcome.clone(),
                },
            )?;
            store::add_timeline(
                conn,
                &NewTimelineRow {
                    case_id: env.case_id,
                    event_id: closed.envelope.event_id,
                    event_type: closed.envelope.event_type.clone(),
                    status: Some(CaseStatus::Closed.as_str().to_owned()),
                    rule_id: None,
                    reason: format!("Case closed: {outcome}."),
                    at: now,
                },
            )
            .await?;
            out.push(closed);
        }
        Ok(out)
    }
}
