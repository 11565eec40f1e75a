//! The pickup events logistics emits, on the pickups topic.

use chrono::{DateTime, Utc};
use returns_bus::Outgoing;
use returns_events::{Envelope, Event, topics};
use uuid::Uuid;

pub fn pickup_event<E: Event>(
    case_id: Uuid,
    city: &str,
    shard: &str,
    now: DateTime<Utc>,
    payload: &E,
) -> Result<Outgoing, serde_json::Error> {
    let env = Envelope::new(
        Uuid::now_v7(),
        case_id,
        city,
        shard,
        now,
        "logistics",
        payload,
    )?;
    Ok(Outgoing::new(topics::PICKUPS, env))
}
