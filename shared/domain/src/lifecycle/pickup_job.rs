//! A door pickup's job at logistics (PK-1..PK-4, PK-9).

use super::lifecycle;

lifecycle! {
    /// Where a door pickup's courier job stands.
    pub enum PickupJobState as "pickup job" {
        /// PK-1: waiting for the dispatch window or the buyer's chosen slot.
        Scheduled = "scheduled",
        /// PK-1, PK-9: offered to a partner courier company, which has PK-2's minutes.
        Dispatched = "dispatched",
        /// PK-2: the company accepted and named its rider.
        Accepted = "accepted",
        /// PK-4: the rider collected the parcel and uploaded its tracking number.
        Collected = "collected",
        /// PK-9: no partner accepted; customer service takes the job.
        Escalated = "escalated",
        /// PK-9: customer service asked the buyer to ship the parcel instead.
        BuyerShips = "buyer_ships",
        /// PK-9: customer service cancelled the pickup.
        Cancelled = "cancelled",
    }
    moves {
        // PK-1: the window opens, or the buyer picks another slot.
        Scheduled => Dispatched | Scheduled,
        // PK-2 accepted; PK-1 the buyer picks a slot; PK-9 the next partner, or no one left.
        Dispatched => Accepted | Scheduled | Dispatched | Escalated,
        Accepted => Collected,
        Escalated => Dispatched | BuyerShips | Cancelled,
    }
}

impl PickupJobState {
    /// The state a new job starts in (PK-1): dispatched when the request fell in the window.
    pub fn planned(dispatch_now: bool) -> Self {
        if dispatch_now {
            PickupJobState::Dispatched
        } else {
            PickupJobState::Scheduled
        }
    }

    /// PK-1: the buyer chooses the slot before a rider takes the job.
    pub fn slot_open(self) -> bool {
        self.may_become(PickupJobState::Scheduled)
    }
}

#[cfg(test)]
mod tests {
    use super::PickupJobState::*;
    use super::*;

    #[test]
    fn pk_1_a_job_starts_dispatched_in_the_window_and_scheduled_outside_it() {
        assert_eq!(PickupJobState::planned(true), Dispatched);
        assert_eq!(PickupJobState::planned(false), Scheduled);
    }

    #[test]
    fn pk_1_a_slot_is_chosen_before_a_rider_takes_the_job() {
        assert!(Scheduled.slot_open());
        assert!(Dispatched.slot_open());
        assert!(!Accepted.slot_open());
        assert!(!Collected.slot_open());
    }

    #[test]
    fn pk_2_pk_4_a_rider_accepts_then_collects_in_that_order() {
        assert_eq!(Dispatched.step(Accepted), Ok(Accepted));
        assert_eq!(Accepted.step(Collected), Ok(Collected));
        assert!(Dispatched.step(Collected).is_err());
        assert!(Scheduled.step(Accepted).is_err());
        assert!(Collected.is_final());
    }

    #[test]
    fn pk_9_an_escalated_job_is_offered_again_given_to_the_buyer_or_cancelled() {
        assert_eq!(Dispatched.step(Escalated), Ok(Escalated));
        for to in [Dispatched, BuyerShips, Cancelled] {
            assert_eq!(Escalated.step(to), Ok(to));
        }
        assert!(BuyerShips.is_final() && Cancelled.is_final());
        assert!(Accepted.step(Escalated).is_err());
    }
}
