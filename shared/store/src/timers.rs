//! The `timers` table: durable deadlines, one per kind and case.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::StoreError;
use crate::schema::timers;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = timers)]
pub struct Timer {
    pub id: i64,
    pub kind: String,
    pub case_id: Uuid,
    pub city: String,
    pub shard: String,
    pub due_at: DateTime<Utc>,
    pub payload: serde_json::Value,
    pub traceparent: Option<String>,
}

/// A wait to start: what it is, about which case (and where, for the shard on its span), when.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = timers)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewTimer {
    pub kind: String,
    pub case_id: Uuid,
    pub city: String,
    pub shard: String,
    pub due_at: DateTime<Utc>,
    pub payload: serde_json::Value,
    pub traceparent: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Starts a wait, in the caller's transaction. A second one of the same kind for the same
/// case is ignored (the first deadline stands).
pub async fn schedule(conn: &mut AsyncPgConnection, timer: &NewTimer) -> Result<(), StoreError> {
    diesel::insert_into(timers::table)
        .values(timer)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Starts a wait or moves it, in the caller's transaction: the new deadline replaces the
/// case's earlier one of the same kind, fired or not (a pickup moved to another slot).
pub async fn reschedule(conn: &mut AsyncPgConnection, timer: &NewTimer) -> Result<(), StoreError> {
    diesel::insert_into(timers::table)
        .values(timer)
        .on_conflict((timers::kind, timers::case_id))
        .do_update()
        .set((
            timers::due_at.eq(timer.due_at),
            timers::payload.eq(&timer.payload),
            timers::traceparent.eq(&timer.traceparent),
            timers::created_at.eq(timer.created_at),
            timers::fired_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Timers due by `now` and not yet fired, locked for this round (replicas skip them).
pub async fn due(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Timer>, StoreError> {
    Ok(timers::table
        .filter(timers::fired_at.is_null())
        .filter(timers::due_at.le(now))
        .order(timers::due_at.asc())
        .limit(limit)
        .select(Timer::as_select())
        .for_update()
        .skip_locked()
        .load(conn)
        .await?)
}

pub async fn mark_fired(
    conn: &mut AsyncPgConnection,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(timers::table.find(id))
        .set(timers::fired_at.eq(at))
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends a wait early (the awaited thing happened), in the caller's transaction.
pub async fn cancel(
    conn: &mut AsyncPgConnection,
    kind: &str,
    case_id: Uuid,
) -> Result<(), StoreError> {
    diesel::delete(
        timers::table
            .filter(timers::kind.eq(kind))
            .filter(timers::case_id.eq(case_id))
            .filter(timers::fired_at.is_null()),
    )
    .execute(conn)
    .await?;
    Ok(())
}
