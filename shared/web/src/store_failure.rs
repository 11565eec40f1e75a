//! A store that fails answers 503, whichever route met it: the one mapping from the store's
//! errors to a problem, so that a route writes `?` and never `map_err`.

use diesel_async::pooled_connection::deadpool::PoolError;
use returns_store::StoreError;

use crate::Problem;

/// 503 for a failure of the service's own database; the cause is logged, not shown.
pub fn store_unavailable(e: impl std::fmt::Display) -> Problem {
    tracing::error!(error = %e, "database error");
    Problem::unavailable("the service's database is unavailable; retry shortly")
}

impl From<diesel::result::Error> for Problem {
    fn from(e: diesel::result::Error) -> Self {
        store_unavailable(e)
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        store_unavailable(e)
    }
}

impl From<PoolError> for Problem {
    fn from(e: PoolError) -> Self {
        store_unavailable(e)
    }
}

/// A stored value that does not read back, or an event that does not encode: the store's
/// contents failed, never the request (request bodies are parsed by `parse_json`).
impl From<serde_json::Error> for Problem {
    fn from(e: serde_json::Error) -> Self {
        store_unavailable(e)
    }
}

/// A fact a domain rule refuses, named by its field: 422, as for any invalid field.
impl From<returns_domain::InvalidInput> for Problem {
    fn from(e: returns_domain::InvalidInput) -> Self {
        Problem::invalid(e.field, e.message)
    }
}
