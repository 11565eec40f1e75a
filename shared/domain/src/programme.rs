//! MP-1, MP-2: the worry-free merchant programme. Members' buyers get fast return (the
//! platform advances refunds and recovers them later); a merchant joins and leaves at will,
//! but one that left the seller-paid freight insurance during its agreement waits 45 days to
//! rejoin.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::Policy;

/// A merchant's standing in the programme, as its registry records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub member: bool,
    pub left_at: Option<DateTime<Utc>>,
    /// MP-2: when it left, it also left the seller-paid freight insurance.
    pub left_freight_insurance: bool,
}

/// MP-1, MP-2: may the merchant join now? `Err` says why not and from when it may.
pub fn may_join(
    current: Option<&Membership>,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<(), String> {
    let Some(m) = current else {
        return Ok(());
    };
    if m.member {
        return Err("the merchant is already in the programme".to_owned());
    }
    if let (true, Some(left)) = (m.left_freight_insurance, m.left_at) {
        let from = left + Duration::days(policy.rejoin_wait_days);
        if now < from {
            return Err(format!(
                "MP-2: a merchant that left the seller-paid freight insurance may rejoin {} days after leaving, from {}",
                policy.rejoin_wait_days,
                from.to_rfc3339()
            ));
        }
    }
    Ok(())
}

/// MP-1: a member may leave at any time.
pub fn may_leave(current: Option<&Membership>) -> Result<(), String> {
    match current {
        Some(m) if m.member => Ok(()),
        _ => Err("the merchant is not in the programme".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn left(insurance: bool) -> Membership {
        Membership {
            member: false,
            left_at: Some(Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap()),
            left_freight_insurance: insurance,
        }
    }

    #[test]
    fn mp_1_merchants_join_and_leave_at_will() {
        let now = Utc.with_ymd_and_hms(2026, 10, 2, 0, 0, 0).unwrap();
        assert!(may_join(None, now, &Policy::default()).is_ok());
        assert!(may_join(Some(&left(false)), now, &Policy::default()).is_ok());
        let member = Membership {
            member: true,
            left_at: None,
            left_freight_insurance: false,
        };
        assert!(may_leave(Some(&member)).is_ok());
        assert!(may_leave(None).is_err());
        assert!(may_join(Some(&member), now, &Policy::default()).is_err());
    }

    #[test]
    fn mp_2_leaving_the_freight_insurance_means_45_days_before_rejoining() {
        let l = left(true);
        let at = l.left_at.unwrap();
        let p = Policy::default();
        let early = may_join(Some(&l), at + Duration::days(44), &p);
        assert!(early.is_err_and(|m| m.contains("MP-2") && m.contains("45 days")));
        assert!(may_join(Some(&l), at + Duration::days(45), &p).is_ok());
    }
}
