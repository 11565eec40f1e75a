//! The connection pool.

use std::time::Duration;

use diesel_async::RunQueryDsl;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::StoreError;

pub type Pool = diesel_async::pooled_connection::deadpool::Pool<AsyncPgConnection>;

/// How much of the database one service may hold, and how long anything may wait on it: no
/// request, slice or timer waits forever for a connection, a connect or a statement.
#[derive(Debug, Clone, Copy)]
pub struct PoolLimits {
    pub size: usize,
    pub wait: Duration,
    pub connect: Duration,
    /// PostgreSQL's `statement_timeout` on every connection; zero is none.
    pub statement: Duration,
}

pub fn connect_pool(url: &str, limits: PoolLimits) -> Result<Pool, StoreError> {
    // Fast recycling: no `SELECT 1` on every checkout (it doubled the round trips); a broken
    // connection fails its next query, is dropped by the pool, and the work is retried.
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let statement_ms = limits.statement.as_millis();
    config.custom_setup = Box::new(move |url| {
        let url = url.to_owned();
        Box::pin(async move {
            let mut conn = AsyncPgConnection::establish(&url).await?;
            diesel::sql_query(format!("SET statement_timeout = {statement_ms}"))
                .execute(&mut conn)
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        })
    });
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(limits.size)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(limits.wait))
        .create_timeout(Some(limits.connect))
        .build()
        .map_err(|e| StoreError::Connect(e.to_string()))
}

/// Readiness: the database answers.
pub async fn ping(pool: &Pool) -> Result<(), StoreError> {
    let mut conn = pool.get().await?;
    diesel::sql_query("SELECT 1").execute(&mut conn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

    fn limits(size: usize, wait_ms: u64, statement_ms: u64) -> PoolLimits {
        PoolLimits {
            size,
            wait: Duration::from_millis(wait_ms),
            connect: Duration::from_secs(5),
            statement: Duration::from_millis(statement_ms),
        }
    }

    #[tokio::test]
    async fn a_statement_past_the_timeout_fails_instead_of_holding_the_connection() {
        let pool = connect_pool(URL, limits(1, 1_000, 200)).expect("pool");
        let mut conn = pool.get().await.expect("a connection");
        let started = std::time::Instant::now();
        let slow = diesel::sql_query("SELECT pg_sleep(5)")
            .execute(&mut conn)
            .await;
        assert!(
            slow.is_err(),
            "pg_sleep(5) ran to its end under a 200 ms limit"
        );
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        let quick = diesel::sql_query("SELECT 1").execute(&mut conn).await;
        assert!(
            quick.is_ok(),
            "the connection serves the next statement: {quick:?}"
        );
    }

    #[tokio::test]
    async fn a_caller_waits_for_a_free_connection_only_as_long_as_the_pool_wait() {
        let pool = connect_pool(URL, limits(1, 300, 0)).expect("pool");
        let held = pool.get().await.expect("the one connection");
        let started = std::time::Instant::now();
        let second = pool.get().await;
        assert!(
            second.is_err(),
            "a second caller got a connection of a pool of one"
        );
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
            "{waited:?}"
        );
        drop(held);
        assert!(
            pool.get().await.is_ok(),
            "free again once the first is returned"
        );
    }
}
