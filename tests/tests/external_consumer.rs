//! Issue 5, point 5: a consumer we did not write. Python's confluent-kafka (PyPI), in a
//! consumer group of its own, reads the platform's public topics after real journeys and
//! validates every record against the published JSON Schemas (docs/events/), using
//! `examples/python-consumer/consume.py` exactly as shipped.

use std::collections::BTreeSet;
use std::path::PathBuf;

use returns_events::topics;
use returns_harness::cases::CaseSpec;
use returns_harness::{Stack, StackOptions, journey, kafka};
use serde_json::{Value, json};

const PUBLIC: [&str; 4] = [
    topics::CASES,
    topics::DECISIONS,
    topics::PICKUPS,
    topics::PAYMENTS,
];

fn python() -> PathBuf {
    returns_harness::python_tools::venv_bin("python")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(
    clippy::too_many_lines,
    reason = "one journey, each step asserted where it happens"
)]
async fn a_python_consumer_group_validates_every_record_against_the_published_schemas()
-> anyhow::Result<()> {
    let py = python();
    anyhow::ensure!(
        py.exists(),
        "{} is missing: run scripts/bootstrap.sh (it installs confluent-kafka and jsonschema)",
        py.display()
    );
    let stack = Stack::start(StackOptions::for_test("external_consumer")).await?;
    journey::load_ratings(&stack, &[("b-ext-3".into(), 3), ("b-ext-2".into(), 2)]).await?;

    // A fast return paid out (AUTO-1, PK-1..PK-4, PAY-1, PAY-2) ...
    let fast = journey::open_case(&stack, "b-ext-3", "ol-ext-1", &CaseSpec::fast_return()).await?;
    journey::courier_collects(&stack, &fast, "SF8800000001").await?;
    journey::wait_refund(&stack, &fast).await?;
    journey::wait_status(&stack, &fast, "closed").await?;
    // ... a request the merchant reviews and rejects (RV-1, RV-2) ...
    let spec = CaseSpec {
        stars: 2,
        ..CaseSpec::fast_return()
    };
    let rejected = journey::open_case(&stack, "b-ext-2", "ol-ext-2", &spec).await?;
    journey::wait_status(&stack, &rejected, "awaiting_merchant").await?;
    let (s, body) = journey::merchant_decides(
        &stack,
        &rejected,
        json!({ "decision": "reject", "reason": "Worn." }),
    )
    .await?;
    assert_eq!(s, 200, "{body}");
    journey::wait_status(&stack, &rejected, "closed").await?;
    // ... and one outside coverage that the buyer ships (AUTO-3, CT-2).
    let spec = CaseSpec {
        city: "lhasa",
        stars: 5,
        ..CaseSpec::fast_return()
    };
    let uncovered = journey::open_case(&stack, "b-ext-3", "ol-ext-3", &spec).await?;
    journey::wait_status(&stack, &uncovered, "awaiting_merchant").await?;
    journey::merchant_decides(&stack, &uncovered, json!({ "decision": "approve" })).await?;
    journey::wait_status(&stack, &uncovered, "awaiting_buyer_shipment").await?;

    // What is on the public topics now, read by the harness itself.
    let bootstrap = stack.broker.bootstrap();
    let mut expected = 0;
    for t in PUBLIC {
        expected += kafka::read_all(&bootstrap, t, stack.partitions)?.len();
    }

    let group = "team-analytics-external-test";
    let root = returns_harness::repo_root();
    let script = root.join("examples/python-consumer/consume.py");
    let schemas = root.join("docs/events");
    let out = tokio::process::Command::new(&py)
        .arg(&script)
        .args(["--bootstrap", &bootstrap, "--group", group])
        .args(["--topics", &PUBLIC.join(",")])
        .arg("--schemas")
        .arg(&schemas)
        .args(["--idle", "4", "--json"])
        .output()
        .await?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary: Value = serde_json::from_str(stdout.trim().lines().last().unwrap_or(""))
        .map_err(|e| anyhow::anyhow!("no summary ({e}): {stdout}\n{stderr}"))?;
    assert!(
        out.status.success(),
        "invalid records: {}",
        summary["invalid"]
    );
    assert_eq!(summary["invalid"], json!([]));
    assert_eq!(
        summary["records"].as_u64(),
        Some(expected as u64),
        "it read every record on the public topics: {summary}"
    );
    let types: BTreeSet<&str> = summary["by_type"]
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for t in [
        "case.opened",
        "case.approved",
        "case.awaiting_merchant",
        "case.rejected",
        "pickup.dispatched",
        "pickup.accepted",
        "pickup.collected",
        "pickup.not_offered",
        "refund.paid",
        "recovery.opened",
        "case.closed",
    ] {
        assert!(types.contains(t), "{t} not among {types:?}");
    }
    assert!(
        !types.contains("courier_job.ordered"),
        "the courier jobs (personal data) are not on a public topic"
    );

    // Its own group committed everything it read: nothing left for it.
    let lag = kafka::group_lag(&bootstrap, group, &PUBLIC, stack.partitions)?;
    assert_eq!(lag, 0, "the consumer's group has committed every offset");
    stack.shutdown().await
}
