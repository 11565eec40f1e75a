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
    // Issue 11: the demo plays the shops and the buyers too, so every case ends closed.
    let states: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Cases by final state"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .collect();
    assert!(
        !states.is_empty()
            && states
                .iter()
                .all(|l| l.trim_start().starts_with("closed (")),
        "every case closed: {states:?}\n{stdout}"
    );
    for expected in [
        "Cases by final state, and how they ended:",
        "Shops decided their review queues:",
        "Cases returning only some of a line's units (ORD-3):",
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
