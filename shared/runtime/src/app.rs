//! What a service plugs into the runtime.

use std::sync::Arc;

use actix_web::web;
use diesel_migrations::EmbeddedMigrations;
use returns_bus::{EventHandler, RelayHandle, TimerHandler};
use returns_clock::Clock;
use returns_settings::{CityMap, Settings};
use returns_store::Pool;

/// Shared by the service's handlers and actors; also registered as `web::Data<AppContext>`.
#[derive(Clone)]
pub struct AppContext {
    pub service: &'static str,
    pub settings: Arc<Settings>,
    pub cities: CityMap,
    pub pool: Pool,
    pub clock: Clock,
    pub relay: RelayHandle,
}

impl AppContext {
    /// The service emitting at `now` (its events' producer and time).
    pub fn emitter(&self, now: chrono::DateTime<chrono::Utc>) -> returns_bus::Emitter<'static> {
        returns_bus::Emitter::new(self.service, now)
    }
}

/// A service: its name, its migrations, what it consumes and how it reacts, its routes and any
/// actors of its own (timers).
pub trait Service: 'static {
    const NAME: &'static str;
    const MIGRATIONS: EmbeddedMigrations;
    /// Topics this service consumes.
    fn topics() -> Vec<&'static str>;
    /// How the service reacts to the events it consumes (its `on_event`).
    type Events: EventHandler;
    /// How the service reacts to its durable deadlines (its `on_timer`).
    type Timers: TimerHandler;
    fn handler(ctx: &AppContext) -> Self::Events;
    fn routes(cfg: &mut web::ServiceConfig);
    /// The service's routes as OpenAPI paths (its `#[derive(utoipa::OpenApi)]`); the runtime
    /// adds what every route shares and serves it at `/openapi.json`.
    fn openapi() -> utoipa::openapi::OpenApi;
    fn timers(ctx: &AppContext) -> Self::Timers;
    /// The role whose subscribers this service sends webhooks to, and the event types they may
    /// choose; the runtime then serves the webhook routes and runs the deliverer.
    fn webhooks() -> Option<crate::Webhooks> {
        None
    }
}
