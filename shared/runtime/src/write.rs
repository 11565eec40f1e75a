//! The one way a route reaches its service's database: [`AppContext::conn`] for a read,
//! [`AppContext::write`] for a change. A write is one transaction; a refusal (any problem the
//! closure returns) rolls it back and is the answer; a store failure answers 503 (the
//! `From` impls in `returns_web` and `returns_bus`); a commit wakes the outbox relay, so the
//! events the change staged leave at once.

use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};
use returns_web::Problem;

use crate::AppContext;

/// A connection checked out of the service's pool.
pub type Conn = Object<AsyncPgConnection>;

impl AppContext {
    /// A connection for reads; 503 when the pool cannot give one.
    pub async fn conn(&self) -> Result<Conn, Problem> {
        Ok(self.pool.get().await?)
    }

    /// Runs `change` in one transaction: committed when it returns `Ok`, rolled back when it
    /// refuses (its problem is the answer) or the store fails (503).
    pub async fn write<T>(
        &self,
        change: impl AsyncFnOnce(&mut AsyncPgConnection) -> Result<T, Problem>,
    ) -> Result<T, Problem> {
        let mut conn = self.conn().await?;
        let conn: &mut AsyncPgConnection = &mut conn;
        AnsiTransactionManager::begin_transaction(conn).await?;
        match change(conn).await {
            Ok(done) => {
                AnsiTransactionManager::commit_transaction(conn).await?;
                self.relay.wake();
                Ok(done)
            }
            Err(refused) => {
                // A connection whose rollback fails is marked broken and dropped by the pool.
                if let Err(e) = AnsiTransactionManager::rollback_transaction(conn).await {
                    tracing::warn!(error = %e, "rollback failed");
                }
                Err(refused)
            }
        }
    }
}
