//! PAY-2: the platform's advance is recovered from the merchant. The recovery opens with the
//! fast refund and settles when the merchant confirms receipt of the parcel, or when its
//! confirmation window (PAY-3's) passes; a dispute (PAY-7) holds it until customer service rules.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_bus::{HandleError, Outgoing};
use returns_domain::ledger::{Movement, receipt_deadline, settle_recovery};
use returns_domain::lifecycle::RecoveryState;
use returns_domain::{Fen, Policy, RuleId};
use returns_events::Envelope;
use returns_events::payloads::RecoverySettled;
use returns_store::timers;
use uuid::Uuid;

use crate::ledger;
use crate::schema::recoveries;

/// The `timers.kind` of the merchant's window before the recovery settles.
pub(crate) const KIND: &str = "pay2_recovery_settles";

/// An open recovery, as the settlement and the dispute read it.
#[derive(Debug, Clone, Queryable)]
pub(crate) struct Recovery {
    pub case_id: Uuid,
    pub merchant_id: String,
    pub buyer_id: Option<String>,
    pub city: Option<String>,
    pub shard: Option<String>,
    pub amount_fen: i64,
    pub status: RecoveryState,
}

/// Records the merchant's debt for the advance and starts its settlement window.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn open(
    conn: &mut AsyncPgConnection,
    case: &Envelope,
    merchant: &str,
    buyer: &str,
    amount: Fen,
    collected_at: DateTime<Utc>,
    txn: Uuid,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<(), HandleError> {
    diesel::insert_into(recoveries::table)
        .values((
            recoveries::case_id.eq(case.case_id),
            recoveries::merchant_id.eq(merchant),
            recoveries::buyer_id.eq(buyer),
            recoveries::city.eq(&case.city),
            recoveries::shard.eq(&case.shard),
            recoveries::amount_fen.eq(amount.0),
            recoveries::status.eq(RecoveryState::Open),
            recoveries::opened_at.eq(now),
            recoveries::transaction_id.eq(txn),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let timer = returns_bus::deadline(KIND, case, receipt_deadline(collected_at, policy), now);
    timers::schedule(conn, &timer).await?;
    Ok(())
}

pub(crate) async fn for_update(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> QueryResult<Option<Recovery>> {
    recoveries::table
        .find(case_id)
        .select((
            recoveries::case_id,
            recoveries::merchant_id,
            recoveries::buyer_id,
            recoveries::city,
            recoveries::shard,
            recoveries::amount_fen,
            recoveries::status,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// Closes a recovery with `movement` (posted once) and its final status.
pub(crate) async fn close(
    conn: &mut AsyncPgConnection,
    r: &Recovery,
    movement: &Movement,
    status: RecoveryState,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, HandleError> {
    let Some(txn) = ledger::post_once(conn, r.case_id, movement, now).await? else {
        return Ok(None);
    };
    diesel::update(recoveries::table.find(r.case_id))
        .set((
            recoveries::status.eq(status),
            recoveries::closed_at.eq(now),
            recoveries::closing_transaction_id.eq(txn),
        ))
        .execute(conn)
        .await?;
    timers::cancel(conn, KIND, r.case_id).await?;
    Ok(Some(txn))
}

/// Settles an open recovery from the merchant's funds: the merchant received the parcel or let
/// its window pass. Nothing happens for one already settled or under dispute.
pub(crate) async fn settle(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    why: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Outgoing>, HandleError> {
    let Some(r) = for_update(conn, case_id).await? else {
        return Ok(Vec::new());
    };
    if r.status != RecoveryState::Open {
        return Ok(Vec::new());
    }
    let m = settle_recovery(&r.merchant_id, Fen(r.amount_fen)).map_err(HandleError::reject)?;
    let Some(txn) = close(conn, &r, &m, RecoveryState::Settled, now).await? else {
        return Ok(Vec::new());
    };
    tracing::info!(case_id = %case_id, rule = RuleId::Pay2.as_str(), why, "advance recovered from the merchant");
    Ok(vec![settled_event(&r, txn, now)?])
}

pub(crate) fn settled_event(
    r: &Recovery,
    txn: Uuid,
    now: DateTime<Utc>,
) -> Result<Outgoing, HandleError> {
    Ok(returns_bus::Emitter::new(crate::SERVICE, now).emit(
        returns_bus::About {
            case_id: r.case_id,
            city: r.city.as_deref().unwrap_or_default(),
            shard: r.shard.as_deref().unwrap_or_default(),
        },
        &RecoverySettled {
            rule: RuleId::Pay2,
            merchant_id: r.merchant_id.clone(),
            amount_fen: Fen(r.amount_fen),
            ledger_transaction_id: txn,
            settled_at: now,
        },
    )?)
}
