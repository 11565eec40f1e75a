//! Issue 12 item 5: a client a stranger would generate. openapi-python-client (PyPI) turns the
//! document intake serves into a typed Python package, and `tests/clients/intake_journey.py`
//! runs one buyer journey through it: open a return on an order the platform holds, read the
//! case until AUTO-1 decided it, list the buyer's cases, read the order's units, and read a
//! case that is not there (a typed problem). What it saw must be what the platform holds.

use std::process::Command;

use returns_harness::cases::CaseSpec;
use returns_harness::python_tools::venv_bin;
use returns_harness::{Stack, StackOptions, journey, repo_root};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_generated_from_intakes_document_runs_a_buyer_journey() -> anyhow::Result<()> {
    let generator = venv_bin("openapi-python-client");
    anyhow::ensure!(
        generator.exists(),
        "{} is missing: run scripts/bootstrap.sh",
        generator.display()
    );
    let stack = Stack::start(StackOptions::for_test("generated_client")).await?;
    let url = stack.url("intake");
    let served = stack
        .client
        .get(format!("{url}/openapi.json"))
        .send()
        .await?
        .text()
        .await?;
    let dir = std::env::temp_dir().join(format!("returns-client-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("intake.json"), served)?;
    let generated = Command::new(&generator)
        .args(["generate", "--meta", "none", "--path"])
        .arg(dir.join("intake.json"))
        .arg("--output-path")
        .arg(dir.join("intake_client"))
        .output()?;
    anyhow::ensure!(
        generated.status.success(),
        "openapi-python-client failed: {}",
        String::from_utf8_lossy(&generated.stderr)
    );

    journey::load_ratings(&stack, &[("b-gen".into(), 5)]).await?;
    let body =
        journey::order_and_body(&stack, "b-gen", "ol-gen-1", &CaseSpec::fast_return()).await?;
    let ran = Command::new(venv_bin("python"))
        .arg(repo_root().join("tests/clients/intake_journey.py"))
        .arg(&url)
        .arg(stack.buyer("b-gen").token())
        .arg(body.to_string())
        .env("PYTHONPATH", &dir)
        .output()?;
    let _ = std::fs::remove_dir_all(&dir);
    anyhow::ensure!(
        ran.status.success(),
        "the journey failed: {}{}",
        String::from_utf8_lossy(&ran.stdout),
        String::from_utf8_lossy(&ran.stderr)
    );
    let saw: Value = serde_json::from_slice(&ran.stdout)?;

    // What the generated client read is what the platform holds.
    let case = saw["case_id"].as_str().unwrap_or_default();
    let held = journey::case_view(&stack, case).await?;
    let timeline: Vec<&str> = held["timeline"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["event_type"].as_str())
        .collect();
    let line = held["case"]["order_line_id"].as_str().unwrap_or_default();
    assert_ne!(saw["status"], "requested", "AUTO-1 decided at once: {saw}");
    assert!(
        saw["timeline"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|t| timeline.contains(&t.as_str().unwrap_or_default())),
        "{saw} vs {timeline:?}"
    );
    assert_eq!(saw["lines"][0][0], line, "{saw}");
    assert_eq!(saw["listed"], serde_json::json!([case]), "{saw}");
    assert_eq!(saw["units_in_cases"][line], 1, "{saw}");
    assert_eq!(saw["missing"][0], 404, "{saw}");
    assert!(
        saw["missing"][1]
            .as_str()
            .is_some_and(|t| t.ends_with("/not-found")),
        "{saw}"
    );
    stack.shutdown().await
}
