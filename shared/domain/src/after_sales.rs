//! K-4 after-sales: AS-1's window, AS-2's intervention, AS-3's compensation.

use chrono::{DateTime, Duration, Utc};

use crate::{Fen, Policy, ReturnReason};

/// AS-1: after-sales may be asked from day 0 to day `after_sales_days` after the order
/// completed. `Err` says why not, for the buyer.
pub fn within_window(
    completed_at: DateTime<Utc>,
    requested_at: DateTime<Utc>,
    policy: &Policy,
) -> Result<(), String> {
    let age = requested_at - completed_at;
    if age < Duration::zero() {
        return Err("the order cannot complete after the request".to_owned());
    }
    if age > Duration::days(policy.after_sales_days) {
        return Err(format!(
            "AS-1: after-sales can be asked from day 0 to day {} after the order completed; this order completed {} days ago",
            policy.after_sales_days,
            age.num_days()
        ));
    }
    Ok(())
}

/// AS-2: when either side may ask customer service to intervene.
pub fn intervention_opens_at(requested_at: DateTime<Utc>, policy: &Policy) -> DateTime<Utc> {
    requested_at + Duration::hours(policy.intervention_after_hours)
}

/// AS-3: the compensation an after-sales reason carries (the same reasons and percentage as
/// RS-1), paid from the merchant's deposit when the refund completes (PAY-4).
pub fn compensation(reason: ReturnReason, paid: Fen, policy: &Policy) -> Option<Fen> {
    if !policy.compensated_reasons.contains(&reason) {
        return None;
    }
    let amount = paid
        .percent(policy.unshipped_compensation_percent)
        .unwrap_or(Fen::ZERO);
    amount.is_positive().then_some(amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn completed() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap()
    }

    #[test]
    fn as_1_after_sales_from_day_0_to_day_15() {
        let p = Policy::default();
        assert!(within_window(completed(), completed(), &p).is_ok());
        assert!(within_window(completed(), completed() + Duration::days(15), &p).is_ok());
        let late = within_window(completed(), completed() + Duration::days(16), &p);
        assert!(late.is_err_and(|m| m.contains("day 15") && m.contains("16 days ago")));
        assert!(within_window(completed(), completed() - Duration::hours(1), &p).is_err());
    }

    #[test]
    fn as_2_intervention_opens_72_hours_after_the_request() {
        let at = intervention_opens_at(completed(), &Policy::default());
        assert_eq!(at - completed(), Duration::hours(72));
    }

    #[test]
    fn as_3_merchant_fault_reasons_carry_compensation() {
        let p = Policy::default();
        assert_eq!(
            compensation(ReturnReason::NotShippedInTime, Fen(10_000), &p),
            Some(Fen(3_000))
        );
        assert_eq!(
            compensation(ReturnReason::QualityProblem, Fen(10_000), &p),
            None
        );
        let p = Policy {
            compensated_reasons: vec![ReturnReason::NotAsDescribed],
            ..Policy::default()
        };
        assert!(compensation(ReturnReason::NotAsDescribed, Fen(10_000), &p).is_some());
    }
}
