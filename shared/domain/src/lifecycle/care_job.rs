//! CARE-4..CARE-7: a care job's pickup, service and return, as the merchant reports it.

use super::lifecycle;
use crate::care::CareStep;

lifecycle! {
    /// Where a care job stands: the last step reported (CARE-5's damage is recorded beside
    /// it and moves nothing).
    pub enum CareJobState as "care job" {
        /// CARE-4: the merchant's courier has yet to confirm a pickup time.
        AwaitingConfirmation = "awaiting_confirmation",
        Confirmed = "confirmed",
        Collected = "collected",
        AtCentre = "at_centre",
        Serviced = "serviced",
        InspectionFailed = "inspection_failed",
        SentBack = "sent_back",
        Lost = "lost",
    }
    moves {
        AwaitingConfirmation => Confirmed,
        Confirmed => Collected,
        Collected => AtCentre | Lost,
        AtCentre => Serviced | InspectionFailed | Lost,
        Serviced => SentBack | Lost,
        InspectionFailed => SentBack | Lost,
    }
}

impl CareJobState {
    /// The state the last reported step left the job in (none yet: awaiting confirmation).
    pub fn after(last: Option<CareStep>) -> Self {
        last.and_then(Self::reached_by)
            .unwrap_or(CareJobState::AwaitingConfirmation)
    }

    /// The state a reported step moves the job to; damage (CARE-5) moves it nowhere.
    pub fn reached_by(step: CareStep) -> Option<Self> {
        Some(match step {
            CareStep::Confirmed => CareJobState::Confirmed,
            CareStep::Collected => CareJobState::Collected,
            CareStep::AtCentre => CareJobState::AtCentre,
            CareStep::Serviced => CareJobState::Serviced,
            CareStep::InspectionFailed => CareJobState::InspectionFailed,
            CareStep::SentBack => CareJobState::SentBack,
            CareStep::Lost => CareJobState::Lost,
            CareStep::Damaged => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::CareJobState::*;
    use super::*;

    #[test]
    fn care_4_care_7_the_job_goes_confirmed_collected_at_centre_serviced_sent_back() {
        let mut at = CareJobState::after(None);
        for to in [Confirmed, Collected, AtCentre, Serviced, SentBack] {
            at = at.step(to).unwrap();
        }
        assert!(at.is_final());
    }

    #[test]
    fn care_5_goods_are_lost_only_after_collection_and_damage_moves_nothing() {
        assert!(Confirmed.step(Lost).is_err());
        assert_eq!(Collected.step(Lost), Ok(Lost));
        assert_eq!(CareJobState::reached_by(CareStep::Damaged), None);
        assert_eq!(CareJobState::after(Some(CareStep::AtCentre)), AtCentre);
    }

    #[test]
    fn the_stored_text_is_the_steps_wire_name() {
        for s in [
            CareStep::Confirmed,
            CareStep::AtCentre,
            CareStep::InspectionFailed,
        ] {
            let state = CareJobState::reached_by(s).unwrap();
            assert_eq!(serde_json::to_value(s).unwrap(), state.as_str());
        }
    }
}
