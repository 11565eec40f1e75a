//! audit's queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_domain::lifecycle::DecisionState;
use serde::Serialize;
use uuid::Uuid;

use crate::schema::decisions;

/// A case's decision as audit keeps it, and as the merchant and customer service read it.
#[derive(Debug, Clone, Insertable, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = decisions)]
// NULL, not DEFAULT, for `None`: the SQL stays the same, so the prepared statement is cached.
#[diesel(treat_none_as_default_value = false)]
pub struct DecisionRow {
    pub case_id: Uuid,
    pub city: String,
    pub shard: String,
    pub merchant_id: String,
    pub status: DecisionState,
    pub rule_id: String,
    pub reason: String,
    /// The facts the decision was taken on.
    #[schema(value_type = Object)]
    pub inputs: serde_json::Value,
    #[serde(skip)]
    pub opened: serde_json::Value,
    pub review_deadline: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub decided_at: DateTime<Utc>,
}

pub(crate) async fn insert(conn: &mut AsyncPgConnection, row: &DecisionRow) -> QueryResult<()> {
    diesel::insert_into(decisions::table)
        .values(row)
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) async fn find(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<DecisionRow>> {
    decisions::table
        .find(id)
        .select(DecisionRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// One page of a shop's review queue (RV-1), oldest first, after the cursor `after`.
pub(crate) async fn awaiting_merchant(
    conn: &mut AsyncPgConnection,
    merchant: &str,
    after: Option<Uuid>,
    limit: i64,
) -> QueryResult<Vec<DecisionRow>> {
    let mut q = decisions::table
        .filter(decisions::merchant_id.eq(merchant))
        .filter(decisions::status.eq(DecisionState::AwaitingMerchant))
        .select(DecisionRow::as_select())
        .order(decisions::case_id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(decisions::case_id.gt(after));
    }
    q.load(conn).await
}

pub(crate) async fn find_for_update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<DecisionRow>> {
    decisions::table
        .find(id)
        .select(DecisionRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()
}

/// The merchant's own case, locked; another merchant's reads exactly like a missing one.
pub(crate) async fn merchants_for_update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    merchant_id: &str,
) -> QueryResult<Option<DecisionRow>> {
    Ok(find_for_update(conn, id)
        .await?
        .filter(|row| row.merchant_id == merchant_id))
}

/// A decision taken after the first one: by the merchant (RV-1 approve, RV-2 reject) or by the
/// system when the merchant's deadline passes (RV-1).
pub(crate) async fn record_later_decision(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: DecisionState,
    rule: &str,
    reason: &str,
    decided_by: &str,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(decisions::table.find(id))
        .set((
            decisions::status.eq(status),
            decisions::rule_id.eq(rule),
            decisions::reason.eq(reason),
            decisions::decided_by.eq(decided_by),
            decisions::decided_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
