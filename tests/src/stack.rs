//! The whole platform on this machine: broker, databases, topics, four service processes.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use chrono::{Timelike, Utc};
use returns_settings::KafkaSettings;

use crate::broker::Broker;
pub use crate::broker::Storage;
use crate::otlp::Collector;
use crate::ports::free_ports;
use crate::process::Proc;
use crate::{SERVICES, bin_dir, databases, repo_root, wait_for};

/// How to start a stack.
#[derive(Debug, Clone)]
pub struct StackOptions {
    pub storage: Storage,
    /// Logs, the broker's files and pid files go here.
    pub run_dir: PathBuf,
    /// Databases are `{db_prefix}_{service}`, created fresh.
    pub db_prefix: String,
    /// Start an OTLP receiver and point the services at it.
    pub collect_traces: bool,
    /// Fixed ports (broker, then the four services) instead of free ones.
    pub fixed_ports: Option<[u16; 5]>,
    /// `RETURNS_ENV` for the services.
    pub environment: String,
    /// Extra `RETURNS__...` settings for every service.
    pub extra_env: Vec<(String, String)>,
    /// Merchants enrolled in the worry-free programme once the stack is up (MP-1), so their
    /// buyers get fast return.
    pub programme_merchants: Vec<String>,
}

/// The warehouse a harness merchant names when it joins the programme (ORD-4).
pub fn warehouse_of(merchant: &str) -> serde_json::Value {
    serde_json::json!({
        "recipient": format!("{merchant} returns desk"),
        "address": "1 Warehouse Road, Songjiang",
        "city": "shanghai",
        "contact_phone": "+862100000000",
    })
}

/// The merchants the generated cases use (`crate::cases`): all in the programme by default.
pub fn default_merchants() -> Vec<String> {
    (1..=7).map(|i| format!("m-{i}")).collect()
}

impl StackOptions {
    /// A throwaway stack for one test: free ports, fresh databases, durable broker storage.
    pub fn for_test(name: &str) -> StackOptions {
        let unique = format!("{}_{}", name, std::process::id());
        StackOptions {
            storage: Storage::Sqlite,
            run_dir: repo_root().join("target").join("e2e").join(&unique),
            db_prefix: format!("rt_{unique}"),
            collect_traces: true,
            fixed_ports: None,
            environment: "test".to_owned(),
            extra_env: Vec::new(),
            programme_merchants: default_merchants(),
        }
    }
}

pub struct Stack {
    pub options: StackOptions,
    pub broker: Broker,
    pub services: BTreeMap<String, (Proc, u16)>,
    pub otlp: Option<Collector>,
    pub client: reqwest::Client,
    pub db_urls: HashMap<String, String>,
    pub partitions: i32,
    /// Seconds the services' clocks are ahead of real time (see [`morning_shift_seconds`]).
    pub shift_seconds: i64,
    /// Seconds the services' clocks were moved forward since the start (`advance_clocks`).
    advanced_seconds: std::sync::atomic::AtomicI64,
    env: HashMap<String, Vec<(String, String)>>,
    tokens: returns_auth::Tokens,
}

/// The shift that makes the services' clocks read 10:00 in China (UTC+8) today, so that
/// pickups dispatch at once (PK-1) whenever the stack is started.
pub fn morning_shift_seconds() -> i64 {
    let now = Utc::now();
    let target = now
        .with_hour(2)
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .unwrap_or(now);
    (target - now).num_seconds()
}

impl Stack {
    pub async fn start(options: StackOptions) -> anyhow::Result<Stack> {
        std::fs::create_dir_all(&options.run_dir)?;
        // The broker's, the four services' and the trace collector's, all different.
        let [broker_port, a, b, c, d, collector_port] = free_ports::<6>()?;
        let ports = options.fixed_ports.unwrap_or([broker_port, a, b, c, d]);
        let broker =
            Broker::start(options.storage, ports[0], &options.run_dir.join("broker")).await?;
        let settings = returns_settings::Settings::load_from(
            &repo_root().join("config"),
            &options.environment,
            false,
        )?;
        let partitions = settings.kafka.partitions;
        let kafka = KafkaSettings {
            brokers: broker.bootstrap(),
            ..settings.kafka.clone()
        };
        returns_bus::admin::ensure_topics(&kafka, &returns_events::topics::for_development())
            .await?;
        if options.db_prefix.starts_with("rt_") {
            databases::sweep_stale_test_databases().await?;
        }
        let db_urls = databases::fresh(&options.db_prefix).await?;
        let otlp = if options.collect_traces {
            let port = collector_port;
            Some((Collector::start(port).await?, port))
        } else {
            None
        };
        let shift = morning_shift_seconds();
        let mut services = BTreeMap::new();
        let mut env = HashMap::new();
        let mut stack_db = HashMap::new();
        for (i, svc) in SERVICES.iter().enumerate() {
            let at = Placed {
                port: ports[i + 1],
                db_url: &db_urls[i],
                brokers: broker.bootstrap(),
                shift,
                otlp_port: otlp.as_ref().map(|(_, p)| *p),
            };
            let vars = service_env(&options, svc, &at);
            stack_db.insert(svc.to_string(), db_urls[i].clone());
            env.insert(svc.to_string(), vars);
        }
        let mut stack = Stack {
            options,
            broker,
            services: BTreeMap::new(),
            otlp: otlp.map(|(c, _)| c),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            db_urls: stack_db,
            partitions,
            shift_seconds: shift,
            advanced_seconds: std::sync::atomic::AtomicI64::new(0),
            env,
            tokens: crate::api::tokens(&settings),
        };
        for (i, svc) in SERVICES.iter().enumerate() {
            let proc = stack.spawn_service(svc)?;
            services.insert(svc.to_string(), (proc, ports[i + 1]));
        }
        stack.services = services;
        stack.wait_ready(Duration::from_secs(60)).await?;
        stack.enrol_programme_merchants().await?;
        Ok(stack)
    }

    fn spawn_service(&self, svc: &str) -> anyhow::Result<Proc> {
        let bin = bin_dir().join(svc);
        anyhow::ensure!(
            bin.exists(),
            "{} is not built; run `cargo build --workspace --bins` first",
            bin.display()
        );
        let mut cmd = Command::new(&bin);
        cmd.envs(self.env.get(svc).cloned().unwrap_or_default());
        Proc::spawn(svc, cmd, &self.options.run_dir.join(format!("{svc}.log")))
    }

    /// Runs a one-shot task of `svc`'s binary (`--replay-dead-letters`, `--check-settings`)
    /// with the service's own settings, as a Kubernetes Job would.
    pub async fn task(&self, svc: &str, arg: &str) -> anyhow::Result<std::process::Output> {
        let mut cmd = tokio::process::Command::new(bin_dir().join(svc));
        cmd.arg(arg)
            .envs(self.env.get(svc).cloned().unwrap_or_default());
        Ok(cmd.output().await?)
    }

    /// MP-1: the options' programme merchants join, each naming its warehouse (ORD-4: returns
    /// go there unless a city has its own address).
    async fn enrol_programme_merchants(&self) -> anyhow::Result<()> {
        for m in self.options.programme_merchants.clone() {
            let join = serde_json::json!({ "action": "join", "warehouse": warehouse_of(&m) });
            let (status, body) = self
                .merchant(&m)
                .post("audit", "/merchant/programme", &join)
                .await?;
            anyhow::ensure!(status == 200, "enrolling {m}: {status} {body}");
        }
        Ok(())
    }

    /// Stops `svc` with SIGTERM (answering its exit status) and starts it again.
    pub async fn restart(&mut self, svc: &str) -> anyhow::Result<std::process::ExitStatus> {
        let port = self
            .services
            .get(svc)
            .map(|(_, p)| *p)
            .ok_or_else(|| anyhow::anyhow!("no {svc}"))?;
        let status = match self.services.get_mut(svc) {
            Some((p, _)) => p.terminate(Duration::from_secs(30))?,
            None => anyhow::bail!("no {svc}"),
        };
        let proc = self.spawn_service(svc)?;
        self.services.insert(svc.to_owned(), (proc, port));
        self.wait_ready(Duration::from_secs(60)).await?;
        Ok(status)
    }

    /// What the services' clocks read now (before any [`Stack::advance_clocks`]).
    pub fn now(&self) -> chrono::DateTime<Utc> {
        let advanced = self
            .advanced_seconds
            .load(std::sync::atomic::Ordering::SeqCst);
        Utc::now() + chrono::Duration::seconds(self.shift_seconds + advanced)
    }

    pub fn url(&self, svc: &str) -> String {
        let port = self.services.get(svc).map(|(_, p)| *p).unwrap_or(0);
        format!("http://127.0.0.1:{port}")
    }

    /// Waits until every service answers `/health/ready` with 200.
    pub async fn wait_ready(&self, timeout: Duration) -> anyhow::Result<()> {
        for svc in SERVICES {
            let url = format!("{}/health/ready", self.url(svc));
            let client = self.client.clone();
            wait_for(
                &format!("{svc} to be ready (see {})", self.options.run_dir.display()),
                timeout,
                || {
                    let (client, url) = (client.clone(), url.clone());
                    async move {
                        Ok(client
                            .get(&url)
                            .send()
                            .await
                            .ok()
                            .filter(|r| r.status().is_success())
                            .map(|_| ()))
                    }
                },
            )
            .await?;
        }
        Ok(())
    }

    /// The development key's token minter (tests mint expired or odd tokens with it).
    pub fn tokens(&self) -> &returns_auth::Tokens {
        &self.tokens
    }

    /// A bearer token for `id` in `role`, valid for a day from the platform's now.
    pub fn token(&self, role: returns_auth::Role, id: &str) -> String {
        self.tokens
            .mint_at(role, id, self.now(), chrono::Duration::hours(24))
            .unwrap_or_default()
    }

    /// A token for a simulated partner (a courier company, a shop) that keeps working while
    /// the demo moves the clocks by days: valid for 30 days from the platform's now.
    pub fn partner_token(&self, role: returns_auth::Role, id: &str) -> String {
        self.tokens
            .mint_at(role, id, self.now(), chrono::Duration::days(30))
            .unwrap_or_default()
    }

    /// The public API as `id` in `role`.
    pub fn as_role(&self, role: returns_auth::Role, id: &str) -> crate::api::Api<'_> {
        crate::api::Api {
            stack: self,
            role,
            id: id.to_owned(),
        }
    }

    pub fn buyer(&self, id: &str) -> crate::api::Api<'_> {
        self.as_role(returns_auth::Role::Buyer, id)
    }

    pub fn merchant(&self, id: &str) -> crate::api::Api<'_> {
        self.as_role(returns_auth::Role::Merchant, id)
    }

    pub fn courier(&self, company: &str) -> crate::api::Api<'_> {
        self.as_role(returns_auth::Role::Courier, company)
    }

    /// Customer service, as agent [`crate::api::AGENT`].
    pub fn cs(&self) -> crate::api::Api<'_> {
        self.as_role(returns_auth::Role::Cs, crate::api::AGENT)
    }

    pub fn operator(&self) -> crate::api::Api<'_> {
        self.as_role(returns_auth::Role::Operator, crate::api::OPERATOR)
    }

    /// Unauthenticated requests (health, and checks that the API refuses them).
    pub async fn anonymous(
        &self,
        method: reqwest::Method,
        svc: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> anyhow::Result<(u16, serde_json::Value)> {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.url(svc)));
        if let Some(b) = body {
            req = req.json(b);
        }
        let r = req.send().await?;
        let status = r.status().as_u16();
        Ok((status, r.json().await.unwrap_or(serde_json::Value::Null)))
    }

    /// Outbox rows not yet published, over all services (read from their databases: the harness
    /// may look where services may not).
    pub async fn outbox_backlog(&self) -> anyhow::Result<i64> {
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut total = 0;
        for url in self.db_urls.values() {
            let mut conn = AsyncPgConnection::establish(url).await?;
            let c: Count = diesel::sql_query("SELECT count(*) AS n FROM outbox")
                .get_result(&mut conn)
                .await?;
            total += c.n;
        }
        Ok(total)
    }

    /// Rows of `table` in one service's database whose `case_id` is `case` (the harness may
    /// look where services may not; `table` is the test's own constant).
    pub async fn rows_of_case(
        &self,
        service: &str,
        table: &str,
        case: &str,
    ) -> anyhow::Result<i64> {
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        anyhow::ensure!(
            table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "bad table name {table}"
        );
        let case: uuid::Uuid = case.parse()?;
        let url = self
            .db_urls
            .get(service)
            .ok_or_else(|| anyhow::anyhow!("no database for {service}"))?;
        let mut conn = AsyncPgConnection::establish(url).await?;
        let c: Count = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM {table} WHERE case_id = $1"
        ))
        .bind::<diesel::sql_types::Uuid, _>(case)
        .get_result(&mut conn)
        .await?;
        Ok(c.n)
    }

    /// Moves every service's clock forward by `seconds`.
    pub async fn advance_clocks(&self, seconds: i64) -> anyhow::Result<()> {
        for svc in SERVICES {
            let (status, body) = self
                .operator()
                .post(
                    svc,
                    "/operator/clock/advance",
                    &serde_json::json!({ "seconds": seconds }),
                )
                .await?;
            anyhow::ensure!(status == 200, "{svc} refused to move its clock: {body}");
        }
        self.advanced_seconds
            .fetch_add(seconds, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    /// Stops everything and drops the databases.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        for (_, (mut p, _)) in std::mem::take(&mut self.services) {
            let _ = p.terminate(Duration::from_secs(30));
        }
        databases::drop_all(&self.options.db_prefix).await
    }

    /// Keeps the processes running after this program exits (`just up`), returning their pids.
    pub fn detach(mut self) -> Vec<(String, u32)> {
        let mut pids = Vec::new();
        for (name, (p, _)) in std::mem::take(&mut self.services) {
            if let Some(pid) = p.detach() {
                pids.push((name, pid));
            }
        }
        let broker = std::mem::replace(&mut self.broker.proc, Proc::none("tansu"));
        if let Some(pid) = broker.detach() {
            pids.push(("tansu".to_owned(), pid));
        }
        pids
    }
}

/// Where one service of a stack runs: its port and database, the broker, the clock's shift
/// and the trace collector's port.
struct Placed<'a> {
    port: u16,
    db_url: &'a str,
    brokers: String,
    shift: i64,
    otlp_port: Option<u16>,
}

/// The environment a stack's service `svc` starts with.
fn service_env(options: &StackOptions, svc: &str, at: &Placed<'_>) -> Vec<(String, String)> {
    let upper = svc.to_uppercase();
    let mut vars = vec![
        (
            "RETURNS_CONFIG_DIR".to_owned(),
            repo_root().join("config").display().to_string(),
        ),
        ("RETURNS_ENV".to_owned(), options.environment.clone()),
        ("RETURNS__KAFKA__BROKERS".to_owned(), at.brokers.clone()),
        (
            format!("RETURNS__SERVICES__{upper}__HTTP__PORT"),
            at.port.to_string(),
        ),
        (
            format!("RETURNS__SERVICES__{upper}__DATABASE__URL"),
            at.db_url.to_owned(),
        ),
        (
            "RETURNS__CLOCK__SHIFT_SECONDS".to_owned(),
            at.shift.to_string(),
        ),
    ];
    if let Some(p) = at.otlp_port {
        vars.push((
            "RETURNS__TELEMETRY__OTLP_ENDPOINT".to_owned(),
            format!("http://127.0.0.1:{p}"),
        ));
    }
    vars.extend(options.extra_env.iter().cloned());
    vars
}
