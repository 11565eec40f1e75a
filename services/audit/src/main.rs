//! audit: decides every request. Owns the `returns_audit` database.

mod cancel;
mod complaint_desk;
mod complaints;
mod cs_desk;
mod decide;
mod decisions;
mod on_event;
mod on_timer;
mod opened;
mod order_copy;
mod programme;
mod return_address;
mod return_check;
mod review_timer;
mod routes;
mod schema;
mod shipment;
mod standing;
mod store;
mod webhooks;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use returns_events::topics;
use returns_runtime::{AppContext, Service};

/// The producer of audit's events.
pub(crate) const SERVICE: &str = "audit";

struct Audit;

impl Service for Audit {
    const NAME: &'static str = SERVICE;
    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

    fn topics() -> Vec<&'static str> {
        vec![topics::ORDERS, topics::CASES, topics::PAYMENTS]
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
            role: returns_auth::Role::Merchant,
            events: webhooks::EVENTS,
            owner_of: webhooks::owner_of,
        })
    }

    fn openapi() -> utoipa::openapi::OpenApi {
        <routes::ApiDoc as utoipa::OpenApi>::openapi()
    }

    fn timers(_ctx: &AppContext) -> Self::Timers {
        on_timer::OnTimer
    }
}

fn main() -> anyhow::Result<()> {
    returns_runtime::run::<Audit>()?;
    Ok(())
}
