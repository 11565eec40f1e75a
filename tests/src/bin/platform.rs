//! `platform`: runs the whole platform on this machine.
//!
//! * `platform up [--storage sqlite|memory]` starts broker and services in the background on
//!   the development ports and waits until all are ready; `platform down` stops them.
//! * `platform demo` runs the platform's main job: a stream of realistic cases, end to end.
//! * `platform bench` measures throughput and latency (see docs/benchmarks.md).

use returns_harness::cli;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    cli::run(&args).await
}
