//! The ledger's queries: posting movements once per case and kind (PAY-5), and reading them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_domain::ledger::Movement;
use returns_domain::lifecycle::RefundState;
use serde::Serialize;
use uuid::Uuid;

use crate::schema::{ledger_entries, ledger_transactions, refunds};

/// Posts `m` for `case_id` unless this case already has a movement of that kind. Returns the
/// transaction id when it was posted now, `None` when it already existed (a redelivery).
pub(crate) async fn post_once(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    m: &Movement,
    at: DateTime<Utc>,
) -> QueryResult<Option<Uuid>> {
    let id = Uuid::now_v7();
    let inserted = diesel::insert_into(ledger_transactions::table)
        .values((
            ledger_transactions::id.eq(id),
            ledger_transactions::case_id.eq(case_id),
            ledger_transactions::kind.eq(m.kind.as_str()),
            ledger_transactions::rule_id.eq(m.rule.as_str()),
            ledger_transactions::created_at.eq(at),
        ))
        .on_conflict((ledger_transactions::case_id, ledger_transactions::kind))
        .do_nothing()
        .execute(conn)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    let rows: Vec<_> = m
        .postings
        .iter()
        .map(|p| {
            (
                ledger_entries::transaction_id.eq(id),
                ledger_entries::account.eq(p.account.key()),
                ledger_entries::amount_fen.eq(p.amount.0),
            )
        })
        .collect();
    diesel::insert_into(ledger_entries::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(Some(id))
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_refund(
    conn: &mut AsyncPgConnection,
    case: &returns_events::Envelope,
    order: &returns_events::payloads::RefundOrder,
    status: RefundState,
    tracking: Option<&str>,
    collected_at: Option<DateTime<Utc>>,
    paid_at: Option<DateTime<Utc>>,
    txn: Option<Uuid>,
) -> QueryResult<()> {
    diesel::insert_into(refunds::table)
        .values((
            refunds::case_id.eq(case.case_id),
            refunds::city.eq(&case.city),
            refunds::shard.eq(&case.shard),
            refunds::buyer_id.eq(&order.buyer_id),
            refunds::merchant_id.eq(&order.merchant_id),
            refunds::order_line_id.eq(&order.order_line_id),
            refunds::amount_fen.eq(order.amount_fen.0),
            refunds::status.eq(status),
            refunds::tracking_number.eq(tracking),
            refunds::collected_at.eq(collected_at),
            refunds::paid_at.eq(paid_at),
            refunds::transaction_id.eq(txn),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// One posting of a case's ledger transactions.
#[derive(Debug, Serialize, Queryable, utoipa::ToSchema)]
pub(crate) struct EntryView {
    pub transaction_id: Uuid,
    pub kind: String,
    pub rule_id: String,
    pub account: String,
    pub amount_fen: i64,
    pub created_at: DateTime<Utc>,
}

pub(crate) async fn entries_of_case(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> QueryResult<Vec<EntryView>> {
    ledger_entries::table
        .inner_join(ledger_transactions::table)
        .filter(ledger_transactions::case_id.eq(case_id))
        .order(ledger_entries::id.asc())
        .select((
            ledger_entries::transaction_id,
            ledger_transactions::kind,
            ledger_transactions::rule_id,
            ledger_entries::account,
            ledger_entries::amount_fen,
            ledger_transactions::created_at,
        ))
        .load(conn)
        .await
}

#[derive(QueryableByName)]
struct Balance {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    balance: i64,
}

/// An account's balance: the sum of its postings.
pub(crate) async fn balance(conn: &mut AsyncPgConnection, account: &str) -> QueryResult<i64> {
    let b: Balance = diesel::sql_query(
        "SELECT COALESCE(SUM(amount_fen), 0)::BIGINT AS balance FROM ledger_entries WHERE account = $1",
    )
    .bind::<diesel::sql_types::Text, _>(account)
    .get_result(conn)
    .await?;
    Ok(b.balance)
}

/// The whole ledger at a glance (PAY-5: it sums to zero).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct TrialBalance {
    pub transactions: i64,
    pub entries: i64,
    /// Sum of every posting: zero when the ledger balances.
    pub sum_fen: i64,
}

#[derive(QueryableByName)]
struct TrialRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    transactions: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    entries: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    sum_fen: i64,
}

pub(crate) async fn trial_balance(conn: &mut AsyncPgConnection) -> QueryResult<TrialBalance> {
    let r: TrialRow = diesel::sql_query(
        "SELECT (SELECT count(*) FROM ledger_transactions) AS transactions, \
                (SELECT count(*) FROM ledger_entries) AS entries, \
                (SELECT COALESCE(SUM(amount_fen), 0)::BIGINT FROM ledger_entries) AS sum_fen",
    )
    .get_result(conn)
    .await?;
    Ok(TrialBalance {
        transactions: r.transactions,
        entries: r.entries,
        sum_fen: r.sum_fen,
    })
}

/// A case's refund: how much, to whom, and where it stands (PAY-1..PAY-3).
#[derive(Debug, Serialize, Queryable, utoipa::ToSchema)]
pub(crate) struct RefundView {
    pub case_id: Uuid,
    pub buyer_id: String,
    pub merchant_id: String,
    pub amount_fen: i64,
    pub status: RefundState,
    pub tracking_number: Option<String>,
    pub collected_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
}

pub(crate) async fn refund_of_case(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> QueryResult<Option<RefundView>> {
    refunds::table
        .find(case_id)
        .select((
            refunds::case_id,
            refunds::buyer_id,
            refunds::merchant_id,
            refunds::amount_fen,
            refunds::status,
            refunds::tracking_number,
            refunds::collected_at,
            refunds::paid_at,
        ))
        .first(conn)
        .await
        .optional()
}

/// A refund row locked for a change.
#[derive(Debug, Queryable)]
pub(crate) struct PendingRefund {
    pub city: String,
    pub shard: String,
    pub buyer_id: String,
    pub merchant_id: String,
    pub amount_fen: i64,
    pub status: RefundState,
}

pub(crate) async fn refund_for_update(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
) -> QueryResult<Option<PendingRefund>> {
    refunds::table
        .find(case_id)
        .select((
            refunds::city,
            refunds::shard,
            refunds::buyer_id,
            refunds::merchant_id,
            refunds::amount_fen,
            refunds::status,
        ))
        .for_update()
        .first(conn)
        .await
        .optional()
}

pub(crate) async fn mark_refund_paid(
    conn: &mut AsyncPgConnection,
    case_id: Uuid,
    at: DateTime<Utc>,
    txn: Uuid,
) -> QueryResult<()> {
    diesel::update(refunds::table.find(case_id))
        .set((
            refunds::status.eq(RefundState::Paid),
            refunds::paid_at.eq(at),
            refunds::transaction_id.eq(txn),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
