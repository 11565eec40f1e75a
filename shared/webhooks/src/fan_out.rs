//! Which events go to which subscriber: the service names the event types subscribers may
//! choose and how to find an event's subscriber; [`FanOut`] logs a delivery for it.
//!
//! A service's own events are fanned out as they leave its outbox ([`OnPublish`], in the
//! relay's transaction), so no service reads its own topic back; events it consumes from
//! others are fanned out in the consuming transaction ([`FanOut::event`]).

use diesel::QueryResult;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures::future::BoxFuture;
use returns_bus::OnPublish;
use returns_clock::Clock;
use returns_events::Envelope;
use returns_store::outbox::OutboxRow;
use returns_store::schema::webhook_subscriptions as ws;

/// The subscription an event is for ("merchant:m-1"), or `None`.
pub type OwnerOf = for<'a> fn(
    &'a mut AsyncPgConnection,
    &'a Envelope,
) -> BoxFuture<'a, QueryResult<Option<String>>>;

#[derive(Clone)]
pub struct FanOut {
    /// The event types subscribers may choose.
    pub events: &'static [&'static str],
    pub owner_of: OwnerOf,
    pub clock: Clock,
}

impl FanOut {
    /// Logs `env` (serialised as `body`) for its subscriber, if it is a type subscribers may
    /// choose and the subscriber chose it. Idempotent per subscriber and event.
    pub async fn event(
        &self,
        conn: &mut AsyncPgConnection,
        env: &Envelope,
        body: &[u8],
    ) -> QueryResult<()> {
        if !self.events.contains(&env.event_type.as_str()) {
            return Ok(());
        }
        let Some(owner) = (self.owner_of)(conn, env).await? else {
            return Ok(());
        };
        let now = self.clock.now();
        crate::enqueue(conn, &owner, env.event_id, &env.event_type, body, now).await?;
        Ok(())
    }

    fn wants(&self, row: &OutboxRow) -> bool {
        row.headers["event_type"]
            .as_str()
            .is_some_and(|t| self.events.contains(&t))
    }
}

impl OnPublish for FanOut {
    fn on_publish<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        rows: &'a [OutboxRow],
    ) -> BoxFuture<'a, Result<(), returns_bus::BusError>> {
        Box::pin(async move {
            let wanted: Vec<&OutboxRow> = rows.iter().filter(|r| self.wants(r)).collect();
            if wanted.is_empty() {
                return Ok(());
            }
            // Without any subscription there is nobody to look up (one cheap query per round).
            let any: bool = diesel::select(diesel::dsl::exists(ws::table.select(ws::owner)))
                .get_result(conn)
                .await
                .map_err(returns_store::StoreError::from)?;
            if !any {
                return Ok(());
            }
            for row in wanted {
                let Ok(env) = serde_json::from_slice::<Envelope>(&row.payload) else {
                    continue; // not an event envelope: nothing a subscriber could read
                };
                self.event(conn, &env, &row.payload)
                    .await
                    .map_err(returns_store::StoreError::from)?;
            }
            Ok(())
        })
    }
}
