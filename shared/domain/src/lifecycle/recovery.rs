//! The merchant's debt for an advanced refund (PAY-2, PAY-7).

use super::lifecycle;
use crate::ledger::DisputeRuling;

lifecycle! {
    /// Where the recovery of an advance from the merchant stands.
    pub enum RecoveryState as "recovery" {
        /// PAY-2: the merchant owes the advance.
        Open = "open",
        /// PAY-7: the merchant disputes it; customer service rules.
        Disputed = "disputed",
        /// PAY-2, PAY-7: recovered from the merchant's funds.
        Settled = "settled",
        /// PAY-7: the merchant's claim held and the platform bears the loss.
        WrittenOff = "written_off",
        /// PAY-7: the merchant's claim held and the buyer repays.
        RecoveredFromBuyer = "recovered_from_buyer",
    }
    moves {
        Open => Disputed | Settled,
        Disputed => Settled | WrittenOff | RecoveredFromBuyer,
    }
}

impl RecoveryState {
    /// PAY-7: where a ruling on the dispute closes the recovery.
    pub fn ruled(ruling: DisputeRuling) -> Self {
        match ruling {
            DisputeRuling::MerchantPays => RecoveryState::Settled,
            DisputeRuling::PlatformAbsorbs => RecoveryState::WrittenOff,
            DisputeRuling::BuyerRepays => RecoveryState::RecoveredFromBuyer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RecoveryState::*;
    use super::*;

    #[test]
    fn pay_2_an_open_recovery_is_settled_or_disputed_once() {
        assert_eq!(Open.step(Settled), Ok(Settled));
        assert_eq!(Open.step(Disputed), Ok(Disputed));
        assert!(Settled.is_final());
        assert!(
            Open.step(WrittenOff).is_err(),
            "only a ruling writes an advance off"
        );
    }

    #[test]
    fn pay_7_a_ruling_closes_a_disputed_recovery() {
        for r in [
            DisputeRuling::MerchantPays,
            DisputeRuling::PlatformAbsorbs,
            DisputeRuling::BuyerRepays,
        ] {
            let to = RecoveryState::ruled(r);
            assert_eq!(Disputed.step(to), Ok(to));
            assert!(to.is_final());
        }
        assert!(Disputed.step(Disputed).is_err(), "disputed once");
    }
}
