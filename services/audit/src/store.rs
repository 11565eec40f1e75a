//! audit's queries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use crate::schema::decisions;

#[derive(Debug, Clone, Insertable, Queryable, Selectable, Serialize)]
#[diesel(table_name = decisions)]
// NULL, not DEFAULT, for `None`: the SQL stays the same, so the prepared statement is cached.
#[diesel(treat_none_as_default_value = false)]
pub struct DecisionRow {
    pub case_id: Uuid,
    pub city: String,
    pub shard: String,
    pub merchant_id: String,
    pub status: String,
    pub rule_id: String,
    pub reason: String,
    pub inputs: serde_json::Value,
    #[serde(skip)]
    pub opened: serde_json::Value,
    pub review_deadline: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub decided_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, row: &DecisionRow) -> QueryResult<()> {
    diesel::insert_into(decisions::table)
        .values(row)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<DecisionRow>> {
    decisions::table
        .find(id)
        .select(DecisionRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_for_update(
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

pub async fn record_merchant_decision(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: &str,
    rule: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(decisions::table.find(id))
        .set((
            decisions::status.eq(status),
            decisions::rule_id.eq(rule),
            decisions::reason.eq(reason),
            decisions::decided_by.eq("merchant"),
            decisions::decided_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// RV-1: the system approves a request the merchant left undecided.
pub async fn record_system_approval(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    rule: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(decisions::table.find(id))
        .set((
            decisions::status.eq("approved"),
            decisions::rule_id.eq(rule),
            decisions::reason.eq(reason),
            decisions::decided_by.eq("system"),
            decisions::decided_at.eq(at),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
