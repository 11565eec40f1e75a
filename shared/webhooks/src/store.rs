//! Subscriptions and the delivery log, in the service's own database.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use returns_store::schema::{webhook_deliveries as wd, webhook_subscriptions as ws};
use serde::Serialize;
use uuid::Uuid;

/// Where a subscriber's events go (its secret is never read back).
#[derive(Debug, Clone, Queryable, Serialize, utoipa::ToSchema)]
pub struct Subscription {
    pub owner: String,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub event_types: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of the delivery log.
#[derive(Debug, Clone, Queryable, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: Uuid,
    pub owner: String,
    pub event_id: Uuid,
    pub event_type: String,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Creates or replaces `owner`'s subscription; a new secret only when there was none (or when
/// `rotate`). Answers the subscription and, when it is new, its secret.
pub async fn subscribe(
    conn: &mut AsyncPgConnection,
    owner: &str,
    url: &str,
    event_types: &[String],
    rotate: bool,
    now: DateTime<Utc>,
) -> QueryResult<(Subscription, Option<String>)> {
    let existing = subscription_of(conn, owner).await?;
    let fresh = (existing.is_none() || rotate).then(crate::new_secret);
    let secret = fresh
        .clone()
        .or_else(|| existing.map(|s| s.secret))
        .unwrap_or_default();
    diesel::insert_into(ws::table)
        .values((
            ws::owner.eq(owner),
            ws::url.eq(url),
            ws::secret.eq(&secret),
            ws::event_types.eq(event_types),
            ws::created_at.eq(now),
            ws::updated_at.eq(now),
        ))
        .on_conflict(ws::owner)
        .do_update()
        .set((
            ws::url.eq(url),
            ws::secret.eq(&secret),
            ws::event_types.eq(event_types),
            ws::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    let sub = subscription_of(conn, owner)
        .await?
        .ok_or(diesel::result::Error::NotFound)?;
    Ok((sub, fresh))
}

pub async fn subscription_of(
    conn: &mut AsyncPgConnection,
    owner: &str,
) -> QueryResult<Option<Subscription>> {
    ws::table.find(owner).first(conn).await.optional()
}

/// Logs the event for `owner` if it subscribed to its type; answers whether it did. Called in
/// the transaction that consumed the event, so the delivery is owed exactly when that commits.
pub async fn enqueue(
    conn: &mut AsyncPgConnection,
    owner: &str,
    event_id: Uuid,
    event_type: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> QueryResult<bool> {
    let wanted: Option<Vec<String>> = ws::table
        .find(owner)
        .select(ws::event_types)
        .first(conn)
        .await
        .optional()?;
    if !wanted.is_some_and(|types| types.iter().any(|t| t == event_type)) {
        return Ok(false);
    }
    let n = diesel::insert_into(wd::table)
        .values((
            wd::id.eq(Uuid::now_v7()),
            wd::owner.eq(owner),
            wd::event_id.eq(event_id),
            wd::event_type.eq(event_type),
            wd::body.eq(body),
            wd::status.eq("pending"),
            wd::next_attempt_at.eq(now),
            wd::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(n == 1)
}

/// The log, newest first: one owner's, or everyone's (`None`, for operators).
pub async fn deliveries(
    conn: &mut AsyncPgConnection,
    owner: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Delivery>> {
    let mut q = wd::table
        .select((
            wd::id,
            wd::owner,
            wd::event_id,
            wd::event_type,
            wd::status,
            wd::attempts,
            wd::next_attempt_at,
            wd::last_status,
            wd::last_error,
            wd::created_at,
            wd::delivered_at,
        ))
        .order(wd::created_at.desc())
        .limit(limit)
        .into_boxed();
    if let Some(o) = owner {
        q = q.filter(wd::owner.eq(o));
    }
    q.load(conn).await
}

/// A delivery claimed for an attempt.
pub(crate) struct Due {
    pub id: Uuid,
    pub owner: String,
    pub body: Vec<u8>,
    pub attempts: i32,
}

/// Claims up to `batch` due deliveries by moving them `lease` ahead, so that another replica
/// does not send them at the same time (the deliverer claims one at a time, just before it
/// sends it, so the lease covers that one send).
pub(crate) async fn claim_due(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    lease: DateTime<Utc>,
    batch: i64,
) -> QueryResult<Vec<Due>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: Uuid,
        #[diesel(sql_type = diesel::sql_types::Text)]
        owner: String,
        #[diesel(sql_type = diesel::sql_types::Bytea)]
        body: Vec<u8>,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        attempts: i32,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id IN \
         (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 \
          ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING id, owner, body, attempts",
    )
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<diesel::sql_types::Timestamptz, _>(lease)
    .bind::<diesel::sql_types::BigInt, _>(batch)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Due {
            id: r.id,
            owner: r.owner,
            body: r.body,
            attempts: r.attempts,
        })
        .collect())
}

/// One attempt's outcome, as the log keeps it.
pub(crate) struct Attempt<'a> {
    pub status: &'a str,
    pub attempts: i32,
    pub next: DateTime<Utc>,
    pub answer: Option<i32>,
    pub error: Option<&'a str>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Records one attempt's outcome, only over the state the attempt was claimed in (still
/// pending, `a.attempts - 1` attempts before it): a replica whose lease ran out cannot turn a
/// delivery another replica recorded back into pending. False when the record was stale.
pub(crate) async fn record(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    a: &Attempt<'_>,
) -> QueryResult<bool> {
    let claimed = wd::table
        .find(id)
        .filter(wd::status.eq("pending"))
        .filter(wd::attempts.eq(a.attempts - 1));
    let n = diesel::update(claimed)
        .set((
            wd::status.eq(a.status),
            wd::attempts.eq(a.attempts),
            wd::next_attempt_at.eq(a.next),
            wd::last_status.eq(a.answer),
            wd::last_error.eq(a.error),
            wd::delivered_at.eq(a.delivered_at),
        ))
        .execute(conn)
        .await?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel_async::AsyncConnection;

    use returns_store::scratch;

    /// A database of this test's own with the platform's tables, its URL, and a runtime.
    fn scratch_db(tag: &str) -> (String, String, tokio::runtime::Runtime) {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let name = format!("webhooks_{tag}_{}", std::process::id());
        let url = rt
            .block_on(scratch::create(&name))
            .expect("PostgreSQL on 127.0.0.1:5432");
        returns_store::migrate(&url, returns_store::PLATFORM_MIGRATIONS).expect("migrations");
        (name, url, rt)
    }

    async fn one_pending(conn: &mut AsyncPgConnection, now: DateTime<Utc>) -> Uuid {
        let id = Uuid::now_v7();
        diesel::insert_into(wd::table)
            .values((
                wd::id.eq(id),
                wd::owner.eq("merchant:m-1"),
                wd::event_id.eq(Uuid::now_v7()),
                wd::event_type.eq("case.approved"),
                wd::body.eq(b"{}".to_vec()),
                wd::status.eq("pending"),
                wd::next_attempt_at.eq(now),
                wd::created_at.eq(now),
            ))
            .execute(conn)
            .await
            .expect("a delivery");
        id
    }

    fn attempt(status: &str, delivered: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Attempt<'_> {
        Attempt {
            status,
            attempts: 1,
            next: now,
            answer: Some(if delivered.is_some() { 200 } else { 500 }),
            error: None,
            delivered_at: delivered,
        }
    }

    #[test]
    fn a_claimed_delivery_is_not_claimed_again_and_a_stale_attempt_does_not_undo_a_delivery() {
        let (name, url, rt) = scratch_db("claims");
        rt.block_on(async {
            let mut conn = AsyncPgConnection::establish(&url).await.expect("connect");
            let now = Utc::now();
            let id = one_pending(&mut conn, now).await;
            let lease = now + chrono::Duration::seconds(10);
            let first = claim_due(&mut conn, now, lease, 1).await.expect("claim");
            assert_eq!(first.iter().map(|d| d.id).collect::<Vec<_>>(), vec![id]);
            // Another replica, at the same moment, finds nothing due: the lease holds it.
            let second = claim_due(&mut conn, now, lease, 1).await.expect("claim");
            assert!(second.is_empty(), "claimed twice");
            // The lease ran out; the other replica delivered it and recorded so.
            assert!(
                record(&mut conn, id, &attempt("delivered", Some(now), now))
                    .await
                    .expect("record")
            );
            // The first replica's late failure is stale: the delivery stays delivered.
            let stale = record(&mut conn, id, &attempt("pending", None, now))
                .await
                .expect("record");
            assert!(!stale, "a stale attempt was recorded");
            let status: String = wd::table
                .find(id)
                .select(wd::status)
                .first(&mut conn)
                .await
                .expect("status");
            assert_eq!(status, "delivered");
        });
        rt.block_on(scratch::drop(&name)).expect("drop");
    }
}
