//! K-6 complaints against a merchant (AS-4, AS-5): who may complain of what, when, and the
//! complaint's own state machine. Customer service upholds or dismisses; an upheld complaint
//! costs the merchant violation points (AS-5).

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::{Policy, ReturnReason, RuleId};

/// What the merchant is accused of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grounds {
    /// AS-4: a promise broken while the order awaits payment.
    BrokenPromise,
    /// AS-5: an invoice problem in an after-sales case.
    InvoiceProblem,
    /// AS-5: goods not as described in an after-sales case.
    NotAsDescribed,
}

crate::lifecycle::lifecycle! {
    /// K-6's machine: filed, then upheld or dismissed by customer service, once.
    pub enum ComplaintState as "complaint" {
        Filed = "filed",
        Upheld = "upheld",
        Dismissed = "dismissed",
    }
    moves {
        Filed => Upheld | Dismissed,
    }
}

/// K-6: only a filed complaint is ruled on; a ruling is final. `Err` names both states.
pub fn step(from: ComplaintState, to: ComplaintState) -> Result<ComplaintState, String> {
    from.step(to).map_err(|e| e.to_string())
}

/// AS-4: the order still awaits payment, within `awaiting_payment_hours` of being placed.
pub fn broken_promise_allowed(
    awaiting_payment: bool,
    placed_at: DateTime<Utc>,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<RuleId, String> {
    if !awaiting_payment {
        return Err(
            "AS-4: a broken promise is complained of while the order awaits payment".to_owned(),
        );
    }
    let age = now - placed_at;
    if age < Duration::zero() || age > Duration::hours(policy.awaiting_payment_hours) {
        return Err(format!(
            "AS-4: an order awaits payment for at most {} hours; this one was placed {} hours ago",
            policy.awaiting_payment_hours,
            age.num_hours()
        ));
    }
    Ok(RuleId::As4)
}

/// AS-5: the after-sales case's reason matches the grounds, and customer service was asked to
/// intervene in it.
pub fn after_sales_complaint_allowed(
    grounds: Grounds,
    case_reason: ReturnReason,
    intervention_requested: bool,
) -> Result<RuleId, String> {
    let matches = matches!(
        (grounds, case_reason),
        (Grounds::InvoiceProblem, ReturnReason::InvoiceProblem)
            | (Grounds::NotAsDescribed, ReturnReason::NotAsDescribed)
    );
    if !matches {
        return Err(
            "AS-5: the complaint's grounds must be the after-sales request's reason (invoice problem or not as described)"
                .to_owned(),
        );
    }
    if !intervention_requested {
        return Err(
            "AS-5: a complaint follows a request for customer service to intervene in the case"
                .to_owned(),
        );
    }
    Ok(RuleId::As5)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn k_6_a_complaint_is_ruled_once() {
        use ComplaintState::*;
        assert_eq!(step(Filed, Upheld), Ok(Upheld));
        assert_eq!(step(Filed, Dismissed), Ok(Dismissed));
        let e = step(Upheld, Dismissed).unwrap_err();
        assert!(e.contains("from upheld to dismissed"), "{e}");
    }

    #[test]
    fn as_4_broken_promise_only_while_the_order_awaits_payment() {
        let placed = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
        let p = Policy::default();
        assert_eq!(
            broken_promise_allowed(true, placed, placed + Duration::hours(71), &p),
            Ok(RuleId::As4)
        );
        assert!(broken_promise_allowed(true, placed, placed + Duration::hours(73), &p).is_err());
        assert!(broken_promise_allowed(false, placed, placed, &p).is_err());
    }

    #[test]
    fn as_5_complaint_needs_the_matching_reason_and_an_intervention() {
        let ok = after_sales_complaint_allowed(
            Grounds::NotAsDescribed,
            ReturnReason::NotAsDescribed,
            true,
        );
        assert_eq!(ok, Ok(RuleId::As5));
        assert!(
            after_sales_complaint_allowed(
                Grounds::NotAsDescribed,
                ReturnReason::NotAsDescribed,
                false
            )
            .is_err()
        );
        assert!(
            after_sales_complaint_allowed(Grounds::InvoiceProblem, ReturnReason::WrongSize, true)
                .is_err()
        );
    }
}
