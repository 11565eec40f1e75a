//! Each service's own PostgreSQL database, reached through diesel-async.

pub mod case_lock;
pub mod idempotency;
pub mod inbox;
pub mod migrate;
pub mod outbox;
pub mod pool;
pub mod schema;
#[cfg(feature = "scratch")]
pub mod scratch;
pub mod timers;

pub use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
pub use migrate::{PLATFORM_MIGRATIONS, migrate};
pub use pool::{Pool, PoolLimits, connect_pool, ping};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("database connection failed: {0}")]
    Connect(String),
    #[error("migrations failed: {0}")]
    Migration(String),
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for StoreError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        StoreError::Connect(e.to_string())
    }
}

impl From<diesel::ConnectionError> for StoreError {
    fn from(e: diesel::ConnectionError) -> Self {
        StoreError::Connect(e.to_string())
    }
}

/// True when `e` is a unique-constraint violation (a duplicate insert).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
