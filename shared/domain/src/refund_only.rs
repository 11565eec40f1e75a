//! K-1, RS-1, RS-2: a refund asked before the order is complete.

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Duration, Utc};

use crate::{Fen, Policy, ReturnReason, RuleId};

/// RS-3: when a refund before shipment is paid; `None` when it is paid at once. The minute
/// after the cut-off lets a shipment reported just before it reach payment first.
pub fn payable_at(requested_at: DateTime<Utc>, policy: &Policy) -> Option<DateTime<Utc>> {
    (policy.unshipped_refund_cutoff_minutes > 0).then(|| {
        requested_at
            + Duration::minutes(policy.unshipped_refund_cutoff_minutes)
            + Duration::minutes(1)
    })
}

/// RS-3: may a shipment reported at `now` turn the refund request (approved under `rule`) into
/// a return? Only before the refund completes, i.e. within the cut-off.
pub fn shipment_converts(
    rule: RuleId,
    requested_at: DateTime<Utc>,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<(), String> {
    if !matches!(rule, RuleId::Rs1 | RuleId::Rs2) {
        return Err("RS-3 applies to a refund before shipment (RS-1, RS-2)".to_owned());
    }
    let cutoff = requested_at + Duration::minutes(policy.unshipped_refund_cutoff_minutes);
    if now >= cutoff {
        return Err(format!(
            "RS-3: the refund completed at {}; a later shipment does not change it",
            cutoff.to_rfc3339()
        ));
    }
    Ok(())
}

/// What a refund-only request before shipment gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnshippedRefund {
    /// RS-1 (with compensation) or RS-2 (without).
    pub rule: RuleId,
    /// RS-1: taken from the merchant's deposit and paid with the refund (PAY-4).
    pub compensation: Option<Fen>,
    pub reason: String,
}

/// RS-1 and RS-2: the goods never left, so the refund needs no merchant approval; an
/// out-of-stock or late-shipping merchant also owes `unshipped_compensation_percent` of the
/// paid amount (rounded down to the fen).
pub fn unshipped(reason: ReturnReason, paid: Fen, policy: &Policy) -> UnshippedRefund {
    if policy.compensated_reasons.contains(&reason) {
        let amount = paid
            .percent(policy.unshipped_compensation_percent)
            .unwrap_or(Fen::ZERO);
        UnshippedRefund {
            rule: RuleId::Rs1,
            compensation: amount.is_positive().then_some(amount),
            reason: format!(
                "Refunded at once: the merchant did not ship, and owes you {}% of the price as compensation.",
                policy.unshipped_compensation_percent
            ),
        }
    } else {
        UnshippedRefund {
            rule: RuleId::Rs2,
            compensation: None,
            reason:
                "Refunded at once: the goods were not shipped, so no merchant approval is needed."
                    .to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rs_3_shipping_before_the_refund_completes_converts_the_case() {
        use chrono::TimeZone;
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let p = Policy {
            unshipped_refund_cutoff_minutes: 30,
            ..Policy::default()
        };
        assert!(shipment_converts(RuleId::Rs1, t, t + Duration::minutes(29), &p).is_ok());
        assert!(shipment_converts(RuleId::Rs1, t, t + Duration::minutes(30), &p).is_err());
        assert!(shipment_converts(RuleId::Rv1, t, t, &p).is_err());
        assert_eq!(payable_at(t, &p), Some(t + Duration::minutes(31)));
        let at_once = Policy {
            unshipped_refund_cutoff_minutes: 0,
            ..Policy::default()
        };
        assert_eq!(payable_at(t, &at_once), None, "0 pays at once");
        assert!(shipment_converts(RuleId::Rs2, t, t, &at_once).is_err());
        assert_eq!(
            Policy::default().unshipped_refund_cutoff_minutes,
            30,
            "by default RS-3 has its moment"
        );
    }

    #[test]
    fn rs_1_out_of_stock_or_late_shipping_owes_thirty_percent() {
        for reason in [ReturnReason::OutOfStock, ReturnReason::NotShippedInTime] {
            let r = unshipped(reason, Fen(19_999), &Policy::default());
            assert_eq!(r.rule, RuleId::Rs1);
            assert_eq!(
                r.compensation,
                Some(Fen(5_999)),
                "30% rounded down to the fen"
            );
        }
    }

    #[test]
    fn rs_2_other_reasons_refund_without_compensation() {
        let r = unshipped(ReturnReason::DidNotLike, Fen(10_000), &Policy::default());
        assert_eq!((r.rule, r.compensation), (RuleId::Rs2, None));
    }
}
