//! payment: pays refunds and keeps the ledger. Owns the `returns_payment` database.

mod care;
mod compensation;
mod deadlines;
mod dispute;
mod handler;
mod http;
mod ledger;
mod on_approval;
mod openapi;
mod receipt;
mod recovery;
mod return_check;
mod schema;
mod statement;

use std::sync::Arc;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use returns_bus::{EventHandler, TimerHandler};
use returns_events::topics;
use returns_runtime::{AppContext, Service};

struct Payment;

impl Service for Payment {
    const NAME: &'static str = "payment";
    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

    fn topics() -> Vec<&'static str> {
        vec![topics::DECISIONS, topics::PICKUPS]
    }

    fn handler(ctx: &AppContext) -> Arc<dyn EventHandler> {
        Arc::new(handler::PaymentHandler { ctx: ctx.clone() })
    }

    fn routes(cfg: &mut web::ServiceConfig) {
        http::routes(cfg);
    }

    fn openapi() -> utoipa::openapi::OpenApi {
        <openapi::ApiDoc as utoipa::OpenApi>::openapi()
    }

    fn timers(ctx: &AppContext) -> Option<Arc<dyn TimerHandler>> {
        Some(Arc::new(deadlines::PaymentDeadlines {
            policy: ctx.settings.policy.clone(),
        }))
    }
}

fn main() -> anyhow::Result<()> {
    returns_runtime::run::<Payment>()?;
    Ok(())
}
