//! PAY-7: a merchant's dispute of an advance, ruled on once by customer service.

use super::lifecycle;

lifecycle! {
    /// Where a dispute of an advance stands.
    pub enum DisputeState as "dispute" {
        /// Waiting in customer service's queue.
        Open = "open",
        /// PAY-7: customer service ruled.
        Ruled = "ruled",
    }
    moves {
        Open => Ruled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay_7_a_dispute_is_ruled_on_once() {
        assert_eq!(
            DisputeState::Open.step(DisputeState::Ruled),
            Ok(DisputeState::Ruled)
        );
        assert!(DisputeState::Ruled.step(DisputeState::Ruled).is_err());
    }
}
