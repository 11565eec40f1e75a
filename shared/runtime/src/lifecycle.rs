//! Start-up and ordered shutdown.

use std::sync::Arc;
use std::time::Duration;

use actix::Actor;
use actix_web::{App, HttpServer, web};
use returns_bus::consumer::ConsumerSpec;
use returns_bus::{InboxPruner, OutboxRelay, Shutdown, TimerActor, spawn_consumer};
use returns_clock::Clock;
use returns_settings::Settings;
use tracing_actix_web::TracingLogger;

use crate::root_span::CaseRootSpan;
use crate::{AppContext, RuntimeError, Service, admin, health};

/// Runs service `S` until SIGTERM or SIGINT, then drains and returns.
#[expect(
    clippy::too_many_lines,
    reason = "issue 12 item 6: longer than a screen, to be split"
)]
pub fn run<S: Service>() -> Result<(), RuntimeError> {
    // `SERVICE --print-openapi` writes the OpenAPI document and exits (`just openapi`).
    if std::env::args().any(|a| a == "--print-openapi") {
        print!("{}", spec_json::<S>());
        return Ok(());
    }
    let settings = Arc::new(Settings::load()?);
    // One-shot tasks for deployments (deploy/k8s): each exits when done.
    if std::env::args().any(|a| a == "--provision-topics") {
        return crate::tasks::provision_topics(&settings);
    }
    if std::env::args().any(|a| a == "--replay-dead-letters") {
        return crate::tasks::replay_dead_letters::<S>(&settings);
    }
    let section = settings.service(S::NAME)?;
    if std::env::args().any(|a| a == "--check-settings") {
        println!(
            "{}",
            crate::tasks::settings_summary::<S>(&settings, &section)
        );
        return Ok(());
    }
    if std::env::args().any(|a| a == "--migrate") {
        returns_store::migrate(&section.database.url, S::MIGRATIONS)?;
        println!("{}: migrations applied", S::NAME);
        return Ok(());
    }
    let telemetry = returns_telemetry::init(S::NAME, &settings.telemetry)?;
    tracing::info!(service = S::NAME, environment = %settings.environment, "starting");

    // Migrations run before the actix System exists: they block, and arbiters must not.
    returns_store::migrate(&section.database.url, S::MIGRATIONS)?;

    let clock = match settings.clock.shift_seconds {
        Some(s) => Clock::shifted(chrono::Duration::seconds(s)),
        None => Clock::system(),
    };
    let cities = settings.city_map()?;
    let grace = Duration::from_secs(settings.shutdown.grace_seconds);

    let result = actix_rt::System::new().block_on(async move {
        let pool = returns_store::connect_pool(&section.database.url, section.database.pool_size)?;
        let (stop_consumers, consumers_down) = Shutdown::new();
        let (stop_relay, relay_down) = Shutdown::new();
        // Webhook deliveries of the service's own events are logged as the relay publishes them.
        let fan_out = S::webhooks().map(|h| {
            Arc::new(returns_webhooks::FanOut {
                events: h.events,
                owner_of: h.owner_of,
                clock: clock.clone(),
            }) as Arc<dyn returns_bus::OnPublish>
        });
        let (relay, relay_handle) = OutboxRelay::new(
            pool.clone(),
            &settings.kafka,
            settings.outbox.clone(),
            S::NAME,
            fan_out,
            relay_down,
        )?;
        relay.start();
        let ctx = AppContext {
            service: S::NAME,
            settings: settings.clone(),
            cities: cities.clone(),
            pool: pool.clone(),
            clock,
            relay: relay_handle.clone(),
        };
        let mut consumer = spawn_consumer(
            ConsumerSpec {
                service: S::NAME.to_owned(),
                group_id: format!("returns-{}", S::NAME),
                topics: S::topics(),
                kafka: settings.kafka.clone(),
                cities,
            },
            pool,
            S::handler(&ctx),
            relay_handle.clone(),
            consumers_down.clone(),
        )?;
        TimerActor {
            service: S::NAME.to_owned(),
            pool: ctx.pool.clone(),
            handler: returns_bus::Timers::new(S::timers(&ctx)),
            cities: ctx.cities.clone(),
            clock: ctx.clock.clone(),
            relay: relay_handle.clone(),
            shutdown: consumers_down.clone(),
        }
        .start();
        InboxPruner {
            pool: ctx.pool.clone(),
            clock: ctx.clock.clone(),
            settings: settings.inbox.clone(),
            shutdown: consumers_down.clone(),
        }
        .start();
        if S::webhooks().is_some() {
            returns_webhooks::Deliverer {
                pool: ctx.pool.clone(),
                clock: ctx.clock.clone(),
                settings: settings.webhooks.clone(),
                shutdown: consumers_down.clone(),
            }
            .start();
        }
        S::start_actors(&ctx, consumers_down);

        let tokens = web::Data::new(returns_auth::Tokens::new(&settings.api, ctx.clock.clone()));
        let body_limit = settings.api.body_limit_bytes;
        let buckets = web::Data::new(crate::edge::rate_limit::Buckets::default());
        let spec = web::Data::new(spec_json::<S>());
        let hooks = S::webhooks();
        let data = web::Data::new(ctx);
        let consumer_data = web::Data::new(consumer.clone());
        let server = HttpServer::new(move || {
            use actix_web::middleware::from_fn;
            // `wrap` puts each layer outside the previous one: tracing sees everything, then
            // problems, rate limit, body cap, idempotency, then the route.
            App::new()
                .wrap(from_fn(crate::edge::idempotency::idempotency))
                .wrap(from_fn(crate::edge::body_cap::body_cap))
                .wrap(from_fn(crate::edge::rate_limit::rate_limit))
                .wrap(from_fn(crate::edge::problems::problems))
                .wrap(TracingLogger::<CaseRootSpan>::new())
                .app_data(data.clone())
                .app_data(consumer_data.clone())
                .app_data(tokens.clone())
                .app_data(buckets.clone())
                .app_data(web::PayloadConfig::new(body_limit))
                .app_data(returns_web::json_config(body_limit))
                .app_data(returns_web::path_config())
                .app_data(returns_web::query_config())
                .configure(health::routes)
                .app_data(spec.clone())
                .route("/openapi.json", web::get().to(serve_spec))
                .configure(admin::routes)
                .configure(S::routes)
                .configure(|cfg| crate::webhooks_api::routes(hooks, cfg))
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(returns_web::Problem::not_found("route"))
                }))
        })
        .workers(section.http.workers)
        .disable_signals()
        .shutdown_timeout(grace.as_secs())
        .bind((section.http.host.as_str(), section.http.port))?
        .run();
        let http = server.handle();
        tracing::info!(host = %section.http.host, port = section.http.port, "serving");

        actix_rt::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutdown requested: no new requests; finishing work in flight");
            http.stop(true).await;
        });
        server.await?;

        // Order matters: consumers finish their batch and commit, then the relay publishes
        // what they staged, then the process exits.
        stop_consumers.trigger();
        if tokio::time::timeout(grace, consumer.finished())
            .await
            .is_err()
        {
            tracing::warn!("consumer did not stop within the grace period");
        }
        stop_relay.trigger();
        let mut relay_handle = relay_handle;
        if tokio::time::timeout(grace, relay_handle.finished())
            .await
            .is_err()
        {
            tracing::warn!("outbox relay did not drain within the grace period");
        }
        Ok::<(), RuntimeError>(())
    });
    tracing::info!(service = S::NAME, "stopped");
    telemetry.shutdown();
    result
}

/// The service's OpenAPI document as served and checked in (pretty, with a final newline).
pub fn spec_json<S: Service>() -> String {
    let doc = crate::openapi::document(S::openapi(), S::NAME, S::webhooks());
    let mut json = doc.to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

async fn serve_spec(spec: web::Data<String>) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("application/json")
        .body(spec.get_ref().clone())
}

async fn wait_for_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "cannot listen for SIGTERM; waiting for Ctrl-C only");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
