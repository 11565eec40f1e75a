//! logistics: sends couriers to buyers' doors and takes the courier companies' reports.
//! Owns the `returns_logistics` database.

mod accept;
mod arrival;
mod care_jobs;
mod care_steps;
mod contacts;
mod courier_complaints;
mod courier_steps;
mod delivery_jobs;
mod dispatch;
mod escalated;
mod on_event;
mod on_timer;
mod pickup_plan;
mod pickup_reads;
mod pickup_slot;
mod report;
mod routes;
mod scheduled_dispatch;
mod schema;
mod self_ship;
mod send_back;
mod store;
mod webhooks;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use returns_events::topics;
use returns_runtime::{AppContext, Service};

/// The producer of logistics' events.
pub(crate) const SERVICE: &str = "logistics";

struct Logistics;

impl Service for Logistics {
    const NAME: &'static str = SERVICE;
    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

    fn topics() -> Vec<&'static str> {
        vec![topics::DECISIONS, topics::COURIER_JOBS]
    }

    type Events = on_event::OnEvent;
    type Timers = on_timer::OnTimer;

    fn handler(ctx: &AppContext) -> Self::Events {
        on_event::OnEvent { ctx: ctx.clone() }
    }

    fn routes(cfg: &mut web::ServiceConfig) {
        routes::routes(cfg);
    }

    fn webhooks() -> Option<returns_runtime::Webhooks> {
        Some(returns_runtime::Webhooks {
            role: returns_auth::Role::Courier,
            events: webhooks::EVENTS,
            owner_of: webhooks::owner_of,
        })
    }

    fn openapi() -> utoipa::openapi::OpenApi {
        <routes::ApiDoc as utoipa::OpenApi>::openapi()
    }

    fn timers(ctx: &AppContext) -> Self::Timers {
        on_timer::OnTimer { ctx: ctx.clone() }
    }
}

fn main() -> anyhow::Result<()> {
    returns_runtime::run::<Logistics>()?;
    Ok(())
}
