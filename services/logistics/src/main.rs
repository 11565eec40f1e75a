//! logistics: sends couriers to buyers' doors and takes the courier companies' reports.
//! Owns the `returns_logistics` database.

mod accept;
mod arrival;
mod care_jobs;
mod courier_complaints;
mod delivery_jobs;
mod dispatch;
mod escalated;
mod events;
mod handler;
mod http;
mod openapi;
mod pickup_slot;
mod report;
mod schema;
mod self_ship;
mod send_back;
mod store;
mod timer;
mod webhooks;

use std::sync::Arc;

use actix::Actor;
use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use returns_bus::{EventHandler, Shutdown, TimerHandler};
use returns_events::topics;
use returns_runtime::{AppContext, Service};

struct Logistics;

impl Service for Logistics {
    const NAME: &'static str = "logistics";
    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

    fn topics() -> Vec<&'static str> {
        vec![topics::DECISIONS, topics::COURIER_JOBS]
    }

    fn handler(ctx: &AppContext) -> Arc<dyn EventHandler> {
        Arc::new(handler::LogisticsHandler { ctx: ctx.clone() })
    }

    fn routes(cfg: &mut web::ServiceConfig) {
        http::routes(cfg);
    }

    fn webhooks() -> Option<returns_runtime::Webhooks> {
        Some(returns_runtime::Webhooks {
            role: returns_auth::Role::Courier,
            events: webhooks::EVENTS,
            owner_of: webhooks::owner_of,
        })
    }

    fn openapi() -> utoipa::openapi::OpenApi {
        <openapi::ApiDoc as utoipa::OpenApi>::openapi()
    }

    fn timers(ctx: &AppContext) -> Option<Arc<dyn TimerHandler>> {
        Some(Arc::new(accept::LogisticsDeadlines { ctx: ctx.clone() }))
    }

    fn start_actors(ctx: &AppContext, shutdown: Shutdown) {
        timer::DispatchTimer::new(ctx.clone(), shutdown).start();
    }
}

fn main() -> anyhow::Result<()> {
    returns_runtime::run::<Logistics>()?;
    Ok(())
}
