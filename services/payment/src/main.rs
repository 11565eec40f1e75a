//! payment: pays refunds and keeps the ledger. Owns the `returns_payment` database.

mod care;
mod compensation;
mod dispute;
mod ledger;
mod ledger_reads;
mod merchant_receipt;
mod on_approval;
mod on_event;
mod on_timer;
mod parcel;
mod parcel_facts;
mod receipt;
mod recovery;
mod refund_orders;
mod refunds;
mod return_check;
mod routes;
mod schema;
mod statement;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use returns_events::topics;
use returns_runtime::{AppContext, Service};

/// The producer of payment's events.
pub(crate) const SERVICE: &str = "payment";

struct Payment;

impl Service for Payment {
    const NAME: &'static str = SERVICE;
    const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

    fn topics() -> Vec<&'static str> {
        vec![topics::DECISIONS, topics::PICKUPS]
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
        on_timer::OnTimer {
            policy: ctx.settings.policy.clone(),
        }
    }
}

fn main() -> anyhow::Result<()> {
    returns_runtime::run::<Payment>()?;
    Ok(())
}
