//! How services talk: only over Kafka, never to each other's databases.
//!
//! * A state change and its events commit together: [`outbox::stage`] writes event rows in the
//!   caller's transaction and the [`relay::OutboxRelay`] actor publishes them with an idempotent
//!   producer.
//! * A consumer applies a partition's batch in one transaction, records each event id in the
//!   inbox in that same transaction, and commits offsets only after ([`consumer`]).
//! * A record that cannot be processed goes to the dead-letter topic with its reason, through
//!   the same outbox, and the partition moves on.

pub mod admin;
pub mod client;
pub mod consumer;
pub mod emit;
pub mod inbound;
pub mod inbox_pruner;
pub mod outbox;
pub mod relay;
pub mod replay;
pub mod savepoint;
pub mod shutdown;
pub mod timer;

pub use consumer::{ConsumerHandle, EventHandler, HandleError, Incoming, spawn_consumer};
pub use emit::{About, Emitter};
pub use inbound::{Inbound, inbound_support};
pub use inbox_pruner::InboxPruner;
pub use outbox::{Outgoing, stage};
pub use relay::{OnPublish, OutboxRelay, RelayHandle};
pub use shutdown::Shutdown;
pub use timer::{TimerActor, TimerHandler, Timers, deadline};

#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("kafka: {0}")]
    Kafka(#[from] rdkafka::error::KafkaError),
    #[error(transparent)]
    Store(#[from] returns_store::StoreError),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("event could not be encoded: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("topic {topic} could not be created: {reason}")]
    Topic { topic: String, reason: String },
}

/// A route that stages events and fails to answers 503, as for any store failure.
impl From<BusError> for returns_web::Problem {
    fn from(e: BusError) -> Self {
        returns_web::store_unavailable(e)
    }
}

/// A route that runs an event's reaction answers 503 when the store fails; a reaction that
/// refuses the event (its reason) answers 409, since it refused the state it found.
impl From<HandleError> for returns_web::Problem {
    fn from(e: HandleError) -> Self {
        match e {
            HandleError::Reject(reason) => returns_web::Problem::conflict(reason),
            HandleError::Store(e) => returns_web::store_unavailable(e),
            HandleError::Bus(e) => returns_web::store_unavailable(e),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for BusError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        BusError::Store(e.into())
    }
}
