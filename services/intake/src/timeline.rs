//! How each event the buyer should see reads on the case's timeline, and where it moves the
//! case. Pure: the handler stores what this returns.

use returns_domain::CaseStatus;
use returns_events::payloads::*;
use returns_events::{DecodeError, Envelope, Event};

/// One timeline line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Where the case moves; `None` for a line that does not move it.
    pub status: Option<CaseStatus>,
    pub rule: Option<String>,
    pub reason: String,
}

/// `Ok(None)` for events the buyer does not see (e.g. the merchant's recovery).
#[expect(
    clippy::too_many_lines,
    reason = "issue 12 item 6: longer than a screen, to be split"
)]
pub(crate) fn entry_for(env: &Envelope) -> Result<Option<Entry>, DecodeError> {
    let e = |status: CaseStatus, rule: Option<returns_domain::RuleId>, reason: String| {
        Some(Entry {
            status: Some(status),
            rule: rule.map(|r| r.as_str().to_owned()),
            reason,
        })
    };
    Ok(match env.event_type.as_str() {
        CaseApproved::TYPE => {
            let p = env.decode::<CaseApproved>()?;
            e(CaseStatus::Approved, Some(p.rule), p.reason)
        }
        CaseAwaitingMerchant::TYPE => {
            let p = env.decode::<CaseAwaitingMerchant>()?;
            let reason = format!(
                "{} The merchant has until {}.",
                p.reason,
                p.review_deadline.to_rfc3339()
            );
            e(CaseStatus::AwaitingMerchant, Some(p.rule), reason)
        }
        CaseRejected::TYPE => {
            let p = env.decode::<CaseRejected>()?;
            e(CaseStatus::Rejected, Some(p.rule), p.reason)
        }
        PickupNotOffered::TYPE => {
            let p = env.decode::<PickupNotOffered>()?;
            e(CaseStatus::AwaitingBuyerShipment, Some(p.rule), p.reason)
        }
        PickupScheduled::TYPE => {
            let p = env.decode::<PickupScheduled>()?;
            let reason = format!(
                "Asked outside pickup hours; a courier is sent at {}.",
                p.dispatch_at.to_rfc3339()
            );
            e(CaseStatus::PickupScheduled, Some(p.rule), reason)
        }
        PickupDispatched::TYPE => {
            let p = env.decode::<PickupDispatched>()?;
            let reason = format!(
                "Courier company {} was sent to your door and arrives by {}.",
                p.courier_company,
                p.arrive_by.to_rfc3339()
            );
            e(CaseStatus::PickupDispatched, Some(p.rule), reason)
        }
        PickupEscalated::TYPE => {
            let p = env.decode::<PickupEscalated>()?;
            e(CaseStatus::PickupEscalated, Some(p.rule), p.reason)
        }
        PickupSwitchedToBuyer::TYPE => {
            let p = env.decode::<PickupSwitchedToBuyer>()?;
            let reason = format!(
                "{} Please ship the parcel to the return address and enter its tracking number.",
                p.reason
            );
            e(CaseStatus::AwaitingBuyerShipment, Some(p.rule), reason)
        }
        PickupCancelled::TYPE => {
            let p = env.decode::<PickupCancelled>()?;
            e(CaseStatus::Closed, Some(p.rule), p.reason)
        }
        PickupAccepted::TYPE => {
            let p = env.decode::<PickupAccepted>()?;
            e(
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
        PickupCollected::TYPE => {
            let p = env.decode::<PickupCollected>()?;
            let fee = p.fee.map(|f| {
                format!(
                    " Pickup fee {}: {} paid by your freight insurance (PK-8), {} paid at the door.",
                    returns_domain::Fen(f.first_weight_fen.0 + f.extra_weight_fen.0),
                    f.insurance_pays_fen,
                    f.buyer_pays_fen
                )
            });
            e(
                CaseStatus::InTransit,
                Some(p.rule),
                format!(
                    "Parcel collected; tracking number {}.{}",
                    p.tracking_number,
                    fee.unwrap_or_default()
                ),
            )
        }
        ParcelShipped::TYPE => {
            let p = env.decode::<ParcelShipped>()?;
            e(
                CaseStatus::InTransit,
                Some(p.rule),
                format!(
                    "You shipped the parcel with {}; tracking number {}.",
                    p.carrier, p.tracking_number
                ),
            )
        }
        GoodsSentBack::TYPE => {
            let p = env.decode::<GoodsSentBack>()?;
            let what = match (p.remedy, p.freight_payer.as_deref()) {
                (_, Some("buyer")) => "your goods back unserviced, at your freight (CARE-6),",
                (_, Some(_)) => "your serviced goods, at its cost (CARE-7),",
                (returns_domain::Remedy::Repair, None) => "the repaired goods",
                _ => "your replacement",
            };
            e(
                CaseStatus::SentBack,
                Some(p.rule),
                format!(
                    "The merchant sent {what} with {}; tracking number {}.",
                    p.carrier, p.tracking_number
                ),
            )
        }
        InterventionRequested::TYPE => {
            let p = env.decode::<InterventionRequested>()?;
            e(
                CaseStatus::Intervening,
                Some(p.rule),
                format!(
                    "The {} asked customer service to intervene.",
                    p.requested_by
                ),
            )
        }
        PickupDelivered::TYPE => {
            let p = env.decode::<PickupDelivered>()?;
            Some(Entry {
                status: None,
                rule: None,
                reason: format!(
                    "{} delivered your parcel ({}) to the merchant.",
                    p.courier_company, p.tracking_number
                ),
            })
        }
        CaseCancelled::TYPE => {
            let p = env.decode::<CaseCancelled>()?;
            e(CaseStatus::Closed, None, p.reason)
        }
        CancelRefused::TYPE => {
            let p = env.decode::<CancelRefused>()?;
            Some(Entry {
                status: None,
                rule: None,
                reason: p.reason,
            })
        }
        DisputeOpened::TYPE => {
            let p = env.decode::<DisputeOpened>()?;
            Some(Entry {
                status: None,
                rule: Some(p.rule.as_str().to_owned()),
                reason: format!(
                    "The merchant disputes the returned parcel ({}); customer service will decide. Your refund stays paid meanwhile.",
                    p.claim.replace('_', " ")
                ),
            })
        }
        DisputeRuled::TYPE => {
            let p = env.decode::<DisputeRuled>()?;
            let outcome = match p.ruling.as_str() {
                "buyer_repays" => "you are asked to return the refund",
                "platform_absorbs" => "the platform bears the refund",
                _ => "the merchant pays the refund",
            };
            Some(Entry {
                status: None,
                rule: Some(p.rule.as_str().to_owned()),
                reason: format!(
                    "Customer service ruled on the dispute: {outcome}. {}",
                    p.reason
                ),
            })
        }
        CareProgress::TYPE => {
            use returns_domain::care::CareStep;
            let p = env.decode::<CareProgress>()?;
            if p.step == CareStep::Damaged {
                return Ok(Some(Entry {
                    status: None,
                    rule: Some(p.rule.as_str().to_owned()),
                    reason: p.note,
                }));
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
            e(status, Some(p.rule), p.note)
        }
        CaseConverted::TYPE => {
            let p = env.decode::<CaseConverted>()?;
            e(
                CaseStatus::AwaitingBuyerShipment,
                Some(p.rule),
                format!(
                    "The merchant shipped ({} {}) before your refund completed, so your request continues as a return without RS-1's compensation: when the parcel arrives, send it back and enter its tracking number.",
                    p.carrier, p.tracking_number
                ),
            )
        }
        ReturnCheckFailed::TYPE => {
            let p = env.decode::<ReturnCheckFailed>()?;
            Some(Entry {
                status: None,
                rule: Some(p.rule.as_str().to_owned()),
                reason: format!(
                    "The merchant's check of the returned goods failed ({}): {} You may ask customer service to intervene (AS-2).",
                    p.failed.join(", ").replace('_', " "),
                    p.reason
                ),
            })
        }
        ReturnCheckOverruled::TYPE => {
            let p = env.decode::<ReturnCheckOverruled>()?;
            Some(Entry {
                status: None,
                rule: Some(p.rule.as_str().to_owned()),
                reason: format!(
                    "Customer service overruled the merchant's check: {}",
                    p.reason
                ),
            })
        }
        DeliveryScheduled::TYPE => {
            let p = env.decode::<DeliveryScheduled>()?;
            e(
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
        DeliveryProgress::TYPE => {
            let p = env.decode::<DeliveryProgress>()?;
            let status = if p.step == "installed" {
                CaseStatus::Installed
            } else {
                CaseStatus::Delivered
            };
            e(status, Some(p.rule), p.note)
        }
        CarePickupOverdue::TYPE => {
            let p = env.decode::<CarePickupOverdue>()?;
            Some(Entry {
                status: None,
                rule: Some(p.rule.as_str().to_owned()),
                reason: format!(
                    "{} did not confirm a pickup time by {}; customer service is following it up.",
                    p.merchant_courier,
                    p.confirm_by.to_rfc3339()
                ),
            })
        }
        PickupLate::TYPE => {
            let p = env.decode::<PickupLate>()?;
            Some(Entry {
                status: None,
                rule: Some(p.rule.as_str().to_owned()),
                reason: format!(
                    "The courier did not arrive by {}; you will receive {} compensation with your refund.",
                    p.arrive_by.to_rfc3339(),
                    p.compensation_fen
                ),
            })
        }
        CompensationPaid::TYPE => {
            let p = env.decode::<CompensationPaid>()?;
            Some(Entry {
                status: None,
                rule: Some(p.rule.as_str().to_owned()),
                reason: format!("Compensation of {} paid ({}).", p.amount_fen, p.owed_under),
            })
        }
        RefundPaid::TYPE => {
            let p = env.decode::<RefundPaid>()?;
            e(
                CaseStatus::Refunded,
                Some(p.rule),
                format!("Refund of {} paid.", p.amount_fen),
            )
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use returns_domain::{Fen, RuleId};
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

    #[test]
    fn pay_1_a_paid_refund_moves_the_case_to_refunded_with_its_amount() {
        let paid = RefundPaid {
            rule: RuleId::Pay1,
            amount_fen: Fen(12_345),
            buyer_id: "b-1".to_owned(),
            ledger_transaction_id: Uuid::nil(),
            paid_at: at(),
        };
        let entry = entry_for(&envelope(&paid)).ok().flatten();
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
        let entry = entry_for(&envelope(&rejected)).ok().flatten();
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
        let entry = entry_for(&envelope(&scheduled)).ok().flatten();
        let entry = entry.expect("the buyer sees the schedule");
        assert_eq!(entry.status, Some(CaseStatus::PickupScheduled));
        assert!(
            entry.reason.contains(&at().to_rfc3339()),
            "{}",
            entry.reason
        );
    }

    #[test]
    fn pay_2_the_merchants_recovery_is_not_on_the_buyers_timeline() {
        let recovery = RecoveryOpened {
            rule: RuleId::Pay2,
            merchant_id: "m-1".to_owned(),
            amount_fen: Fen(100),
            ledger_transaction_id: Uuid::nil(),
        };
        assert_eq!(entry_for(&envelope(&recovery)).ok(), Some(None));
    }

    #[test]
    fn a_payload_that_does_not_read_as_its_type_is_an_error_not_a_line() {
        let mut env = envelope(&CaseRejected {
            rule: RuleId::Rv2,
            reason: "x".to_owned(),
            rejected_at: at(),
        });
        env.payload = serde_json::json!({ "unexpected": true });
        assert!(entry_for(&env).is_err());
    }
}
