//! Settings for every service, layered like zero-to-production's: `config/base.toml`, then
//! `config/{RETURNS_ENV}.toml`, then the deployment's file (`RETURNS_DEPLOYMENT_SETTINGS`, a
//! mounted ConfigMap on Kubernetes), then `RETURNS__SECTION__KEY` environment variables.
//! Everything is validated once at start-up and refused with the key at fault.

mod cities;
mod sections;

use std::collections::BTreeMap;
use std::path::PathBuf;

use returns_domain::Policy;
use serde::Deserialize;

pub use cities::{CityInfo, CityMap, ShardInfo};
pub use sections::{
    ApiSettings, ClockSettings, DatabaseSettings, HttpSettings, InboxSettings, KafkaSettings,
    OutboxSettings, ShutdownSettings, TelemetrySettings, WebhookSettings,
};

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("settings could not be read: {0}")]
    Load(#[from] config::ConfigError),
    #[error("setting `{key}` is invalid: {message}")]
    Invalid { key: String, message: String },
}

impl SettingsError {
    pub(crate) fn invalid(key: impl Into<String>, message: impl Into<String>) -> Self {
        SettingsError::Invalid {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// One service's own section: where it listens and which database it owns.
#[derive(Debug, Clone)]
pub struct ServiceSection {
    pub http: HttpSettings,
    pub database: DatabaseSettings,
}

/// A service's section as given: a deployment gives each pod only its own service's database
/// URL, so another service's section may be incomplete; [`Settings::service`] checks the one
/// that is read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GivenServiceSection {
    #[serde(default)]
    pub http: Option<HttpSettings>,
    #[serde(default)]
    pub database: Option<DatabaseSettings>,
}

/// The services whose sections settings may hold.
pub const SERVICES: [&str; 4] = ["intake", "audit", "logistics", "payment"];

/// The whole settings tree as files and environment give it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub environment: String,
    pub kafka: KafkaSettings,
    pub telemetry: TelemetrySettings,
    #[serde(default)]
    pub clock: ClockSettings,
    #[serde(default)]
    pub shutdown: ShutdownSettings,
    #[serde(default)]
    pub outbox: OutboxSettings,
    /// The inbox's retention (idempotency records of consumed events).
    #[serde(default)]
    pub inbox: InboxSettings,
    #[serde(default)]
    pub policy: Policy,
    /// The public HTTP API: token keys, body cap, rate limits, idempotency, page size.
    #[serde(default)]
    pub api: ApiSettings,
    /// Webhook deliveries' retry schedule.
    #[serde(default)]
    pub webhooks: WebhookSettings,
    pub shards: BTreeMap<String, ShardInfo>,
    pub default_shard: String,
    pub cities: BTreeMap<String, CityInfo>,
    pub services: BTreeMap<String, GivenServiceSection>,
}

impl Settings {
    /// Loads from `RETURNS_CONFIG_DIR` (default `config`) for `RETURNS_ENV` (default
    /// `development`), then environment overrides, and validates.
    pub fn load() -> Result<Self, SettingsError> {
        let dir = std::env::var("RETURNS_CONFIG_DIR").unwrap_or_else(|_| "config".to_owned());
        let env = std::env::var("RETURNS_ENV").unwrap_or_else(|_| "development".to_owned());
        Self::load_from(&PathBuf::from(dir), &env, true)
    }

    pub fn load_from(
        dir: &std::path::Path,
        env: &str,
        with_env_vars: bool,
    ) -> Result<Self, SettingsError> {
        let mut builder = config::Config::builder()
            .set_default("environment", env)?
            .add_source(config::File::from(dir.join("base.toml")).required(true))
            .add_source(config::File::from(dir.join(format!("{env}.toml"))).required(false));
        if with_env_vars {
            if let Ok(file) = std::env::var("RETURNS_DEPLOYMENT_SETTINGS") {
                builder =
                    builder.add_source(config::File::from(PathBuf::from(file)).required(true));
            }
            builder = builder.add_source(
                config::Environment::with_prefix("RETURNS")
                    .prefix_separator("__")
                    .separator("__")
                    .try_parsing(true)
                    // Retiring token keys, comma-separated (a rotation, docs/operations.md).
                    .list_separator(",")
                    .with_list_parse_key("api.previous_keys")
                    .ignore_empty(true),
            );
        }
        let settings: Settings = builder.build()?.try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        self.policy
            .validate()
            .map_err(|e| SettingsError::invalid(e.field, e.message))?;
        self.city_map()?;
        if self.kafka.fetch_wait_max_ms == 0 {
            return Err(SettingsError::invalid(
                "kafka.fetch_wait_max_ms",
                "must be at least 1 ms",
            ));
        }
        if self.inbox.retention_hours < 1 || self.inbox.prune_batch < 1 {
            return Err(SettingsError::invalid(
                "inbox.retention_hours",
                "retention must be at least 1 hour and prune_batch at least 1",
            ));
        }
        self.validate_api()?;
        if let Some(name) = self
            .services
            .keys()
            .find(|n| !SERVICES.contains(&n.as_str()))
        {
            return Err(SettingsError::invalid(
                format!("services.{name}"),
                format!("no such service; the services are {}", SERVICES.join(", ")),
            ));
        }
        if self.kafka.batch_max == 0 {
            return Err(SettingsError::invalid(
                "kafka.batch_max",
                "must be at least 1",
            ));
        }
        if self.clock.shift_seconds.is_some() && self.environment == "production" {
            return Err(SettingsError::invalid(
                "clock.shift_seconds",
                "production reads the real clock; remove clock.shift_seconds",
            ));
        }
        Ok(())
    }

    fn validate_api(&self) -> Result<(), SettingsError> {
        let api = &self.api;
        if api.signing_key.len() < 32 || api.previous_keys.iter().any(|k| k.len() < 32) {
            return Err(SettingsError::invalid(
                "api.signing_key",
                "bearer-token keys must be at least 32 bytes (set RETURNS__API__SIGNING_KEY)",
            ));
        }
        let positive = [
            ("api.token_minutes", api.token_minutes),
            ("api.idempotency_hours", api.idempotency_hours),
            ("api.max_page", api.max_page),
            ("api.body_limit_bytes", api.body_limit_bytes as i64),
            ("api.rate_per_second", i64::from(api.rate_per_second)),
            ("api.rate_burst", i64::from(api.rate_burst)),
        ];
        match positive.iter().find(|(_, v)| *v < 1) {
            Some((key, _)) => Err(SettingsError::invalid(*key, "must be at least 1")),
            None => Ok(()),
        }
    }

    /// The checked city → shard → partitions map.
    pub fn city_map(&self) -> Result<CityMap, SettingsError> {
        CityMap::new(
            self.kafka.partitions,
            &self.shards,
            &self.default_shard,
            &self.cities,
        )
    }

    /// The section of service `name` (`intake`, `audit`, ...), complete.
    pub fn service(&self, name: &str) -> Result<ServiceSection, SettingsError> {
        let given = self.services.get(name).cloned().unwrap_or_default();
        let missing = |part: &str, env: &str| {
            SettingsError::invalid(
                format!("services.{name}.{part}"),
                format!(
                    "missing; set it in the settings files or as RETURNS__SERVICES__{}__{env}",
                    name.to_uppercase()
                ),
            )
        };
        Ok(ServiceSection {
            http: given.http.ok_or_else(|| missing("http", "HTTP__PORT"))?,
            database: given
                .database
                .ok_or_else(|| missing("database.url", "DATABASE__URL"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config")
    }

    /// RULES.md: "Numbers here are defaults: each lives in configuration, not in code". Every
    /// number of the policy is written in `config/base.toml`, where an operator sees it.
    #[test]
    fn every_rule_number_is_written_in_base_toml() {
        let text = std::fs::read_to_string(config_dir().join("base.toml")).unwrap_or_default();
        let policy = serde_json::to_value(returns_domain::Policy::default()).unwrap_or_default();
        let keys: Vec<&String> = policy
            .as_object()
            .map(|o| o.keys().filter(|k| *k != "guarantees").collect())
            .unwrap_or_default();
        assert!(keys.len() > 25, "{keys:?}");
        for key in keys {
            let written =
                text.contains(&format!("\n{key} =")) || text.contains(&format!("[policy.{key}"));
            assert!(written, "policy.{key} is not written in config/base.toml");
        }
    }

    #[test]
    fn checked_in_settings_load_for_every_environment() {
        for env in ["development", "test"] {
            let s = Settings::load_from(&config_dir(), env, false);
            assert!(s.is_ok(), "{env}: {:?}", s.err());
            let s = s.unwrap();
            for name in SERVICES {
                assert!(s.service(name).is_ok(), "{env}: {name}");
            }
        }
    }

    #[test]
    fn production_takes_brokers_databases_and_keys_from_the_deployment_only() {
        // Nothing in the checked-in files points production at a development broker,
        // database or signing key; `just k8s-check` loads it with the manifests' values.
        let err = Settings::load_from(&config_dir(), "production", false)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("brokers"), "{err}");
    }

    #[test]
    fn a_service_section_for_no_service_is_refused() {
        let mut s = Settings::load_from(&config_dir(), "test", false).unwrap();
        s.services
            .insert("intkae".to_owned(), GivenServiceSection::default());
        let err = s.validate().unwrap_err().to_string();
        assert!(err.contains("services.intkae"), "{err}");
    }

    #[test]
    fn ct_1_launch_cities_are_covered_by_configuration() {
        let s = Settings::load_from(&config_dir(), "development", false).unwrap();
        let map = s.city_map().unwrap();
        for city in [
            "beijing",
            "shanghai",
            "guangzhou",
            "shenzhen",
            "hangzhou",
            "nanjing",
        ] {
            assert!(map.is_covered(city), "{city}");
        }
        assert!(!map.is_covered("lhasa"));
    }

    #[test]
    fn wf_2_every_category_guarantee_is_configured_and_valid() {
        // The policy is in base.toml, which every environment reads.
        let s = Settings::load_from(&config_dir(), "test", false).unwrap();
        let ids: Vec<&str> = s.policy.guarantees.iter().map(|g| g.id.as_str()).collect();
        for id in [
            "fresh_food_spoiled",
            "cosmetics_allergy",
            "baby_rash",
            "breakage",
            "apparel_quality_30_days",
            "contact_lens_eye_care",
            "phone_no_proof",
            "appliance_30_day_return",
            "appliance_replaced_not_repaired",
        ] {
            assert!(ids.contains(&id), "{id} in {ids:?}");
        }
        let spoiled = s.policy.guarantee("fresh_food_spoiled").unwrap();
        assert!(!spoiled.goods_back, "WF-2: no return needed");
    }
}
