//! Embedded migrations, run at start-up before the actix System starts.

use diesel_async::{AsyncConnection, AsyncMigrationHarness, AsyncPgConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::StoreError;

/// The outbox and inbox tables every service has.
pub const PLATFORM_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Runs the platform's migrations, then the service's own, on a runtime of its own (the
/// harness blocks in place, which needs a multi-threaded runtime).
pub fn migrate(url: &str, service: EmbeddedMigrations) -> Result<(), StoreError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| StoreError::Migration(e.to_string()))?;
    rt.block_on(async {
        let mut conn = AsyncPgConnection::establish(url).await?;
        // Replicas starting together (init containers, a scale-up during a rollout) migrate one
        // at a time: a session lock, released when the connection closes after the harness.
        diesel_async::RunQueryDsl::execute(
            diesel::sql_query("SELECT pg_advisory_lock(5391314541594624770)"),
            &mut conn,
        )
        .await?;
        let mut harness = AsyncMigrationHarness::new(conn);
        for source in [PLATFORM_MIGRATIONS, service] {
            let applied = harness
                .run_pending_migrations(source)
                .map_err(|e| StoreError::Migration(e.to_string()))?;
            for v in applied {
                tracing::info!(version = %v, "migration applied");
            }
        }
        Ok(())
    })
}
