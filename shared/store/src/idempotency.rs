//! Idempotency keys of the public API: who sent which key with which request, and the answer
//! the first request got, until the key expires.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::StoreError;
use crate::schema::idempotency_keys as ik;

/// A remembered answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What a key holds when a request arrives with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new (or had expired): this request is the first and will be remembered.
    First,
    /// The same request was answered before.
    Answered(Answer),
    /// The same request is being served right now.
    InFlight,
    /// The key was used with a different request.
    Mismatch,
}

/// Claims `key` for `caller`'s `request` (a canonical form of method, path and body).
pub async fn claim(
    conn: &mut AsyncPgConnection,
    caller: &str,
    key: &str,
    request: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Claim, StoreError> {
    // An expired key is forgotten before it is claimed again.
    diesel::delete(
        ik::table
            .filter(ik::caller.eq(caller))
            .filter(ik::key.eq(key))
            .filter(ik::expires_at.le(now)),
    )
    .execute(conn)
    .await?;
    let inserted = diesel::insert_into(ik::table)
        .values((
            ik::caller.eq(caller),
            ik::key.eq(key),
            ik::request.eq(request),
            ik::created_at.eq(now),
            ik::expires_at.eq(expires_at),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 1 {
        return Ok(Claim::First);
    }
    type Stored = (String, Option<i16>, Option<String>, Option<Vec<u8>>);
    let row: Option<Stored> = ik::table
        .find((caller, key))
        .select((ik::request, ik::status, ik::content_type, ik::body))
        .first(conn)
        .await
        .optional()?;
    Ok(match row {
        // Deleted between the two statements (expired and pruned): let this request retry.
        None => Claim::InFlight,
        Some((stored, _, _, _)) if stored != request => Claim::Mismatch,
        Some((_, None, _, _)) => Claim::InFlight,
        Some((_, Some(status), content_type, body)) => Claim::Answered(Answer {
            status: status as u16,
            content_type,
            body: body.unwrap_or_default(),
        }),
    })
}

/// Remembers the answer to the first request.
pub async fn answer(
    conn: &mut AsyncPgConnection,
    caller: &str,
    key: &str,
    a: &Answer,
) -> Result<(), StoreError> {
    diesel::update(ik::table.find((caller, key)))
        .set((
            ik::status.eq(a.status as i16),
            ik::content_type.eq(&a.content_type),
            ik::body.eq(&a.body),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets a claim whose request failed on the server's side, so that a retry runs again.
pub async fn release(
    conn: &mut AsyncPgConnection,
    caller: &str,
    key: &str,
) -> Result<(), StoreError> {
    diesel::delete(ik::table.find((caller, key)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes up to `batch` keys expired by `now`; answers how many.
pub async fn prune(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    batch: i64,
) -> Result<usize, StoreError> {
    let n = diesel::sql_query(
        "DELETE FROM idempotency_keys WHERE (caller, key) IN \
         (SELECT caller, key FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2)",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::BigInt, _>(batch)
    .execute(conn)
    .await?;
    Ok(n)
}
