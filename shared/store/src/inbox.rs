//! The inbox: a consumer records each event id in the transaction that applies it.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::StoreError;
use crate::schema::inbox;

/// Records `event_id` as processed; false when it already was (a redelivery to skip).
pub async fn first_delivery(
    conn: &mut AsyncPgConnection,
    event_id: Uuid,
    topic: &str,
    partition: i32,
    offset: i64,
) -> Result<bool, StoreError> {
    let inserted = diesel::insert_into(inbox::table)
        .values((
            inbox::event_id.eq(event_id),
            inbox::topic.eq(topic),
            inbox::partition.eq(partition),
            inbox::record_offset.eq(offset),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

/// Forgets `event_id`: it was set aside, not applied, so a replay of it must be applied.
pub async fn forget(conn: &mut AsyncPgConnection, event_id: Uuid) -> Result<(), StoreError> {
    diesel::delete(inbox::table.find(event_id))
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a slice's event ids in one statement; answers those seen for the first time.
pub async fn first_deliveries(
    conn: &mut AsyncPgConnection,
    events: &[(Uuid, &str, i32, i64)],
) -> Result<std::collections::HashSet<Uuid>, StoreError> {
    if events.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<_> = events
        .iter()
        .map(|(id, topic, partition, offset)| {
            (
                inbox::event_id.eq(*id),
                inbox::topic.eq(*topic),
                inbox::partition.eq(*partition),
                inbox::record_offset.eq(*offset),
            )
        })
        .collect();
    let new: Vec<Uuid> = diesel::insert_into(inbox::table)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(inbox::event_id)
        .get_results(conn)
        .await?;
    Ok(new.into_iter().collect())
}

/// Deletes up to `batch` inbox rows processed more than `retention_hours` ago (by the
/// database's clock, which wrote them); answers how many. Redeliveries come within seconds of
/// the first delivery (an uncommitted slice, a producer retry), so rows older than the
/// retention only cost space.
pub async fn prune(
    conn: &mut AsyncPgConnection,
    retention_hours: i64,
    batch: i64,
) -> Result<usize, StoreError> {
    Ok(diesel::sql_query(
        "DELETE FROM inbox WHERE event_id IN ( \
           SELECT event_id FROM inbox \
           WHERE processed_at < now() - make_interval(hours => $1::int) \
           ORDER BY processed_at LIMIT $2)",
    )
    .bind::<diesel::sql_types::BigInt, _>(retention_hours)
    .bind::<diesel::sql_types::BigInt, _>(batch)
    .execute(conn)
    .await?)
}
