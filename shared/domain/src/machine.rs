//! One state machine per case kind. A kind's machine is the ordered path of statuses its cases
//! go through: a case only moves forward along it (events from different services arrive on
//! different topics and may be read late, so a step may be skipped, and an older report never
//! moves a case back, a closed one included), and a status that is not on the kind's path is an
//! illegal transition. The diagrams are in `docs/state-machines.md`.

use serde::Serialize;

use crate::{CaseKind, CaseStatus, Remedy, RuleId};

use CaseStatus::*;

/// K-1 refund only, not shipped: nothing travels.
const REFUND_ONLY: &[CaseStatus] = &[
    Requested,
    AwaitingMerchant,
    Approved,
    Refunded,
    Rejected,
    Closed,
];

/// K-2 return and refund: the fast return, the merchant-reviewed return, the buyer's own
/// shipment outside coverage, and a rejection.
const RETURN_REFUND: &[CaseStatus] = &[
    Requested,
    AwaitingMerchant,
    Approved,
    PickupScheduled,
    PickupDispatched,
    PickupEscalated,
    // CT-2, or PK-9 when customer service switches an escalated pickup to the buyer.
    AwaitingBuyerShipment,
    CourierAccepted,
    InTransit,
    Refunded,
    Rejected,
    Closed,
];

/// K-3 exchange: the goods go back as in a return; the merchant sends a replacement.
const EXCHANGE: &[CaseStatus] = &[
    Requested,
    AwaitingMerchant,
    Approved,
    PickupScheduled,
    PickupDispatched,
    PickupEscalated,
    // CT-2, or PK-9 when customer service switches an escalated pickup to the buyer.
    AwaitingBuyerShipment,
    CourierAccepted,
    InTransit,
    SentBack,
    Rejected,
    Closed,
];

/// K-4 after-sales: a merchant's rejection is not the end; after AS-2's 72 hours either side
/// may ask customer service to intervene, whose ruling approves or finally rejects. The remedy
/// decides which of the later steps happen (a refund skips the parcel's steps).
const AFTER_SALES: &[CaseStatus] = &[
    Requested,
    AwaitingMerchant,
    Rejected,
    Intervening,
    Approved,
    PickupScheduled,
    PickupDispatched,
    PickupEscalated,
    // CT-2, or PK-9 when customer service switches an escalated pickup to the buyer.
    AwaitingBuyerShipment,
    CourierAccepted,
    InTransit,
    SentBack,
    Refunded,
    Closed,
];

/// K-5 care order: reviewed by the merchant (CARE-3), collected by its courier (CARE-4),
/// inspected at the centre, serviced or not (CARE-6, CARE-7), sent back; lost goods are
/// compensated (CARE-5).
const CARE: &[CaseStatus] = &[
    Requested,
    AwaitingMerchant,
    Approved,
    PickupScheduled,
    InTransit,
    AtCentre,
    InspectionFailed,
    Serviced,
    SentBack,
    GoodsLost,
    Rejected,
    Closed,
];

/// K-7 delivery and installation (WF-3): booked, delivered into the home, installed. A
/// delivery that needs no installation ends the case (its report carries K-7, not WF-3).
const DELIVERY_INSTALLATION: &[CaseStatus] = &[
    Requested,
    Approved,
    DeliveryScheduled,
    Delivered,
    Installed,
    Closed,
];

/// The kinds this platform version opens.
pub const OPEN_KINDS: [CaseKind; 6] = [
    CaseKind::RefundOnly,
    CaseKind::ReturnRefund,
    CaseKind::Exchange,
    CaseKind::AfterSales,
    CaseKind::Care,
    CaseKind::DeliveryInstallation,
];

/// The statuses a kind's cases may take, in order; empty for kinds not handled yet.
pub fn path(kind: CaseKind) -> &'static [CaseStatus] {
    match kind {
        CaseKind::RefundOnly => REFUND_ONLY,
        CaseKind::ReturnRefund => RETURN_REFUND,
        CaseKind::Exchange => EXCHANGE,
        CaseKind::AfterSales => AFTER_SALES,
        CaseKind::Care => CARE,
        CaseKind::DeliveryInstallation => DELIVERY_INSTALLATION,
        CaseKind::Complaint => &[],
    }
}

/// The status's place on the kind's path, stored beside the status.
pub fn rank(kind: CaseKind, status: CaseStatus) -> Option<i16> {
    path(kind)
        .iter()
        .position(|s| *s == status)
        .and_then(|p| i16::try_from(p).ok())
}

/// The remedies a kind may ask for; the first is the one taken when the buyer names none.
pub fn remedies(kind: CaseKind) -> &'static [Remedy] {
    match kind {
        CaseKind::RefundOnly => &[Remedy::Refund],
        CaseKind::ReturnRefund => &[Remedy::ReturnRefund],
        CaseKind::Exchange => &[Remedy::Exchange],
        CaseKind::AfterSales => &[
            Remedy::ReturnRefund,
            Remedy::Refund,
            Remedy::Exchange,
            Remedy::Repair,
        ],
        CaseKind::Care => &[Remedy::Repair],
        CaseKind::DeliveryInstallation => &[Remedy::DeliveryInstallation],
        CaseKind::Complaint => &[],
    }
}

/// How far a reported status takes a case, as the event that reports it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A step on the kind's path: it ends the case where the path ends.
    Step,
    /// The last step of the case's job although its path goes on (K-7: delivered, with
    /// nothing to install).
    LastStep,
    /// AS-2: customer service's final ruling, which ends the case from wherever it stands.
    FinalRuling,
}

impl Reach {
    /// How far a rejection under `rule` takes a case: customer service's (AS-2) is final
    /// wherever the case stands; any other is a step on the kind's path (K-4's merchant
    /// rejection of an after-sales case then leaves it open).
    pub fn of_rejection(rule: RuleId) -> Self {
        if rule == RuleId::As2 {
            Reach::FinalRuling
        } else {
            Reach::Step
        }
    }
}

/// Whether reaching `status` ends the case: a paid refund, goods sent back, lost or installed,
/// a rejection except K-4's merchant rejection (which AS-2 lets customer service review), a
/// job's last step, or customer service's final ruling.
pub fn closes(kind: CaseKind, status: CaseStatus, reach: Reach) -> bool {
    match (reach, status) {
        (Reach::LastStep | Reach::FinalRuling, _) => true,
        (Reach::Step, Refunded | SentBack | GoodsLost | Installed) => true,
        (Reach::Step, Rejected) => kind != CaseKind::AfterSales,
        (Reach::Step, _) => false,
    }
}

/// AS-2: customer service's final rejection (an upheld return check, RV-3, or an intervention
/// it rejects) ends a case from wherever it stands on its path, even past `rejected` (a
/// return whose goods are already in transit).
pub fn final_ruling(reach: Reach) -> bool {
    reach == Reach::FinalRuling
}

/// K-4, AS-2, RV-3: where asking customer service to intervene moves a case, on its own
/// kind's machine: an after-sales case the merchant rejected goes to `intervening`; a case
/// whose kind has no such step (a return whose check failed, RV-3) stays where it stands while
/// customer service reviews it.
pub fn intervention_moves(kind: CaseKind, from: CaseStatus) -> Option<CaseStatus> {
    match step(kind, from, Intervening) {
        Ok(Move::To(t)) => Some(t),
        Ok(Move::Stale) | Err(_) => None,
    }
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
    fn k_4_an_intervention_moves_the_case_on_its_own_kinds_machine() {
        use CaseKind::*;
        assert_eq!(intervention_moves(AfterSales, Rejected), Some(Intervening));
        assert_eq!(
            intervention_moves(AfterSales, AwaitingMerchant),
            Some(Intervening)
        );
        // Past the merchant's review on its own path: nothing to move back to.
        assert_eq!(intervention_moves(AfterSales, InTransit), None);
        // RV-3 on a return or an exchange: their machines have no intervening step.
        assert_eq!(intervention_moves(ReturnRefund, InTransit), None);
        assert_eq!(intervention_moves(Exchange, SentBack), None);
    }

    #[test]
    fn k_4_as_2_customer_services_final_rejection_ends_a_case_wherever_it_stands() {
        assert!(final_ruling(Reach::FinalRuling));
        assert!(!final_ruling(Reach::Step));
        assert_eq!(Reach::of_rejection(RuleId::As2), Reach::FinalRuling);
        assert_eq!(Reach::of_rejection(RuleId::Rv2), Reach::Step);
        assert!(closes(
            CaseKind::ReturnRefund,
            CaseStatus::Rejected,
            Reach::FinalRuling
        ));
        assert!(closes(
            CaseKind::AfterSales,
            CaseStatus::Rejected,
            Reach::FinalRuling
        ));
    }

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
    fn k_3_exchange_ends_when_the_replacement_is_sent_and_never_refunds() {
        let k = CaseKind::Exchange;
        assert_eq!(step(k, InTransit, SentBack), Ok(Move::To(SentBack)));
        assert!(closes(k, SentBack, Reach::Step));
        let e = step(k, InTransit, Refunded).unwrap_err();
        assert_eq!((e.from, e.to), ("in_transit", "refunded"));
        assert_eq!(remedies(k), [Remedy::Exchange]);
    }

    #[test]
    fn k_4_as_2_merchant_rejection_waits_for_customer_service() {
        let k = CaseKind::AfterSales;
        assert_eq!(step(k, AwaitingMerchant, Rejected), Ok(Move::To(Rejected)));
        assert!(
            !closes(k, Rejected, Reach::Step),
            "the merchant's no is not final"
        );
        assert_eq!(step(k, Rejected, Intervening), Ok(Move::To(Intervening)));
        assert_eq!(step(k, Intervening, Approved), Ok(Move::To(Approved)));
        assert!(
            closes(k, Rejected, Reach::FinalRuling),
            "customer service's no is"
        );
        assert!(closes(CaseKind::ReturnRefund, Rejected, Reach::Step));
        assert_eq!(
            step(k, InTransit, Intervening),
            Ok(Move::Stale),
            "an intervention in a case already under way does not move it back"
        );
    }

    #[test]
    fn k_7_wf_3_delivery_then_installation_or_delivery_alone_closes() {
        let k = CaseKind::DeliveryInstallation;
        assert_eq!(
            step(k, Approved, DeliveryScheduled),
            Ok(Move::To(DeliveryScheduled))
        );
        assert!(!closes(k, Delivered, Reach::Step), "installation follows");
        assert!(closes(k, Delivered, Reach::LastStep), "nothing to install");
        assert!(closes(k, Installed, Reach::Step));
        assert!(step(k, Delivered, InTransit).is_err());
    }

    #[test]
    fn every_open_kind_has_a_path_from_requested_to_closed() {
        for kind in OPEN_KINDS {
            let p = path(kind);
            assert_eq!(p.first(), Some(&Requested), "{kind:?}");
            assert_eq!(p.last(), Some(&Closed), "{kind:?}");
            assert!(!remedies(kind).is_empty());
            let mut seen = std::collections::HashSet::new();
            assert!(
                p.iter().all(|s| seen.insert(*s)),
                "{kind:?} repeats a status"
            );
            assert_eq!(rank(kind, Requested), Some(0));
        }
    }
}
