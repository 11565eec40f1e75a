//! From an opened case to the decision and the event announcing it (AUTO-1..3, RV-1, RV-2).

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use returns_bus::About;
use returns_bus::{BusError, Outgoing};
use returns_domain::approval::{self, ApprovalDecision, ApprovalFacts, ApprovalOutcome};
use returns_domain::{CaseKind, Policy, RuleId};
use returns_events::payloads::{CaseApproved, CaseAwaitingMerchant, CaseOpened, CaseRejected};

pub(crate) fn facts_of(
    opened: &CaseOpened,
    city_covered: bool,
    in_programme: bool,
) -> ApprovalFacts {
    ApprovalFacts {
        kind: opened.facts.kind,
        remedy: opened.facts.remedy,
        reason: opened.facts.reason,
        // ORD-5: every line's category; a case from before orders has its one category.
        categories: if opened.facts.lines.is_empty() {
            vec![opened.facts.category]
        } else {
            opened.facts.lines.iter().map(|l| l.category).collect()
        },
        rating: opened.facts.buyer_rating,
        received_at: opened.facts.received_at,
        requested_at: opened.facts.requested_at,
        city_covered,
        merchant_shipped: opened.facts.merchant_shipped,
        merchant_in_programme: in_programme,
        guarantee: opened.facts.guarantee.clone(),
    }
}

pub(crate) fn decide(facts: &ApprovalFacts, policy: &Policy) -> ApprovalDecision {
    approval::decide(facts, policy)
}

/// RV-1's 72 hours, or CARE-3's 48 (or the longer time the care service states).
pub(crate) fn review_deadline(opened: &CaseOpened, policy: &Policy) -> DateTime<Utc> {
    match &opened.facts.care {
        Some(c) => {
            returns_domain::care::review_deadline(opened.facts.requested_at, c.review_hours, policy)
        }
        None => approval::merchant_review_deadline(opened.facts.requested_at, policy),
    }
}

/// The event for a fresh decision.
pub(crate) async fn decision_event(
    conn: &mut AsyncPgConnection,
    c: &About<'_>,
    opened: &CaseOpened,
    d: &ApprovalDecision,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<Outgoing, BusError> {
    match d.outcome {
        ApprovalOutcome::Approved { fast_return } => {
            approved_event(
                conn,
                c,
                opened,
                d.rule,
                &d.reason,
                "system",
                fast_return,
                now,
            )
            .await
        }
        ApprovalOutcome::AwaitMerchant => returns_bus::Emitter::new(crate::SERVICE, now).emit(
            c,
            &CaseAwaitingMerchant {
                rule: d.rule,
                reason: d.reason.clone(),
                review_deadline: review_deadline(opened, policy),
            },
        ),
    }
}

/// `case.approved`, with the merchant's return address for the case's city when its goods
/// come back (ORD-4).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn approved_event(
    conn: &mut AsyncPgConnection,
    c: &About<'_>,
    opened: &CaseOpened,
    rule: RuleId,
    reason: &str,
    by: &str,
    fast_return: bool,
    now: DateTime<Utc>,
) -> Result<Outgoing, BusError> {
    let f = &opened.facts;
    let return_address = if f.remedy.goods_come_back() && f.kind != CaseKind::Care {
        crate::return_address::for_city(conn, &f.merchant_id, c.city).await?
    } else {
        None
    };
    returns_bus::Emitter::new(crate::SERVICE, now).emit(
        c,
        &CaseApproved {
            return_address,
            rule,
            reason: reason.to_owned(),
            approved_by: by.to_owned(),
            fast_return,
            approved_at: now,
            facts: opened.facts.clone(),
            door_pickup: opened.door_pickup,
        },
    )
}

/// RV-2: a rejection carries the merchant's reason for the buyer.
pub(crate) fn rejected_event(
    c: &About<'_>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Outgoing, BusError> {
    rejected_event_under(c, RuleId::Rv2, reason, now)
}

/// A rejection under `rule`: the merchant's (RV-2) or customer service's final one (AS-2).
pub(crate) fn rejected_event_under(
    c: &About<'_>,
    rule: RuleId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Outgoing, BusError> {
    returns_bus::Emitter::new(crate::SERVICE, now).emit(
        c,
        &CaseRejected {
            rule,
            reason: reason.to_owned(),
            rejected_at: now,
        },
    )
}
