//! intake: buyers open cases and follow them. Owns the `returns_intake` database.

mod announce;
mod cancel;
mod care;
mod contacts;
mod evidence;
mod handler;
mod http;
mod intervention;
mod open_case;
mod openapi;
mod opening;
mod order_facts;
mod order_feed;
mod order_routes;
mod order_shipped;
mod order_store;
mod products;
mod report;
mod request;
mod return_to;
mod schema;
mod service_cards;
mod store;
mod timeline;

use std::sync::Arc;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use returns_bus::{EventHandler, TimerHandler};
use returns_events::topics;
use returns_runtime::{AppContext, Service};

struct Intake;

impl Service for Intake {
    const NAME: &'static str = "intake";
    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

    fn topics() -> Vec<&'static str> {
        vec![
            topics::ORDERS,
            topics::DECISIONS,
            topics::PICKUPS,
            topics::PAYMENTS,
        ]
    }

    fn handler(ctx: &AppContext) -> Arc<dyn EventHandler> {
        Arc::new(handler::IntakeHandler { ctx: ctx.clone() })
    }

    fn routes(cfg: &mut web::ServiceConfig) {
        http::routes(cfg);
    }

    fn openapi() -> utoipa::openapi::OpenApi {
        <openapi::ApiDoc as utoipa::OpenApi>::openapi()
    }

    fn timers(ctx: &AppContext) -> Option<Arc<dyn TimerHandler>> {
        Some(Arc::new(intervention::InterventionOpens {
            ctx: ctx.clone(),
        }))
    }
}

fn main() -> anyhow::Result<()> {
    returns_runtime::run::<Intake>()?;
    Ok(())
}
