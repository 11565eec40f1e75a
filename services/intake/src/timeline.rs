//! How each event the buyer should see reads on the case's timeline, and where it moves the
//! case. Pure: the handler stores what this returns.

use returns_domain::machine::Reach;
use returns_domain::{CaseStatus, RuleId};
use returns_events::payloads::*;

use crate::inbound::Inbound;

/// One timeline line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Where the case moves; `None` for a line that does not move it.
    pub status: Option<CaseStatus>,
    /// Whether that move ends the case although its path goes on (machine::closes).
    pub reach: Reach,
    pub rule: Option<String>,
    pub reason: String,
}

/// How one event reads on the buyer's timeline; `None` for a line the buyer does not see.
trait Line {
    fn line(&self) -> Option<Entry>;
}

/// A line that moves the case to `status`, citing `rule`.
fn moves(status: CaseStatus, rule: Option<RuleId>, reason: String) -> Option<Entry> {
    Some(Entry {
        status: Some(status),
        reach: Reach::Step,
        rule: rule.map(|r| r.as_str().to_owned()),
        reason,
    })
}

/// A line that moves the case to `status` with the `reach` its event gives it.
fn reaches(status: CaseStatus, reach: Reach, rule: RuleId, reason: String) -> Option<Entry> {
    Some(Entry {
        status: Some(status),
        reach,
        rule: Some(rule.as_str().to_owned()),
        reason,
    })
}

/// The line of each event intake reads from another service (the order feed has none).
pub(crate) fn entry_for(event: &Inbound) -> Option<Entry> {
    match event {
        Inbound::Order(_) => None,
        Inbound::CaseApproved(p) => p.line(),
        Inbound::CaseAwaitingMerchant(p) => p.line(),
        Inbound::CaseRejected(p) => p.line(),
        Inbound::PickupNotOffered(p) => p.line(),
        Inbound::PickupScheduled(p) => p.line(),
        Inbound::PickupDispatched(p) => p.line(),
        Inbound::PickupEscalated(p) => p.line(),
        Inbound::PickupSwitchedToBuyer(p) => p.line(),
        Inbound::PickupCancelled(p) => p.line(),
        Inbound::PickupAccepted(p) => p.line(),
        Inbound::PickupCollected(p) => p.line(),
        Inbound::ParcelShipped(p) => p.line(),
        Inbound::GoodsSentBack(p) => p.line(),
        Inbound::PickupDelivered(p) => p.line(),
        Inbound::CaseCancelled(p) => p.line(),
        Inbound::CancelRefused(p) => p.line(),
        Inbound::DisputeOpened(p) => p.line(),
        Inbound::DisputeRuled(p) => p.line(),
        Inbound::CareProgress(p) => p.line(),
        Inbound::CaseConverted(p) => p.line(),
        Inbound::ReturnCheckFailed(p) => p.line(),
        Inbound::ReturnCheckOverruled(p) => p.line(),
        Inbound::DeliveryScheduled(p) => p.line(),
        Inbound::DeliveryProgress(p) => p.line(),
        Inbound::CarePickupOverdue(p) => p.line(),
        Inbound::PickupLate(p) => p.line(),
        Inbound::CompensationPaid(p) => p.line(),
        Inbound::RefundPaid(p) => p.line(),
    }
}

impl Line for CaseApproved {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(CaseStatus::Approved, Some(p.rule), p.reason.clone())
    }
}

impl Line for CaseAwaitingMerchant {
    fn line(&self) -> Option<Entry> {
        let p = self;
        let reason = format!(
            "{} The merchant has until {}.",
            p.reason,
            p.review_deadline.to_rfc3339()
        );
        moves(CaseStatus::AwaitingMerchant, Some(p.rule), reason)
    }
}

impl Line for CaseRejected {
    fn line(&self) -> Option<Entry> {
        let p = self;
        let reach = Reach::of_rejection(p.rule);
        reaches(CaseStatus::Rejected, reach, p.rule, p.reason.clone())
    }
}

impl Line for PickupNotOffered {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(
            CaseStatus::AwaitingBuyerShipment,
            Some(p.rule),
            p.reason.clone(),
        )
    }
}

impl Line for PickupScheduled {
    fn line(&self) -> Option<Entry> {
        let p = self;
        let reason = format!(
            "Asked outside pickup hours; a courier is sent at {}.",
            p.dispatch_at.to_rfc3339()
        );
        moves(CaseStatus::PickupScheduled, Some(p.rule), reason)
    }
}

impl Line for PickupDispatched {
    fn line(&self) -> Option<Entry> {
        let p = self;
        let reason = format!(
            "Courier company {} was sent to your door and arrives by {}.",
            p.courier_company,
            p.arrive_by.to_rfc3339()
        );
        moves(CaseStatus::PickupDispatched, Some(p.rule), reason)
    }
}

impl Line for PickupEscalated {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(CaseStatus::PickupEscalated, Some(p.rule), p.reason.clone())
    }
}

impl Line for PickupSwitchedToBuyer {
    fn line(&self) -> Option<Entry> {
        let p = self;
        let reason = format!(
            "{} Please ship the parcel to the return address and enter its tracking number.",
            p.reason
        );
        moves(CaseStatus::AwaitingBuyerShipment, Some(p.rule), reason)
    }
}

impl Line for PickupCancelled {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(CaseStatus::Closed, Some(p.rule), p.reason.clone())
    }
}

impl Line for PickupAccepted {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(
            CaseStatus::CourierAccepted,
            None,
            if p.rider_name.is_empty() {
                format!("{} accepted the pickup.", p.courier_company)
            } else {
                format!(
                    "{} accepted the pickup; rider {} will call you to confirm the item's size and your address.",
                    p.courier_company, p.rider_name
                )
            },
        )
    }
}

impl Line for PickupCollected {
    fn line(&self) -> Option<Entry> {
        let p = self;
        let fee = p.fee.map(|f| {
            format!(
                " Pickup fee {}: {} paid by your freight insurance (PK-8), {} paid at the door.",
                returns_domain::Fen(f.first_weight_fen.0 + f.extra_weight_fen.0),
                f.insurance_pays_fen,
                f.buyer_pays_fen
            )
        });
        moves(
            CaseStatus::InTransit,
            Some(p.rule),
            format!(
                "Parcel collected; tracking number {}.{}",
                p.tracking_number,
                fee.unwrap_or_default()
            ),
        )
    }
}

impl Line for ParcelShipped {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(
            CaseStatus::InTransit,
            Some(p.rule),
            format!(
                "You shipped the parcel with {}; tracking number {}.",
                p.carrier, p.tracking_number
            ),
        )
    }
}

impl Line for GoodsSentBack {
    fn line(&self) -> Option<Entry> {
        let p = self;
        let what = match (p.remedy, p.freight_payer.as_deref()) {
            (_, Some("buyer")) => "your goods back unserviced, at your freight (CARE-6),",
            (_, Some(_)) => "your serviced goods, at its cost (CARE-7),",
            (returns_domain::Remedy::Repair, None) => "the repaired goods",
            _ => "your replacement",
        };
        moves(
            CaseStatus::SentBack,
            Some(p.rule),
            format!(
                "The merchant sent {what} with {}; tracking number {}.",
                p.carrier, p.tracking_number
            ),
        )
    }
}

impl Line for PickupDelivered {
    fn line(&self) -> Option<Entry> {
        let p = self;
        Some(Entry {
            status: None,
            reach: Reach::Step,
            rule: None,
            reason: format!(
                "{} delivered your parcel ({}) to the merchant.",
                p.courier_company, p.tracking_number
            ),
        })
    }
}

impl Line for CaseCancelled {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(CaseStatus::Closed, None, p.reason.clone())
    }
}

impl Line for CancelRefused {
    fn line(&self) -> Option<Entry> {
        let p = self;
        Some(Entry {
            status: None,
            reach: Reach::Step,
            rule: None,
            reason: p.reason.clone(),
        })
    }
}

impl Line for DisputeOpened {
    fn line(&self) -> Option<Entry> {
        let p = self;
        Some(Entry {
            status: None,
            reach: Reach::Step,
            rule: Some(p.rule.as_str().to_owned()),
            reason: format!(
                "The merchant disputes the returned parcel ({}); customer service will decide. Your refund stays paid meanwhile.",
                p.claim.replace('_', " ")
            ),
        })
    }
}

impl Line for DisputeRuled {
    fn line(&self) -> Option<Entry> {
        let p = self;
        let outcome = match p.ruling.as_str() {
            "buyer_repays" => "you are asked to return the refund",
            "platform_absorbs" => "the platform bears the refund",
            _ => "the merchant pays the refund",
        };
        Some(Entry {
            status: None,
            reach: Reach::Step,
            rule: Some(p.rule.as_str().to_owned()),
            reason: format!(
                "Customer service ruled on the dispute: {outcome}. {}",
                p.reason
            ),
        })
    }
}

impl Line for CareProgress {
    fn line(&self) -> Option<Entry> {
        let p = self;
        use returns_domain::care::CareStep;
        if p.step == CareStep::Damaged {
            return Some(Entry {
                status: None,
                reach: Reach::Step,
                rule: Some(p.rule.as_str().to_owned()),
                reason: p.note.clone(),
            });
        }
        let status = match p.step {
            CareStep::Confirmed => CaseStatus::PickupScheduled,
            CareStep::Collected => CaseStatus::InTransit,
            CareStep::AtCentre => CaseStatus::AtCentre,
            CareStep::Serviced => CaseStatus::Serviced,
            CareStep::InspectionFailed => CaseStatus::InspectionFailed,
            CareStep::SentBack => CaseStatus::SentBack,
            CareStep::Lost | CareStep::Damaged => CaseStatus::GoodsLost,
        };
        moves(status, Some(p.rule), p.note.clone())
    }
}

impl Line for CaseConverted {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(
            CaseStatus::AwaitingBuyerShipment,
            Some(p.rule),
            format!(
                "The merchant shipped ({} {}) before your refund completed, so your request continues as a return without RS-1's compensation: when the parcel arrives, send it back and enter its tracking number.",
                p.carrier, p.tracking_number
            ),
        )
    }
}

impl Line for ReturnCheckFailed {
    fn line(&self) -> Option<Entry> {
        let p = self;
        Some(Entry {
            status: None,
            reach: Reach::Step,
            rule: Some(p.rule.as_str().to_owned()),
            reason: format!(
                "The merchant's check of the returned goods failed ({}): {} You may ask customer service to intervene (AS-2).",
                p.failed.join(", ").replace('_', " "),
                p.reason
            ),
        })
    }
}

impl Line for ReturnCheckOverruled {
    fn line(&self) -> Option<Entry> {
        let p = self;
        Some(Entry {
            status: None,
            reach: Reach::Step,
            rule: Some(p.rule.as_str().to_owned()),
            reason: format!(
                "Customer service overruled the merchant's check: {}",
                p.reason
            ),
        })
    }
}

impl Line for DeliveryScheduled {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(
            CaseStatus::DeliveryScheduled,
            Some(p.rule),
            format!(
                "Delivery{} booked between {} and {}.",
                if p.installation {
                    " and installation"
                } else {
                    ""
                },
                p.slot_start.to_rfc3339(),
                p.slot_end.to_rfc3339()
            ),
        )
    }
}

impl Line for DeliveryProgress {
    fn line(&self) -> Option<Entry> {
        let p = self;
        let (status, reach) = match (p.step.as_str(), p.rule) {
            ("installed", _) => (CaseStatus::Installed, Reach::Step),
            // K-7: delivered with nothing to install is the job's last step.
            (_, RuleId::K7) => (CaseStatus::Delivered, Reach::LastStep),
            _ => (CaseStatus::Delivered, Reach::Step),
        };
        reaches(status, reach, p.rule, p.note.clone())
    }
}

impl Line for CarePickupOverdue {
    fn line(&self) -> Option<Entry> {
        let p = self;
        Some(Entry {
            status: None,
            reach: Reach::Step,
            rule: Some(p.rule.as_str().to_owned()),
            reason: format!(
                "{} did not confirm a pickup time by {}; customer service is following it up.",
                p.merchant_courier,
                p.confirm_by.to_rfc3339()
            ),
        })
    }
}

impl Line for PickupLate {
    fn line(&self) -> Option<Entry> {
        let p = self;
        Some(Entry {
            status: None,
            reach: Reach::Step,
            rule: Some(p.rule.as_str().to_owned()),
            reason: format!(
                "The courier did not arrive by {}; you will receive {} compensation with your refund.",
                p.arrive_by.to_rfc3339(),
                p.compensation_fen
            ),
        })
    }
}

impl Line for CompensationPaid {
    fn line(&self) -> Option<Entry> {
        let p = self;
        Some(Entry {
            status: None,
            reach: Reach::Step,
            rule: Some(p.rule.as_str().to_owned()),
            reason: format!("Compensation of {} paid ({}).", p.amount_fen, p.owed_under),
        })
    }
}

impl Line for RefundPaid {
    fn line(&self) -> Option<Entry> {
        let p = self;
        moves(
            CaseStatus::Refunded,
            Some(p.rule),
            format!("Refund of {} paid.", p.amount_fen),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use returns_bus::Inbound as _;
    use returns_domain::Fen;
    use returns_events::{DecodeError, Envelope, Event};
    use uuid::Uuid;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T02:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn envelope<E: Event>(payload: &E) -> Envelope {
        Envelope::new(
            Uuid::nil(),
            Uuid::nil(),
            "shanghai",
            "east",
            at(),
            "test",
            payload,
        )
        .expect("an envelope")
    }

    /// The event as intake's consumer reads it.
    fn read(env: &Envelope) -> Result<Option<Inbound>, DecodeError> {
        Inbound::read("returns.any.v1", env, b"")
    }

    fn line_of<E: Event>(payload: &E) -> Option<Entry> {
        read(&envelope(payload))
            .ok()
            .flatten()
            .as_ref()
            .and_then(entry_for)
    }

    #[test]
    fn pay_1_a_paid_refund_moves_the_case_to_refunded_with_its_amount() {
        let paid = RefundPaid {
            rule: RuleId::Pay1,
            amount_fen: Fen(12_345),
            buyer_id: "b-1".to_owned(),
            ledger_transaction_id: Uuid::nil(),
            paid_at: at(),
        };
        let entry = line_of(&paid);
        let entry = entry.expect("the buyer sees a paid refund");
        assert_eq!(entry.status, Some(CaseStatus::Refunded));
        assert_eq!(entry.rule.as_deref(), Some("PAY-1"));
        assert!(
            entry.reason.contains(&Fen(12_345).to_string()),
            "{}",
            entry.reason
        );
    }

    #[test]
    fn rv_2_a_rejection_moves_the_case_to_rejected_with_the_merchants_reason() {
        let rejected = CaseRejected {
            rule: RuleId::Rv2,
            reason: "The item was worn.".to_owned(),
            rejected_at: at(),
        };
        let entry = line_of(&rejected);
        let entry = entry.expect("the buyer sees a rejection");
        assert_eq!(entry.status, Some(CaseStatus::Rejected));
        assert_eq!(entry.reason, "The item was worn.");
    }

    #[test]
    fn pk_1_a_pickup_outside_hours_names_when_the_courier_is_sent() {
        let scheduled = PickupScheduled {
            job_id: Uuid::nil(),
            rule: RuleId::Pk1,
            dispatch_at: at(),
        };
        let entry = line_of(&scheduled);
        let entry = entry.expect("the buyer sees the schedule");
        assert_eq!(entry.status, Some(CaseStatus::PickupScheduled));
        assert!(
            entry.reason.contains(&at().to_rfc3339()),
            "{}",
            entry.reason
        );
    }

    #[test]
    fn pay_2_the_merchants_recovery_is_not_read_by_intake_so_not_on_the_buyers_timeline() {
        let recovery = RecoveryOpened {
            rule: RuleId::Pay2,
            merchant_id: "m-1".to_owned(),
            amount_fen: Fen(100),
            ledger_transaction_id: Uuid::nil(),
        };
        assert!(matches!(read(&envelope(&recovery)), Ok(None)));
    }

    #[test]
    fn a_payload_that_does_not_read_as_its_type_is_an_error_not_a_line() {
        let mut env = envelope(&CaseRejected {
            rule: RuleId::Rv2,
            reason: "x".to_owned(),
            rejected_at: at(),
        });
        env.payload = serde_json::json!({ "unexpected": true });
        assert!(read(&env).is_err());
    }
}
