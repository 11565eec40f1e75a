//! The outbox: rows written with a state change, published by the relay.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::StoreError;
use crate::schema::outbox;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
// NULL, not DEFAULT, for `None`: the SQL stays the same, so the prepared statement is cached.
#[diesel(treat_none_as_default_value = false)]
pub struct NewOutboxRow {
    pub event_id: Uuid,
    pub topic: String,
    pub partition: i32,
    pub record_key: String,
    pub payload: Vec<u8>,
    pub traceparent: Option<String>,
    pub headers: serde_json::Value,
}

#[derive(Debug, Clone, QueryableByName)]
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
    match rows {
        [] => {}
        // One row is the common case; its statement is prepared once and cached, a
        // multi-row insert's is not.
        [row] => {
            diesel::insert_into(outbox::table)
                .values(row)
                .execute(conn)
                .await?;
        }
        rows => {
            diesel::insert_into(outbox::table)
                .values(rows)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

/// Takes the oldest unpublished rows for publishing: deletes them and answers them in id
/// order, in one statement. The caller publishes them and then commits; if publishing fails
/// it rolls back and the rows are back. Only one relay per database takes rows at a time (a
/// transaction-scoped advisory lock), so a case's events leave in the order they were written
/// even with several replicas; a relay that does not get the lock takes nothing.
pub async fn take_oldest(
    conn: &mut AsyncPgConnection,
    limit: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    const RELAY_LOCK: i64 = 0x5245_5455_524e_5301; // "RETURNS\x01"
    let mut rows: Vec<OutboxRow> = diesel::sql_query(
        "WITH relay AS (SELECT pg_try_advisory_xact_lock($1) AS locked) \
         DELETE FROM outbox \
         WHERE (SELECT locked FROM relay) \
           AND id IN (SELECT id FROM outbox ORDER BY id LIMIT $2) \
         RETURNING id, event_id, topic, partition, record_key, payload, traceparent, headers",
    )
    .bind::<diesel::sql_types::BigInt, _>(RELAY_LOCK)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
    .await?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}
