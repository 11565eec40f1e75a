//! A refund at payment (PAY-1..PAY-3, RV-3, AS-2).

use super::lifecycle;

lifecycle! {
    /// Where a case's refund stands.
    pub enum RefundState as "refund" {
        /// PAY-1, PAY-3: the buyer has the money.
        Paid = "paid",
        /// PAY-3: no advance; the merchant's receipt (or its window) pays it.
        AwaitingMerchantReceipt = "awaiting_merchant_receipt",
        /// RV-3: a failed return check holds it until customer service rules.
        HeldByReturnCheck = "held_by_return_check",
        /// AS-2: customer service upheld the check; nothing is paid.
        RefusedByReturnCheck = "refused_by_return_check",
    }
    moves {
        AwaitingMerchantReceipt => Paid | HeldByReturnCheck,
        // AS-2 overrules (the wait resumes and pays) or upholds the check.
        HeldByReturnCheck => AwaitingMerchantReceipt | RefusedByReturnCheck,
    }
}

impl RefundState {
    /// PAY-1, PAY-3: paid at once from the advance, or waiting for the merchant.
    pub fn opened(advanced: bool) -> Self {
        if advanced {
            RefundState::Paid
        } else {
            RefundState::AwaitingMerchantReceipt
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RefundState::*;
    use super::*;

    #[test]
    fn pay_1_pay_3_an_advanced_refund_is_paid_at_once_otherwise_it_waits() {
        assert_eq!(RefundState::opened(true), Paid);
        assert_eq!(RefundState::opened(false), AwaitingMerchantReceipt);
        assert_eq!(AwaitingMerchantReceipt.step(Paid), Ok(Paid));
        assert!(Paid.is_final());
    }

    #[test]
    fn rv_3_as_2_a_held_refund_waits_again_or_is_refused() {
        assert_eq!(
            AwaitingMerchantReceipt.step(HeldByReturnCheck),
            Ok(HeldByReturnCheck)
        );
        assert_eq!(
            HeldByReturnCheck.step(AwaitingMerchantReceipt),
            Ok(AwaitingMerchantReceipt)
        );
        assert_eq!(
            HeldByReturnCheck.step(RefusedByReturnCheck),
            Ok(RefusedByReturnCheck)
        );
        assert!(
            Paid.step(HeldByReturnCheck).is_err(),
            "an advance is disputed instead (PAY-7)"
        );
        assert!(
            HeldByReturnCheck.step(Paid).is_err(),
            "it waits for the merchant again"
        );
    }
}
