//! The end-to-end harness, in the spirit of zero-to-production's `spawn_app()`: every test
//! starts its own Tansu broker on a free port, creates fresh databases, starts the four
//! services as real processes against them, and talks to them over HTTP and Kafka.
//! The demo and the benchmark (`platform` binary) drive the same system.

pub mod api;
pub mod bench;
pub mod broker;
pub mod cases;
pub mod checkout;
pub mod cli;
pub mod courier;
pub mod databases;
pub mod demo;
pub mod driver;
pub mod finish;
pub mod hook_receiver;
pub mod journey;
pub mod kafka;
pub mod merchant_desk;
pub mod op_report;
pub mod orders;
pub mod otlp;
pub mod ports;
pub mod process;
pub mod python_tools;
pub mod report;
pub mod routes;
pub mod stack;
pub mod wait;

pub use stack::{Stack, StackOptions, Storage};
pub use wait::wait_for;

/// The four services, in start order.
pub const SERVICES: [&str; 4] = ["intake", "audit", "logistics", "payment"];

pub use checkout::repo_root;

/// Where the workspace's binaries are: next to this executable (the `platform` binary) or one
/// level up (an integration test in `deps/`).
pub fn bin_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    if dir.ends_with("deps") {
        dir.parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or(dir)
    } else {
        dir
    }
}
