//! PAY-4: compensation owed to the buyer (today PK-5's late courier) is paid automatically when
//! the refund completes: the platform pays the buyer and charges the party at fault.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::{HandleError, Outgoing};
use returns_domain::ledger::late_pickup_compensation;
use returns_domain::{Fen, RuleId};
use returns_events::payloads::{CompensationPaid, PickupLate};
use returns_events::{Envelope, topics};
use uuid::Uuid;

use crate::ledger;
use crate::schema::{compensations, refunds};

/// PK-5: the buyer is owed compensation; paid now if the refund already was, else with it.
pub async fn record_owed(
    conn: &mut AsyncPgConnection,
    case: &Envelope,
    late: &PickupLate,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    diesel::insert_into(compensations::table)
        .values((
            compensations::case_id.eq(case.case_id),
            compensations::city.eq(&case.city),
            compensations::shard.eq(&case.shard),
            compensations::buyer_id.eq(&late.buyer_id),
            compensations::charged_to.eq(&late.courier_company),
            compensations::owed_under.eq(late.rule.as_str()),
            compensations::amount_fen.eq(late.compensation_fen.0),
            compensations::status.eq("owed"),
            compensations::owed_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let refund_paid: Option<String> = refunds::table
        .find(case.case_id)
        .select(refunds::status)
        .first(conn)
        .await
        .optional()?;
    if refund_paid.as_deref() == Some("paid") {
        return pay_owed(conn, case.case_id, now).await;
    }
    Ok(Vec::new())
}

/// Pays what is owed for `case_id`, if anything, in the caller's transaction (the refund's).
pub async fn pay_owed(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let owed: Option<(String, String, String, String, i64)> = compensations::table
        .find(case_id)
        .filter(compensations::status.eq("owed"))
        .select((
            compensations::city,
            compensations::shard,
            compensations::buyer_id,
            compensations::charged_to,
            compensations::amount_fen,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    let Some((city, shard, buyer, charged_to, amount)) = owed else {
        return Ok(Vec::new());
    };
    let [paid, charged] =
        late_pickup_compensation(&buyer, &charged_to, Fen(amount)).map_err(HandleError::reject)?;
    let Some(txn) = ledger::post_once(conn, case_id, &paid, now).await? else {
        return Ok(Vec::new());
    };
    ledger::post_once(conn, case_id, &charged, now).await?;
    diesel::update(compensations::table.find(case_id))
        .set((
            compensations::status.eq("paid"),
            compensations::paid_at.eq(now),
            compensations::transaction_id.eq(txn),
        ))
        .execute(conn)
        .await?;
    tracing::info!(rule = RuleId::Pay4.as_str(), amount_fen = amount, charged_to = %charged_to, "compensation paid with the refund");
    Ok(vec![Outgoing::event(
        topics::PAYMENTS,
        "payment",
        case_id,
        &city,
        &shard,
        now,
        &CompensationPaid {
            rule: RuleId::Pay4,
            owed_under: RuleId::Pk5,
            amount_fen: Fen(amount),
            buyer_id: buyer,
            ledger_transaction_id: txn,
            paid_at: now,
        },
    )?])
}
