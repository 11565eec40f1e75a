//! The `platform` command line.

use std::time::Duration;

use crate::{Stack, StackOptions, Storage, repo_root};

const USAGE: &str = "usage: platform up [--storage sqlite|memory] | platform down | platform report | platform token ROLE ID [--minutes M] | platform demo [--cases N] [--storage sqlite|memory] | platform bench [--rate R] [--seconds S] [--storage sqlite|memory|both] [--record FILE]";

pub async fn run(args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("up") => up(&args[1..]).await,
        Some("down") => down(),
        Some("report") => {
            let client = reqwest::Client::new();
            let token = dev_token(returns_auth::Role::Operator, crate::api::OPERATOR, 60)?;
            crate::op_report::print(
                &client,
                &token,
                "http://127.0.0.1:8081",
                "http://127.0.0.1:8083",
            )
            .await
        }
        Some("token") => {
            let (role, id) = match (args.get(1), args.get(2)) {
                (Some(r), Some(id)) => (r.as_str(), id.as_str()),
                _ => anyhow::bail!("usage: platform token ROLE ID [--minutes M]"),
            };
            let role = returns_auth::Role::parse(role).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown role {role:?}; roles: buyer, merchant, courier, cs, operator"
                )
            })?;
            let minutes = flag(args, "--minutes")
                .unwrap_or("60")
                .parse()
                .map_err(|_| anyhow::anyhow!("--minutes takes a whole number"))?;
            println!("{}", dev_token(role, id, minutes)?);
            Ok(())
        }
        Some("demo") => {
            let cases = flag(args, "--cases")
                .unwrap_or("300")
                .parse()
                .map_err(|_| anyhow::anyhow!("--cases takes a whole number"))?;
            let storage = Storage::parse(flag(args, "--storage").unwrap_or("sqlite"))?;
            crate::demo::demo(cases, storage).await
        }
        Some("bench") => {
            let num = |name: &str, default: &str| -> anyhow::Result<f64> {
                flag(args, name)
                    .unwrap_or(default)
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{name} takes a number"))
            };
            let storages = match flag(args, "--storage").unwrap_or("both") {
                "both" => vec![Storage::Sqlite, Storage::Memory],
                s => vec![Storage::parse(s)?],
            };
            crate::bench::bench(crate::bench::BenchArgs {
                rate: num("--rate", "200")?,
                seconds: num("--seconds", "20")? as u64,
                record: flag(args, "--record").map(str::to_owned),
                storages,
            })
            .await
        }
        _ => anyhow::bail!(USAGE),
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// A token signed with the key of the local settings (`config/`, `RETURNS_ENV`, overrides),
/// valid from now: what `just token ROLE ID` prints for development.
fn dev_token(role: returns_auth::Role, id: &str, minutes: i64) -> anyhow::Result<String> {
    returns_web::check_id("ID", id).map_err(|p| anyhow::anyhow!(p.detail))?;
    let dir = std::env::var("RETURNS_CONFIG_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("config"));
    let env = std::env::var("RETURNS_ENV").unwrap_or_else(|_| "development".to_owned());
    let settings = returns_settings::Settings::load_from(&dir, &env, true)?;
    let tokens = crate::api::tokens(&settings);
    Ok(tokens.mint_at(
        role,
        id,
        chrono::Utc::now(),
        chrono::Duration::minutes(minutes),
    )?)
}

fn run_dir() -> std::path::PathBuf {
    repo_root().join(".run")
}

/// The development stack on the ports of config/base.toml, left running.
async fn up(args: &[String]) -> anyhow::Result<()> {
    let storage = Storage::parse(flag(args, "--storage").unwrap_or("sqlite"))?;
    if run_dir().join("pids").exists() {
        anyhow::bail!(
            "the platform seems to be up already ({}); run `just down` first",
            run_dir().join("pids").display()
        );
    }
    let _ = std::fs::remove_dir_all(run_dir());
    let options = StackOptions {
        storage,
        run_dir: run_dir(),
        db_prefix: "returns".to_owned(),
        collect_traces: false,
        fixed_ports: Some([9092, 8081, 8082, 8083, 8084]),
        environment: "development".to_owned(),
        extra_env: Vec::new(),
        programme_merchants: crate::stack::default_merchants(),
    };
    let stack = Stack::start(options).await?;
    let urls: Vec<String> = crate::SERVICES
        .iter()
        .map(|s| format!("  {s:<10} {}", stack.url(s)))
        .collect();
    let pids = stack.detach();
    let lines: Vec<String> = pids.iter().map(|(n, p)| format!("{n} {p}")).collect();
    std::fs::write(run_dir().join("pids"), lines.join("\n"))?;
    println!(
        "platform is up (broker 127.0.0.1:9092, storage {storage:?}); logs in {}",
        run_dir().display()
    );
    println!("{}", urls.join("\n"));
    Ok(())
}

/// Stops what `up` started: services first (SIGTERM, they drain), then the broker.
fn down() -> anyhow::Result<()> {
    let pids_file = run_dir().join("pids");
    let Ok(text) = std::fs::read_to_string(&pids_file) else {
        println!("nothing to stop");
        return Ok(());
    };
    let mut entries: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(a, b)| (a.to_owned(), b.to_owned())))
        .collect();
    entries.sort_by_key(|(name, _)| name == "tansu");
    for (name, pid) in entries {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::path::Path::new(&format!("/proc/{pid}")).exists()
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        println!("stopped {name} ({pid})");
    }
    std::fs::remove_file(pids_file)?;
    Ok(())
}
