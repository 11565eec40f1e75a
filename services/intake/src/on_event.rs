//! intake follows every case: each decision, pickup and payment event moves the case's status
//! forward and adds a timeline line; a paid refund (or a rejection) closes the case. The order
//! feed keeps intake's copy of the orders (ORD-1).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::{Emitter, EventHandler, HandleError, Incoming, Outgoing};
use returns_domain::machine::{self, Move};
use returns_domain::{CaseKind, CaseStatus, RuleId};
use returns_events::Envelope;
use returns_events::payloads::CaseClosed;
use returns_runtime::AppContext;

use crate::inbound::Inbound;
use crate::store::{self, NewTimelineRow};
use crate::timeline::{Entry, entry_for};

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
        match event {
            Inbound::Order(o) => crate::order_feed::apply(conn, &o, &self.ctx).await,
            other => self.follow(conn, at.envelope, other).await,
        }
    }
}

/// Where an event moved the case.
struct Moved {
    kind: CaseKind,
    to: Option<CaseStatus>,
    /// A paid refund, goods sent back or a final rejection close the case in the same step.
    closes: bool,
}

impl OnEvent {
    /// The case's next step and timeline line, and what follows from them.
    async fn follow(
        &self,
        conn: &mut AsyncPgConnection,
        env: &Envelope,
        event: Inbound,
    ) -> Result<Vec<Outgoing>, HandleError> {
        let Some(entry) = entry_for(&event) else {
            return Ok(Vec::new());
        };
        let now = self.ctx.clock.now();
        let m = self.step(conn, env, &event, &entry, now).await?;
        store::add_timeline(conn, &line(env, &entry)).await?;
        if m.kind == CaseKind::Care
            && let Some((rule, reason)) =
                crate::care_outcome::on_event(conn, env.case_id, &event).await?
        {
            store::add_timeline(conn, &card_line(env, rule, reason)).await?;
        }
        let mut out = Vec::new();
        if let Inbound::CaseApproved(approved) = event {
            if let Some(to) = &approved.return_address {
                crate::return_to::show(conn, env, to).await?;
            }
            let service = self.ctx.service;
            out.extend(
                crate::contacts::order_courier_job(conn, service, env, approved, now).await?,
            );
        } else if withdraws(&event) && m.to.is_some() {
            // PK-9: a pickup customer service cancelled withdraws the case with it.
            crate::order_store::release(conn, env.case_id, now).await?;
        }
        if m.closes || m.to == Some(CaseStatus::Closed) {
            // No courier will come for a closed case: its contact is not kept.
            crate::contacts::forget(conn, env.case_id).await?;
        }
        if m.closes {
            out.push(self.close(conn, env, &entry, now).await?);
        }
        Ok(out)
    }

    /// Moves the case as its kind's machine decides: forward, stale (read late), or refused
    /// naming both states.
    async fn step(
        &self,
        conn: &mut AsyncPgConnection,
        env: &Envelope,
        event: &Inbound,
        entry: &Entry,
        now: DateTime<Utc>,
    ) -> Result<Moved, HandleError> {
        let Some((mut kind, from)) = store::kind_and_status_for_update(conn, env.case_id).await?
        else {
            let reason = format!("case {} is unknown to intake", env.case_id);
            return Err(HandleError::reject(reason));
        };
        if matches!(event, Inbound::CaseConverted(_)) && kind == CaseKind::RefundOnly {
            // RS-3: the refund before shipment becomes a return and refund (K-2).
            store::convert_to_return(conn, env.case_id, now).await?;
            kind = CaseKind::ReturnRefund;
        }
        let to = match entry.status {
            Some(t) if machine::final_ruling(entry.reach) && from != CaseStatus::Closed => Some(t),
            Some(t) => match machine::step(kind, from, t).map_err(HandleError::reject)? {
                Move::To(t) => Some(t),
                Move::Stale => None,
            },
            None => None,
        };
        let closes = to.is_some_and(|t| machine::closes(kind, t, entry.reach));
        if let Some(t) = to {
            let t = if closes { CaseStatus::Closed } else { t };
            let rank = machine::rank(kind, t).unwrap_or_default();
            store::set_status(conn, env.case_id, t, rank, now).await?;
        }
        if closes && entry.status == Some(CaseStatus::Rejected) {
            // ORD-3: a final rejection gives the case's units back to the order.
            crate::order_store::release(conn, env.case_id, now).await?;
        }
        Ok(Moved { kind, to, closes })
    }

    /// `case.closed`, and its line on the timeline.
    async fn close(
        &self,
        conn: &mut AsyncPgConnection,
        env: &Envelope,
        entry: &Entry,
        now: DateTime<Utc>,
    ) -> Result<Outgoing, HandleError> {
        let outcome = entry.status.map(CaseStatus::as_str).unwrap_or_default();
        let closed = CaseClosed {
            closed_at: now,
            outcome: outcome.to_owned(),
        };
        let ev = Emitter::new(self.ctx.service, now).emit(env, &closed)?;
        let line = NewTimelineRow {
            case_id: env.case_id,
            event_id: ev.envelope.event_id,
            event_type: ev.envelope.event_type.clone(),
            status: Some(CaseStatus::Closed),
            rule_id: None,
            reason: format!("Case closed: {outcome}."),
            at: now,
        };
        store::add_timeline(conn, &line).await?;
        Ok(ev)
    }
}

/// ORD-3: a withdrawal gives the case's units back to the order.
fn withdraws(event: &Inbound) -> bool {
    matches!(
        event,
        Inbound::CaseCancelled(_) | Inbound::PickupCancelled(_)
    )
}

/// The event's own line, under its id.
fn line(env: &Envelope, entry: &Entry) -> NewTimelineRow {
    NewTimelineRow {
        case_id: env.case_id,
        event_id: env.event_id,
        event_type: env.event_type.clone(),
        status: entry.status,
        rule_id: entry.rule.clone(),
        reason: entry.reason.clone(),
        at: env.occurred_at,
    }
}

/// K-5: what the event did to the buyer's service card.
fn card_line(env: &Envelope, rule: RuleId, reason: String) -> NewTimelineRow {
    NewTimelineRow {
        case_id: env.case_id,
        event_id: uuid::Uuid::now_v7(),
        event_type: "care.card".to_owned(),
        status: None,
        rule_id: Some(rule.as_str().to_owned()),
        reason,
        at: env.occurred_at,
    }
}
