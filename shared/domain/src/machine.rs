//! One state machine per case kind (K-1, K-2 today). A kind's machine is the ordered path of
//! statuses its cases go through: a case only moves forward along it (events from different
//! services arrive on different topics and may be read late, so a step may be skipped, and an
//! older report never moves a case back, a closed one included), and a status that is not on
//! the kind's path is an illegal transition.

use serde::Serialize;

use crate::{CaseKind, CaseStatus};

use CaseStatus::*;

/// K-2 return and refund: the fast return, the merchant-reviewed return, the buyer's own
/// shipment outside coverage, and a rejection.
const RETURN_REFUND: &[CaseStatus] = &[
    Requested,
    AwaitingMerchant,
    Approved,
    AwaitingBuyerShipment,
    PickupScheduled,
    PickupDispatched,
    PickupEscalated,
    CourierAccepted,
    InTransit,
    Refunded,
    Rejected,
    Closed,
];

/// K-1 refund only, not shipped: nothing travels.
const REFUND_ONLY: &[CaseStatus] = &[
    Requested,
    AwaitingMerchant,
    Approved,
    Refunded,
    Rejected,
    Closed,
];

/// The statuses a kind's cases may take, in order; empty for kinds not handled yet.
pub fn path(kind: CaseKind) -> &'static [CaseStatus] {
    match kind {
        CaseKind::ReturnRefund => RETURN_REFUND,
        CaseKind::RefundOnly => REFUND_ONLY,
        _ => &[],
    }
}

/// The kinds whose machine has `status`.
pub fn kinds_with(status: CaseStatus) -> Vec<CaseKind> {
    [CaseKind::RefundOnly, CaseKind::ReturnRefund]
        .into_iter()
        .filter(|k| path(*k).contains(&status))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// The case moves to the status.
    To(CaseStatus),
    /// The report is older than where the case stands: nothing changes.
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("a {kind:?} case cannot go from {from} to {to}")]
pub struct IllegalTransition {
    pub kind: CaseKind,
    pub from: &'static str,
    pub to: &'static str,
}

/// Where a case of `kind` standing at `from` goes when `to` is reported.
pub fn step(kind: CaseKind, from: CaseStatus, to: CaseStatus) -> Result<Move, IllegalTransition> {
    let p = path(kind);
    let illegal = || IllegalTransition {
        kind,
        from: from.as_str(),
        to: to.as_str(),
    };
    let (Some(f), Some(t)) = (
        p.iter().position(|s| *s == from),
        p.iter().position(|s| *s == to),
    ) else {
        return Err(illegal());
    };
    Ok(if t > f { Move::To(to) } else { Move::Stale })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_2_moves_forward_skipping_late_steps_and_ignores_stale_ones() {
        let k = CaseKind::ReturnRefund;
        assert_eq!(step(k, Requested, Approved), Ok(Move::To(Approved)));
        assert_eq!(
            step(k, Approved, InTransit),
            Ok(Move::To(InTransit)),
            "a late report is skipped over"
        );
        assert_eq!(step(k, InTransit, PickupDispatched), Ok(Move::Stale));
        assert_eq!(step(k, Refunded, Closed), Ok(Move::To(Closed)));
    }

    #[test]
    fn k_1_has_no_pickup_and_says_so() {
        let e = step(CaseKind::RefundOnly, Approved, PickupDispatched).unwrap_err();
        assert_eq!((e.from, e.to), ("approved", "pickup_dispatched"));
        assert_eq!(
            e.to_string(),
            "a RefundOnly case cannot go from approved to pickup_dispatched"
        );
        assert_eq!(kinds_with(PickupDispatched), [CaseKind::ReturnRefund]);
    }

    #[test]
    fn k_2_closed_case_takes_nothing_further() {
        // Reports that arrive after the case closed (other topics can be read later) are
        // stale: the case stays closed, and nothing is refused for it.
        for late in [Approved, PickupDispatched, Refunded, Closed] {
            assert_eq!(step(CaseKind::ReturnRefund, Closed, late), Ok(Move::Stale));
        }
        assert_eq!(
            step(CaseKind::RefundOnly, Closed, Approved),
            Ok(Move::Stale)
        );
    }

    #[test]
    fn paths_follow_the_status_order() {
        for kind in [CaseKind::RefundOnly, CaseKind::ReturnRefund] {
            for w in path(kind).windows(2) {
                assert!(
                    w[0].rank() < w[1].rank(),
                    "{kind:?}: {:?} before {:?}",
                    w[0],
                    w[1]
                );
            }
        }
    }
}
