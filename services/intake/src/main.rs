//! intake: buyers open cases and follow them. Owns the `returns_intake` database.

mod announce;
mod cancel;
mod care;
mod care_outcome;
mod care_rating;
mod cases;
mod contacts;
mod evidence;
mod inbound;
mod intervention;
mod on_event;
mod on_timer;
mod open_case;
mod opening;
mod order_facts;
mod order_feed;
mod order_routes;
mod order_shipped;
mod order_store;
mod policies;
mod products;
mod ratings;
mod report;
mod request;
mod return_to;
mod routes;
mod schema;
mod service_cards;
mod store;
mod stored;
mod timeline;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use returns_events::topics;
use returns_runtime::{AppContext, Service};

/// The producer of intake's events.
pub(crate) const SERVICE: &str = "intake";

struct Intake;

impl Service for Intake {
    const NAME: &'static str = SERVICE;
    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

    fn topics() -> Vec<&'static str> {
        vec![
            topics::ORDERS,
            topics::DECISIONS,
            topics::PICKUPS,
            topics::PAYMENTS,
        ]
    }

    type Events = on_event::OnEvent;
    type Timers = on_timer::OnTimer;

    fn handler(ctx: &AppContext) -> Self::Events {
        on_event::OnEvent { ctx: ctx.clone() }
    }

    fn routes(cfg: &mut web::ServiceConfig) {
        routes::routes(cfg);
    }

    fn openapi() -> utoipa::openapi::OpenApi {
        <routes::ApiDoc as utoipa::OpenApi>::openapi()
    }

    fn timers(ctx: &AppContext) -> Self::Timers {
        on_timer::OnTimer { ctx: ctx.clone() }
    }
}

fn main() -> anyhow::Result<()> {
    returns_runtime::run::<Intake>()?;
    Ok(())
}
