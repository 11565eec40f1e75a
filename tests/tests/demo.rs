//! The README's main job keeps working: `platform demo` brings the platform up, drives cases
//! through it and prints its summary, the operator's figures and one case's trace.

use returns_harness::bin_dir;

#[test]
fn demo_runs_the_platform_end_to_end_and_prints_its_summary() {
    let out = std::process::Command::new(bin_dir().join("platform"))
        .args(["demo", "--cases", "60"])
        .output()
        .expect("the platform binary runs (cargo build --workspace --bins)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "Cases by final state:",
        "Decided by rule:",
        "sum of all postings 0 fen (balanced)",
        "Per-stage latency",
        "Operator figures (OP)",
        "across the four services:",
        "payment.pay_refund",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}
