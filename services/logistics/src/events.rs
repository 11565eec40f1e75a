//! The pickup events logistics emits, on the pickups topic.

use chrono::{DateTime, Utc};
use returns_bus::{BusError, Outgoing};
use returns_events::{Event, topics};
use uuid::Uuid;

/// Which job an event or a wait is about: its case, and the city and shard that choose the
/// partition.
pub(crate) struct JobRef<'a> {
    pub case_id: Uuid,
    pub city: &'a str,
    pub shard: &'a str,
}

pub(crate) fn pickup_event<E: Event>(
    case_id: Uuid,
    city: &str,
    shard: &str,
    now: DateTime<Utc>,
    payload: &E,
) -> Result<Outgoing, BusError> {
    Outgoing::event(
        topics::PICKUPS,
        "logistics",
        case_id,
        city,
        shard,
        now,
        payload,
    )
}
