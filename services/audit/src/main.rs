//! audit: decides every request. Owns the `returns_audit` database.

mod cancel;
mod complaints;
mod cs_desk;
mod decide;
mod handler;
mod http;
mod openapi;
mod order_copy;
mod programme;
mod return_address;
mod return_check;
mod review_timer;
mod schema;
mod shipment;
mod standing;
mod store;
mod webhooks;

use std::sync::Arc;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use returns_bus::{EventHandler, TimerHandler};
use returns_events::topics;
use returns_runtime::{AppContext, Service};

struct Audit;

impl Service for Audit {
    const NAME: &'static str = "audit";
    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

    fn topics() -> Vec<&'static str> {
        vec![topics::ORDERS, topics::CASES, topics::PAYMENTS]
    }

    fn handler(ctx: &AppContext) -> Arc<dyn EventHandler> {
        Arc::new(handler::AuditHandler { ctx: ctx.clone() })
    }

    fn routes(cfg: &mut web::ServiceConfig) {
        http::routes(cfg);
    }

    fn webhooks() -> Option<returns_runtime::Webhooks> {
        Some(returns_runtime::Webhooks {
            role: returns_auth::Role::Merchant,
            events: webhooks::EVENTS,
            owner_of: webhooks::owner_of,
        })
    }

    fn openapi() -> utoipa::openapi::OpenApi {
        <openapi::ApiDoc as utoipa::OpenApi>::openapi()
    }

    fn timers(_ctx: &AppContext) -> Option<Arc<dyn TimerHandler>> {
        Some(Arc::new(review_timer::ReviewDeadline))
    }
}

fn main() -> anyhow::Result<()> {
    returns_runtime::run::<Audit>()?;
    Ok(())
}
