//! The versioned envelope every record carries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use uuid::Uuid;

/// One event on a topic. `event_type` + `schema_version` say how to read `payload`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Envelope {
    /// Unique per event; consumers deduplicate on it (inbox).
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: u16,
    pub case_id: Uuid,
    pub city: String,
    /// CT-3: the city's shard, which chose the partition.
    pub shard: String,
    pub occurred_at: DateTime<Utc>,
    /// The service that wrote it.
    pub producer: String,
    pub payload: serde_json::Value,
}

/// A payload type with its name and version on the wire, and the one topic it travels on
/// (docs/events.md's table), so that emitting it never names a topic.
pub trait Event: Serialize + DeserializeOwned {
    const TYPE: &'static str;
    const VERSION: u16;
    const TOPIC: &'static str;
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("record is not an event envelope: {0}")]
    Envelope(serde_json::Error),
    #[error("{event_type} v{version} payload is invalid: {source}")]
    Payload {
        event_type: String,
        version: u16,
        source: serde_json::Error,
    },
    #[error("{0} is not an event type this consumer knows")]
    UnknownType(String),
    #[error("{event_type} has schema version {found}; this consumer reads up to {supported}")]
    Version {
        event_type: String,
        found: u16,
        supported: u16,
    },
}

impl Envelope {
    #[allow(clippy::too_many_arguments)]
    pub fn new<E: Event>(
        event_id: Uuid,
        case_id: Uuid,
        city: &str,
        shard: &str,
        occurred_at: DateTime<Utc>,
        producer: &str,
        payload: &E,
    ) -> Result<Self, serde_json::Error> {
        Ok(Envelope {
            event_id,
            event_type: E::TYPE.to_owned(),
            schema_version: E::VERSION,
            case_id,
            city: city.to_owned(),
            shard: shard.to_owned(),
            occurred_at,
            producer: producer.to_owned(),
            payload: serde_json::to_value(payload)?,
        })
    }

    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        serde_json::from_slice(bytes).map_err(DecodeError::Envelope)
    }

    pub fn is<E: Event>(&self) -> bool {
        self.event_type == E::TYPE
    }

    /// The typed payload; a newer major version than this code knows is refused.
    pub fn decode<E: Event>(&self) -> Result<E, DecodeError> {
        decode_payload(&self.event_type, self.schema_version, &self.payload)
    }
}

/// A payload of `event_type` at `version` as `E`: a version newer than this code knows is
/// refused, and so is a payload that does not read as `E`. Every envelope decodes through it.
pub fn decode_payload<E: Event>(
    event_type: &str,
    version: u16,
    payload: &serde_json::Value,
) -> Result<E, DecodeError> {
    if version > E::VERSION {
        return Err(DecodeError::Version {
            event_type: event_type.to_owned(),
            found: version,
            supported: E::VERSION,
        });
    }
    E::deserialize(payload).map_err(|source| DecodeError::Payload {
        event_type: event_type.to_owned(),
        version,
        source,
    })
}
