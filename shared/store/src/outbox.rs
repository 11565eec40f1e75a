//! The outbox: rows written with a state change, published by the relay.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::StoreError;
use crate::schema::outbox;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutboxRow {
    pub event_id: Uuid,
    pub topic: String,
    pub partition: i32,
    pub record_key: String,
    pub payload: Vec<u8>,
    pub traceparent: Option<String>,
    pub headers: serde_json::Value,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub event_id: Uuid,
    pub topic: String,
    pub partition: i32,
    pub record_key: String,
    pub payload: Vec<u8>,
    pub traceparent: Option<String>,
    pub headers: serde_json::Value,
}

pub async fn insert(conn: &mut AsyncPgConnection, rows: &[NewOutboxRow]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    diesel::insert_into(outbox::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

/// Only one relay per database publishes at a time, so a case's events leave in the order
/// they were written even with several replicas. Held until the transaction ends.
pub async fn try_lock_relay(conn: &mut AsyncPgConnection) -> Result<bool, StoreError> {
    const RELAY_LOCK: i64 = 0x5245_5455_524e_5301; // "RETURNS\x01"
    let row: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
        .bind::<diesel::sql_types::BigInt, _>(RELAY_LOCK)
        .get_result(conn)
        .await?;
    Ok(row.locked)
}

/// The oldest unpublished rows, oldest first.
pub async fn oldest(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    Ok(outbox::table
        .order(outbox::id.asc())
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
        .await?)
}

pub async fn delete_ids(conn: &mut AsyncPgConnection, ids: &[i64]) -> Result<(), StoreError> {
    diesel::delete(outbox::table.filter(outbox::id.eq_any(ids)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Rows waiting, for the readiness report and the benchmark.
pub async fn backlog(conn: &mut AsyncPgConnection) -> Result<i64, StoreError> {
    Ok(outbox::table.count().get_result(conn).await?)
}
