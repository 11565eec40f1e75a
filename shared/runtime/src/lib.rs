//! Everything a service binary does besides its own rules, in one order:
//! settings → telemetry → migrations (before the actix System) → System with the outbox relay,
//! the consumer, the service's own actors and the HTTP server → on SIGTERM/SIGINT: stop taking
//! requests, let the consumer finish its batch and commit, drain the outbox, flush traces.

mod admin;
mod app;
mod edge;
mod health;
mod lifecycle;
mod openapi;
mod root_span;
mod route_table;
mod tasks;
mod webhooks_api;
mod write;

pub use app::{AppContext, Service};
pub use lifecycle::{run, spec_json};
#[doc(hidden)]
pub use paste;
pub use root_span::tag_case;
pub use route_table::RouteTable;
pub use tracing_actix_web::RootSpan;
pub use webhooks_api::Webhooks;
pub use write::Conn;

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(transparent)]
    Settings(#[from] returns_settings::SettingsError),
    #[error(transparent)]
    Telemetry(#[from] returns_telemetry::TelemetryError),
    #[error(transparent)]
    Store(#[from] returns_store::StoreError),
    #[error(transparent)]
    Bus(#[from] returns_bus::BusError),
    #[error("HTTP server: {0}")]
    Io(#[from] std::io::Error),
}
