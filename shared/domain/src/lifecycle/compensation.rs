//! PAY-4: compensation the platform owes a buyer, paid with the refund.

use super::lifecycle;

lifecycle! {
    /// Where a compensation owed to a buyer stands.
    pub enum CompensationState as "compensation" {
        /// PAY-4: owed, paid with the refund.
        Owed = "owed",
        /// Paid to the buyer.
        Paid = "paid",
    }
    moves {
        Owed => Paid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay_4_a_compensation_is_paid_once() {
        assert_eq!(
            CompensationState::Owed.step(CompensationState::Paid),
            Ok(CompensationState::Paid)
        );
        assert!(
            CompensationState::Paid
                .step(CompensationState::Paid)
                .is_err()
        );
    }
}
