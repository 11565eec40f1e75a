//! Audit's decision on a request (AUTO-1..AUTO-3, RV-1..RV-3, RS-3, AS-2).

use super::{IllegalMove, lifecycle};

lifecycle! {
    /// Where audit's decision on a request stands.
    pub enum DecisionState as "decision" {
        /// RV-1: the merchant has the review window to approve or reject.
        AwaitingMerchant = "awaiting_merchant",
        /// AUTO-1, RV-1, AS-2: approved, by rule, by the merchant, by its silence or by
        /// customer service.
        Approved = "approved",
        /// RV-2 or AS-2: rejected.
        Rejected = "rejected",
        /// The buyer withdrew the request while the merchant reviewed it.
        Cancelled = "cancelled",
        /// RV-3: the merchant's check of the returned goods failed; customer service rules.
        ReturnCheckFailed = "return_check_failed",
        /// RS-3: a refund-only request whose goods the merchant shipped continues as a return.
        Converted = "converted",
    }
    moves {
        AwaitingMerchant => Approved | Rejected | Cancelled,
        Approved => ReturnCheckFailed | Converted,
        // AS-2: customer service's final ruling re-decides a rejected request.
        Rejected => Approved | Rejected,
        ReturnCheckFailed => Approved | Rejected,
    }
}

/// AS-2: what customer service's ruling on an intervention does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsRuling {
    /// RV-3 escalated and overruled: the check is set aside and the refund goes on.
    OverruleCheck,
    /// RV-3 escalated and upheld: the request is finally rejected.
    UpholdCheck,
    /// The request, waiting or rejected, is approved.
    Approve,
    /// The request, waiting or rejected, is finally rejected.
    Reject,
    /// The approval already under way stands; only the ruling is recorded.
    ApprovalStands,
}

impl CsRuling {
    /// The decision's state after the ruling.
    pub fn to(self) -> DecisionState {
        match self {
            CsRuling::OverruleCheck | CsRuling::Approve | CsRuling::ApprovalStands => {
                DecisionState::Approved
            }
            CsRuling::UpholdCheck | CsRuling::Reject => DecisionState::Rejected,
        }
    }
}

/// AS-2: customer service approves (`approve`) or rejects a request whose decision is `from`.
/// An approval already under way cannot be rejected.
pub fn cs_ruling(from: DecisionState, approve: bool) -> Result<CsRuling, IllegalMove> {
    use DecisionState::*;
    match (approve, from) {
        (true, ReturnCheckFailed) => Ok(CsRuling::OverruleCheck),
        (false, ReturnCheckFailed) => Ok(CsRuling::UpholdCheck),
        (true, AwaitingMerchant | Rejected) => Ok(CsRuling::Approve),
        (true, _) => Ok(CsRuling::ApprovalStands),
        (false, AwaitingMerchant | Rejected) => Ok(CsRuling::Reject),
        (false, _) => from.step(Rejected).map(|_| CsRuling::Reject),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecisionState::*;

    #[test]
    fn rv_1_rv_2_a_waiting_request_is_approved_rejected_or_withdrawn_once() {
        for to in [Approved, Rejected, Cancelled] {
            assert_eq!(AwaitingMerchant.step(to), Ok(to));
        }
        assert!(Cancelled.is_final());
        assert!(Approved.step(AwaitingMerchant).is_err());
        assert!(Cancelled.step(Approved).is_err());
    }

    #[test]
    fn rv_3_rs_3_only_an_approved_request_fails_its_check_or_converts() {
        assert_eq!(Approved.step(ReturnCheckFailed), Ok(ReturnCheckFailed));
        assert_eq!(Approved.step(Converted), Ok(Converted));
        assert!(AwaitingMerchant.step(ReturnCheckFailed).is_err());
        assert!(Rejected.step(Converted).is_err());
        assert!(Converted.is_final());
    }

    #[test]
    fn as_2_customer_service_rules_on_a_failed_check_or_a_waiting_or_rejected_request() {
        assert_eq!(
            cs_ruling(ReturnCheckFailed, true),
            Ok(CsRuling::OverruleCheck)
        );
        assert_eq!(
            cs_ruling(ReturnCheckFailed, false),
            Ok(CsRuling::UpholdCheck)
        );
        assert_eq!(cs_ruling(Rejected, true), Ok(CsRuling::Approve));
        assert_eq!(cs_ruling(AwaitingMerchant, false), Ok(CsRuling::Reject));
        assert_eq!(cs_ruling(Approved, true), Ok(CsRuling::ApprovalStands));
        assert_eq!(cs_ruling(Approved, true).map(CsRuling::to), Ok(Approved));
        assert_eq!(
            cs_ruling(ReturnCheckFailed, false).map(CsRuling::to),
            Ok(Rejected)
        );
    }

    #[test]
    fn as_2_an_approval_under_way_cannot_be_rejected() {
        let e = cs_ruling(Approved, false).unwrap_err();
        assert_eq!(e.from, "approved");
        assert!(cs_ruling(Converted, false).is_err());
    }
}
