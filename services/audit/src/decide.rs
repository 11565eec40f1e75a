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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use returns_domain::Category;

    /// A return of one pair of shoes from order `o-1`, asked on 2026-11-02 by a 5-star buyer.
    fn opened(extra: serde_json::Value) -> CaseOpened {
        let mut facts = serde_json::json!({
            "buyer_id": "b-1", "merchant_id": "m-1", "order_line_id": "l-1",
            "order_id": "o-1", "kind": "return_refund", "remedy": "return_refund",
            "reason": "wrong_size", "category": "shoes", "size_class": "small",
            "paid_amount_fen": 19900, "refund_amount_fen": 19900,
            "received_at": "2026-11-01T08:00:00Z", "requested_at": "2026-11-02T08:00:00Z",
            "buyer_rating": 5,
        });
        if let (Some(f), Some(e)) = (facts.as_object_mut(), extra.as_object()) {
            f.extend(e.clone());
        }
        let body = serde_json::json!({ "facts": facts, "door_pickup": true });
        serde_json::from_value(body).unwrap_or_else(|e| panic!("a case.opened: {e}"))
    }

    fn line(id: &str, category: &str) -> serde_json::Value {
        serde_json::json!({
            "order_line_id": id, "product_id": format!("p-{id}"), "category": category,
            "size_class": "small", "quantity": 1, "amount_fen": 9950,
        })
    }

    #[test]
    fn ord_5_every_line_of_the_case_brings_its_own_category() {
        let o = opened(serde_json::json!({
            "lines": [line("l-1", "shoes"), line("l-2", "food")],
        }));
        let f = facts_of(&o, true, false);
        assert_eq!(f.categories, vec![Category::Shoes, Category::Food]);
    }

    #[test]
    fn ord_5_a_case_from_before_orders_has_its_one_category() {
        let f = facts_of(&opened(serde_json::json!({})), true, true);
        assert_eq!(f.categories, vec![Category::Shoes]);
    }

    #[test]
    fn ct_1_and_mp_1_come_from_audit_not_from_the_event() {
        let o = opened(serde_json::json!({ "merchant_shipped": true, "guarantee": "wf-2" }));
        let f = facts_of(&o, false, true);
        assert_eq!((f.city_covered, f.merchant_in_programme), (false, true));
        assert_eq!(
            (f.merchant_shipped, f.guarantee.as_deref()),
            (true, Some("wf-2"))
        );
        assert_eq!(
            (f.requested_at, f.received_at),
            (o.facts.requested_at, o.facts.received_at)
        );
        assert_eq!(f.rating, o.facts.buyer_rating);
    }

    #[test]
    fn rv_1_a_merchant_has_72_hours_to_review() {
        let o = opened(serde_json::json!({}));
        let policy = Policy::default();
        let due = review_deadline(&o, &policy);
        assert_eq!(due - o.facts.requested_at, Duration::hours(72));
    }

    #[test]
    fn care_3_a_care_order_has_48_hours_or_the_longer_time_its_service_states() {
        let care = |hours: serde_json::Value| {
            opened(
                serde_json::json!({ "kind": "care", "remedy": "repair", "care": {
                    "card_id": "card-1", "service": "cleaning", "goods_value_fen": 19900,
                    "review_hours": hours, "merchant_courier": "sf-express",
                }}),
            )
        };
        let policy = Policy::default();
        for (hours, expected) in [
            (serde_json::Value::Null, 48),
            (96.into(), 96),
            (24.into(), 48),
        ] {
            let o = care(hours.clone());
            let waited = review_deadline(&o, &policy) - o.facts.requested_at;
            assert_eq!(waited, Duration::hours(expected), "stated {hours}");
        }
    }
}
