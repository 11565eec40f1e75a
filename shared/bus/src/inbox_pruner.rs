//! The inbox retention job: every `inbox.prune_every_seconds` it deletes inbox rows older than
//! `inbox.retention_hours`, a batch per statement, so the idempotency records of consumed
//! events do not grow without end. Each round also deletes the public API's idempotency keys
//! that expired by the service's clock.

use std::time::Duration;

use actix::prelude::*;
use returns_settings::InboxSettings;
use returns_store::Pool;

use crate::Shutdown;

pub struct InboxPruner {
    pub pool: Pool,
    pub clock: returns_clock::Clock,
    pub settings: InboxSettings,
    pub shutdown: Shutdown,
}

impl Actor for InboxPruner {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let (pool, clock, s, mut shutdown) = (
            self.pool.clone(),
            self.clock.clone(),
            self.settings.clone(),
            self.shutdown.clone(),
        );
        let run = async move {
            loop {
                tokio::select! {
                    _ = shutdown.recv() => break,
                    _ = tokio::time::sleep(Duration::from_secs(s.prune_every_seconds.max(1))) => {}
                }
                match pool.get().await {
                    Ok(mut conn) => {
                        let pruned = returns_store::idempotency::prune(
                            &mut conn,
                            clock.now(),
                            s.prune_batch,
                        )
                        .await;
                        match pruned {
                            Ok(0) => {}
                            Ok(n) => tracing::info!(deleted = n, "expired idempotency keys pruned"),
                            Err(e) => tracing::warn!(error = %e, "idempotency key pruning failed"),
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "idempotency key pruning failed"),
                }
                // Batch by batch until nothing old is left, between shutdown checks.
                loop {
                    let deleted = match pool.get().await {
                        Ok(mut conn) => {
                            returns_store::inbox::prune(&mut conn, s.retention_hours, s.prune_batch)
                                .await
                        }
                        Err(e) => Err(returns_store::StoreError::from(e)),
                    };
                    match deleted {
                        Ok(n) if n as i64 >= s.prune_batch && !shutdown.is_shutdown() => {
                            tracing::info!(deleted = n, "inbox pruned; more to go");
                        }
                        Ok(0) => break,
                        Ok(n) => {
                            tracing::info!(deleted = n, "inbox pruned");
                            break;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "inbox pruning failed; retried next round");
                            break;
                        }
                    }
                }
            }
            tracing::info!("inbox pruner stopped");
        };
        ctx.spawn(run.into_actor(self).map(|_, _, ctx| ctx.stop()));
    }
}
