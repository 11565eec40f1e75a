//! Plain settings sections.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSettings {
    pub host: String,
    pub port: u16,
    #[serde(default = "default_workers")]
    pub workers: usize,
}

fn default_workers() -> usize {
    2
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    #[serde(default = "default_pool")]
    pub pool_size: usize,
    /// How long a caller waits for a free connection before its work fails (503 for a route).
    #[serde(default = "default_wait_ms")]
    pub pool_wait_ms: u64,
    /// How long opening a connection may take.
    #[serde(default = "default_connect_ms")]
    pub connect_timeout_ms: u64,
    /// The longest a statement may run (PostgreSQL's `statement_timeout`); 0 is no limit.
    #[serde(default = "default_statement_ms")]
    pub statement_timeout_ms: u64,
}

fn default_pool() -> usize {
    8
}

fn default_wait_ms() -> u64 {
    5_000
}

fn default_connect_ms() -> u64 {
    5_000
}

fn default_statement_ms() -> u64 {
    30_000
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSettings {
    pub brokers: String,
    /// Partitions of every platform topic; the shard map divides them among shards.
    pub partitions: i32,
    /// Tansu answers a fetch only when this expires: keep it small in development.
    pub fetch_wait_max_ms: u32,
    /// Most records handled in one consumer batch (one database transaction per partition).
    pub batch_max: usize,
    /// How long a batch waits to fill after its first record.
    pub batch_wait_ms: u64,
    /// Extra librdkafka properties (e.g. security settings for a production cluster).
    #[serde(default)]
    pub client: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    /// OTLP/HTTP endpoint base, e.g. `http://127.0.0.1:4318`; unset turns export off.
    #[serde(default)]
    pub otlp_endpoint: Option<String>,
    pub log_filter: String,
    /// `pretty` or `json`.
    pub log_format: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockSettings {
    /// Development and tests only: seconds added to the real clock. Every service of one
    /// deployment gets the same value, so their clocks agree; `POST /operator/clock/advance`
    /// moves it forward. Absent means the real clock, which cannot move.
    #[serde(default)]
    pub shift_seconds: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShutdownSettings {
    /// Seconds a service has to drain after SIGTERM.
    pub grace_seconds: u64,
}

impl Default for ShutdownSettings {
    fn default() -> Self {
        ShutdownSettings { grace_seconds: 20 }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxSettings {
    /// Rows the relay publishes per round.
    pub batch: i64,
    /// Fallback poll when no commit woke the relay.
    pub poll_ms: u64,
}

/// The inbox's retention job.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InboxSettings {
    /// Rows older than this are deleted (redeliveries come within seconds).
    pub retention_hours: i64,
    /// How often the job runs.
    pub prune_every_seconds: u64,
    /// Rows deleted per statement.
    pub prune_batch: i64,
}

impl Default for InboxSettings {
    fn default() -> Self {
        InboxSettings {
            retention_hours: 168,
            prune_every_seconds: 600,
            prune_batch: 5_000,
        }
    }
}

impl Default for OutboxSettings {
    fn default() -> Self {
        OutboxSettings {
            batch: 500,
            poll_ms: 200,
        }
    }
}

/// The public HTTP API's edge: bearer-token keys, caps and limits (issue 4).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSettings {
    /// HS256 key that signs and verifies bearer tokens (at least 32 bytes). Deployments set it
    /// from a secret (`RETURNS__API__SIGNING_KEY`); the checked-in one is for development.
    #[serde(default)]
    pub signing_key: String,
    /// Keys still accepted for verification while tokens signed with them expire (rotation).
    #[serde(default)]
    pub previous_keys: Vec<String>,
    /// The `iss` claim minted into and required of every token.
    pub issuer: String,
    /// Lifetime of a token minted by `just token`.
    pub token_minutes: i64,
    /// Request bodies larger than this are refused with 413.
    pub body_limit_bytes: usize,
    /// Per-caller token bucket: sustained requests per second and the burst above it.
    pub rate_per_second: u32,
    pub rate_burst: u32,
    /// How long a POST's `Idempotency-Key` is remembered.
    pub idempotency_hours: i64,
    /// The largest page a list route returns.
    pub max_page: i64,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            signing_key: String::new(),
            previous_keys: Vec::new(),
            issuer: "returns-platform".to_owned(),
            token_minutes: 60,
            body_limit_bytes: 256 * 1024,
            rate_per_second: 200,
            rate_burst: 400,
            idempotency_hours: 24,
            max_page: 100,
        }
    }
}

/// Webhooks to merchants and courier companies (issue 4): the retry schedule of the delivery log.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Seconds before the first retry; each further retry waits twice as long.
    pub first_retry_seconds: i64,
    /// The longest wait between two attempts.
    pub max_retry_seconds: i64,
    /// Attempts before a delivery is given up (`failed`).
    pub max_attempts: i32,
    /// How often the delivery log is read for due deliveries.
    pub poll_ms: u64,
    /// How long a subscriber has to answer one attempt.
    pub timeout_ms: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            first_retry_seconds: 5,
            max_retry_seconds: 3600,
            max_attempts: 10,
            poll_ms: 200,
            timeout_ms: 5000,
        }
    }
}
