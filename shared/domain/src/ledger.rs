//! PAY-1, PAY-2, PAY-5: the double-entry postings money movements are made of.
//!
//! Sign convention: a posting's amount is what flows *into* the account (positive) or out of
//! it (negative). Every transaction's postings sum to zero; the payment database checks it
//! again with a deferred constraint trigger.

use serde::{Deserialize, Serialize};

use crate::{Fen, InvalidInput, RuleId};

/// Named ledger accounts (PAY-5). Owner-specific accounts carry the owner's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Account {
    Buyer(String),
    Merchant(String),
    MerchantDeposit(String),
    /// The platform's money advanced to buyers before merchants pay (PAY-2).
    PlatformAdvance,
    /// What merchants owe the platform for advanced refunds (PAY-2 recovery).
    PlatformReceivable(String),
    CourierCompany(String),
    Insurance,
    PlatformCompensation,
    /// PAY-7: advanced refunds the platform could recover from no one.
    PlatformDisputeLoss,
}

impl Account {
    /// The account's key in the ledger, e.g. `buyer:b-42`.
    pub fn key(&self) -> String {
        match self {
            Account::Buyer(id) => format!("buyer:{id}"),
            Account::Merchant(id) => format!("merchant:{id}"),
            Account::MerchantDeposit(id) => format!("merchant_deposit:{id}"),
            Account::PlatformAdvance => "platform:advance".to_owned(),
            Account::PlatformReceivable(id) => format!("platform_receivable:{id}"),
            Account::CourierCompany(id) => format!("courier:{id}"),
            Account::Insurance => "insurance".to_owned(),
            Account::PlatformCompensation => "platform:compensation".to_owned(),
            Account::PlatformDisputeLoss => "platform:dispute_loss".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    pub account: Account,
    pub amount: Fen,
}

/// The kind of a money movement; with the case id it is the movement's idempotency key, so a
/// case is never paid the same thing twice (PAY-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// PAY-1: the refund paid to the buyer out of the platform's advance.
    RefundAdvanced,
    /// PAY-2: the merchant's debt to the platform for the advance.
    RecoveryOpened,
    /// PAY-3: the refund paid from the merchant's funds after receipt.
    RefundFromMerchant,
    /// PK-5, PAY-4: the platform pays the buyer's late-pickup compensation with the refund.
    CompensationPaid,
    /// PK-5: the courier company is charged what the platform paid.
    CompensationCharged,
    /// RS-1: the merchant's deposit pays the buyer's compensation.
    CompensationFromDeposit,
    /// PAY-2: the merchant repaid the platform's advance.
    RecoverySettled,
    /// PAY-7: customer service found for the merchant; the platform bears the advance.
    DisputeWrittenOff,
    /// PAY-7: customer service found against the buyer; the buyer returns the advance.
    DisputeRecoveredFromBuyer,
    /// PK-8: the buyer's freight insurance pays the pickup's first weight to the courier.
    PickupFeeInsured,
    /// CARE-5: the merchant compensates goods lost after pickup at their value.
    CareLossCompensated,
    /// CARE-6, CARE-7: the freight back to the buyer, paid by the buyer or the merchant.
    CareReturnFreight,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MovementKind::RefundAdvanced => "refund_advanced",
            MovementKind::RecoveryOpened => "recovery_opened",
            MovementKind::RefundFromMerchant => "refund_from_merchant",
            MovementKind::CompensationPaid => "compensation_paid",
            MovementKind::CompensationCharged => "compensation_charged",
            MovementKind::CompensationFromDeposit => "compensation_from_deposit",
            MovementKind::RecoverySettled => "recovery_settled",
            MovementKind::DisputeWrittenOff => "dispute_written_off",
            MovementKind::DisputeRecoveredFromBuyer => "dispute_recovered_from_buyer",
            MovementKind::PickupFeeInsured => "pickup_fee_insured",
            MovementKind::CareLossCompensated => "care_loss_compensated",
            MovementKind::CareReturnFreight => "care_return_freight",
        }
    }
}

/// A balanced set of postings. Only constructible balanced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub kind: MovementKind,
    pub rule: RuleId,
    pub postings: Vec<Posting>,
}

impl Movement {
    pub fn new(
        kind: MovementKind,
        rule: RuleId,
        postings: Vec<Posting>,
    ) -> Result<Self, InvalidInput> {
        let mut sum = Fen::ZERO;
        for p in &postings {
            sum = sum
                .checked_add(p.amount)
                .ok_or_else(|| InvalidInput::new("amount", "ledger amount overflows"))?;
        }
        if sum != Fen::ZERO || postings.len() < 2 {
            return Err(InvalidInput::new(
                "postings",
                format!(
                    "a ledger transaction must balance to zero over two or more postings; it sums to {sum}"
                ),
            ));
        }
        Ok(Movement {
            kind,
            rule,
            postings,
        })
    }
}

/// PAY-1 and PAY-2: a fast refund is advanced by the platform to the buyer, and the merchant
/// owes the platform the same amount until it repays.
pub fn fast_refund(
    buyer_id: &str,
    merchant_id: &str,
    amount: Fen,
) -> Result<[Movement; 2], InvalidInput> {
    if !amount.is_positive() {
        return Err(InvalidInput::new(
            "refund_amount_fen",
            "a refund must be more than 0 fen",
        ));
    }
    let advance = Movement::new(
        MovementKind::RefundAdvanced,
        RuleId::Pay1,
        vec![
            Posting {
                account: Account::PlatformAdvance,
                amount: -amount,
            },
            Posting {
                account: Account::Buyer(buyer_id.to_owned()),
                amount,
            },
        ],
    )?;
    let recovery = Movement::new(
        MovementKind::RecoveryOpened,
        RuleId::Pay2,
        vec![
            Posting {
                account: Account::Merchant(merchant_id.to_owned()),
                amount: -amount,
            },
            Posting {
                account: Account::PlatformReceivable(merchant_id.to_owned()),
                amount,
            },
        ],
    )?;
    Ok([advance, recovery])
}

/// The merchant pays the refund from its own funds: under PAY-3 once it has the parcel (or its
/// confirmation deadline passed), under RS-1/RS-2 for goods that never left (`rule` says which).
pub fn merchant_refund(
    buyer_id: &str,
    merchant_id: &str,
    amount: Fen,
    rule: RuleId,
) -> Result<Movement, InvalidInput> {
    if !amount.is_positive() {
        return Err(InvalidInput::new(
            "refund_amount_fen",
            "a refund must be more than 0 fen",
        ));
    }
    Movement::new(
        MovementKind::RefundFromMerchant,
        rule,
        vec![
            Posting {
                account: Account::Merchant(merchant_id.to_owned()),
                amount: -amount,
            },
            Posting {
                account: Account::Buyer(buyer_id.to_owned()),
                amount,
            },
        ],
    )
}

/// RS-1, AS-3: the merchant's deposit pays the buyer's compensation (with the refund, PAY-4).
pub fn deposit_compensation(
    buyer_id: &str,
    merchant_id: &str,
    amount: Fen,
    owed_under: RuleId,
) -> Result<Movement, InvalidInput> {
    if !amount.is_positive() {
        return Err(InvalidInput::new(
            "compensation_fen",
            "compensation must be more than 0 fen",
        ));
    }
    Movement::new(
        MovementKind::CompensationFromDeposit,
        owed_under,
        vec![
            Posting {
                account: Account::MerchantDeposit(merchant_id.to_owned()),
                amount: -amount,
            },
            Posting {
                account: Account::Buyer(buyer_id.to_owned()),
                amount,
            },
        ],
    )
}

/// PK-5 and PAY-4: the platform pays the buyer's compensation for a late courier (with the
/// refund) and charges the courier company the same amount.
pub fn late_pickup_compensation(
    buyer_id: &str,
    courier_company: &str,
    amount: Fen,
) -> Result<[Movement; 2], InvalidInput> {
    if !amount.is_positive() {
        return Err(InvalidInput::new(
            "compensation_fen",
            "compensation must be more than 0 fen",
        ));
    }
    let paid = Movement::new(
        MovementKind::CompensationPaid,
        RuleId::Pay4,
        vec![
            Posting {
                account: Account::PlatformCompensation,
                amount: -amount,
            },
            Posting {
                account: Account::Buyer(buyer_id.to_owned()),
                amount,
            },
        ],
    )?;
    let charged = Movement::new(
        MovementKind::CompensationCharged,
        RuleId::Pk5,
        vec![
            Posting {
                account: Account::CourierCompany(courier_company.to_owned()),
                amount: -amount,
            },
            Posting {
                account: Account::PlatformCompensation,
                amount,
            },
        ],
    )?;
    Ok([paid, charged])
}

/// PAY-2: the merchant repays the platform's advance; its debt and the advance both close.
pub fn settle_recovery(merchant_id: &str, amount: Fen) -> Result<Movement, InvalidInput> {
    positive(amount)?;
    Movement::new(
        MovementKind::RecoverySettled,
        RuleId::Pay2,
        vec![
            Posting {
                account: Account::PlatformReceivable(merchant_id.to_owned()),
                amount: -amount,
            },
            Posting {
                account: Account::PlatformAdvance,
                amount,
            },
        ],
    )
}

/// How customer service settles a disputed advance (PAY-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisputeRuling {
    /// The merchant's claim fails: it repays the advance as under PAY-2.
    MerchantPays,
    /// The merchant's claim holds and no one else pays: the platform records the loss.
    PlatformAbsorbs,
    /// The merchant's claim holds and the buyer returns the refund.
    BuyerRepays,
}

/// PAY-7: the money movement of a ruling. The merchant's debt for the advance is cancelled
/// unless it pays; the platform's advance is closed by whoever bears the money, and a loss is
/// recorded on its own account, never dropped.
pub fn dispute_settlement(
    ruling: DisputeRuling,
    buyer_id: &str,
    merchant_id: &str,
    amount: Fen,
) -> Result<Movement, InvalidInput> {
    positive(amount)?;
    let m = merchant_id.to_owned();
    let (kind, bearer) = match ruling {
        DisputeRuling::MerchantPays => return settle_recovery(merchant_id, amount),
        DisputeRuling::PlatformAbsorbs => (
            MovementKind::DisputeWrittenOff,
            Account::PlatformDisputeLoss,
        ),
        DisputeRuling::BuyerRepays => (
            MovementKind::DisputeRecoveredFromBuyer,
            Account::Buyer(buyer_id.to_owned()),
        ),
    };
    Movement::new(
        kind,
        RuleId::Pay7,
        vec![
            // The merchant no longer owes the advance ...
            Posting {
                account: Account::PlatformReceivable(m.clone()),
                amount: -amount,
            },
            Posting {
                account: Account::Merchant(m),
                amount,
            },
            // ... and the advance is closed by whoever bears it.
            Posting {
                account: bearer,
                amount: -amount,
            },
            Posting {
                account: Account::PlatformAdvance,
                amount,
            },
        ],
    )
}

/// PK-8: the freight-insurance claim pays the courier company the pickup's first weight.
pub fn insured_pickup_fee(courier_company: &str, amount: Fen) -> Result<Movement, InvalidInput> {
    positive(amount)?;
    Movement::new(
        MovementKind::PickupFeeInsured,
        RuleId::Pk8,
        vec![
            Posting {
                account: Account::Insurance,
                amount: -amount,
            },
            Posting {
                account: Account::CourierCompany(courier_company.to_owned()),
                amount,
            },
        ],
    )
}

/// CARE-5: the merchant pays the buyer the value of goods lost after pickup.
pub fn care_loss(buyer_id: &str, merchant_id: &str, value: Fen) -> Result<Movement, InvalidInput> {
    positive(value)?;
    Movement::new(
        MovementKind::CareLossCompensated,
        RuleId::Care5,
        vec![
            Posting {
                account: Account::Merchant(merchant_id.to_owned()),
                amount: -value,
            },
            Posting {
                account: Account::Buyer(buyer_id.to_owned()),
                amount: value,
            },
        ],
    )
}

/// CARE-6 (the buyer pays) or CARE-7 (the merchant pays): the freight back to the buyer.
pub fn care_return_freight(
    payer: Account,
    courier: &str,
    amount: Fen,
    rule: RuleId,
) -> Result<Movement, InvalidInput> {
    positive(amount)?;
    Movement::new(
        MovementKind::CareReturnFreight,
        rule,
        vec![
            Posting {
                account: payer,
                amount: -amount,
            },
            Posting {
                account: Account::CourierCompany(courier.to_owned()),
                amount,
            },
        ],
    )
}

fn positive(amount: Fen) -> Result<(), InvalidInput> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(InvalidInput::new("amount_fen", "must be more than 0 fen"))
    }
}

/// PAY-6: a refund never exceeds what the buyer paid for the order line, across all its cases.
/// `already` is what the line's other live cases refund; answers what is still refundable
/// when `asked` does not fit.
pub fn refund_fits(paid: Fen, already: Fen, asked: Fen) -> Result<(), Fen> {
    let remaining = Fen((paid.0 - already.0).max(0));
    if asked.0 <= remaining.0 {
        Ok(())
    } else {
        Err(remaining)
    }
}

/// PAY-3: when the merchant's time to confirm receipt runs out.
pub fn receipt_deadline(
    collected_at: chrono::DateTime<chrono::Utc>,
    policy: &crate::Policy,
) -> chrono::DateTime<chrono::Utc> {
    collected_at + chrono::Duration::days(policy.merchant_receipt_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(ms: &[&Movement], account: &Account) -> i64 {
        ms.iter()
            .flat_map(|m| m.postings.iter())
            .filter(|p| &p.account == account)
            .map(|p| p.amount.0)
            .sum()
    }

    #[test]
    fn pay_2_settled_recovery_leaves_the_merchant_paying_and_the_advance_closed() {
        let [advance, recovery] = fast_refund("b-1", "m-1", Fen(5_000)).unwrap();
        let settled = settle_recovery("m-1", Fen(5_000)).unwrap();
        let all = [&advance, &recovery, &settled];
        assert_eq!(net(&all, &Account::PlatformAdvance), 0);
        assert_eq!(net(&all, &Account::PlatformReceivable("m-1".into())), 0);
        assert_eq!(net(&all, &Account::Merchant("m-1".into())), -5_000);
        assert_eq!(net(&all, &Account::Buyer("b-1".into())), 5_000);
    }

    #[test]
    fn pay_7_every_ruling_closes_the_advance_and_records_who_bears_it() {
        let [advance, recovery] = fast_refund("b-1", "m-1", Fen(5_000)).unwrap();
        for (ruling, bearer) in [
            (DisputeRuling::MerchantPays, Account::Merchant("m-1".into())),
            (DisputeRuling::PlatformAbsorbs, Account::PlatformDisputeLoss),
            (DisputeRuling::BuyerRepays, Account::Buyer("b-1".into())),
        ] {
            let m = dispute_settlement(ruling, "b-1", "m-1", Fen(5_000)).unwrap();
            let all = [&advance, &recovery, &m];
            assert_eq!(net(&all, &Account::PlatformAdvance), 0, "{ruling:?}");
            assert_eq!(net(&all, &Account::PlatformReceivable("m-1".into())), 0);
            let borne = if bearer == Account::Buyer("b-1".into()) {
                0
            } else {
                -5_000
            };
            assert_eq!(net(&all, &bearer), borne, "{ruling:?}");
        }
        assert!(dispute_settlement(DisputeRuling::BuyerRepays, "b", "m", Fen(0)).is_err());
    }

    #[test]
    fn pay_5_unbalanced_movement_is_refused() {
        let r = Movement::new(
            MovementKind::RefundAdvanced,
            RuleId::Pay1,
            vec![
                Posting {
                    account: Account::PlatformAdvance,
                    amount: Fen(-100),
                },
                Posting {
                    account: Account::Buyer("b".into()),
                    amount: Fen(99),
                },
            ],
        );
        assert_eq!(r.err().map(|e| e.field), Some("postings"));
    }

    #[test]
    fn pay_1_pay_2_fast_refund_advances_and_opens_recovery_balanced() {
        let [advance, recovery] = fast_refund("b-1", "m-1", Fen(19_900)).unwrap();
        assert_eq!(advance.rule, RuleId::Pay1);
        assert_eq!(recovery.rule, RuleId::Pay2);
        let buyer = advance
            .postings
            .iter()
            .find(|p| p.account == Account::Buyer("b-1".into()));
        assert_eq!(buyer.map(|p| p.amount), Some(Fen(19_900)));
        for m in [&advance, &recovery] {
            let sum: i64 = m.postings.iter().map(|p| p.amount.0).sum();
            assert_eq!(sum, 0);
        }
    }

    #[test]
    fn pay_3_merchant_refund_moves_money_from_merchant_to_buyer_balanced() {
        let m = merchant_refund("b-1", "m-1", Fen(500), RuleId::Pay3).unwrap();
        assert_eq!(m.rule, RuleId::Pay3);
        assert_eq!(m.postings.iter().map(|p| p.amount.0).sum::<i64>(), 0);
        assert!(m.postings.contains(&Posting {
            account: Account::Merchant("m-1".into()),
            amount: Fen(-500)
        }));
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            receipt_deadline(at, &crate::Policy::default()) - at,
            chrono::Duration::days(7)
        );
    }

    #[test]
    fn pk_5_pay_4_late_pickup_compensation_is_paid_by_platform_and_charged_to_courier() {
        let [paid, charged] = late_pickup_compensation("b-1", "sf-express", Fen(1_000)).unwrap();
        assert_eq!((paid.rule, charged.rule), (RuleId::Pay4, RuleId::Pk5));
        assert!(paid.postings.contains(&Posting {
            account: Account::Buyer("b-1".into()),
            amount: Fen(1_000)
        }));
        assert!(charged.postings.contains(&Posting {
            account: Account::CourierCompany("sf-express".into()),
            amount: Fen(-1_000)
        }));
        // The platform's compensation account ends where it started.
        let platform: i64 = [&paid, &charged]
            .iter()
            .flat_map(|m| &m.postings)
            .filter(|p| p.account == Account::PlatformCompensation)
            .map(|p| p.amount.0)
            .sum();
        assert_eq!(platform, 0);
    }

    #[test]
    fn pay_6_refunds_on_one_line_never_exceed_what_was_paid() {
        assert_eq!(refund_fits(Fen(10_000), Fen(0), Fen(10_000)), Ok(()));
        assert_eq!(refund_fits(Fen(10_000), Fen(6_000), Fen(4_000)), Ok(()));
        assert_eq!(
            refund_fits(Fen(10_000), Fen(6_000), Fen(4_001)),
            Err(Fen(4_000))
        );
        assert_eq!(refund_fits(Fen(10_000), Fen(12_000), Fen(1)), Err(Fen(0)));
    }

    #[test]
    fn rs_1_compensation_comes_from_the_merchant_deposit() {
        let m = deposit_compensation("b-1", "m-1", Fen(3_000), RuleId::Rs1).unwrap();
        assert_eq!(m.rule, RuleId::Rs1);
        assert!(m.postings.contains(&Posting {
            account: Account::MerchantDeposit("m-1".into()),
            amount: Fen(-3_000)
        }));
    }

    #[test]
    fn pay_1_zero_refund_is_refused() {
        assert!(fast_refund("b", "m", Fen(0)).is_err());
    }
}
