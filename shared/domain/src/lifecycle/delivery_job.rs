//! K-7, WF-3: delivery into the home, then installation when one was asked for.

use super::{IllegalMove, lifecycle};
use crate::RuleId;

lifecycle! {
    /// Where a delivery (and installation) job stands.
    pub enum DeliveryJobState as "delivery job" {
        /// The slot is booked.
        Booked = "booked",
        /// K-7: delivered into the home.
        Delivered = "delivered",
        /// WF-3: installed.
        Installed = "installed",
    }
    moves {
        Booked => Delivered,
        Delivered => Installed,
    }
}

/// Why a delivery step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryRefused {
    #[error("no installation was asked for")]
    NoInstallation,
    #[error("the job is {}; {} is not possible now", .0.from, .0.to)]
    Illegal(IllegalMove),
}

impl DeliveryJobState {
    /// The state the job's two timestamps record.
    pub fn recorded(delivered: bool, installed: bool) -> Self {
        match (delivered, installed) {
            (_, true) => DeliveryJobState::Installed,
            (true, false) => DeliveryJobState::Delivered,
            (false, false) => DeliveryJobState::Booked,
        }
    }

    /// K-7, WF-3: the move to `to` on a job with or without `installation`, and the rule that
    /// names it (a delivery with nothing to install ends the case under K-7).
    pub fn report(self, to: Self, installation: bool) -> Result<RuleId, DeliveryRefused> {
        if to == DeliveryJobState::Installed && !installation {
            return Err(DeliveryRefused::NoInstallation);
        }
        self.step(to).map_err(DeliveryRefused::Illegal)?;
        Ok(if to == DeliveryJobState::Delivered && !installation {
            RuleId::K7
        } else {
            RuleId::Wf3
        })
    }
}

#[cfg(test)]
mod tests {
    use super::DeliveryJobState::*;
    use super::*;

    #[test]
    fn k_7_a_delivery_without_installation_ends_under_k_7() {
        assert_eq!(Booked.report(Delivered, false), Ok(RuleId::K7));
        assert_eq!(
            Delivered.report(Installed, false),
            Err(DeliveryRefused::NoInstallation)
        );
    }

    #[test]
    fn wf_3_delivery_then_installation_in_that_order() {
        assert_eq!(Booked.report(Delivered, true), Ok(RuleId::Wf3));
        assert_eq!(Delivered.report(Installed, true), Ok(RuleId::Wf3));
        let e = Booked.report(Installed, true).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the job is booked; installed is not possible now"
        );
        assert!(Installed.report(Delivered, true).is_err());
    }

    #[test]
    fn the_timestamps_read_as_a_state() {
        assert_eq!(DeliveryJobState::recorded(false, false), Booked);
        assert_eq!(DeliveryJobState::recorded(true, false), Delivered);
        assert_eq!(DeliveryJobState::recorded(true, true), Installed);
    }
}
