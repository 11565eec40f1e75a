//! The connection pool.

use diesel_async::AsyncPgConnection;
use diesel_async::RunQueryDsl;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;

use crate::StoreError;

pub type Pool = diesel_async::pooled_connection::deadpool::Pool<AsyncPgConnection>;

pub fn connect_pool(url: &str, size: usize) -> Result<Pool, StoreError> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
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
