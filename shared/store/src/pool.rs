//! The connection pool.

use diesel_async::AsyncPgConnection;
use diesel_async::RunQueryDsl;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};

use crate::StoreError;

pub type Pool = diesel_async::pooled_connection::deadpool::Pool<AsyncPgConnection>;

pub fn connect_pool(url: &str, size: usize) -> Result<Pool, StoreError> {
    // Fast recycling: no `SELECT 1` on every checkout (it doubled the round trips); a broken
    // connection fails its next query, is dropped by the pool, and the work is retried.
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(|e| StoreError::Connect(e.to_string()))
}

/// Readiness: the database answers.
pub async fn ping(pool: &Pool) -> Result<(), StoreError> {
    let mut conn = pool.get().await?;
    diesel::sql_query("SELECT 1").execute(&mut conn).await?;
    Ok(())
}
