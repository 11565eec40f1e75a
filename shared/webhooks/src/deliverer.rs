//! The actor that sends the delivery log: every `poll_ms` it claims due deliveries, POSTs each
//! to its subscriber with Standard Webhooks headers, and records the answer: 2xx delivers it;
//! anything else (or no answer within `timeout_ms`) schedules the next attempt with backoff,
//! until `max_attempts`, after which it is `failed` for an operator to look at.

use std::time::Duration;

use actix::prelude::*;
use returns_bus::Shutdown;
use returns_clock::Clock;
use returns_store::Pool;

use crate::WebhookSettings;
use crate::store::{self, Attempt, Due};

pub struct Deliverer {
    pub pool: Pool,
    pub clock: Clock,
    pub settings: WebhookSettings,
    pub shutdown: Shutdown,
}

impl Actor for Deliverer {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let (pool, clock, s, mut shutdown) = (
            self.pool.clone(),
            self.clock.clone(),
            self.settings.clone(),
            self.shutdown.clone(),
        );
        let run = async move {
            let client = match reqwest::Client::builder()
                .timeout(Duration::from_millis(s.timeout_ms))
                .build()
            {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "webhook client could not be built; no deliveries");
                    return;
                }
            };
            loop {
                tokio::select! {
                    _ = shutdown.recv() => break,
                    _ = tokio::time::sleep(Duration::from_millis(s.poll_ms.max(10))) => {}
                }
                if let Err(e) = round(&pool, &clock, &s, &client).await {
                    tracing::warn!(error = %e, "webhook round failed; retried next round");
                }
            }
            tracing::info!("webhook deliverer stopped");
        };
        ctx.spawn(run.into_actor(self).map(|_, _, ctx| ctx.stop()));
    }
}

async fn round(
    pool: &Pool,
    clock: &Clock,
    s: &WebhookSettings,
    client: &reqwest::Client,
) -> Result<(), returns_store::StoreError> {
    let mut conn = pool.get().await?;
    for _ in 0..ROUND {
        // One at a time, just before its send: the lease (twice the send's timeout) covers
        // the send, so no other replica sends the same delivery meanwhile.
        let now = clock.now();
        let lease = now + chrono::Duration::milliseconds(s.timeout_ms as i64 * 2);
        let Some(d) = store::claim_due(&mut conn, now, lease, 1).await?.pop() else {
            break;
        };
        let Some(sub) = store::subscription_of(&mut conn, &d.owner).await? else {
            continue;
        };
        let outcome = send(client, &sub.url, &sub.secret, &d).await;
        let attempts = d.attempts + 1;
        let now = clock.now();
        match outcome {
            Ok(code) if (200..300).contains(&code) => {
                let kept = store::record(
                    &mut conn,
                    d.id,
                    &Attempt {
                        status: "delivered",
                        attempts,
                        next: now,
                        answer: Some(code),
                        error: None,
                        delivered_at: Some(now),
                    },
                )
                .await?;
                stale_if(!kept, &d);
                tracing::info!(delivery = %d.id, owner = %d.owner, attempts, "webhook delivered");
            }
            other => {
                let (code, error) = match other {
                    Ok(code) => (Some(code), format!("answered {code}")),
                    Err(e) => (None, e),
                };
                let failed = attempts >= s.max_attempts;
                let next = now + crate::backoff(attempts, s);
                let status = if failed { "failed" } else { "pending" };
                let kept = store::record(
                    &mut conn,
                    d.id,
                    &Attempt {
                        status,
                        attempts,
                        next,
                        answer: code,
                        error: Some(&error),
                        delivered_at: None,
                    },
                )
                .await?;
                stale_if(!kept, &d);
                tracing::warn!(delivery = %d.id, owner = %d.owner, attempts, %error, failed, "webhook not delivered");
            }
        }
    }
    Ok(())
}

/// Deliveries one round sends at the most.
const ROUND: usize = 50;

/// An attempt recorded after its lease ran out and another replica recorded the delivery.
fn stale_if(stale: bool, d: &Due) {
    if stale {
        tracing::warn!(delivery = %d.id, "attempt outlived its lease; the log keeps the other replica's outcome");
    }
}

/// One attempt; answers the subscriber's status code.
async fn send(client: &reqwest::Client, url: &str, secret: &str, d: &Due) -> Result<i32, String> {
    let id = format!("msg_{}", d.id.simple());
    // The wire timestamp is real time: receivers compare it with their own clocks.
    let timestamp = chrono::Utc::now().timestamp();
    let signature = crate::signature(secret, &id, timestamp, &d.body)
        .ok_or_else(|| "the subscription's secret is not a whsec_ secret".to_owned())?;
    let answer = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(d.body.clone())
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    Ok(i32::from(answer.status().as_u16()))
}
