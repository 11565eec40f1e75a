//! The event contract other teams consume: topic names, the envelope and the payloads.
//!
//! On the wire every record is one JSON [`Envelope`]; its `payload` is the event type's struct.
//! A payload struct only gains optional fields within a schema version; its JSON Schema is
//! published under `docs/events/` ([`schema`]) and guarded by [`compat`].

pub mod compat;
pub mod envelope;
pub mod payloads;
pub mod schema;
pub mod topics;

pub use envelope::{DecodeError, Envelope, Event};
