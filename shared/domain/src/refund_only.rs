//! K-1, RS-1, RS-2: a refund asked before the order is complete.

use serde::{Deserialize, Serialize};

use crate::{Fen, Policy, ReturnReason, RuleId};

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
        let amount = Fen(paid.0 * policy.unshipped_compensation_percent / 100);
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
