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
pub fn run<S: Service>() -> Result<(), RuntimeError> {
    // `SERVICE --print-openapi` writes the OpenAPI document and exits (`just openapi`).
    if std::env::args().any(|a| a == "--print-openapi") {
        print!("{}", spec_json::<S>());
        return Ok(());
    }
    let settings = Arc::new(Settings::load()?);
    if one_shot_task::<S>(&settings)? {
        return Ok(());
    }
    let section = settings.service(S::NAME)?;
    let telemetry = returns_telemetry::init(S::NAME, &settings.telemetry)?;
    tracing::info!(service = S::NAME, environment = %settings.environment, "starting");

    // Migrations run before the actix System exists: they block, and arbiters must not.
    returns_store::migrate(&section.database.url, S::MIGRATIONS)?;

    // A shifted clock lets a demo or a test environment live ahead of the wall clock.
    let shift = settings.clock.shift_seconds.map(chrono::Duration::seconds);
    let clock = shift.map_or_else(Clock::system, Clock::shifted);
    let cities = settings.city_map()?;
    let grace = Duration::from_secs(settings.shutdown.grace_seconds);

    let result = actix_rt::System::new().block_on(async move {
        let pool = returns_store::connect_pool(&section.database.url, pool_limits(&section))?;
        let (stop_consumers, consumers_down) = Shutdown::new();
        let (stop_relay, relay_down) = Shutdown::new();
        let relay_handle = start_relay::<S>(&pool, &settings, &clock, relay_down)?;
        let ctx = AppContext {
            service: S::NAME,
            settings: settings.clone(),
            cities: cities.clone(),
            pool: pool.clone(),
            clock,
            relay: relay_handle.clone(),
        };
        let mut consumer = start_consumer::<S>(&ctx, pool, cities, consumers_down.clone())?;
        start_workers::<S>(&ctx, &settings, &relay_handle, consumers_down);

        let server = http_server::<S>(ctx, &consumer, &settings, &section, grace)?;
        let http = server.handle();
        tracing::info!(host = %section.http.host, port = section.http.port, "serving");

        actix_rt::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutdown requested: no new requests; finishing work in flight");
            http.stop(true).await;
        });
        server.await?;

        drain(
            stop_consumers,
            &mut consumer,
            stop_relay,
            relay_handle,
            grace,
        )
        .await;
        Ok::<(), RuntimeError>(())
    });
    tracing::info!(service = S::NAME, "stopped");
    telemetry.shutdown();
    result
}

/// The HTTP server: every front of the service behind the one edge (tracing, problems, rate
/// limit, body cap, idempotency), bound and running.
fn http_server<S: Service>(
    ctx: AppContext,
    consumer: &returns_bus::consumer::ConsumerHandle,
    settings: &Settings,
    section: &returns_settings::ServiceSection,
    grace: Duration,
) -> Result<actix_web::dev::Server, RuntimeError> {
    let tokens = web::Data::new(returns_auth::Tokens::new(&settings.api, ctx.clock.clone()));
    let body_limit = settings.api.body_limit_bytes;
    let buckets = web::Data::new(crate::edge::rate_limit::Buckets::default());
    let spec = web::Data::new(spec_json::<S>());
    let hooks = S::webhooks();
    let data = web::Data::new(ctx);
    let consumer_data = web::Data::new(consumer.clone());
    Ok(HttpServer::new(move || {
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
    .run())
}

/// The database section's pool size and timeouts.
fn pool_limits(section: &returns_settings::ServiceSection) -> returns_store::PoolLimits {
    let db = &section.database;
    returns_store::PoolLimits {
        size: db.pool_size,
        wait: Duration::from_millis(db.pool_wait_ms),
        connect: Duration::from_millis(db.connect_timeout_ms),
        statement: Duration::from_millis(db.statement_timeout_ms),
    }
}

/// The one-shot tasks of a deployment (deploy/k8s), each exiting when done; true when one ran.
fn one_shot_task<S: Service>(settings: &Settings) -> Result<bool, RuntimeError> {
    let asked = |flag: &str| std::env::args().any(|a| a == flag);
    if asked("--provision-topics") {
        crate::tasks::provision_topics(settings)?;
        return Ok(true);
    }
    if asked("--replay-dead-letters") {
        crate::tasks::replay_dead_letters::<S>(settings)?;
        return Ok(true);
    }
    let section = settings.service(S::NAME)?;
    if asked("--check-settings") {
        println!(
            "{}",
            crate::tasks::settings_summary::<S>(settings, &section)
        );
        return Ok(true);
    }
    if asked("--migrate") {
        returns_store::migrate(&section.database.url, S::MIGRATIONS)?;
        println!("{}: migrations applied", S::NAME);
        return Ok(true);
    }
    Ok(false)
}

/// The outbox relay; webhook deliveries of the service's own events are logged as it
/// publishes them.
fn start_relay<S: Service>(
    pool: &returns_store::Pool,
    settings: &Settings,
    clock: &Clock,
    shutdown: Shutdown,
) -> Result<returns_bus::RelayHandle, RuntimeError> {
    let fan_out = S::webhooks().map(|h| {
        Arc::new(returns_webhooks::FanOut {
            events: h.events,
            owner_of: h.owner_of,
            clock: clock.clone(),
        }) as Arc<dyn returns_bus::OnPublish>
    });
    let (relay, handle) = OutboxRelay::new(
        pool.clone(),
        &settings.kafka,
        settings.outbox.clone(),
        S::NAME,
        fan_out,
        shutdown,
    )?;
    relay.start();
    Ok(handle)
}

/// The service's consumer group over its topics, handing each record to its `on_event`.
fn start_consumer<S: Service>(
    ctx: &AppContext,
    pool: returns_store::Pool,
    cities: returns_settings::CityMap,
    shutdown: Shutdown,
) -> Result<returns_bus::ConsumerHandle, RuntimeError> {
    Ok(spawn_consumer(
        ConsumerSpec {
            service: S::NAME.to_owned(),
            group_id: format!("returns-{}", S::NAME),
            topics: S::topics(),
            kafka: ctx.settings.kafka.clone(),
            cities,
        },
        pool,
        S::handler(ctx),
        ctx.relay.clone(),
        shutdown,
    )?)
}

/// The actors beside the consumer: the service's timers, the inbox pruner and the webhook
/// deliverer (for a service with webhooks).
fn start_workers<S: Service>(
    ctx: &AppContext,
    settings: &Settings,
    relay: &returns_bus::RelayHandle,
    shutdown: Shutdown,
) {
    TimerActor {
        service: S::NAME.to_owned(),
        pool: ctx.pool.clone(),
        handler: returns_bus::Timers::new(S::timers(ctx)),
        cities: ctx.cities.clone(),
        clock: ctx.clock.clone(),
        relay: relay.clone(),
        shutdown: shutdown.clone(),
    }
    .start();
    InboxPruner {
        pool: ctx.pool.clone(),
        clock: ctx.clock.clone(),
        settings: settings.inbox.clone(),
        shutdown: shutdown.clone(),
    }
    .start();
    if S::webhooks().is_some() {
        returns_webhooks::Deliverer {
            pool: ctx.pool.clone(),
            clock: ctx.clock.clone(),
            settings: settings.webhooks.clone(),
            shutdown,
        }
        .start();
    }
}

/// Order matters: consumers finish their batch and commit, then the relay publishes what they
/// staged, then the process exits.
async fn drain(
    stop_consumers: returns_bus::shutdown::ShutdownTrigger,
    consumer: &mut returns_bus::consumer::ConsumerHandle,
    stop_relay: returns_bus::shutdown::ShutdownTrigger,
    mut relay: returns_bus::RelayHandle,
    grace: Duration,
) {
    stop_consumers.trigger();
    if tokio::time::timeout(grace, consumer.finished())
        .await
        .is_err()
    {
        tracing::warn!("consumer did not stop within the grace period");
    }
    stop_relay.trigger();
    if tokio::time::timeout(grace, relay.finished()).await.is_err() {
        tracing::warn!("outbox relay did not drain within the grace period");
    }
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
