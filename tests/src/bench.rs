//! `platform bench`: the platform under a fixed arrival rate (open loop), once on each broker
//! storage, beside the broker's own produce→consume rate and hop latency measured in the same
//! run, so that the platform's share of the cost is visible. Prints the figures and, with
//! `--record FILE`, writes them as markdown.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, FutureRecord};
use returns_settings::KafkaSettings;

use crate::driver::{Drive, drive};
use crate::report::{self, Stats};
use crate::{SERVICES, Stack, StackOptions, Storage, repo_root};

pub struct BenchArgs {
    pub rate: f64,
    pub seconds: u64,
    pub record: Option<String>,
    pub storages: Vec<Storage>,
}

struct BrokerProbe {
    records: usize,
    rate: f64,
    hop: Stats,
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// The broker alone, on one partition: `n` records produced as fast as the client goes and
/// consumed (the rate), then `n / 5` records at 500/s, each carrying its send time (the
/// produce→consume hop latency without queueing).
async fn probe_broker(bootstrap: &str, n: usize) -> anyhow::Result<BrokerProbe> {
    let topic = "returns.bench-probe.v1";
    let kafka = KafkaSettings {
        brokers: bootstrap.to_owned(),
        partitions: 1,
        fetch_wait_max_ms: 5,
        batch_max: 500,
        batch_wait_ms: 5,
        client: Default::default(),
    };
    returns_bus::admin::ensure_topics(&kafka, &[topic]).await?;
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", "returns-bench-probe")
        .set("auto.offset.reset", "earliest")
        .set("fetch.wait.max.ms", "5")
        .set("log_level", "3")
        .create()?;
    consumer.subscribe(&[topic])?;
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "1")
        .set("log_level", "3")
        .create()?;
    let started = Instant::now();
    let ((), flood) = tokio::join!(produce(&producer, topic, n, None), consume(&consumer, n));
    flood?;
    let rate = n as f64 / started.elapsed().as_secs_f64();
    let ((), hops) = tokio::join!(
        produce(&producer, topic, n / 5, Some(500.0)),
        consume(&consumer, n / 5)
    );
    Ok(BrokerProbe {
        records: n,
        rate,
        hop: Stats::of(hops?),
    })
}

/// `count` records to `topic`, each carrying its send time, as fast as the client goes or at
/// `per_second`.
async fn produce(producer: &FutureProducer, topic: &str, count: usize, per_second: Option<f64>) {
    let start = Instant::now();
    for i in 0..count {
        if let Some(r) = per_second {
            tokio::time::sleep_until((start + Duration::from_secs_f64(i as f64 / r)).into()).await;
        }
        let payload = now_ns().to_string();
        let key = i.to_string();
        let mut record = FutureRecord::to(topic).key(&key).payload(&payload);
        loop {
            match producer.send_result(record) {
                Ok(_) => break,
                Err((_, r)) => {
                    record = r;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        }
    }
}

/// `count` records, each one's produce-to-consume hop in milliseconds.
async fn consume(consumer: &StreamConsumer, count: usize) -> anyhow::Result<Vec<f64>> {
    let mut hops = Vec::with_capacity(count);
    while hops.len() < count {
        match tokio::time::timeout(Duration::from_secs(30), consumer.recv()).await {
            Ok(Ok(m)) => {
                let sent: u128 = m
                    .payload()
                    .and_then(|p| std::str::from_utf8(p).ok())
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                hops.push(now_ns().saturating_sub(sent) as f64 / 1e6);
            }
            Ok(Err(e)) => anyhow::bail!("probe consume failed: {e}"),
            Err(_) => anyhow::bail!("probe consume stalled after {} records", hops.len()),
        }
    }
    Ok(hops)
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// CPU seconds used so far by every process whose command is `name` (PostgreSQL's backends).
fn cpu_seconds_of_command(name: &str) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == name)
        })
        .map(cpu_seconds)
        .sum()
}

/// CPU seconds the whole machine has been busy (all cores).
fn machine_busy_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let cpu: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
    let total: f64 = cpu.iter().take(8).sum();
    let idle = cpu.get(3).copied().unwrap_or(0.0) + cpu.get(4).copied().unwrap_or(0.0);
    (total - idle) / 100.0
}

fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// The benchmark's stack on `storage`: its own run folder and databases, no rate limit.
fn bench_options(storage: Storage, tag: &str) -> StackOptions {
    StackOptions {
        storage,
        run_dir: repo_root().join(".run").join(format!("bench-{tag}")),
        db_prefix: format!("returns_bench_{tag}"),
        collect_traces: false,
        fixed_ports: None,
        environment: "development".to_owned(),
        // The load generator, the simulated couriers and the read-back of every case are not
        // users: the per-caller rate limit would throttle them, not the platform.
        extra_env: vec![
            (
                "RETURNS__API__RATE_PER_SECOND".to_owned(),
                "1000000".to_owned(),
            ),
            ("RETURNS__API__RATE_BURST".to_owned(), "1000000".to_owned()),
            // RS-3's cut-off would hold refunds before shipment for 30 minutes of clock time;
            // the benchmark measures the platform's own speed, so they are paid at once.
            (
                "RETURNS__POLICY__UNSHIPPED_REFUND_CUTOFF_MINUTES".to_owned(),
                "0".to_owned(),
            ),
        ],
        programme_merchants: crate::stack::default_merchants(),
    }
}

/// The processes whose CPU the run counts: the four services and the broker.
fn platform_pids(stack: &Stack) -> Vec<(String, u32)> {
    let mut pids: Vec<(String, u32)> = SERVICES
        .iter()
        .filter_map(|s| {
            stack
                .services
                .get(*s)
                .and_then(|(p, _)| p.pid())
                .map(|pid| (s.to_string(), pid))
        })
        .collect();
    if let Some(pid) = stack.broker.proc.pid() {
        pids.push(("broker".to_owned(), pid));
    }
    pids
}

/// CPU seconds counted from the start of the measured run.
struct CpuMeter {
    pids: Vec<(String, u32)>,
    before: Vec<f64>,
    busy_before: f64,
    pg_before: f64,
}

impl CpuMeter {
    fn start(pids: Vec<(String, u32)>) -> Self {
        let before = pids.iter().map(|(_, p)| cpu_seconds(*p)).collect();
        CpuMeter {
            pids,
            before,
            busy_before: machine_busy_seconds(),
            pg_before: cpu_seconds_of_command("postgres"),
        }
    }

    /// One line: what each process used of the machine during `wall`.
    fn line(&self, wall: Duration) -> String {
        let busy = machine_busy_seconds() - self.busy_before;
        let mut cpu = Vec::new();
        let mut ours = 0.0;
        for ((name, pid), before) in self.pids.iter().zip(&self.before) {
            let used = cpu_seconds(*pid) - before;
            ours += used;
            cpu.push(format!("{name} {used:.1} s"));
        }
        // Backends that ended during the run are missed, so this is a lower bound.
        let pg = cpu_seconds_of_command("postgres") - self.pg_before;
        cpu.push(format!("PostgreSQL {pg:.1} s"));
        cpu.push(format!(
            "everything else (load generator, couriers, system) {:.1} s",
            (busy - ours - pg).max(0.0)
        ));
        let cores = std::thread::available_parallelism()
            .map(|n| n.get() as f64)
            .unwrap_or(1.0);
        format!(
            "CPU used during the run ({:.1} s wall, {busy:.1} CPU-s of {:.1} available): {}.",
            wall.as_secs_f64(),
            wall.as_secs_f64() * cores,
            cpu.join(", ")
        )
    }
}

/// Peak memory of each service, and of the broker.
fn peak_memory(stack: &Stack) -> (String, f64) {
    let mut mem = Vec::new();
    for svc in SERVICES {
        let pid = stack.services.get(svc).and_then(|(p, _)| p.pid());
        mem.push(format!(
            "{svc} {:.0} MiB",
            pid.and_then(peak_rss_mib).unwrap_or(f64::NAN)
        ));
    }
    let broker = stack
        .broker
        .proc
        .pid()
        .and_then(peak_rss_mib)
        .unwrap_or(f64::NAN);
    (mem.join(", "), broker)
}

async fn one_storage(storage: Storage, a: &BenchArgs) -> anyhow::Result<String> {
    let tag = match storage {
        Storage::Sqlite => "sqlite",
        Storage::Memory => "memory",
    };
    let options = bench_options(storage, tag);
    let _ = std::fs::remove_dir_all(&options.run_dir);
    println!("\n## Broker storage: {tag}");
    let stack = Stack::start(options).await?;
    let probe = probe_broker(&stack.broker.bootstrap(), 5_000).await?;
    println!(
        "broker alone: {} records at {:.0} records/s consumed; hop p50 {:.1} ms, p99 {:.1} ms",
        probe.records, probe.rate, probe.hop.p50, probe.hop.p99
    );
    let cases = (a.rate * a.seconds as f64).round() as usize;
    println!(
        "platform: {cases} cases offered at {} cases/s for {} s (open loop)…",
        a.rate, a.seconds
    );
    let d = Drive {
        cases,
        rate: a.rate,
        seed: 7,
        show_progress: true,
        finish: false,
    };
    // Ratings and orders are in place before the measured run (and its CPU figures) start.
    let prepared = crate::driver::prepare(&stack, &d).await?;
    let meter = CpuMeter::start(platform_pids(&stack));
    let out = drive(&stack, &d, prepared).await?;
    let cpu_line = meter.line(out.wall);
    let stages = report::stages(&out.views);
    let settled_rate = out.views.len() as f64 / out.wall.as_secs_f64();
    let (mem, broker_mem) = peak_memory(&stack);
    let section = format!(
        "### Broker storage `{tag}`\n\n\
         Broker alone (same run, one partition, linger 1 ms, fetch.wait.max.ms 5): {} records produced and consumed at \
         **{:.0} records/s**; produce→consume hop at 500 records/s p50 **{:.1} ms**, p99 {:.1} ms, max {:.1} ms.\n\n\
         Platform: {} cases offered at **{} cases/s** for {} s; {} opened ({} failed); all settled after {:.1} s \
         → **{:.0} cases/s** settled end to end. POST /buyer/cases p50 {:.1} ms, p99 {:.1} ms.\n\n{}\n\n\
         {}\n\n\
         Peak memory (VmHWM): {}; broker {:.0} MiB.\n",
        probe.records,
        probe.rate,
        probe.hop.p50,
        probe.hop.p99,
        probe.hop.max,
        cases,
        a.rate,
        a.seconds,
        out.case_ids.len(),
        out.open_failures,
        out.wall.as_secs_f64(),
        settled_rate,
        out.open_latency.p50,
        out.open_latency.p99,
        stages.table(),
        cpu_line,
        mem,
        broker_mem,
    );
    println!("{section}");
    stack.shutdown().await?;
    Ok(section)
}

pub async fn bench(a: BenchArgs) -> anyhow::Result<()> {
    let mut sections = Vec::new();
    for s in a.storages.clone() {
        sections.push(one_storage(s, &a).await?);
    }
    if let Some(path) = &a.record {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .find(|l| l.starts_with("model name"))
                    .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
            })
            .unwrap_or_default();
        let mem_gib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .next()
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|k| k.parse::<f64>().ok())
            })
            .map(|k| k / 1024.0 / 1024.0)
            .unwrap_or(0.0);
        let text = format!(
            "# Benchmarks\n\n\
             Recorded by `just bench` (`platform bench --rate {} --seconds {}`), {}.\n\n\
             Machine: {} cores ({cpu}), {mem_gib:.0} GiB; shared and noisy, so read the figures as an order of magnitude. \
             Everything on one machine: Tansu 0.6.0, PostgreSQL 15, the four services (dev profile, opt-level 1), the \
             load generator and the simulated couriers. Settings: `config/base.toml` + `config/development.toml` \
             (8 partitions per topic, consumer batches up to 500 records / 5 ms, fetch.wait.max.ms 5), trace export off.\n\n\
             The case mix is the demo's (seven cities, ratings 1-5, some large, fresh-food and late requests): only \
             AUTO-1 cases go through pickup and payment, so the tracking→refund and request→closed rows count fewer cases. \
             Stage times come from the timelines the services write with their own clocks.\n\n\
             Targets the platform will be held to: ≥1,000 cases/s end to end on 2 cores; p99 tracking→refund ≤100 ms at 500 cases/s. \
             Where the time goes and how far the figures are from the targets: [performance.md](performance.md).\n\n{}",
            a.rate,
            a.seconds,
            chrono::Utc::now().format("%Y-%m-%d"),
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(0),
            sections.join("\n")
        );
        std::fs::write(path, text)?;
        println!("recorded in {path}");
    }
    Ok(())
}
