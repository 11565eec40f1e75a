//! The event contract other teams consume: topic names, the envelope and the payloads.
//!
//! On the wire every record is one JSON [`Envelope`]; its `payload` is the event type's struct.
//! A payload struct only gains optional fields within a schema version; its JSON Schema is
//! published under `docs/events/` ([`schema`]) and guarded by [`compat`].

pub mod compat;
pub mod envelope;
pub mod orders;
pub mod payloads;
pub mod schema;
pub mod topics;

pub use envelope::{DecodeError, Envelope, Event};

/// The envelope of a record read from `topic`: the platform's own, or an order-feed record
/// seen as one (its id, type, version and time; the handler reads the order envelope itself).
pub fn decode_record(topic: &str, bytes: &[u8]) -> Result<Envelope, DecodeError> {
    if topic == topics::ORDERS {
        orders::OrderEnvelope::from_slice(bytes).map(|o| o.as_envelope())
    } else {
        Envelope::from_slice(bytes)
    }
}
