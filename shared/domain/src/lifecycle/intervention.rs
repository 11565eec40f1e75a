//! K-4, AS-2: a request for customer service to intervene, ruled on once.

use super::lifecycle;

lifecycle! {
    /// Where a request for customer service's intervention stands.
    pub enum InterventionState as "intervention" {
        /// Waiting in customer service's queue.
        Open = "open",
        /// AS-2: customer service ruled; the ruling is final.
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
    fn as_2_an_intervention_is_ruled_on_once() {
        assert_eq!(
            InterventionState::Open.step(InterventionState::Ruled),
            Ok(InterventionState::Ruled)
        );
        assert!(InterventionState::Ruled.is_final());
        assert!(
            InterventionState::Ruled
                .step(InterventionState::Ruled)
                .is_err()
        );
    }
}
