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
