//! PAY-4: compensation owed to the buyer (PK-5's late courier, RS-1's unshipped order, AS-3's
//! after-sales reason) is paid automatically when the refund completes, or, for an exchange or
//! a repair that pays no refund, when the parcel is collected: the platform pays the buyer and
//! charges the party at fault.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::{HandleError, Outgoing};
use returns_domain::ledger::{deposit_compensation, late_pickup_compensation};
use returns_domain::lifecycle::{CompensationState, RefundState};
use returns_domain::{Fen, RuleId};
use returns_events::Envelope;
use returns_events::payloads::{CompensationPaid, PickupLate};
use uuid::Uuid;

use crate::ledger;
use crate::schema::{compensations, refunds};

/// Compensation the buyer is owed, and who pays for it.
pub(crate) struct Owed<'a> {
    pub buyer_id: &'a str,
    /// PK-5: the courier company; RS-1: the merchant (from its deposit).
    pub charged_to: &'a str,
    pub owed_under: RuleId,
    pub amount: Fen,
}

/// PK-5: a late courier.
pub(crate) async fn record_late_courier(
    conn: &mut AsyncPgConnection,
    case: &Envelope,
    late: &PickupLate,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let owed = Owed {
        buyer_id: &late.buyer_id,
        charged_to: &late.courier_company,
        owed_under: late.rule,
        amount: late.compensation_fen,
    };
    record_owed(conn, case, owed, now).await
}

/// The buyer is owed compensation; paid now if the refund already was, else with it.
pub(crate) async fn record_owed(
    conn: &mut AsyncPgConnection,
    case: &Envelope,
    owed: Owed<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    diesel::insert_into(compensations::table)
        .values((
            compensations::case_id.eq(case.case_id),
            compensations::city.eq(&case.city),
            compensations::shard.eq(&case.shard),
            compensations::buyer_id.eq(owed.buyer_id),
            compensations::charged_to.eq(owed.charged_to),
            compensations::owed_under.eq(owed.owed_under.as_str()),
            compensations::amount_fen.eq(owed.amount.0),
            compensations::status.eq(CompensationState::Owed),
            compensations::owed_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let refund: Option<RefundState> = refunds::table
        .find(case.case_id)
        .select(refunds::status)
        .first(conn)
        .await
        .optional()?;
    if refund == Some(RefundState::Paid) {
        return pay_owed(conn, case.case_id, now).await;
    }
    Ok(Vec::new())
}

/// Pays what is owed for `case_id`, if anything, in the caller's transaction (the refund's).
pub(crate) async fn pay_owed(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let owed: Vec<(String, String, String, String, String, i64)> = compensations::table
        .filter(compensations::case_id.eq(case_id))
        .filter(compensations::status.eq(CompensationState::Owed))
        .select((
            compensations::city,
            compensations::shard,
            compensations::buyer_id,
            compensations::charged_to,
            compensations::owed_under,
            compensations::amount_fen,
        ))
        .order(compensations::owed_under.asc())
        .for_update()
        .load(conn)
        .await?;
    let mut out = Vec::new();
    for (city, shard, buyer, charged_to, owed_under, amount) in owed {
        let rule: RuleId = RuleId::parse(&owed_under)
            .ok_or_else(|| HandleError::reject(format!("unknown rule {owed_under}")))?;
        let txn = match rule {
            // RS-1, AS-3: straight from the merchant's deposit.
            RuleId::Rs1 | RuleId::As3 => {
                let m = deposit_compensation(&buyer, &charged_to, Fen(amount), rule)
                    .map_err(HandleError::reject)?;
                ledger::post_once(conn, case_id, &m, now).await?
            }
            // PK-5: the platform pays and charges the courier company.
            _ => {
                let [paid, charged] = late_pickup_compensation(&buyer, &charged_to, Fen(amount))
                    .map_err(HandleError::reject)?;
                let txn = ledger::post_once(conn, case_id, &paid, now).await?;
                ledger::post_once(conn, case_id, &charged, now).await?;
                txn
            }
        };
        let Some(txn) = txn else {
            continue;
        };
        diesel::update(
            compensations::table
                .filter(compensations::case_id.eq(case_id))
                .filter(compensations::owed_under.eq(&owed_under)),
        )
        .set((
            compensations::status.eq(CompensationState::Paid),
            compensations::paid_at.eq(now),
            compensations::transaction_id.eq(txn),
        ))
        .execute(conn)
        .await?;
        tracing::info!(rule = RuleId::Pay4.as_str(), owed_under = %owed_under, amount_fen = amount, charged_to = %charged_to, "compensation paid with the refund");
        out.push(returns_bus::Emitter::new(crate::SERVICE, now).emit(
            returns_bus::About {
                case_id,
                city: &city,
                shard: &shard,
            },
            &CompensationPaid {
                rule: RuleId::Pay4,
                owed_under: rule,
                amount_fen: Fen(amount),
                buyer_id: buyer,
                ledger_transaction_id: txn,
                paid_at: now,
            },
        )?);
    }
    Ok(out)
}
