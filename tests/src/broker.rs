//! Tansu, the Kafka-protocol broker, as a child process.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::process::Proc;

/// Where Tansu keeps records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// `sqlite://FILE`: survives `kill -9`, ~0.2 ms CPU per record fetched.
    Sqlite,
    /// `memory://`: ~50x faster, lost on restart.
    Memory,
}

impl Storage {
    pub fn parse(s: &str) -> anyhow::Result<Storage> {
        match s {
            "sqlite" => Ok(Storage::Sqlite),
            "memory" => Ok(Storage::Memory),
            other => anyhow::bail!("broker storage must be sqlite or memory, not {other:?}"),
        }
    }

    /// The engine URL, relative to the broker's working directory (Tansu reads the part
    /// after `sqlite://` as a relative path).
    pub fn engine_url(self) -> String {
        match self {
            Storage::Sqlite => "sqlite://tansu.db".to_owned(),
            Storage::Memory => "memory://tansu/".to_owned(),
        }
    }
}

pub struct Broker {
    pub port: u16,
    pub proc: Proc,
}

/// The `tansu` binary: `TANSU_BIN`, else `tansu` on PATH or in ~/.cargo/bin.
pub fn tansu_bin() -> String {
    if let Ok(b) = std::env::var("TANSU_BIN") {
        return b;
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let cargo_bin = format!("{home}/.cargo/bin/tansu");
    if Path::new(&cargo_bin).exists() {
        cargo_bin
    } else {
        "tansu".to_owned()
    }
}

impl Broker {
    pub async fn start(storage: Storage, port: u16, dir: &Path) -> anyhow::Result<Broker> {
        std::fs::create_dir_all(dir)?;
        let url = format!("tcp://127.0.0.1:{port}");
        let mut cmd = Command::new(tansu_bin());
        cmd.args([
            "broker",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
        ])
        .args(["--storage-engine", &storage.engine_url()])
        .env("RUST_LOG", "warn")
        .current_dir(dir);
        let mut proc = Proc::spawn("tansu", cmd, &dir.join("broker.log"))?;
        let log = dir.join("broker.log");
        for _ in 0..400 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(Broker { port, proc });
            }
            if !proc.running() {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                anyhow::bail!("the broker exited at start-up:\n{text}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!(
            "the broker did not listen on {port} within 20 s (see {})",
            log.display()
        );
    }

    pub fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}
