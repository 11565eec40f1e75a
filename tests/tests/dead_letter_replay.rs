//! Issue 5, point 6 (the runbook's "replay a dead-letter topic"): a record a consumer set aside
//! goes back to its source topic with `SERVICE --replay-dead-letters` once the cause is gone,
//! and is applied then; unreadable records stay; a second replay sends nothing again.

use std::time::Duration;

use returns_events::payloads::CancelRequested;
use returns_events::{Envelope, topics};
use returns_harness::cases::CaseSpec;
use returns_harness::journey::{self, PATIENCE};
use returns_harness::kafka::{self, Record};
use returns_harness::{Stack, StackOptions, wait_for};
use serde_json::Value;
use uuid::Uuid;

async fn records_where(
    stack: &Stack,
    topic: &str,
    what: &str,
    keep: impl Fn(&Record) -> bool + Copy,
) -> anyhow::Result<Vec<Record>> {
    let bootstrap = stack.broker.bootstrap();
    let partitions = stack.partitions;
    wait_for(what, PATIENCE, || {
        let b = bootstrap.clone();
        async move {
            let found: Vec<Record> = kafka::read_all(&b, topic, partitions)?
                .into_iter()
                .filter(|r| keep(r))
                .collect();
            Ok((!found.is_empty()).then_some(found))
        }
    })
    .await
}

async fn replay(stack: &Stack) -> anyhow::Result<Value> {
    let out = stack.task("audit", "--replay-dead-letters").await?;
    anyhow::ensure!(
        out.status.success(),
        "replay failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(serde_json::from_slice(&out.stdout)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(
    clippy::too_many_lines,
    reason = "one journey, each step asserted where it happens"
)]
async fn a_dead_letter_is_replayed_to_its_source_and_applied_once_its_cause_is_gone()
-> anyhow::Result<()> {
    let stack = Stack::start(StackOptions::for_test("dead_letter_replay")).await?;
    let bootstrap = stack.broker.bootstrap();
    journey::load_ratings(&stack, &[("b-dlq".into(), 2)]).await?;
    let spec = CaseSpec {
        stars: 2,
        ..CaseSpec::fast_return()
    };
    let real = journey::open_case(&stack, "b-dlq", "ol-dlq-1", &spec).await?;
    journey::wait_status(&stack, &real, "awaiting_merchant").await?;
    let opened = records_where(&stack, topics::CASES, "the real case.opened", |r| {
        r.headers.get("event_type").map(String::as_str) == Some("case.opened")
    })
    .await?
    .remove(0);
    let opened_env: Envelope = serde_json::from_slice(&opened.payload)?;

    // A withdrawal for a case audit does not know yet: set aside ("unknown to audit").
    let early = Uuid::now_v7();
    let cancel = Envelope::new(
        Uuid::now_v7(),
        early,
        &opened_env.city,
        &opened_env.shard,
        stack.now(),
        "intake",
        &CancelRequested {
            requested_at: stack.now(),
        },
    )?;
    let raw = |payload: Vec<u8>, event_type: &str| Record {
        payload,
        key: Some(early.to_string().into_bytes()),
        headers: [("event_type".to_owned(), event_type.to_owned())].into(),
        ..opened.clone()
    };
    kafka::produce(
        &bootstrap,
        &[
            raw(serde_json::to_vec(&cancel)?, "case.cancel_requested"),
            raw(b"not an envelope".to_vec(), "unknown"),
        ],
    )
    .await?;
    let early_id = early.to_string();
    let set_aside = records_where(&stack, topics::DEAD_LETTER, "audit's dead letters", |r| {
        r.headers.get("consumer").map(String::as_str) == Some("audit")
    })
    .await?;
    assert!(
        set_aside
            .iter()
            .any(|r| r.headers["dead_letter_reason"].contains("unknown to audit")),
        "{set_aside:?}"
    );

    // The cause goes away: the case's opening arrives (as if it had been delayed).
    let mut late_open = opened_env.clone();
    late_open.case_id = early;
    late_open.event_id = Uuid::now_v7();
    kafka::produce(
        &bootstrap,
        &[raw(serde_json::to_vec(&late_open)?, "case.opened")],
    )
    .await?;
    records_where(
        &stack,
        topics::DECISIONS,
        "audit decides the late case",
        |r| r.json()["case_id"] == early_id.as_str(),
    )
    .await?;
    // Both of audit's dead letters are in before the replay starts.
    wait_for("two dead letters from audit", PATIENCE, || {
        let b = bootstrap.clone();
        let partitions = stack.partitions;
        async move {
            let n = kafka::read_all(&b, topics::DEAD_LETTER, partitions)?
                .iter()
                .filter(|r| r.headers.get("consumer").map(String::as_str) == Some("audit"))
                .count();
            Ok((n >= 2).then_some(()))
        }
    })
    .await?;

    // The replay sends the withdrawal back to returns.cases.v1, same partition; audit applies
    // it now (it had forgotten the event id when it set it aside). The unreadable one stays.
    let done = replay(&stack).await?;
    assert_eq!(done["replayed"], 1, "{done}");
    assert_eq!(done["unreadable"], 1, "{done}");
    let cancelled = records_where(&stack, topics::DECISIONS, "case.cancelled", |r| {
        let v = r.json();
        v["case_id"] == early_id.as_str() && v["event_type"] == "case.cancelled"
    })
    .await?;
    assert_eq!(cancelled.len(), 1);
    let back: Vec<Record> = kafka::read_all(&bootstrap, topics::CASES, stack.partitions)?
        .into_iter()
        .filter(|r| r.payload == serde_json::to_vec(&cancel).unwrap_or_default())
        .collect();
    assert_eq!(back.len(), 2, "the original and its replay, unchanged");
    assert_eq!(back[0].partition, back[1].partition);

    // Nothing new was set aside, so a second replay sends nothing.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = replay(&stack).await?;
    assert_eq!(again["replayed"], 0, "{again}");
    stack.shutdown().await
}
